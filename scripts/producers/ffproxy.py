#!/usr/bin/env python3
"""A tiny HTTP proxy for the Firefox recording (Python standard library only).

usage: ffproxy.py LISTEN_PORT CERB_HOSTPORT HARNESS_FILE TOKEN XORIGIN LABEL

Firefox uses it as its HTTP proxy (network.proxy.allow_hijacking_localhost), so the page
http://127.0.0.1:PORT/harness.html has the Cerb origin: the proxy answers that one request
itself and relays every other connection byte for byte to Cerb's nginx (which accepts the
absolute-form request line), so Firefox sees exactly what Cerb sent.
"""
import json
import socket
import sys
import threading

listen_port, upstream, harness_file, token, xorigin, label = sys.argv[1:7]
up_host, up_port = upstream.rsplit(":", 1)
html = open(harness_file, encoding="utf-8").read()
html = (html.replace('"__TOKEN__"', json.dumps(token)).replace('"__XORIGIN__"', json.dumps(xorigin))
        .replace('"__LABEL__"', json.dumps(label, ensure_ascii=False))).encode()


def pipe(src, dst):
    try:
        while True:
            b = src.recv(65536)
            if not b:
                break
            dst.sendall(b)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def handle(conn):
    head = b""
    while b"\r\n\r\n" not in head:
        b = conn.recv(65536)
        if not b:
            conn.close()
            return
        head += b
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    method, target, _ = line.split(" ", 2)
    path = target.split("://", 1)[-1]
    path = "/" + path.split("/", 1)[1] if "://" in target else target
    if method == "GET" and path.startswith("/harness.html"):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(html) + html)
        conn.close()
        return
    up = socket.create_connection((up_host, int(up_port)))
    up.sendall(head)
    threading.Thread(target=pipe, args=(up, conn), daemon=True).start()
    pipe(conn, up)


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(listen_port)))
srv.listen(64)
while True:
    c, _ = srv.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
