# The node side of bench/peers/bare/deploy.sh: what silver's agent does on an app server
# and on the balancer during `silver update`, as bash functions. deploy.sh sends this file
# over SSH with one call appended (`bash -s` reads both), so each node step is one round
# trip and nothing is installed on the nodes beforehand.
#
# It writes what the agent writes, where the agent writes it (Sources/SilverNode/Deploy/:
# InstanceInstaller, InstanceRecord, Activation, RouterConfiguration, NodeInventory,
# DeployLock; Balancer/HAProxyRuntime), so that silver's next update reads these instances
# as its own. It covers the bench's layout only: one app at one location, a WSGI runner, no
# services, no writable root, no update_fetch.
set -euo pipefail
umask 022

records=/var/lib/silverlining/instances
active_dir=/var/lib/silverlining/active
lock_file=/var/lib/silverlining/deploy.lock
nginx_site=/etc/nginx/sites-enabled/silverlining
# The agent polls health every 100 ms and everything else every 50 ms; so does this file.
health_poll=0.1
poll=0.05

# A sleep without a process: read on a pipe nobody writes to times out.
exec {nap_fd}<> <(:)
nap() { read -r -t "$1" -u "$nap_fd" _ || true; }

# j VALUE: sets `q` to VALUE as a JSON string, for the few values written here (names,
# paths, host names); the agent's JSONEncoder escapes "/" as "\/", and so does this.
j() {
  q=${1//\\/\\\\}
  q=${q//\"/\\\"}
  q="\"${q//\//\\/}\""
}

# write_atomically PATH MODE OWNER:GROUP CONTENT, as FileSystem.writeAtomically (root's
# umask gives 644 root:root without a chmod or chown).
write_atomically() {
  local path=$1 mode=$2 owner=$3 tmp=${1%/*}/.${1##*/}.bare-$$
  printf '%s' "$4" >"$tmp"
  [[ $mode == 644 ]] || chmod "$mode" "$tmp"
  [[ $owner == root:root ]] || chown "$owner" "$tmp"
  mv -f "$tmp" "$path"
}

# read_file VAR PATH: the file's first line into VAR, or empty; a builtin, no process.
read_file() { IFS= read -r "$1" <"$2" 2>/dev/null || true; }

# http_get PORT PATH HOST: GET over bash's /dev/tcp (HTTP/1.0, as the agent's LocalHTTP);
# sets http_status and http_instance (the X-Silverlining-Instance header). No process.
http_get() {
  local fd line
  http_status=0 http_instance=
  # (exec with only redirections keeps them: the 2>/dev/null must not be exec's own.)
  { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: silver-node\r\n\r\n' "$2" "$3" >&"$fd"
  if read -r -t 10 -u "$fd" line; then
    line=${line%$'\r'}
    [[ $line == HTTP/* ]] && { http_status=${line#* }; http_status=${http_status%% *}; }
    while read -r -t 10 -u "$fd" line; do
      line=${line%$'\r'}
      [[ -z $line ]] && break
      [[ ${line,,} == x-silverlining-instance:* ]] && { http_instance=${line#*:}; http_instance=${http_instance# }; }
    done
  fi
  exec {fd}>&-
  [[ $http_status != 0 ]]
}

# The kernel's TCP sockets (/proc/net/tcp and tcp6) as one string in `tcp_table`: read by a
# builtin and searched with bash's regex, because a process per check (awk) or a bash loop
# over the lines costs 0.1 to 0.5 s on a busy node.
read_tcp_table() {
  local part
  tcp_table=''
  for file in /proc/net/tcp /proc/net/tcp6; do
    IFS= read -r -d '' part <"$file" || true
    tcp_table+=$part
  done
}

# port_held PORT: whether any TCP socket has PORT as its local port (LocalPorts.isFree).
port_held() {
  local hex re
  printf -v hex '%04X' "$1"
  re="[0-9]+: [0-9A-F]+:$hex "
  [[ $tcp_table =~ $re ]]
}

# served_on PORT: whether an established connection (state 01) has PORT as its local port:
# a request the instance on PORT still serves (LocalPorts.establishedConnections).
served_on() {
  local hex re
  printf -v hex '%04X' "$1"
  re="[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:[0-9A-F]+ 01 "
  read_tcp_table
  [[ $tcp_table =~ $re ]]
}

# record_port VAR INSTANCE: the port in an instance's record.
record_port() {
  local json
  read_file json "$records/$2.json"
  json=${json#*\"port\":}
  printf -v "$1" '%s' "${json%%[,\}]*}"
}

# ---- app server: before the upload ----

# prelude APP [LOCK_JSON]: takes the deploy lock when given one (the first app server), then
# prints the app's instance list as the agent's `instances` verb does: active, last issued,
# every name under /var/www and in the records.
prelude() {
  local app=$1 lock=${2:-} names=() f
  if [[ -n $lock ]]; then
    if ! (umask 077; set -o noclobber; printf '%s' "$lock" >"$lock_file") 2>/dev/null; then
      echo "locked: $(cat "$lock_file" 2>/dev/null)" >&2
      return 3
    fi
  fi
  local active last
  read_file active "$active_dir/$app"
  read_file last "$records/.last-$app"
  echo "active $active"
  echo "last $last"
  for f in /var/www/"$app".* "$records/$app".*.json; do
    [[ -e $f ]] || continue
    f=${f##*/}
    names+=("${f%.json}")
  done
  echo "names ${names[*]}"
}

# ---- app server: half-deploy (InstanceInstaller.install) ----

# install_instance APP INSTANCE HOST MATCH_PATH HEALTH RUNNER STATIC CREATED
install_instance() {
  local app=$1 name=$2 host=$3 match=$4 health=$5 runner=$6 static=$7 created=$8
  # The app's own user, made by setup-node (AppAccount; the bench's app names need no hash).
  local unit="silver-instance@$name.service" temp=/var/tmp/silverlining/$name user=silver-$app port last
  [[ -d /var/www/$name ]] || { echo "instance $name was not uploaded to /var/www/$name" >&2; return 1; }
  # TEMP starts empty on every update.
  rm -rf "$temp"
  mkdir -p -m 700 "$temp"
  chown "$user:$user" "$temp"

  # The lowest port that no recorded instance uses and nothing holds.
  if [[ -f $records/$name.json ]]; then
    record_port port "$name"
  else
    local -A taken=()
    local f p
    for f in "$records"/*.json; do
      [[ -e $f ]] || continue
      f=${f##*/}
      record_port p "${f%.json}"
      taken[$p]=1
    done
    read_tcp_table
    for ((p = 20000; p <= 29999; p++)); do [[ -z ${taken[$p]:-} ]] && ! port_held "$p" && break; done
    port=$p
  fi
  [[ -d $records ]] || mkdir -p "$records"

  local logs=/var/log/silverlining/apps/$name.log env=[ q pair
  for pair in SILVER_VERSION=silverlining/0.1 "SILVER_INSTANCE_NAME=$name" "SILVER_APP_NAME=$app" "SILVER_MATCH_PATH=$match" \
    "SILVER_CANONICAL_HOSTNAME=$host" "SILVER_LOGS=$logs" "TEMP=$temp" "TMPDIR=$temp" "PORT=$port"; do
    j "${pair#*=}"
    env+="{\"name\":\"${pair%%=*}\",\"value\":$q},"
  done
  # The environment holds service passwords: readable by the app's user only.
  write_atomically "$records/$name.env" 600 "$user:$user" "${env%,}]"
  local record='{"app":'
  j "$app"; record+="$q,\"created\":$created,\"healthCheck\":"
  j "$health"; record+="$q,\"launch\":{\"wsgi\":{\"runner\":"
  j "$runner"; record+="$q}},\"name\":"
  j "$name"; record+="$q,\"port\":$port,\"staticDirectory\":"
  j "$static"; record+="$q,\"writableRoot\":false}"
  write_atomically "$records/$name.json" 644 root:root "$record"
  read_file last "$records/.last-$app"
  [[ $last < $name ]] && write_atomically "$records/.last-$app" 644 root:root "$name"

  # The log, the app's before systemd opens it (AppFiles.prepareLog).
  (umask 077 && : >>"$logs") && chown "$user:$user" "$logs" && chmod 600 "$logs"
  systemctl reset-failed "$unit" 2>/dev/null || true
  systemctl start "$unit"
  wait_healthy "$name" "$port" "$health" "$host" 60
  echo "port $port"
}

# wait_healthy INSTANCE PORT PATH HOST SECONDS: HealthCheck.wait, polling every 100 ms; the
# unit's state is asked once a second rather than at every poll.
wait_healthy() {
  local name=$1 port=$2 path=$3 host=$4 end=$((${EPOCHSECONDS} + $5)) i=0
  while ((EPOCHSECONDS < end)); do
    if http_get "$port" "$path" "$host" && ((http_status >= 200 && http_status < 400)); then return 0; fi
    if ((++i % 10 == 0)) && systemctl is-failed --quiet "silver-instance@$name.service"; then
      echo "$name: the process exited" >&2
      tail -15 "/var/log/silverlining/apps/$name.log" >&2 2>/dev/null || true
      return 1
    fi
    nap "$health_poll"
  done
  echo "$name failed its health check $path (no answer)" >&2
  return 1
}

# ---- app server: the switch (Activation.activate) ----

# Sets `router` to nginx's file as RouterConfiguration.render writes it for one app at one
# location: as main renders it since the per-app backends (the balancer checks
# /.silverlining/ready/APP); a155dda's had no such location, which there is harmless.
render_router() {
  local app=$1 host=$2 path=$3 name=$4 port=$5 static=$6 root
  local at="@${app//[^[:alnum:]]/_}_0"
  root="/var/www/$name/$static"
  local ready='    location = /.silverlining/ready {
        access_log off;
        return 200 "ready\n";
    }'
  local static_line
  if [[ $path == / ]]; then static_line="root $root;"; else static_line="alias $root/;"; fi
  IFS= read -r -d '' router <<EOF || true
# Written by silver from /etc/silverlining/router.json and the active instances; changes here are replaced.
server {
    listen 80 default_server;
    server_name _;
$ready
    location = /.silverlining/ready/$app {
        access_log off;
        return 200 "ready\n";
    }
    location / {
        return 404 "no app is configured for this host name\n";
    }
}

server {
    listen 80;
    server_name $host;
$ready
    # $app: $name
    location $path {
        $static_line
        add_header X-Silverlining-Instance $name always;
        try_files \$uri $at;
    }
    location $at {
        proxy_pass http://127.0.0.1:$port;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_set_header X-Silverlining-Update "";
        proxy_read_timeout 300s;
        add_header X-Silverlining-Instance $name always;
    }
}
EOF
}

# activate APP INSTANCE HOST LOCATION_PATH STATIC HEALTH: prints the instance it replaced.
activate() {
  local app=$1 name=$2 host=$3 path=$4 static=$5 health=$6 previous port old_port
  read_file previous "$active_dir/$app"
  [[ -f $records/$name.json ]] || { echo "no instance $name of $app on this node" >&2; return 1; }
  record_port port "$name"
  systemctl is-active --quiet "silver-instance@$name.service" || systemctl start "silver-instance@$name.service"
  wait_healthy "$name" "$port" "$health" "$host" 60
  if [[ $previous == "$name" ]]; then echo "previous $previous"; return 0; fi

  [[ -d $active_dir ]] || mkdir -p "$active_dir"
  write_atomically "$active_dir/$app" 644 root:root "$name"$'\n'
  local before='' router
  if [[ -e $nginx_site ]]; then IFS= read -r -d '' before <"$nginx_site" || true; fi
  render_router "$app" "$host" "$path" "$name" "$port" "$static"
  if [[ $router != "$before" ]]; then
    write_atomically "$nginx_site" 644 root:root "$router"
    if ! nginx -t -q; then
      write_atomically "$nginx_site" 644 root:root "$before"
      if [[ -n $previous ]]; then write_atomically "$active_dir/$app" 644 root:root "$previous"$'\n'; else rm -f "$active_dir/$app"; fi
      return 1
    fi
    systemctl reload-or-restart nginx
  fi

  # Until nginx answers the location with the new instance (15 s at most).
  local end=$((EPOCHSECONDS + 15))
  until http_get 80 "${path%/}$health" "$host" && [[ $http_instance == "$name" ]]; do
    ((EPOCHSECONDS < end)) || { echo "nginx did not start serving $name at $host$path within 15 s" >&2; return 1; }
    nap "$poll"
  done

  if [[ -n $previous && -f $records/$previous.json ]]; then
    record_port old_port "$previous"
    # nginx's old workers still route keep-alive connections to the old instance.
    end=$((EPOCHSECONDS + 30))
    while ((EPOCHSECONDS < end)) && old_nginx_workers; do nap "$poll"; done
    end=$((EPOCHSECONDS + 30))
    while ((EPOCHSECONDS < end)) && served_on "$old_port"; do nap "$poll"; done
    systemctl stop --no-block "silver-instance@$previous.service"
  fi
  echo "previous $previous"
}

# Whether any nginx worker from before the last reload is left (ProcessTable.find).
old_nginx_workers() {
  local f title
  for f in /proc/[0-9]*/cmdline; do
    read -r -d '' title <"$f" 2>/dev/null || true
    [[ $title == "nginx: worker process is shutting down"* ]] && return 0
  done
  return 1
}

# ---- app server: after the switch ----

# finish APP KEEP LOG_JSON [LOCK_TOKEN]: NodeInventory.clean (keep KEEP old instances besides
# the active one), the deploy log line, and the lock's release on the first app server.
finish() {
  local app=$1 keep=$2 entry=$3 token=${4:-} active f name created lock
  read_file active "$active_dir/$app"
  local -a older=()
  # Newest first by (created, name), as the agent sorts them.
  while read -r _ name; do
    [[ -n $name && $name != "$active" ]] && older+=("$name")
  done < <(for f in "$records/$app".*.json; do
    [[ -e $f ]] || continue
    read_file created "$f"
    created=${created#*\"created\":}
    name=${f##*/}
    printf '%s %s\n' "${created%%[,\}]*}" "${name%.json}"
  done | sort -k1,1gr -k2,2r)
  for name in "${older[@]:$keep}"; do
    systemctl stop "silver-instance@$name.service" || true
    systemctl reset-failed "silver-instance@$name.service" 2>/dev/null || true
    rm -rf "/var/www/$name" "/var/tmp/silverlining/$name" "$records/$name.json" "$records/$name.env" \
      "/var/log/silverlining/apps/$name.log"
    echo "removed $name"
  done
  if [[ -n $token ]]; then release_lock "$token"; fi
  log_deploy "$entry"
}

log_deploy() {
  # 0640, as the agent writes it.
  (umask 027; printf '%s\n' "$1" >>/var/log/silverlining/deploys.log)
}

release_lock() { # TOKEN: the lock goes only if this run holds it
  local lock
  read_file lock "$lock_file"
  if [[ $lock == *"\"token\":\"$1\""* ]]; then rm -f "$lock_file"; fi
}

# remove INSTANCE: a half-deployed instance, after a failure before switching.
remove() {
  systemctl stop "silver-instance@$1.service" 2>/dev/null || true
  systemctl reset-failed "silver-instance@$1.service" 2>/dev/null || true
  rm -rf "/var/www/$1" "/var/tmp/silverlining/$1" "$records/$1.json" "$records/$1.env" "/var/log/silverlining/apps/$1.log"
}

# ---- balancer (HAProxyRuntime) ----

# balancer APP SERVER drain|ready [UP_TIMEOUT]: sets the server's state on HAProxy's admin
# socket, then after drain waits (30 s at most) until it has no session, after ready waits
# (UP_TIMEOUT s, default 0) until HAProxy sees it up, polling `show stat` every 50 ms; prints
# "SERVER STATUS sessions N". bash has no Unix sockets and Debian's nodes have no socat, so
# this one is perl (perl-base is on every Debian system), one process per call as the
# agent's is, and without modules: loading Socket.pm costs more than the rest of the call
# on a busy node, so AF_UNIX (1), SOCK_STREAM (1) and sockaddr_un are spelled out.
balancer() {
  perl -e '
my ($app, $server, $state, $timeout) = @ARGV;
$timeout = $state eq "drain" ? 30 : ($timeout || 0);
# The app'"'"'s backend: app_APP since the per-app backends, appservers before them.
my $backend;
sub ask {
    socket(my $s, 1, 1, 0) or die "socket: $!\n";
    connect($s, pack("S Z108", 1, "/run/haproxy/admin.sock")) or die "cannot reach HAProxy at /run/haproxy/admin.sock: $!\n";
    syswrite($s, "$_[0]\n");
    local $/; my $answer = <$s>; close($s); return $answer // "";
}
sub stat_of {
    my @lines = split /\n/, ask("show stat");
    my @cols = split /,/, substr(shift(@lines), 2);
    my %at; @at{@cols} = 0 .. $#cols;
    my %found;
    for (@lines) {
        my @f = split /,/, $_, -1;
        $found{$f[0]} = [$f[$at{scur}], $f[$at{status}]] if $f[1] eq $server;
    }
    $backend //= exists $found{"app_$app"} ? "app_$app" : "appservers";
    return @{$found{$backend}} if $found{$backend};
    die "the balancer has no server $server in $backend; run silver setup-node\n";
}
stat_of();
my $answer = ask("set server $backend/$server state $state");
die "HAProxy refused to set $server to $state: $answer" if $answer =~ /\S/;
my $end = time + $timeout;
my ($scur, $status) = stat_of();
until (($state eq "drain" ? $scur == 0 : $status =~ /^UP/) || time >= $end) {
    select(undef, undef, undef, 0.05);
    ($scur, $status) = stat_of();
}
print "$server $status sessions $scur\n";
' "$@"
}
