# What every bench script shares; sourced, not run. Builds silver (release) and the node
# agent if needed, makes a scratch directory with its own SILVER_HOME, and destroys the
# nodesets a script lists in `confs` when it exits, even after a failure.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=/opt/swift/usr/bin:$PATH
scratch=${SCRATCH:-.build}
swift build -c release --scratch-path "$scratch" --product silver >&2
silver="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/silver"
[[ -x .build-node/release/silver-node ]] || scripts/build >&2

work=$(mktemp -d "/tmp/silver-bench-$(basename "$0" .sh).XXXXXX")
export SILVER_HOME=$work/home
confs=()
bench_cleanup_extra() { :; }
bench_cleanup() {
  bench_cleanup_extra
  for conf in "${confs[@]}"; do
    "$silver" destroy-node "$conf" --yes >/dev/null || echo "bench: could not destroy $conf; run: SILVER_HOME=$SILVER_HOME $silver destroy-node $conf --yes" >&2
  done
  rm -rf "$work"
}
trap bench_cleanup EXIT
mkdir -p bench/results
# Other work on the machine slows nodes down: the figures say how busy it was.
load_before=$(cut -d' ' -f1 /proc/loadavg)

source bench/lib/timing.sh
