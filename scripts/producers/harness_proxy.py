#!/usr/bin/env python3
"""A tiny HTTP proxy for the browser recordings (Python standard library only).

usage: harness_proxy.py LISTEN_PORT CERB_HOSTPORT HARNESS_FILE TOKEN XORIGIN

The browsers use it as their HTTP proxy (Firefox: network.proxy.allow_hijacking_localhost;
Chromium: --proxy-server with --proxy-bypass-list=<-loopback>), so the page
http://127.0.0.1:PORT/harness.html has the Cerb origin and is a real HTTP response from a
loopback address (no request interception: Playwright's interception answers CORS preflights
itself, and Chromium puts a fulfilled page in no address space, so Local Network Access blocks
its loopback fetches). The proxy answers GET /harness.html itself and relays every other
request and its response byte for byte to Cerb's nginx (which accepts the absolute-form request
line), one at a time on one upstream connection per browser connection, so the browser sees
exactly what Cerb sent. Requests for any other host (the browser's own background
traffic) get 403 and go nowhere.
"""
import json
import socket
import sys
import threading

listen_port, upstream, harness_file, token, xorigin = sys.argv[1:6]
up_host, up_port = upstream.rsplit(":", 1)
allowed = {upstream, "localhost:" + up_port}
html = open(harness_file, encoding="utf-8").read()
html = html.replace('"__TOKEN__"', json.dumps(token)).replace('"__XORIGIN__"', json.dumps(xorigin)).encode()


def read_head(f):
    """The request or response head (start line and headers, up to the blank line), or b""."""
    head = b""
    while True:
        line = f.readline(65537)
        if not line:
            return b""
        head += line
        if line in (b"\r\n", b"\n"):
            return head


def header(head, name):
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == name:
            return v.strip().decode("latin-1")
    return None


def copy_body(f, out, head, is_response, method=""):
    """Copies one message body from f to out, as framed by its head; False if it ends the connection."""
    if is_response:
        status = int(head.split(b" ", 2)[1])
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return True
    if (header(head, b"transfer-encoding") or "").lower().endswith("chunked"):
        while True:
            line = f.readline(65537)
            out.sendall(line)
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:  # trailers, up to the blank line
                    t = f.readline(65537)
                    out.sendall(t)
                    if t in (b"\r\n", b"\n", b""):
                        return True
            out.sendall(f.read(size + 2))
    n = header(head, b"content-length")
    if n is not None:
        out.sendall(f.read(int(n)))
        return True
    if not is_response:
        return True
    while True:  # no framing: the body ends with the connection
        b = f.read1(65536)
        if not b:
            return False
        out.sendall(b)


def handle(conn):
    """Serves one browser connection, request by request (keep-alive), each relayed unchanged."""
    cf = conn.makefile("rb")
    up = uf = None
    try:
        while True:
            head = read_head(cf)
            if not head:
                return
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            hostport, path = target, ""
            if "://" in target:
                hostport, _, path = target.split("://", 1)[1].partition("/")
                path = "/" + path
            if hostport not in allowed:
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            if method == "GET" and path.startswith("/harness.html"):
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(html) + html)
                continue
            if up is None:
                up = socket.create_connection((up_host, int(up_port)))
                uf = up.makefile("rb")
            up.sendall(head)
            copy_body(cf, up, head, False)
            while True:
                rhead = read_head(uf)
                if not rhead:
                    return
                conn.sendall(rhead)
                if not copy_body(uf, conn, rhead, True, method):
                    return
                if not rhead.startswith(b"HTTP/1.1 1") or rhead.startswith(b"HTTP/1.1 101"):
                    break
            if (header(rhead, b"connection") or "").lower() == "close":
                return
    except OSError:
        return
    finally:
        for s in (up, conn):
            if s is not None:
                try:
                    s.close()
                except OSError:
                    pass


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(listen_port)))
srv.listen(64)
while True:
    c, _ = srv.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
