# Shared by the bench/*.sh scripts: which silver to run, local nodesets of N app servers
# behind a balancer, SSH to their nodes as silver does, the peers' inventories, timing and
# byte counters. Sourced, not run.
# Environment: SILVER (the binary; default .build/release/silver, else .build/debug/silver),
# SILVER_HOME (default /tmp/bench-home), BENCH_WORK (default /tmp/bench-work),
# PEERS_VENV (default /opt/bench-peers).
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$BENCH_ROOT"
export SILVER_HOME=${SILVER_HOME:-/tmp/bench-home}
BENCH_WORK=${BENCH_WORK:-/tmp/bench-work}
PEERS_VENV=${PEERS_VENV:-/opt/bench-peers}
RESULTS=$BENCH_ROOT/bench/results
mkdir -p "$BENCH_WORK" "$RESULTS"
if [[ -z ${SILVER:-} ]]; then
  if [[ -x .build/release/silver ]]; then SILVER=$BENCH_ROOT/.build/release/silver; else SILVER=$BENCH_ROOT/.build/debug/silver; fi
fi
[[ -x $SILVER ]] || { echo "bench: no silver at $SILVER; run scripts/build first" >&2; exit 1; }
[[ -x $BENCH_ROOT/.build-node/release/silver-node ]] || { echo "bench: no node agent; run scripts/build first" >&2; exit 1; }

log() { echo "bench: $*" >&2; }
source "$BENCH_ROOT/bench/lib/timing.sh"
machine_line() {
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(. /etc/os-release && echo "$PRETTY_NAME"), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), silver $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') ($(basename "$(dirname "$SILVER")") build)${SILVER_UPDATE_ARGS:+, update $SILVER_UPDATE_ARGS}"
}

# Installs what the scripts need beyond scripts/build: rsync, wrk and curl from Debian, and a venv
# with ansible (ansible-core with the ansible.posix collection, for synchronize), pyinfra and
# matplotlib from PyPI.
ensure_tools() {
  local missing=0 tool
  for tool in rsync wrk ssh curl ip; do command -v "$tool" >/dev/null || missing=1; done
  /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null || missing=1
  if ((missing)); then
    log "installing rsync, wrk, curl, openssh-client, iproute2 and python3-venv"
    apt-get update -qq && apt-get install -y -qq rsync wrk curl openssh-client iproute2 python3-venv >/dev/null
  fi
  if [[ ! -x $PEERS_VENV/bin/ansible-playbook || ! -x $PEERS_VENV/bin/pyinfra ]]; then
    log "installing ansible, pyinfra and matplotlib into $PEERS_VENV"
    /usr/bin/python3 -m venv "$PEERS_VENV"
    "$PEERS_VENV/bin/pip" install -q ansible pyinfra matplotlib
  fi
}

# The app to deploy: bench/app plus its generated weight, in $BENCH_WORK/app (or $1).
make_app() { /usr/bin/python3 bench/lib/make-app.py "${1:-$BENCH_WORK/app}"; }

# write_nodeset NAME N: a nodeset of N app servers and a balancer; prints its file.
write_nodeset() {
  local name=$1 n=$2 conf=$BENCH_WORK/$1.conf
  cat >"$conf" <<CONF
[general]
name = $name
base_domain = $name.test
set_etc_hosts = false

[appserver]
locations = http://www.$name.test/ benchapp
nodes = $n

[balancer]
hostnames = www.$name.test
CONF
  echo "$conf"
}

# Nodesets made by this run, destroyed on exit whatever happens.
BENCH_CONFS=()
destroy_nodeset() {
  local conf=$1 kept=() c
  "$SILVER" destroy-node "$conf" --yes >/dev/null 2>&1 || "$SILVER" destroy-node "$conf" --yes >&2 ||
    log "could not destroy $conf; run: SILVER_HOME=$SILVER_HOME $SILVER destroy-node $conf --yes"
  for c in "${BENCH_CONFS[@]}"; do [[ $c == "$conf" ]] || kept+=("$c"); done
  BENCH_CONFS=("${kept[@]}")
}
cleanup_nodesets() {
  local c
  for c in "${BENCH_CONFS[@]}"; do destroy_nodeset "$c"; done
}
trap cleanup_nodesets EXIT
trap 'exit 130' INT TERM

# create_nodeset NAME N: creates and sets up; sets CREATE_SECONDS and SETUP_SECONDS.
create_nodeset() {
  local name=$1 n=$2 conf start
  CREATE_SECONDS='' SETUP_FAILED_AFTER=0
  conf=$(write_nodeset "$name" "$n")
  # A nodeset left by an interrupted run goes first.
  "$SILVER" destroy-node "$conf" --yes >/dev/null 2>&1 || true
  BENCH_CONFS+=("$conf")
  start=$(now)
  "$SILVER" create-node "$conf" >"$BENCH_WORK/$name-create.log" 2>&1 || { cat "$BENCH_WORK/$name-create.log" >&2; return 1; }
  CREATE_SECONDS=$(since "$start")
  start=$(now)
  "$SILVER" setup-node "$conf" >"$BENCH_WORK/$name-setup.log" 2>&1 || {
    SETUP_FAILED_AFTER=$(since "$start")
    cat "$BENCH_WORK/$name-setup.log" >&2
    return 1
  }
  SETUP_SECONDS=$(since "$start")
}

# node_addresses CONF ROLE: one address a line.
node_addresses() {
  "$SILVER" list-nodes "$1" --json | /usr/bin/python3 -c '
import json, sys
print("\n".join(r["address"] for r in json.load(sys.stdin) if r["role"] == sys.argv[1]))' "$2"
}

# The Linux bridge the nodeset's nodes sit on (the one holding their gateway address), and
# bytes this machine sent into it: everything silver or a peer sends to the nodes.
nodeset_bridge() {
  local address prefix
  address=$(node_addresses "$1" balancer | head -1)
  prefix=${address%.*}
  ip -o -4 addr show | awk -v gw="$prefix.1/" 'index($4, gw) == 1 { print $2; exit }'
}
bytes_to_nodes() { cat "/sys/class/net/$1/statistics/tx_bytes"; }

# SSH options the peers use: silver's key and pinned known_hosts for the nodeset.
nodeset_keys() { echo "$SILVER_HOME/nodesets/$(basename "$1" .conf)"; }
node_ssh() {
  local conf=$1 address=$2 keys
  shift 2
  keys=$(nodeset_keys "$conf")
  ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$keys/known_hosts" \
    -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o LogLevel=ERROR -i "$keys/id_ed25519" "root@$address" "$@"
}

# node_entries CONF ROLE: "name=address" a line (ROLE service: every service:NAME).
node_entries() {
  "$SILVER" list-nodes "$1" --json | /usr/bin/python3 -c '
import json, sys
role = sys.argv[1]
print("\n".join(r["name"] + "=" + r["address"] for r in json.load(sys.stdin) if r["role"] == role or r["role"].startswith(role + ":")))' "$2"
}

# Inventories for the bare script and both peers, in $BENCH_WORK/NAME-inventory.{sh,ini,py},
# and the SSH client file pyinfra's rsync reads ($BENCH_WORK/NAME-ssh.conf).
write_inventories() {
  local conf=$1 name keys
  name=$(basename "$conf" .conf)
  keys=$(nodeset_keys "$conf")
  {
    echo "# bench/peers/bare inventory for the nodeset $name (written by bench/lib/common.sh)"
    echo "BARE_KEY=$keys/id_ed25519"
    echo "BARE_KNOWN_HOSTS=$keys/known_hosts"
    echo "BARE_APPSERVERS=($(node_entries "$conf" appserver | tr '\n' ' '))"
    echo "BARE_BALANCER=$(node_entries "$conf" balancer | head -1)"
    echo "BARE_OTHERS=($(node_entries "$conf" 'service' | cut -d= -f2 | tr '\n' ' '))"
    echo "BARE_HOST=www.$name.test"
    echo "BARE_PATH=/"
  } >"$BENCH_WORK/$name-inventory.sh"
  {
    echo "[appservers]"
    node_addresses "$conf" appserver
    echo
    echo "[appservers:vars]"
    echo "ansible_user=root"
    echo "ansible_ssh_private_key_file=$keys/id_ed25519"
    echo "ansible_ssh_common_args='-o UserKnownHostsFile=$keys/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'"
    echo "ansible_python_interpreter=/usr/bin/python3"
  } >"$BENCH_WORK/$name-inventory.ini"
  {
    echo "# pyinfra's rsync runs ssh -F with this file: a warm ControlMaster connection per host."
    echo "Host *"
    echo "    User root"
    echo "    IdentityFile $keys/id_ed25519"
    echo "    IdentitiesOnly yes"
    echo "    UserKnownHostsFile $keys/known_hosts"
    echo "    GlobalKnownHostsFile /dev/null"
    echo "    StrictHostKeyChecking yes"
    echo "    ControlMaster auto"
    echo "    ControlPath /tmp/bench-pyinfra-cp-%C"
    echo "    ControlPersist 120"
  } >"$BENCH_WORK/$name-ssh.conf"
  {
    echo "# pyinfra inventory for the nodeset $name's app servers (written by bench/lib/common.sh)"
    echo "appservers = ("
    echo "    ["
    node_addresses "$conf" appserver | sed 's/.*/        "&",/'
    echo "    ],"
    echo "    {"
    echo "        \"ssh_user\": \"root\","
    echo "        \"ssh_key\": \"$keys/id_ed25519\","
    echo "        \"ssh_known_hosts_file\": \"$keys/known_hosts\","
    echo "        \"ssh_strict_host_key_checking\": \"yes\","
    echo "        \"ssh_config_file\": \"$BENCH_WORK/$name-ssh.conf\","
    echo "    },"
    echo ")"
  } >"$BENCH_WORK/$name-inventory.py"
}

# The four deploys. Each is one command; output goes to $BENCH_WORK/NAME-TOOL.log.
# SILVER_UPDATE_ARGS: more options for every timed `silver update`, e.g. "--soak 0" where
# update watches the first app server for a while before the rest (the bare script does not).
run_silver() {
  # shellcheck disable=SC2086
  "$SILVER" update "$2" "$1" ${SILVER_UPDATE_ARGS:-} >>"$BENCH_WORK/$(basename "$1" .conf)-silver.log" 2>&1
}
run_bare() {
  local name
  name=$(basename "$1" .conf)
  "$BENCH_ROOT/bench/peers/bare/deploy.sh" "$BENCH_WORK/$name-inventory.sh" "$2" >>"$BENCH_WORK/$name-bare.log" 2>&1
}
run_ansible() {
  local name
  name=$(basename "$1" .conf)
  ANSIBLE_CONFIG=$BENCH_ROOT/bench/peers/ansible/ansible.cfg \
    "$PEERS_VENV/bin/ansible-playbook" -i "$BENCH_WORK/$name-inventory.ini" \
    -e "app_dir=$2 server_name=www.$name.test release=$(date -u +%Y%m%d%H%M%S)" --forks "$3" \
    "$BENCH_ROOT/bench/peers/ansible/deploy.yml" >>"$BENCH_WORK/$name-ansible.log" 2>&1
}
run_pyinfra() {
  local name
  name=$(basename "$1" .conf)
  (cd "$BENCH_ROOT/bench/peers/pyinfra" && APP_DIR=$2 SERVER_NAME=www.$name.test \
    "$PEERS_VENV/bin/pyinfra" -y --no-wait "$BENCH_WORK/$name-inventory.py" deploy.py >>"$BENCH_WORK/$name-pyinfra.log" 2>&1)
}
# run_tool TOOL CONF APPDIR N
run_tool() {
  case $1 in
    silver) run_silver "$2" "$3" ;;
    bare) run_bare "$2" "$3" ;;
    ansible) run_ansible "$2" "$3" "$4" ;;
    pyinfra) run_pyinfra "$2" "$3" ;;
  esac
}

# haproxy_stat CONF: HAProxy's `show stat` CSV from the balancer's admin socket (perl-base is
# on every Debian node; socat is not).
haproxy_stat() {
  node_ssh "$1" "$(node_addresses "$1" balancer | head -1)" perl <<'PERL'
socket(my $s, 1, 1, 0) or die "socket: $!\n";
connect($s, pack("S Z108", 1, "/run/haproxy/admin.sock")) or die "cannot reach HAProxy: $!\n";
syswrite($s, "show stat\n");
print while <$s>;
PERL
}

# Asks the balancer for / a few times, then every app server itself (from the balancer,
# which the firewall lets through), and checks that every answer names RELEASE_PATTERN.
# (Through the balancer alone a switched app server may not be picked for a dozen requests:
# HAProxy's round robin puts a server whose weight came back from a drain at the end of
# its queue.)
check_serving() {
  local conf=$1 pattern=$2 name balancer body i bad
  name=$(basename "$conf" .conf)
  balancer=$(node_addresses "$conf" balancer | head -1)
  for i in 1 2 3 4; do
    body=$(curl -s --max-time 5 -H "Host: www.$name.test" "http://$balancer/") || true
    [[ $body == *$pattern* ]] || { log "$name: the balancer answered '$body', expected $pattern"; return 1; }
  done
  bad=$(node_ssh "$conf" "$balancer" "for a in $(node_addresses "$conf" appserver | xargs); do
      b=\$(curl -s --max-time 5 -H 'Host: www.$name.test' http://\$a/); case \$b in *'$pattern'*) ;; *) echo \"\$a answered '\$b'\";; esac
    done")
  [[ -z $bad ]] || { log "$name: expected $pattern from every app server: $bad"; return 1; }
}
