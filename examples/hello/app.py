"""A WSGI app as Silver Lining runs it: settings come from the environment silver writes.

Each visit adds a row in MySQL (on the nodeset's service node) and the page shows which app
server answered, so requests through the balancer show the fleet at work. /visits/N reads
visit N back, on whichever app server answers.
"""
import os
import socket

import MySQLdb


def connect():
    return MySQLdb.connect(
        host=os.environ["CONFIG_MYSQL_HOST"],
        port=int(os.environ["CONFIG_MYSQL_PORT"]),
        user=os.environ["CONFIG_MYSQL_USER"],
        passwd=os.environ["CONFIG_MYSQL_PASSWORD"],
        db=os.environ["CONFIG_MYSQL_DBNAME"],
        autocommit=True,
    )


def setup(cursor):
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS visits ("
        " id INT AUTO_INCREMENT PRIMARY KEY,"
        " node VARCHAR(255) NOT NULL,"
        " instance VARCHAR(255) NOT NULL,"
        " at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"
    )
    return "table visits ready\n"


def visit(cursor):
    node = socket.gethostname()
    instance = os.environ.get("SILVER_INSTANCE_NAME", "?")
    cursor.execute("INSERT INTO visits (node, instance) VALUES (%s, %s)", (node, instance))
    cursor.execute("SELECT COUNT(*) FROM visits")
    (count,) = cursor.fetchone()
    return "Hello from %s (instance %s): visit %d\n" % (node, instance, count)


def read_visit(cursor, number):
    cursor.execute("SELECT node, instance FROM visits WHERE id = %s", (number,))
    row = cursor.fetchone()
    if row is None:
        return None
    return "visit %d was served by %s (instance %s); read on %s\n" % (number, row[0], row[1], socket.gethostname())


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/health":
        body, status = "ok\n", "200 OK"
    elif path == "/setup" and environ.get("silverlining.update"):
        db = connect()
        try:
            body, status = setup(db.cursor()), "200 OK"
        finally:
            db.close()
    elif path == "/":
        db = connect()
        try:
            body, status = visit(db.cursor()), "200 OK"
        finally:
            db.close()
    elif path.startswith("/visits/") and path[len("/visits/"):].isdigit():
        db = connect()
        try:
            body = read_visit(db.cursor(), int(path[len("/visits/"):]))
        finally:
            db.close()
        status = "200 OK" if body else "404 Not Found"
        body = body or "no such visit\n"
    else:
        body, status = "not found\n", "404 Not Found"
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [body.encode()]
