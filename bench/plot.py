#!/usr/bin/env python3
"""Plots deploy time against the number of app servers for silver, the bare bash limit,
Ansible and pyinfra, from
bench/results/deploy-vs-peers.tsv (written by bench/deploy-vs-peers.sh): the median of each
tool's runs, with a bar from the fastest to the slowest. Writes
bench/results/time-vs-nodes.png. Needs matplotlib: run it with the venv's python, e.g.

    /opt/bench-peers/bin/python bench/plot.py
"""
import csv
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")


def main():
    rows = list(csv.DictReader(open(os.path.join(RESULTS, "deploy-vs-peers.tsv")), delimiter="\t"))
    with open(os.path.join(RESULTS, "deploy-vs-peers.txt")) as f:
        # Date, machine, load average (a busy machine's figures must say so) and silver's commit.
        subtitle = f.readline().split(";")[0].replace("deploy vs peers: ", "").replace("Debian GNU/Linux 12 (bookworm), ", "")
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    for tool, color in (("silver", "tab:blue"), ("bare", "tab:gray"), ("ansible", "tab:red"), ("pyinfra", "tab:green")):
        points = sorted((int(r["nodes"]), float(r["min"]), float(r["median"]), float(r["max"])) for r in rows if r["tool"] == tool)
        if not points:
            continue
        n = [p[0] for p in points]
        med = [p[2] for p in points]
        err = [[p[2] - p[1] for p in points], [p[3] - p[2] for p in points]]
        ax.errorbar(n, med, yerr=err, marker="o", capsize=4, color=color, label="bare bash (limit)" if tool == "bare" else tool,
                    linestyle="--" if tool == "bare" else "-")
    ax.set_xscale("log", base=2)
    nodes = sorted({int(r["nodes"]) for r in rows})
    ax.set_xticks(nodes)
    ax.set_xticklabels([str(v) for v in nodes])
    ax.set_ylim(bottom=0)
    ax.set_xlabel("app servers (plus one balancer)")
    ax.set_ylabel("seconds per deploy (median, min-max)")
    ax.set_title("Deploying the bench app: silver update vs the bare limit, Ansible, pyinfra\n" + subtitle, fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path = os.path.join(RESULTS, "time-vs-nodes.png")
    fig.savefig(path)
    print(path)


if __name__ == "__main__":
    main()
