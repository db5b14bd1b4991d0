# The one shell task the Ansible playbook and the pyinfra deploy run on each app server,
# after their one rsync has put the app in /srv/benchapp-TOOL/releases/RELEASE/ (hard-linked
# against `current`): everything else a deploy does, in one round trip, as a user who wants
# speed writes it. Both tools send this text inline (no file upload) and run it with bash:
#
#   bash -s -- TOOL RELEASE SERVER_NAME PORT_A PORT_B KEEP <release.sh
#
# 1. read the current release and its port; the new one takes the other port;
# 2. write the release's environment file (PORT, APP_NAME, APP_ENV, RELEASE) and its port;
# 3. install the systemd template unit benchapp-TOOL@.service (gunicorn, 2 workers, as
#    www-data, as silver runs instances) if it changed, and start the new release;
# 4. wait until it answers /health (every 0.1 s, 60 s at most);
# 5. write the nginx site (answering the balancer's checks under /.silverlining/ready: the
#    page silver had at a155dda and the per-app pages /.silverlining/ready/APP it has since)
#    and reload nginx, gracefully;
# 6. stop the old release, point `current` at the new one, keep the KEEP newest releases.
set -euo pipefail
tool=$1 release=$2 server_name=$3 port_a=$4 port_b=$5 keep=$6
base=/srv/benchapp-$tool
release_dir=$base/releases/$release
[[ -d $release_dir ]] || { echo "$release_dir was not uploaded" >&2; exit 1; }

old_release=$(basename "$(readlink "$base/current" 2>/dev/null || true)")
old_port=$(cat "$base/current/.port" 2>/dev/null || true)
if [[ $old_port == "$port_a" ]]; then new_port=$port_b; else new_port=$port_a; fi

printf 'PORT=%s\nAPP_NAME=benchapp\nAPP_ENV=production\nRELEASE=%s\n' "$new_port" "$release" >"$release_dir/.env"
echo "$new_port" >"$release_dir/.port"

unit=/etc/systemd/system/benchapp-$tool@.service
cat >"$unit.new" <<EOF
[Unit]
Description=benchapp release %i ($tool)
After=network.target

[Service]
User=www-data
WorkingDirectory=$base/releases/%i
EnvironmentFile=$base/releases/%i/.env
ExecStart=/usr/bin/gunicorn --bind 127.0.0.1:\${PORT} --workers 2 --graceful-timeout 25 app:application
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
if cmp -s "$unit.new" "$unit"; then rm -f "$unit.new"; else mv -f "$unit.new" "$unit"; systemctl daemon-reload; fi
systemctl start "benchapp-$tool@$release"

for _ in $(seq 600); do
  curl -fsS -o /dev/null "http://127.0.0.1:$new_port/health" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$new_port/health" || { echo "benchapp $release never answered /health" >&2; exit 1; }

cat >/etc/nginx/sites-enabled/silverlining <<EOF
# benchapp $release, written by $tool (bench/peers/release.sh)
server {
    listen 80 default_server;
    server_name _;
    location ^~ /.silverlining/ready { access_log off; return 200 "ready\n"; }
    location / { return 404; }
}
server {
    listen 80;
    server_name $server_name;
    location ^~ /.silverlining/ready { access_log off; return 200 "ready\n"; }
    location / {
        root $release_dir/static;
        try_files \$uri @benchapp;
    }
    location @benchapp {
        proxy_pass http://127.0.0.1:$new_port;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
}
EOF
systemctl reload nginx

if [[ -n $old_release && $old_release != "$release" ]]; then systemctl stop "benchapp-$tool@$old_release"; fi
ln -sfn "$release_dir" "$base/current"
# Release names are UTC timestamps: newest last by name (mtimes come from the app's files).
ls -1d "$base"/releases/*/ | sort -r | tail -n +$((keep + 1)) | xargs -r rm -rf
echo "benchapp $release on port $new_port (was ${old_release:-nothing})"
