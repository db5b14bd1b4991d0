#!/usr/bin/env bash
# Requests through the balancer at fixed concurrency (wrk, CONCURRENCY connections over 2
# threads, GET / which the app itself answers) while silver deploys: during a `silver
# update`, during a rollback (`silver activate NODESET benchapp prev`), and for reference with
# nothing happening, during the bare script's deploy and each peer's, and during a second
# silver update that takes over from them. wrk starts 2 s before the command and
# stops 2 s after it. Failed = wrk's socket errors (connect, read, write, timeout); non-2xx =
# wrk's "Non-2xx or 3xx responses" (statuses >= 400 and 3xx). Nodeset: N app servers (default
# 4) and a balancer. Beside wrk's count, what the balancer hid from it: HAProxy's counters
# for the app servers' backend (`show stat` on the admin socket, read on the balancer just
# before wrk starts and just after it stops): retries (wretr), redispatches (wredis), 5xx
# responses from the backend (hrsp_5xx), connection errors (econ) and response errors
# (eresp). A request HAProxy retried on another app server succeeds for the client but
# shows here. Prints a table, writes bench/results/zero-downtime.txt (zero-downtime-nN.txt
# for another N).
#
#   bench/zero-downtime.sh            # N=4 CONCURRENCY=16
#   N=1 bench/zero-downtime.sh        # one app server: bench/results/zero-downtime-n1.txt
source "$(dirname "$0")/lib/common.sh"
N=${N:-4}
CONCURRENCY=${CONCURRENCY:-16}
ensure_tools
app=$BENCH_WORK/app-zd
make_app "$app"
name=bench-zd
create_nodeset "$name" "$N"
conf=$BENCH_WORK/$name.conf
write_inventories "$conf"
balancer=$(node_addresses "$conf" balancer | head -1)
: >"$BENCH_WORK/$name-silver.log"; : >"$BENCH_WORK/$name-bare.log"; : >"$BENCH_WORK/$name-ansible.log"; : >"$BENCH_WORK/$name-pyinfra.log"
version=1
set_version() { sed -i "s/^VERSION = .*/VERSION = \"$1\"/" "$app/app.py"; }
run_silver "$conf" "$app" || { tail -20 "$BENCH_WORK/$name-silver.log" >&2; exit 1; }
# Once more, so that there is a previous instance to roll back to.
version=2; set_version 2
run_silver "$conf" "$app" || { tail -20 "$BENCH_WORK/$name-silver.log" >&2; exit 1; }

WRK_PID=
stop_wrk() { [[ -n $WRK_PID ]] && kill -INT "$WRK_PID" 2>/dev/null; wait "$WRK_PID" 2>/dev/null || true; WRK_PID=; }
trap 'stop_wrk; cleanup_nodesets' EXIT

# HAProxy's counters for the apps' backends: "wretr wredis hrsp_5xx econ eresp".
haproxy_counters() {
  haproxy_stat "$conf" |
    /usr/bin/python3 -c '
import csv, sys
lines = sys.stdin.read().splitlines()
header = lines[0].lstrip("# ").split(",")
keys = ("wretr", "wredis", "hrsp_5xx", "econ", "eresp")
sums = [0] * len(keys)
found = False
# The apps'"'"' backends: appservers at a155dda, app_APP since the per-app backends.
for row in csv.reader(lines[1:]):
    if row and (row[0] == "appservers" or row[0].startswith("app_")) and row[1] == "BACKEND":
        r = dict(zip(header, row))
        sums = [s + int(r[k] or 0) for s, k in zip(sums, keys)]
        found = True
if not found:
    sys.exit("no app backend in show stat")
print(" ".join(map(str, sums)))'
}

# Prefixes each line with the seconds since the command started, to see where time goes.
stamp() { local start=$(now) line; while IFS= read -r line; do printf '%6s %s\n' "$(since "$start")" "$line"; done; }

# under_load LABEL COMMAND...: wrk around the command; appends a row to $rows.
rows=()
under_load() {
  local label=$1 out=$BENCH_WORK/$name-wrk-$1.txt start status=0 took before after
  shift
  before=$(haproxy_counters)
  wrk -t2 -c"$CONCURRENCY" -d600s --latency --timeout 10s -H "Host: www.$name.test" "http://$balancer/" >"$out" 2>&1 &
  WRK_PID=$!
  sleep 2
  start=$(now)
  echo "== $label: $*" >>"$BENCH_WORK/$name-commands.log"
  "$@" 2>&1 | stamp >>"$BENCH_WORK/$name-commands.log" || status=$?
  took=$(since "$start")
  sleep 2
  stop_wrk
  after=$(haproxy_counters)
  ((status == 0)) || { log "$label: the command failed ($status); see $BENCH_WORK/$name-commands.log"; exit 1; }
  rows+=("$(/usr/bin/python3 - "$out" "$label" "$took" "$before" "$after" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s|m)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
total = int(re.search(r"(\d+) requests in", text).group(1))
errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
failed = sum(map(int, errors.groups())) if errors else 0
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
non2xx = int(non2xx.group(1)) if non2xx else 0
p = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
hidden = [int(b) - int(a) for a, b in zip(sys.argv[4].split(), sys.argv[5].split())]
print("%-22s %8s %8d %7d %8d %9.2f %9.2f   %6d %6d %6d %6d %6d" % (
    (sys.argv[2], sys.argv[3], total, failed, non2xx, ms(p["50"]), ms(p["99"])) + tuple(hidden)))
PY
)")
  log "$label: ${rows[-1]}"
}

under_load idle sleep 8
version=3; set_version 3
under_load "silver update" "$SILVER" update "$app" "$conf" --verbose ${SILVER_UPDATE_ARGS:-}
check_serving "$conf" "benchapp 3 from"
under_load "silver activate prev" "$SILVER" activate "$conf" benchapp prev --verbose
check_serving "$conf" "benchapp 2 from"
version=4; set_version 4
under_load "bare deploy" run_bare "$conf" "$app"
check_serving "$conf" "benchapp 4 from"
version=5; set_version 5
under_load "ansible deploy" run_ansible "$conf" "$app" "$N"
check_serving "$conf" "benchapp 5 from"
version=6; set_version 6
under_load "pyinfra deploy" run_pyinfra "$conf" "$app"
check_serving "$conf" "benchapp 6 from"
# silver again after the others: its next update must take over from whatever they left.
version=7; set_version 7
under_load "silver update again" "$SILVER" update "$app" "$conf" --verbose ${SILVER_UPDATE_ARGS:-}
check_serving "$conf" "benchapp 7 from"

# The default nodeset's figures go to zero-downtime.txt; other sizes beside it.
out=$RESULTS/zero-downtime.txt
[[ $N == 4 ]] || out=$RESULTS/zero-downtime-n$N.txt
{
  echo "zero downtime: $(machine_line); $N app server(s) and a balancer; wrk -t2 -c$CONCURRENCY GET / through the balancer, from 2 s before to 2 s after each command"
  echo "client side (wrk): total, failed (socket errors), non-2xx; balancer side (HAProxy, backend appservers, during the same window): retries, redisp(atches), 5xx from the backend, econ (connection errors), eresp (response errors)"
  printf '%-22s %8s %8s %7s %8s %9s %9s   %6s %6s %6s %6s %6s\n' "during" "cmd s" "total" "failed" "non-2xx" "p50 ms" "p99 ms" \
    retries redisp 5xx econ eresp
  printf '%s\n' "${rows[@]}"
  bad=$(printf '%s\n' "${rows[@]}" | awk '/^silver/ { s += $(NF-8) + $(NF-7) } END { print s + 0 }')
  seen=$(printf '%s\n' "${rows[@]}" | awk '/^silver/ { for (i = 0; i < 5; i++) s[i] += $(NF - 4 + i) }
    END { printf "retries %d, redispatches %d (hidden from the client), 5xx %d, econ %d, eresp %d", s[0], s[1], s[2], s[3], s[4] }')
  echo "target: 0 failed (or non-2xx) requests during silver update and rollback: $bad: $( ((bad == 0)) && echo met || echo MISSED)"
  echo "HAProxy during silver's rows: $seen"
} | tee "$out"
