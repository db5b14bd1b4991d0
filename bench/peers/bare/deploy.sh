#!/usr/bin/env bash
# The limit: a plain bash script doing the steps `silver update` does, on silver's own node
# layout, with nothing extra and the fewest round trips (one SSH call per node per phase):
#
#   prelude  every app server at once: its instance list; the first also takes the lock
#   stage    every app server at once: rsync --link-dest against the active instance into
#            /var/www/APP.DATE_NNN, then one call that writes the instance's environment and
#            record as the agent does, starts silver-instance@INSTANCE on a fresh port and waits
#            for its health check (not routed yet)
#   first    the first app server alone: drain it on HAProxy (admin socket, on the
#            balancer), switch nginx's route and reload, wait until nginx serves the new
#            instance and the old one is idle, stop the old one, back to ready on HAProxy
#            and wait until HAProxy sees it up
#   rest     the other app servers the same way, all at once
#   finish   every node at once: clean old instances (keep 5), the deploy log, the lock
#
# The node side is bench/peers/bare/node.sh, sent with each call. SSH is silver's: its key,
# its pinned known_hosts, its options and its ControlMaster socket, so the two ride the same
# warm connections. Usage (bench/lib/common.sh writes the inventory):
#
#   bench/peers/bare/deploy.sh NAME-inventory.sh APP_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
inventory=$1
app_dir=${2%/}
source "$inventory"
keep=${BARE_KEEP:-5}

start_us=${EPOCHREALTIME/./}
say() { local us=$((${EPOCHREALTIME/./} - start_us)); printf 'bare: %d.%03d %s\n' $((us / 1000000)) $((us / 1000 % 1000)) "$*"; }

# app.ini's [production] keys this needs (the bench app's: app_name, runner, health_check).
app='' runner='' health=/ static=static
section=''
while IFS= read -r line || [[ -n $line ]]; do
  line=${line%%[#;]*}
  [[ $line =~ ^\[(.*)\] ]] && { section=${BASH_REMATCH[1]}; continue; }
  [[ $section == production && $line =~ ^[[:space:]]*([A-Za-z_.]+)[[:space:]]*=[[:space:]]*(.*[^[:space:]]) ]] || continue
  case ${BASH_REMATCH[1]} in
    app_name) app=${BASH_REMATCH[2]} ;;
    runner) runner=${BASH_REMATCH[2]} ;;
    health_check) health=${BASH_REMATCH[2]} ;;
  esac
done <"$app_dir/app.ini"
[[ -n $app && -n $runner ]] || { echo "bare: $app_dir/app.ini needs app_name and runner" >&2; exit 2; }

# silver's SSH options (Sources/SilverLining/Remote/SSH.swift) and its ControlPath: the
# first 4 bytes of SHA-256 of "KNOWN_HOSTS\nKEY" before OpenSSH's %C, under /run/silverlining/ssh.
owner=$(printf '%s\n%s' "$BARE_KNOWN_HOSTS" "$BARE_KEY" | sha256sum)
control_dir=/run/silverlining/ssh
mkdir -p -m 700 "$control_dir"
ssh_opts=(
  -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$BARE_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null
  -o CheckHostIP=no -o IdentitiesOnly=yes -o ControlMaster=auto -o "ControlPath=$control_dir/${owner:0:8}-%C" -o ControlPersist=120
  -o ConnectTimeout=10 -o ServerAliveInterval=2 -o ServerAliveCountMax=3 -o LogLevel=ERROR -i "$BARE_KEY" -l root
)
rsh="ssh ${ssh_opts[*]@Q}"
node_lib=$(<"$here/node.sh")

# on ADDRESS FUNCTION ARGS...: one call of a node.sh function on a node.
on() {
  local address=$1 call
  shift
  printf -v call '%q ' "$@"
  # BARE_TRACE=DIR: every node call traced with timestamps, kept in DIR.
  [[ -z ${BARE_TRACE:-} ]] || call="PS4='+ \$EPOCHREALTIME '; set -x; $call"
  ssh "${ssh_opts[@]}" "$address" -- bash -s <<<"$node_lib
$call"
}

names=() addresses=()
for entry in "${BARE_APPSERVERS[@]}"; do names+=("${entry%%=*}"); addresses+=("${entry#*=}"); done
balancer=${BARE_BALANCER#*=}
count=${#addresses[@]}
((count > 0)) || { echo "bare: no app servers in $inventory" >&2; exit 2; }
out=$(mktemp -d /tmp/bare-deploy.XXXXXX)

# pids: wait for each job, and list the indexes that failed in `failed`.
wait_all() {
  local i
  failed=()
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("$i"); done
}
report() { local i; for i in "$@"; do echo "bare: ${names[$i]}: $(tail -5 "$out/$i.err" 2>/dev/null)" >&2; done; }

# The lock, as silver's LockHolder; released on any exit once taken.
read -r token </proc/sys/kernel/random/uuid
now=${EPOCHREALTIME}
lock="{\"doing\":\"update $app\",\"machine\":\"$HOSTNAME\",\"pid\":$$,\"since\":$now,\"token\":\"$token\",\"who\":\"${SUDO_USER:-${USER:-root}}@$HOSTNAME\"}"
locked=0
cleanup() {
  local status=$?
  ((locked)) && on "${addresses[0]}" release_lock "$token" >/dev/null 2>&1 || true
  [[ -z ${BARE_TRACE:-} ]] || { mkdir -p "$BARE_TRACE"; cp -r "$out/." "$BARE_TRACE/"; }
  rm -rf "$out"
  exit "$status"
}
trap cleanup EXIT

# ---- prelude ----
pids=()
for i in "${!addresses[@]}"; do
  if ((i == 0)); then on "${addresses[$i]}" prelude "$app" "$lock" >"$out/$i.list" 2>>"$out/$i.err" &
  else on "${addresses[$i]}" prelude "$app" >"$out/$i.list" 2>>"$out/$i.err" & fi
  pids[$i]=$!
done
wait_all
if [[ " ${failed[*]} " != *" 0 "* ]]; then locked=1; fi
((${#failed[@]} == 0)) || { report "${failed[@]}"; exit 1; }

# The next name after every one any node has: APP.YYYY-MM-DD_NNN.
TZ=UTC printf -v day '%(%Y-%m-%d)T' -1
prefix="$app.${day}_"
highest=0
declare -a active previous_of
for i in "${!addresses[@]}"; do
  active[$i]='' all=()
  while read -r key rest; do
    case $key in
      active) active[$i]=$rest ;;
      last) all+=($rest) ;;
      names) all+=($rest) ;;
    esac
  done <"$out/$i.list"
  for n in "${all[@]}"; do
    [[ $n == "$prefix"* && ${n#"$prefix"} =~ ^[0-9]+$ ]] && ((10#${n#"$prefix"} > highest)) && highest=$((10#${n#"$prefix"}))
  done
  # rsync's --link-dest: the active instance, else the last name.
  previous_of[$i]=${active[$i]}
  if [[ -z ${previous_of[$i]} ]]; then
    sorted=$(printf '%s\n' "${all[@]}" | grep "^$app\." | sort | tail -1 || true)
    previous_of[$i]=$sorted
  fi
done
printf -v instance '%s%03d' "$prefix" $((highest + 1))
say "deploying $app as $instance to $count app server(s)"

remove_everywhere() {
  local i
  pids=()
  for i in "${!addresses[@]}"; do on "${addresses[$i]}" remove "$instance" >/dev/null 2>&1 & pids[$i]=$!; done
  wait_all
}

# ---- stage ----
host=$BARE_HOST path=$BARE_PATH
created=${EPOCHREALTIME}
rsync_args=(-rlpt --checksum "--chown=root:silver-$app" --chmod=D750,Fg+r,Fg-w,Fo-rwx --mkpath
  --exclude=.git/ --exclude=.hg/ --exclude=.svn/ --exclude=__pycache__/ --exclude=*.pyc --exclude=.DS_Store)
pids=()
for i in "${!addresses[@]}"; do
  (
    link=()
    [[ -n ${previous_of[$i]} && ${previous_of[$i]} != "$instance" ]] && link=(--link-dest="/var/www/${previous_of[$i]}/")
    rsync -e "$rsh" "${rsync_args[@]}" "${link[@]}" "$app_dir/" "${addresses[$i]}:/var/www/$instance/"
    on "${addresses[$i]}" install_instance "$app" "$instance" "$host" "$path" "$health" "$runner" "$static" "$created"
  ) >"$out/$i.stage" 2>>"$out/$i.err" &
  pids[$i]=$!
done
wait_all
if ((${#failed[@]})); then
  report "${failed[@]}"
  remove_everywhere
  echo "bare: failed before switching any app server" >&2
  exit 1
fi
for i in "${!addresses[@]}"; do say "${names[$i]}: $instance is running, not yet routed ($(tail -1 "$out/$i.stage"))"; done

# ---- the switch of one app server: drain, activate, ready ----
# switch_node INDEX [INSTANCE]: routes the app server to the new instance (or INSTANCE).
switch_node() {
  local i=$1 to=${2:-$instance} status=0
  if [[ -n $balancer ]]; then on "$balancer" balancer "$app" "${names[$i]}" drain || return 1; fi
  on "${addresses[$i]}" activate "$app" "$to" "$host" "$path" "$static" "$health" || status=$?
  if [[ -n $balancer ]]; then
    # Back into rotation whatever happened; a switched node is waited for until it is up.
    on "$balancer" balancer "$app" "${names[$i]}" ready $((status == 0 ? 10 : 0)) || true
  fi
  return "$status"
}

if ! switch_node 0 >"$out/0.switch" 2>>"$out/0.err"; then
  # As silver: the first app server back to what it served, the new instance removed.
  report 0
  [[ -z ${active[0]} ]] || switch_node 0 "${active[0]}" >/dev/null 2>>"$out/0.err" || true
  remove_everywhere
  echo "bare: the first app server failed to switch; nothing else was switched" >&2
  exit 1
fi
# The same words as silver's --verbose lines, so bench/scale.sh's phases read both.
was() { local k v p=''; while read -r k v; do [[ $k == previous ]] && p=$v; done <"$out/$1.switch"; echo "${p:-nothing}"; }
say "${names[0]}: serves $instance (was $(was 0))"
pids=()
for i in "${!addresses[@]}"; do
  ((i == 0)) && continue
  switch_node "$i" >"$out/$i.switch" 2>>"$out/$i.err" &
  pids[$i]=$!
done
wait_all
((${#failed[@]} == 0)) || { report "${failed[@]}"; echo "bare: the rollout stopped" >&2; exit 1; }
for i in "${!addresses[@]}"; do ((i == 0)) || say "${names[$i]}: serves $instance (was $(was "$i"))"; done

# ---- finish: clean, deploy log, lock ----
node_list=$(printf '"%s",' "${names[@]}")
entry="{\"app\":\"$app\",\"instance\":\"$instance\",\"nodes\":[${node_list%,}],\"result\":\"ok\",\"when\":${EPOCHREALTIME},\"who\":\"${SUDO_USER:-${USER:-root}}@$HOSTNAME\"}"
pids=()
for i in "${!addresses[@]}"; do
  if ((i == 0)); then on "${addresses[$i]}" finish "$app" "$keep" "$entry" "$token" >"$out/$i.finish" 2>>"$out/$i.err" &
  else on "${addresses[$i]}" finish "$app" "$keep" "$entry" >"$out/$i.finish" 2>>"$out/$i.err" & fi
  pids[$i]=$!
done
others=()
[[ -n $balancer ]] && others+=("$balancer")
others+=(${BARE_OTHERS[@]+"${BARE_OTHERS[@]}"})
for address in "${others[@]}"; do on "$address" log_deploy "$entry" >/dev/null 2>&1 & pids+=($!); done
wait_all
[[ " ${failed[*]} " == *" 0 "* ]] || locked=0
((${#failed[@]} == 0)) || { echo "bare: cleaning or the deploy log failed on some node" >&2; exit 1; }
say "$app: $instance serves on all $count app server(s)"
