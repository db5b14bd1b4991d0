"""A FastCGI responder for tests: answers every request with the CGI variables it got, as
JSON, so tests can see what nginx (or silver-node's FastCGI client) sent. It is written
from the FastCGI specification, apart from silver's own client, so each checks the other.

usage: python3 responder.py PORT  (prints "ready" once it listens)
"""
import json
import socket
import struct
import sys


def read_exactly(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_record(connection):
    version, kind, request_id, length, padding, _ = struct.unpack(">BBHHBB", read_exactly(connection, 8))
    content = read_exactly(connection, length)
    read_exactly(connection, padding)
    return kind, request_id, content


def decode_length(data, offset):
    if data[offset] < 128:
        return data[offset], offset + 1
    return struct.unpack(">I", data[offset:offset + 4])[0] & 0x7FFFFFFF, offset + 4


def decode_params(data):
    params = {}
    offset = 0
    while offset < len(data):
        name_length, offset = decode_length(data, offset)
        value_length, offset = decode_length(data, offset)
        name = data[offset:offset + name_length].decode()
        offset += name_length
        params[name] = data[offset:offset + value_length].decode()
        offset += value_length
    return params


def record(kind, request_id, content):
    return struct.pack(">BBHHBB", 1, kind, request_id, len(content), 0, 0) + content


def serve(connection):
    params = b""
    while True:
        kind, request_id, content = read_record(connection)
        if kind == 4 and content:
            params += content
        if kind == 5 and not content:
            break
    variables = decode_params(params)
    status = variables.get("HTTP_X_RESPOND_STATUS", "200 OK")
    body = json.dumps(variables, sort_keys=True).encode()
    answer = ("Status: %s\r\nContent-Type: application/json\r\n\r\n" % status).encode() + body
    chunks = [answer[start:start + 65535] for start in range(0, len(answer), 65535)]
    out = b"".join(record(6, request_id, chunk) for chunk in chunks)
    connection.sendall(out + record(6, request_id, b"") + record(3, request_id, b"\0" * 8))


def main():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(sys.argv[1])))
    listener.listen(16)
    print("ready", flush=True)
    while True:
        connection, _ = listener.accept()
        try:
            serve(connection)
        except EOFError:
            pass
        finally:
            connection.close()


main()
