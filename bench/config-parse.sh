#!/usr/bin/env bash
# How long reading the note's example nodeset takes (the goal is under 10 ms): first the
# whole `silver show --json` process, start-up included, then the parser alone, in-process.
# Prints figures only; nothing here fails on a slow machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
scratch=${SCRATCH:-.build}
file=${1:-examples/foobar.conf}
swift build -c release --scratch-path "$scratch" --product silver
silver="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/silver"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 5 --runs 100 -N "$silver show --json $file"
else
  echo "hyperfine not found; 100 runs of silver show --json:"
  time (for _ in $(seq 100); do "$silver" show --json "$file" >/dev/null 2>&1; done)
fi
"$silver" debug-parse-bench "$file" 1000
