#!/usr/bin/env bash
# Bytes and time of a one-file change, silver against the peers, on one nodeset of N app
# servers (default 1) and a balancer. Bytes are what this machine sent into the nodeset's
# bridge (/sys/class/net/BRIDGE/statistics/tx_bytes) during the deploy: file data, rsync's
# file list, SSH, and every other command the tool sends; nothing else sends to the nodes
# meanwhile. For each tool, in turn: a fresh deploy (the whole app), then RUNS rounds of a
# redeploy with nothing changed (the tool's fixed cost) and a redeploy after a one-file
# change (a new function appended to one module). "Beyond fixed" is one-file minus
# nothing-changed, medians; the target is that it stays under 2x the changed file's size per
# app server. Prints a table, writes bench/results/redeploy.txt.
#
#   bench/redeploy.sh            # N=1 RUNS=3
source "$(dirname "$0")/lib/common.sh"
N=${N:-1}
RUNS=${RUNS:-3}
TOOLS=(silver ansible pyinfra)
ensure_tools
app=$BENCH_WORK/app-redeploy
make_app "$app"
changed=benchlib/mod007.py
name=bench-rd
create_nodeset "$name" "$N"
conf=$BENCH_WORK/$name.conf
write_inventories "$conf"
bridge=$(nodeset_bridge "$conf")
[[ -n $bridge ]] || { log "cannot find the bridge of $name"; exit 1; }
: >"$BENCH_WORK/$name-silver.log"; : >"$BENCH_WORK/$name-ansible.log"; : >"$BENCH_WORK/$name-pyinfra.log"

# measure TOOL: runs one deploy; sets SECONDS_TAKEN and BYTES_SENT.
measure() {
  local before start
  before=$(bytes_to_nodes "$bridge")
  start=$(now)
  run_tool "$1" "$conf" "$app" "$N" || { log "$1 failed; see $BENCH_WORK/$name-$1.log"; tail -20 "$BENCH_WORK/$name-$1.log" >&2; exit 1; }
  SECONDS_TAKEN=$(since "$start")
  BYTES_SENT=$(($(bytes_to_nodes "$bridge") - before))
}
edit=0
one_file_change() {
  edit=$((edit + 1))
  printf '\n\ndef edited_%d(value):\n    """Added by bench/redeploy.sh: a one-file change."""\n    return value * %d\n' "$edit" "$edit" >>"$app/$changed"
}

declare -A fresh_bytes fresh_time same_bytes same_time one_bytes one_time size
for tool in "${TOOLS[@]}"; do
  log "$name: $tool: fresh deploy"
  measure "$tool"
  fresh_bytes[$tool]=$BYTES_SENT; fresh_time[$tool]=$SECONDS_TAKEN
  for round in $(seq "$RUNS"); do
    measure "$tool"
    same_bytes[$tool]+="$BYTES_SENT "; same_time[$tool]+="$SECONDS_TAKEN "
    one_file_change
    size[$tool]+="$(stat -c %s "$app/$changed") "
    measure "$tool"
    check_serving "$conf" "benchapp"
    one_bytes[$tool]+="$BYTES_SENT "; one_time[$tool]+="$SECONDS_TAKEN "
    log "$name: $tool round $round: one-file change $BYTES_SENT bytes in $SECONDS_TAKEN s"
  done
done
app_bytes=$(find "$app" -type f -not -path '*/__pycache__/*' -printf '%s\n' | awk '{ s += $1 } END { print s }')
app_files=$(find "$app" -type f -not -path '*/__pycache__/*' | wc -l)
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
medi() { tr ' ' '\n' <<<"$1" | grep . | median | awk '{ printf "%d", $1 }'; }

out=$RESULTS/redeploy.txt
{
  echo "redeploy: $(machine_line); $N app server(s) and a balancer; medians of $RUNS rounds"
  echo "app: $app_files files, $app_bytes bytes; the change: a function appended to $changed (file size median $(medi "${size[silver]}") bytes)"
  echo "bytes = sent by this machine into the nodeset's bridge during the deploy (all app servers and the balancer)"
  printf '%-8s %12s %8s %12s %8s %12s %8s %14s %10s\n' tool "fresh B" "fresh s" "unchanged B" "unch. s" "one-file B" "1-file s" "beyond fixed B" "x file/node"
  for tool in "${TOOLS[@]}"; do
    sb=$(medi "${same_bytes[$tool]}"); ob=$(medi "${one_bytes[$tool]}"); fs=$(medi "${size[$tool]}")
    beyond=$((ob - sb))
    printf '%-8s %12s %8s %12s %8s %12s %8s %14s %10s\n' "$tool" "${fresh_bytes[$tool]}" "${fresh_time[$tool]}" "$sb" \
      "$(med "${same_time[$tool]}")" "$ob" "$(med "${one_time[$tool]}")" "$beyond" \
      "$(awk -v b="$beyond" -v f="$fs" -v n="$N" 'BEGIN { printf "%.2f", b / f / n }')"
    if [[ $tool == silver ]]; then
      x=$(awk -v b="$beyond" -v f="$fs" -v n="$N" 'BEGIN { printf "%.2f", b / f / n }')
      verdict=$(awk -v x="$x" 'BEGIN { print x < 2 ? "met" : "MISSED" }')
    fi
  done
  echo "target: silver's one-file redeploy sends < 2x the file's size beyond fixed overhead, per app server: ${x}x: $verdict"
} | tee "$out"
