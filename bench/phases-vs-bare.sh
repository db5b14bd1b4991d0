#!/usr/bin/env bash
# Where silver update's time goes against the bare limit (bench/peers/bare), phase by phase:
# for each N (default 1 4), a nodeset of N app servers and a balancer, one uncounted deploy
# each, then RUNS rounds (default 5) of `silver update --verbose` and the bare script, one
# after the other, each line timestamped from the outside. The phases are bench/scale.sh's,
# read from the same words in both outputs:
#   prelude  start to "deploying": silver: agent check, lock, instance lists; bare: one
#            call per app server (lists, and the lock on the first)
#   stage    to the last "running, not yet routed": upload, install, start, health check
#   first    to the first "serves": drain, switch nginx, ready on the balancer
#   rest     to the last "serves": the other app servers, switched together
#   finish   to the end: clean, deploy log, lock
# Prints the medians and silver - bare per phase, writes bench/results/phases-vs-bare.txt.
#
#   bench/phases-vs-bare.sh            # NODES="1 4" RUNS=5
source "$(dirname "$0")/lib/common.sh"
NODES=${NODES:-1 4}
RUNS=${RUNS:-5}
ensure_tools
load_before=$(cut -d' ' -f1 /proc/loadavg)
app=$BENCH_WORK/app-phases
make_app "$app"
version=1
set_version() { sed -i "s/^VERSION = .*/VERSION = \"$1\"/" "$app/app.py"; }

# timed LOG COMMAND...: the command's output with elapsed seconds before every line; prints
# "total prelude stage first rest finish".
timed() {
  local log=$1 start status=0 total
  shift
  start=$(now)
  "$@" 2>&1 | while IFS= read -r line; do printf '%s %s\n' "$(since "$start")" "$line"; done >"$log" || status=$?
  total=$(since "$start")
  ((status == 0)) || { log "failed; see $log"; tail -20 "$log" >&2; return 1; }
  awk -v total="$total" '
    / deploying .* as / && !d { d = $1 }
    /is running, not yet routed/ { s = $1 }
    / serves .* \(was / { if (!f) f = $1; r = $1 }
    END { if (!r) r = f; printf "%.2f %.2f %.2f %.2f %.2f %.2f\n", total, d, s - d, f - s, r - f, total - r }' "$log"
}

rows=()
for n in $NODES; do
  name=bench-ph$n
  log "$name: $n app server(s) and a balancer"
  create_nodeset "$name" "$n"
  conf=$BENCH_WORK/$name.conf
  write_inventories "$conf"
  : >"$BENCH_WORK/$name-silver.log"; : >"$BENCH_WORK/$name-bare.log"
  version=$((version + 1)); set_version "$version"
  run_silver "$conf" "$app"
  version=$((version + 1)); set_version "$version"
  run_bare "$conf" "$app"
  : >"$BENCH_WORK/$name-phases-silver.txt"; : >"$BENCH_WORK/$name-phases-bare.txt"
  for round in $(seq "$RUNS"); do
    for tool in silver bare; do
      version=$((version + 1)); set_version "$version"
      if [[ $tool == silver ]]; then
        timed "$BENCH_WORK/$name-$tool-$round.log" "$SILVER" update "$app" "$conf" --verbose ${SILVER_UPDATE_ARGS:-} >>"$BENCH_WORK/$name-phases-$tool.txt"
      else
        timed "$BENCH_WORK/$name-$tool-$round.log" "$BENCH_ROOT/bench/peers/bare/deploy.sh" "$BENCH_WORK/$name-inventory.sh" "$app" \
          >>"$BENCH_WORK/$name-phases-$tool.txt"
      fi
      check_serving "$conf" "benchapp $version from"
    done
  done
  declare -A med=()
  for tool in silver bare; do
    cells=()
    for col in 1 2 3 4 5 6; do
      med[$tool,$col]=$(awk -v c=$col '{ print $c }' "$BENCH_WORK/$name-phases-$tool.txt" | median)
      cells+=("${med[$tool,$col]}")
    done
    rows+=("$(printf '%-3s %-8s %7s %8s %7s %7s %7s %7s' "$n" "$tool" "${cells[@]}")")
  done
  cells=()
  for col in 1 2 3 4 5 6; do cells+=("$(awk -v a="${med[silver,$col]}" -v b="${med[bare,$col]}" 'BEGIN { printf "%+.2f", a - b }')"); done
  rows+=("$(printf '%-3s %-8s %7s %8s %7s %7s %7s %7s   silver/bare %s, load %s' "$n" "s - b" "${cells[@]}" \
    "$(ratio "${med[silver,1]}" "${med[bare,1]}")" "$(cut -d' ' -f1 /proc/loadavg)")")
  destroy_nodeset "$conf"
done

out=$RESULTS/phases-vs-bare.txt
{
  echo "phases vs bare: $(machine_line); load $load_before before; N app servers and a balancer; medians of $RUNS alternating runs each"
  printf '%-3s %-8s %7s %8s %7s %7s %7s %7s\n' N tool total prelude stage first rest finish
  printf '%s\n' "${rows[@]}"
  echo "(seconds, as bench/scale.sh's phases; s - b = silver's median minus the bare script's)"
} | tee "$out"
