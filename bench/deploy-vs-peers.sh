#!/usr/bin/env bash
# silver update against an Ansible playbook and a pyinfra deploy doing the same work
# (bench/peers/), on the same local nodesets of N app servers behind a balancer, N = 1 2 4 8.
# For each N: create and set up a nodeset once, deploy once with each tool (not counted: the
# first upload of the whole app), then RUNS rounds of one deploy per tool, the tools' order
# rotating from round to round, each deploy bringing a new version of app.py. Prints medians
# (min-max) and ratios, writes bench/results/deploy-vs-peers.txt and .tsv (for bench/plot.py).
#
#   bench/deploy-vs-peers.sh                 # NODES="1 2 4 8" RUNS=3
#   NODES="1 8" RUNS=5 bench/deploy-vs-peers.sh
# Run as root after scripts/build. Nodesets are destroyed at the end, also after a failure.
source "$(dirname "$0")/lib/common.sh"
NODES=${NODES:-1 2 4 8}
RUNS=${RUNS:-3}
TOOLS=(silver ansible pyinfra)
ensure_tools
app=$BENCH_WORK/app
make_app "$app"
load_before=$(cut -d' ' -f1 /proc/loadavg)

declare -A times
version=1
set_version() { sed -i "s/^VERSION = .*/VERSION = \"$1\"/" "$app/app.py"; }

for n in $NODES; do
  name=bench$n
  log "$name: creating and setting up $n app server(s) and a balancer"
  create_nodeset "$name" "$n"
  conf=$BENCH_WORK/$name.conf
  write_inventories "$conf"
  : >"$BENCH_WORK/$name-silver.log"; : >"$BENCH_WORK/$name-ansible.log"; : >"$BENCH_WORK/$name-pyinfra.log"
  for tool in "${TOOLS[@]}"; do
    version=$((version + 1)); set_version "$version"
    log "$name: first deploy with $tool (not counted)"
    run_tool "$tool" "$conf" "$app" "$n" ||
      { log "$tool failed; see $BENCH_WORK/$name-$tool.log"; tail -20 "$BENCH_WORK/$name-$tool.log" >&2; exit 1; }
    check_serving "$conf" "benchapp $version from"
  done
  for round in $(seq "$RUNS"); do
    for i in 0 1 2; do
      tool=${TOOLS[$(((round - 1 + i) % 3))]}
      version=$((version + 1)); set_version "$version"
      start=$(now)
      run_tool "$tool" "$conf" "$app" "$n" || { log "$tool failed; see $BENCH_WORK/$name-$tool.log"; tail -20 "$BENCH_WORK/$name-$tool.log" >&2; exit 1; }
      seconds=$(since "$start")
      check_serving "$conf" "benchapp $version from"
      log "$name: round $round: $tool took $seconds s"
      times[$n,$tool]+="$seconds "
    done
  done
  destroy_nodeset "$conf"
done

stats() { # "min median max" of a list of seconds
  tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f %.2f %.2f", v[1], m, v[NR] }'
}
out=$RESULTS/deploy-vs-peers.txt
tsv=$RESULTS/deploy-vs-peers.tsv
printf 'nodes\ttool\tmin\tmedian\tmax\truns\n' >"$tsv"
first_n=$(awk '{ print $1 }' <<<"$NODES")
last_n=$(awk '{ print $NF }' <<<"$NODES")
{
  echo "deploy vs peers: $(machine_line); load $load_before before; $RUNS counted runs per tool and N, interleaved"
  echo "seconds per deploy, median (min-max); ratio = peer median / silver median (how many times faster silver is)"
  printf '%-6s %-20s %-20s %-20s %10s %10s\n' "N" "silver" "ansible" "pyinfra" "ansible/s" "pyinfra/s"
  for n in $NODES; do
    declare -A med=()
    cells=()
    for tool in "${TOOLS[@]}"; do
      read -r lo md hi <<<"$(stats "${times[$n,$tool]}")"
      med[$tool]=$md
      cells+=("$md ($lo-$hi)")
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$lo" "$md" "$hi" "$RUNS" >>"$tsv"
    done
    printf '%-6s %-20s %-20s %-20s %10s %10s\n' "$n" "${cells[0]}" "${cells[1]}" "${cells[2]}" \
      "$(ratio "${med[ansible]}" "${med[silver]}")" "$(ratio "${med[pyinfra]}" "${med[silver]}")"
    eval "median_silver_$n=${med[silver]} median_ansible_$n=${med[ansible]} median_pyinfra_$n=${med[pyinfra]}"
  done
  s1=$(eval echo "\$median_silver_$first_n"); sN=$(eval echo "\$median_silver_$last_n")
  aN=$(eval echo "\$median_ansible_$last_n"); pN=$(eval echo "\$median_pyinfra_$last_n")
  r=$(ratio "$sN" "$s1"); ra=$(ratio "$aN" "$sN"); rp=$(ratio "$pN" "$sN")
  verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "met" : "MISSED" }'; }
  echo "target: silver update to $last_n within 1.3x of update to $first_n: ${r}x: $(verdict "$r" "<=" 1.3)"
  echo "target: silver >= 5x faster than Ansible at $last_n: ${ra}x: $(verdict "$ra" ">=" 5)"
  echo "target: silver >= 2x faster than pyinfra at $last_n: ${rp}x: $(verdict "$rp" ">=" 2)"
} | tee "$out"
