#!/usr/bin/env bash
# How long `silver setup-node` takes: on a fresh nodeset of 1 node (an app server) and of 4
# (two app servers, a MariaDB node, a balancer), and run again on each with nothing to
# change (median of RUNS). Fresh times include installing packages through the nodeset's
# apt cache; the first run on a machine also downloads them (the table says which run it
# was). Run as root after scripts/test or scripts/demo has installed what local nodes need.
# Prints a table and writes it to bench/results/setup-node.txt. Figures only.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
scratch=${SCRATCH:-.build}
runs=${RUNS:-5}
swift build -c release --scratch-path "$scratch" --product silver >&2
silver="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/silver"
[[ -x .build-node/release/silver-node ]] || scripts/build >&2

work=$(mktemp -d /tmp/silver-bench-setup.XXXXXX)
export SILVER_HOME=$work/home
confs=()
cleanup() {
  for conf in "${confs[@]}"; do
    "$silver" destroy-node "$conf" --yes >/dev/null || echo "bench: could not destroy $conf; run: SILVER_HOME=$SILVER_HOME $silver destroy-node $conf --yes" >&2
  done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p bench/results
load_before=$(cut -d' ' -f1 /proc/loadavg)

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

write_nodeset() {
  local n=$1 name="bsetup$1-$$" conf
  conf="$work/$name.conf"
  {
    printf '[general]\nname = %s\nbase_domain = %s.test\nset_etc_hosts = false\n\n' "$name" "$name"
    printf '[appserver]\nlocations = http://www.%s.test/ hello\n' "$name"
    if ((n == 1)); then printf 'nodes = 1\n'; else printf 'nodes = %d\n\n[service:mysql]\n\n[balancer]\nhostnames = www.%s.test\n' $((n - 2)) "$name"; fi
  } >"$conf"
  echo "$conf"
}

declare -A fresh rerun changed
for n in 1 4; do
  conf=$(write_nodeset "$n")
  confs+=("$conf")
  echo "bench: $n node(s): create-node, then setup-node fresh and $runs more times" >&2
  "$silver" create-node "$conf" >/dev/null
  start=$(now)
  "$silver" setup-node "$conf" >"$work/setup-$n.log"
  fresh[$n]=$(since "$start")
  times=()
  for ((i = 0; i < runs; i++)); do
    start=$(now)
    "$silver" setup-node "$conf" >"$work/rerun-$n.log"
    times+=("$(since "$start")")
  done
  rerun[$n]=$(printf '%s\n' "${times[@]}" | median)
  changed[$n]=$(tail -1 "$work/rerun-$n.log")
done

{
  echo "setup-node, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average before: $load_before"
  printf '%-8s %12s %14s  %s\n' nodes "fresh (s)" "re-run (s)" "re-run says"
  for n in 1 4; do printf '%-8s %12s %14s  %s\n' "$n" "${fresh[$n]}" "${rerun[$n]}" "${changed[$n]}"; done
} | tee bench/results/setup-node.txt
