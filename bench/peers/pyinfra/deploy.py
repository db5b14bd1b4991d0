"""Deploys benchapp the way silver update does, as a pyinfra user who wants speed writes it:
two operations per host, one rsync (files.rsync, hard-linking unchanged files against the
current release, over a warm ControlMaster connection from the inventory's ssh_config_file)
and one shell operation that does the rest in one round trip (bench/peers/release.sh:
environment, systemd unit, start on the port the current release does not use, health
check, nginx, stop the old release, keep the five newest). No facts are asked for. Run with
--no-wait so that no host waits for the others between the two operations.

    APP_DIR=... SERVER_NAME=www.NAME.test pyinfra -y --no-wait inventory.py deploy.py
"""
import os
import time

from pyinfra.operations import files, server

BASE = "/srv/benchapp-pyinfra"
PORTS = "31001 31002"
KEEP = 5
APP_DIR = os.environ["APP_DIR"].rstrip("/")
SERVER_NAME = os.environ["SERVER_NAME"]
# One name for every host (this file runs once per host, in one process).
RELEASE = os.environ.setdefault("BENCHAPP_RELEASE", time.strftime("%Y%m%d%H%M%S", time.gmtime()))
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "release.sh")) as f:
    RELEASE_SH = f.read()

files.rsync(
    name="Upload the app into a new release",
    src=APP_DIR + "/",
    dest=f"{BASE}/releases/{RELEASE}/",
    flags=["-a", "--mkpath", f"--link-dest={BASE}/current/", "--exclude=.git", "--exclude=__pycache__", "--exclude=*.pyc"],
)

server.shell(
    name="Start it, check it, switch nginx, stop the old one",
    commands=[f"bash -s -- pyinfra {RELEASE} {SERVER_NAME} {PORTS} {KEEP} <<'RELEASE_SH'\n{RELEASE_SH}RELEASE_SH"],
)
