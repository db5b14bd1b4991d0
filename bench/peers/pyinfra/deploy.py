"""Deploys benchapp the way silver update does, as a pyinfra user would write it: rsync the
app into a new release directory (hard-linking unchanged files from the current release),
write its environment, start it as a systemd service on the port the current release does
not use, check its health, point nginx at it and reload, stop the old release, and keep the
five newest releases. pyinfra runs each operation on every host at once.

    APP_DIR=... SERVER_NAME=www.NAME.test pyinfra -y inventory.py deploy.py
"""
import io
import os
import time

from pyinfra import host
from pyinfra.facts.server import Command
from pyinfra.operations import files, server, systemd

APP_NAME = "benchapp"
BASE = "/srv/benchapp-pyinfra"
PORTS = (31001, 31002)
KEEP = 5
APP_DIR = os.environ["APP_DIR"].rstrip("/")
SERVER_NAME = os.environ["SERVER_NAME"]
# One name for every host (this file runs once per host, in one process).
RELEASE = os.environ.setdefault("BENCHAPP_RELEASE", time.strftime("%Y%m%d%H%M%S", time.gmtime()))
RELEASE_DIR = f"{BASE}/releases/{RELEASE}"

old_release = os.path.basename((host.get_fact(Command, f"readlink {BASE}/current || true") or "").strip())
old_port = (host.get_fact(Command, f"cat {BASE}/current/.port 2>/dev/null || true") or "").strip()
new_port = PORTS[1] if old_port == str(PORTS[0]) else PORTS[0]

files.directory(name="Create the releases directory", path=f"{BASE}/releases")

flags = ["-a", "--exclude=.git", "--exclude=__pycache__", "--exclude=*.pyc"]
if old_release:
    flags.append(f"--link-dest={BASE}/current/")
files.rsync(name="Upload the app", src=APP_DIR + "/", dest=RELEASE_DIR + "/", flags=flags)

files.put(
    name="Write the environment",
    src=io.StringIO(f"PORT={new_port}\nAPP_NAME={APP_NAME}\nAPP_ENV=production\nRELEASE={RELEASE}\n"),
    dest=f"{RELEASE_DIR}/.env",
)
files.put(name="Record the port", src=io.StringIO(f"{new_port}\n"), dest=f"{RELEASE_DIR}/.port")

unit = files.put(
    name="Install the service template",
    src=io.StringIO(f"""[Unit]
Description=benchapp release %i (pyinfra)
After=network.target

[Service]
User=www-data
WorkingDirectory={BASE}/releases/%i
EnvironmentFile={BASE}/releases/%i/.env
ExecStart=/usr/bin/gunicorn --bind 127.0.0.1:${{PORT}} --workers 2 --graceful-timeout 25 app:application
Restart=on-failure

[Install]
WantedBy=multi-user.target
"""),
    dest="/etc/systemd/system/benchapp-pyinfra@.service",
)
systemd.daemon_reload(name="Reload systemd", _if=unit.did_change)
systemd.service(name="Start the new release", service=f"benchapp-pyinfra@{RELEASE}", running=True)

server.shell(
    name="Wait until it is healthy",
    commands=[f"for i in $(seq 120); do curl -fsS -o /dev/null http://127.0.0.1:{new_port}/health && exit 0; sleep 0.5; done; exit 1"],
)

files.put(
    name="Point nginx at it",
    src=io.StringIO(f"""# benchapp {RELEASE}, written by pyinfra (bench/peers/pyinfra/deploy.py)
server {{
    listen 80 default_server;
    server_name _;
    location = /.silverlining/ready {{ access_log off; return 200 "ready\\n"; }}
    location / {{ return 404; }}
}}
server {{
    listen 80;
    server_name {SERVER_NAME};
    location = /.silverlining/ready {{ access_log off; return 200 "ready\\n"; }}
    location / {{
        root {RELEASE_DIR}/static;
        try_files $uri @benchapp;
    }}
    location @benchapp {{
        proxy_pass http://127.0.0.1:{new_port};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
}}
"""),
    dest="/etc/nginx/sites-enabled/silverlining",
)
systemd.service(name="Reload nginx", service="nginx", reloaded=True)

if old_release and old_release != RELEASE:
    systemd.service(name="Stop the old release", service=f"benchapp-pyinfra@{old_release}", running=False)

files.link(name="Mark the new release current", path=f"{BASE}/current", target=RELEASE_DIR)
server.shell(name="Keep the newest releases", commands=[f"ls -1dt {BASE}/releases/*/ | tail -n +{KEEP + 1} | xargs -r rm -rf"])
