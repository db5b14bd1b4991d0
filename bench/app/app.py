"""The benchmark app: a small WSGI app with the weight of a real one.

bench/lib/make-app.py adds generated modules (benchlib/) and static assets (static/) beside
this file; the app imports every module at start-up, as a real app imports its code.
"""
import importlib
import os
import pkgutil
import socket

try:
    import benchlib
    MODULES = [importlib.import_module("benchlib." + m.name) for m in pkgutil.iter_modules(benchlib.__path__)]
except ImportError:  # deployed without its generated weight
    MODULES = []

HOST = socket.gethostname()
RELEASE = os.path.basename(os.path.dirname(os.path.abspath(__file__)))
VERSION = "1"


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/health":
        body = b"ok\n"
    elif path == "/":
        body = ("benchapp %s from %s (release %s, %d modules)\n" % (VERSION, HOST, RELEASE, len(MODULES))).encode()
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "10")])
        return [b"not found\n"]
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
