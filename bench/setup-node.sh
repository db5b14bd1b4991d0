#!/usr/bin/env bash
# How long `silver setup-node` takes: on a fresh nodeset of 1 node (an app server) and of 4
# (two app servers, a MariaDB node, a balancer), and run again on each with nothing to
# change (median of RUNS). Fresh times include installing packages through the nodeset's
# apt cache; the first run on a machine also downloads them into the shared cache, so run
# it twice for steady figures. Run as root after scripts/test or scripts/demo has installed what local nodes need.
# Prints a table and writes it to bench/results/setup-node.txt. Figures only.
set -euo pipefail
runs=${RUNS:-5}
source "$(dirname "$0")/lib.sh"

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
