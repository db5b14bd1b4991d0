#!/usr/bin/env bash
# How long local nodes take: creating 1, 4 and 8 of them with `silver create-node` (a fresh
# nodeset each, destroyed after), and running one command (`true`) on all 8 at once over
# SSH, through a warm ControlMaster connection per node and with a new connection each time.
# Run as root after scripts/test has installed what local nodes need; builds silver
# (release) if needed. Prints a table and writes it to bench/results/nodes.txt. Figures
# only: nothing here fails on a slow machine.
set -euo pipefail
runs=${RUNS:-10}
source "$(dirname "$0")/lib.sh"
masters=()
bench_cleanup_extra() {
  for address in "${masters[@]}"; do ssh "${common[@]}" "${warm[@]}" -O exit "$address" 2>/dev/null || true; done
}

# A nodeset of N local nodes: app servers, plus a balancer when there are several.
write_nodeset() {
  local n=$1 name="bench$1-$$" conf
  conf="$work/$name.conf"
  {
    printf '[general]\nname = %s\nbase_domain = %s.test\n\n[appserver]\n' "$name" "$name"
    if ((n == 1)); then printf 'nodes = 1\n'; else printf 'nodes = %d\n\n[balancer]\n' $((n - 1)); fi
  } >"$conf"
  echo "$conf"
}

declare -A create_seconds destroy_seconds
for n in 1 4 8; do
  conf=$(write_nodeset "$n")
  confs+=("$conf")
  echo "bench: creating $n node(s)" >&2
  start=$(now)
  "$silver" create-node "$conf" >"$work/create-$n.log"
  create_seconds[$n]=$(since "$start")
  if ((n < 8)); then
    start=$(now)
    "$silver" destroy-node "$conf" --yes >/dev/null
    destroy_seconds[$n]=$(since "$start")
    unset 'confs[-1]'
  fi
done

# One command on all 8 nodes at once, with the options silver's SSH.options gives ssh.
name=$(basename "$conf" .conf)
keys="$SILVER_HOME/nodesets/$name"
mapfile -t addresses < <("$silver" list-nodes "$conf" --json |
  python3 -c 'import json, sys; print("\n".join(row["address"] for row in json.load(sys.stdin)))')
common=(
  -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$keys/known_hosts"
  -o GlobalKnownHostsFile=/dev/null -o CheckHostIP=no -o IdentitiesOnly=yes -o ConnectTimeout=10
  -o ServerAliveInterval=2 -o ServerAliveCountMax=3 -o LogLevel=ERROR -i "$keys/id_ed25519" -l root
)
warm=(-o ControlMaster=auto -o "ControlPath=$work/cm-%C" -o ControlPersist=120)
cold=(-o ControlMaster=no -o ControlPath=none)

fan_out() {
  local start pids=() pid
  start=$(now)
  for address in "${addresses[@]}"; do ssh "${common[@]}" "$@" "$address" true & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid"; done
  since "$start"
}

echo "bench: running true on ${#addresses[@]} nodes, $runs times each way" >&2
fan_out "${warm[@]}" >/dev/null
masters=("${addresses[@]}")
warm_seconds=$(for _ in $(seq "$runs"); do fan_out "${warm[@]}"; echo; done | median 3)
cold_seconds=$(for _ in $(seq "$runs"); do fan_out "${cold[@]}"; echo; done | median 3)

for address in "${masters[@]}"; do ssh "${common[@]}" "${warm[@]}" -O exit "$address" 2>/dev/null || true; done
masters=()
start=$(now)
"$silver" destroy-node "$conf" --yes >/dev/null
destroy_seconds[8]=$(since "$start")
confs=()

{
  echo "local nodes: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $load_before before and $(cut -d' ' -f1 /proc/loadavg) after, silver $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  printf '%-44s %8s\n' "what" "seconds"
  for n in 1 4 8; do
    printf '%-44s %8s\n' "create $n node(s) (silver create-node)" "${create_seconds[$n]}"
    printf '%-44s %8s\n' "destroy $n node(s) (silver destroy-node)" "${destroy_seconds[$n]}"
  done
  printf '%-44s %8s\n' "\`true\` on 8 nodes, ControlMaster warm" "$warm_seconds"
  printf '%-44s %8s\n' "\`true\` on 8 nodes, no ControlMaster" "$cold_seconds"
  echo "(fan-out figures: median of $runs runs, 8 ssh processes in parallel)"
} | tee bench/results/nodes.txt
