# Timing helpers for the bench scripts; sourced by bench/lib.sh and bench/lib/common.sh.
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# median [DIGITS]: the median of the numbers on standard input, to DIGITS decimals (2).
median() { sort -n | awk -v d="${1:-2}" '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } printf "%." d "f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0 || a == "-" || b == "-") print "-"; else printf "%.2f", a / b }'; }
