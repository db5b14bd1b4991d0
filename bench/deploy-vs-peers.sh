#!/usr/bin/env bash
# silver update against the bare bash limit (bench/peers/bare: the same steps on silver's own
# node layout, nothing extra), an Ansible playbook and a pyinfra deploy doing the same work
# (bench/peers/), on the same local nodesets of N app servers behind a balancer, N = 1 2 4 8.
# For each N: create and set up a nodeset once, deploy once with each tool (not counted: the
# first upload of the whole app, and the warm-up of each tool's SSH connections), then RUNS
# rounds of one deploy per tool, the tools' order changing from round to round, each deploy
# bringing a new version of app.py and checked through the balancer. Prints medians
# (min-max), silver / bare and the peers / silver, writes bench/results/deploy-vs-peers.txt
# and .tsv (for bench/plot.py).
#
#   bench/deploy-vs-peers.sh                 # NODES="1 2 4 8" RUNS=4 (one full Latin square)
#   NODES="1 8" RUNS=5 bench/deploy-vs-peers.sh
# Run as root after scripts/build. Nodesets are destroyed at the end, also after a failure.
source "$(dirname "$0")/lib/common.sh"
NODES=${NODES:-1 2 4 8}
RUNS=${RUNS:-4}
TOOLS=(silver bare ansible pyinfra)
# The order of each round: a balanced Latin square, so over 4 rounds each tool runs once in
# each position and follows each other tool once. (A plain rotation keeps the cycle: silver
# would always follow pyinfra.) That also checks that silver's next update works after the
# bare script and after each peer, and the bare script after each of the others.
ORDERS=("silver bare pyinfra ansible" "bare ansible silver pyinfra" "ansible pyinfra bare silver" "pyinfra silver ansible bare")
ensure_tools
app=$BENCH_WORK/app
make_app "$app"
load_before=$(cut -d' ' -f1 /proc/loadavg)

declare -A times load_at
version=1
set_version() { sed -i "s/^VERSION = .*/VERSION = \"$1\"/" "$app/app.py"; }

for n in $NODES; do
  name=bench$n
  log "$name: creating and setting up $n app server(s) and a balancer"
  create_nodeset "$name" "$n"
  conf=$BENCH_WORK/$name.conf
  write_inventories "$conf"
  for tool in "${TOOLS[@]}"; do : >"$BENCH_WORK/$name-$tool.log"; done
  for tool in "${TOOLS[@]}"; do
    version=$((version + 1)); set_version "$version"
    log "$name: first deploy with $tool (not counted)"
    run_tool "$tool" "$conf" "$app" "$n" ||
      { log "$tool failed; see $BENCH_WORK/$name-$tool.log"; tail -20 "$BENCH_WORK/$name-$tool.log" >&2; exit 1; }
    check_serving "$conf" "benchapp $version from"
  done
  for round in $(seq "$RUNS"); do
    for tool in ${ORDERS[$(((round - 1) % 4))]}; do
      version=$((version + 1)); set_version "$version"
      start=$(now)
      run_tool "$tool" "$conf" "$app" "$n" || { log "$tool failed; see $BENCH_WORK/$name-$tool.log"; tail -20 "$BENCH_WORK/$name-$tool.log" >&2; exit 1; }
      seconds=$(since "$start")
      check_serving "$conf" "benchapp $version from"
      log "$name: round $round: $tool took $seconds s"
      times[$n,$tool]+="$seconds "
    done
  done
  load_at[$n]=$(cut -d' ' -f1 /proc/loadavg)
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
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "met" : "MISSED" }'; }
declare -A med
{
  echo "deploy vs peers: $(machine_line); load $load_before before; $RUNS counted runs per tool and N, interleaved"
  echo "seconds per deploy, median (min-max); silver/bare = silver median / bare median (1.00 = as fast as the limit); peer/s = peer median / silver median (how many times faster silver is); load = 1-min load average when that N ended"
  printf '%-4s %-19s %-19s %-20s %-19s %11s %9s %9s %6s\n' "N" "silver" "bare" "ansible" "pyinfra" "silver/bare" "ansible/s" "pyinfra/s" "load"
  for n in $NODES; do
    cells=()
    for tool in "${TOOLS[@]}"; do
      read -r lo md hi <<<"$(stats "${times[$n,$tool]}")"
      med[$n,$tool]=$md
      cells+=("$md ($lo-$hi)")
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$lo" "$md" "$hi" "$RUNS" >>"$tsv"
    done
    printf '%-4s %-19s %-19s %-20s %-19s %11s %9s %9s %6s\n' "$n" "${cells[0]}" "${cells[1]}" "${cells[2]}" "${cells[3]}" \
      "$(ratio "${med[$n,silver]}" "${med[$n,bare]}")" "$(ratio "${med[$n,ansible]}" "${med[$n,silver]}")" \
      "$(ratio "${med[$n,pyinfra]}" "${med[$n,silver]}")" "${load_at[$n]}"
  done
  for n in $NODES; do
    rb=$(ratio "${med[$n,silver]}" "${med[$n,bare]}")
    echo "target: silver <= 1.05x the bare script at $n: ${rb}x: $(verdict "$rb" "<=" 1.05)"
  done
  r=$(ratio "${med[$last_n,silver]}" "${med[$first_n,silver]}")
  ra=$(ratio "${med[$last_n,ansible]}" "${med[$last_n,silver]}")
  rp=$(ratio "${med[$last_n,pyinfra]}" "${med[$last_n,silver]}")
  echo "target: silver update to $last_n within 1.3x of update to $first_n: ${r}x: $(verdict "$r" "<=" 1.3)"
  echo "target: silver >= 5x faster than Ansible at $last_n: ${ra}x: $(verdict "$ra" ">=" 5)"
  echo "target: silver >= 2x faster than pyinfra at $last_n: ${rp}x: $(verdict "$rp" ">=" 2)"
} | tee "$out"
