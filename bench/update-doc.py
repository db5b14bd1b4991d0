#!/usr/bin/env python3
"""Copies the latest figures from bench/results/*.txt into BENCHMARKS.md, between the lines
`<!-- results: NAME.txt -->` and `<!-- end results -->`, so the document quotes exactly what
the scripts printed. Run it after the bench scripts: /usr/bin/python3 bench/update-doc.py
"""
import os
import re

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DOC = os.path.join(ROOT, "BENCHMARKS.md")
PATTERN = re.compile(r"(<!-- results: (\S+) -->\n)(.*?)(<!-- end results -->)", re.S)


def block(match):
    path = os.path.join(ROOT, "bench", "results", match.group(2))
    try:
        text = open(path).read().rstrip("\n")
    except FileNotFoundError:
        text = "(no results yet: run the script)"
    return match.group(1) + "```\n" + text + "\n```\n" + match.group(4)


def main():
    doc = open(DOC).read()
    new = PATTERN.sub(block, doc)
    open(DOC, "w").write(new)
    print("BENCHMARKS.md: %d result blocks" % len(PATTERN.findall(doc)))


if __name__ == "__main__":
    main()
