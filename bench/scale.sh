#!/usr/bin/env bash
# How silver's time grows with the number of app servers: for each N (default 1 4 8; add
# 16 32 with NODES="1 4 8 16 32", which needs a machine with room for 33 containers),
# a fresh nodeset of N app servers and a balancer: `silver create-node`, `silver setup-node`,
# `setup-node` again (nothing to change), a first `silver update` (the whole app), then RUNS
# updates of a one-line change (median). Each update's --verbose lines are timestamped to
# show where the time goes:
#   prelude  start to "deploying": agent check on every node, deploy lock, instance lists
#   stage    to the last "running, not yet routed": upload, install, start, health check
#   first    to the first "serves": drain, switch nginx, wait until the balancer sees it up
#   rest     to the last "serves": the other app servers, switched together
#   finish   to the end: clean old instances, deploy log, lock release
# Prints a table, writes bench/results/scale.txt.
source "$(dirname "$0")/lib/common.sh"
NODES=${NODES:-1 4 8}
RUNS=${RUNS:-3}
ensure_tools
app=$BENCH_WORK/app-scale
make_app "$app"
set_version() { sed -i "s/^VERSION = .*/VERSION = \"$1\"/" "$app/app.py"; }

# timed_update CONF LOG: silver update --verbose with elapsed seconds before every line;
# prints "total prelude stage first rest finish".
timed_update() {
  local start=$(now) status=0
  "$SILVER" update "$app" "$1" --verbose 2>&1 | while IFS= read -r line; do
    printf '%s %s\n' "$(since "$start")" "$line"
  done >"$2" || status=$?
  local total=$(since "$start")
  ((status == 0)) || { log "update failed; see $2"; tail -20 "$2" >&2; return 1; }
  awk -v total="$total" '
    / deploying .* as / && !d { d = $1 }
    /is running, not yet routed/ { s = $1 }
    / serves .* \(was / { if (!f) f = $1; r = $1 }
    END { if (!r) r = f; printf "%.2f %.2f %.2f %.2f %.2f %.2f\n", total, d, s - d, f - s, r - f, total - r }' "$2"
}

rows=()
for n in $NODES; do
  name=bench-s$n
  log "$name: $n app server(s) and a balancer"
  conf=$BENCH_WORK/$name.conf
  if ! create_nodeset "$name" "$n"; then
    # With many nodes on 2 cores a node's systemd can be too slow for one step; a user runs
    # setup-node again (it only does what is left), and so does this script, once: the
    # table marks the setup time with + and counts both runs.
    log "$name: create-node or setup-node failed; running setup-node once more"
    [[ -n ${CREATE_SECONDS:-} ]] || { rows+=("$(printf '%-5s create-node failed' "$n")"); destroy_nodeset "$conf"; continue; }
    start=$(now)
    if ! "$SILVER" setup-node "$conf" >"$BENCH_WORK/$name-setup-retry.log" 2>&1; then
      rows+=("$(printf '%-5s setup-node failed twice: see %s' "$n" "$BENCH_WORK/$name-setup-retry.log")")
      destroy_nodeset "$conf"
      continue
    fi
    SETUP_SECONDS=$(awk -v a="$(since "$start")" -v b="$SETUP_FAILED_AFTER" 'BEGIN { printf "%.2f+", a + b }')
  fi
  start=$(now)
  "$SILVER" setup-node "$conf" >"$BENCH_WORK/$name-setup2.log" 2>&1
  setup_again=$(since "$start")
  set_version 1
  read -r first_total _ <<<"$(timed_update "$conf" "$BENCH_WORK/$name-update-first.log")"
  : >"$BENCH_WORK/$name-phases.txt"
  for round in $(seq "$RUNS"); do
    set_version $((round + 1))
    timed_update "$conf" "$BENCH_WORK/$name-update-$round.log" >>"$BENCH_WORK/$name-phases.txt"
    check_serving "$conf" "benchapp $((round + 1)) from"
  done
  # Median of each column.
  phases=$(for col in 1 2 3 4 5 6; do awk -v c=$col '{ print $c }' "$BENCH_WORK/$name-phases.txt" | median; printf ' '; done)
  rows+=("$(printf '%-5s %8s %8s %8s %8s %8s   %s' "$n" "$CREATE_SECONDS" "$SETUP_SECONDS" "$setup_again" "$first_total" \
    "$(awk '{ print $1 }' <<<"$phases")" "$(awk '{ printf "%8s %8s %8s %8s %8s", $2, $3, $4, $5, $6 }' <<<"$phases")")")
  log "${rows[-1]}"
  destroy_nodeset "$conf"
done

out=$RESULTS/scale.txt
{
  echo "scale: $(machine_line); N app servers and a balancer; update = median of $RUNS updates of a one-line change"
  printf '%-5s %8s %8s %8s %8s %8s   %8s %8s %8s %8s %8s\n' N create setup "setup 2" "update 1" update prelude stage first rest finish
  printf '%s\n' "${rows[@]}"
  echo "(seconds; setup 2 = setup-node again with nothing to change; update 1 = first deploy, whole app; phases of update as in the script's header; a + after setup: it failed on a node and was run again, both runs counted)"
} | tee "$out"
