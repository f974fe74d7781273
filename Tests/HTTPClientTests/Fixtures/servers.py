#!/usr/bin/env python3
"""Test servers for HTTPClientTests, on 127.0.0.1 only.

    servers.py http [--cert CERT --key KEY [--client-ca CA]]
    servers.py smtp --out FILE

Each binds port 0 and prints the chosen port as the first line of stdout. Each exits when
its standard input closes, so a test run that dies leaves no server behind.

HTTP endpoints:
    /page               200, a small text page
    /gzip               200, the same page gzip-encoded (Content-Encoding: gzip)
    /slow?ms=N          200 after N milliseconds
    /status/N           status N with a short body
    /large?bytes=N      200 with N bytes, sent in 64 KiB pieces
    /echo               200, JSON {method, path, headers, body} of the request
    /redirect           302 to /page
    absolute-URI paths  200, JSON {"proxied": URI}: the server acting as an HTTP proxy

SMTP: a sink that accepts EHLO/HELO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT
and appends each message to FILE as a JSON line {helo, auth, from, to, data} before it
answers the end of DATA.
"""
import asyncio
import base64
import gzip
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

PAGE = b"# HELP up ok\n# TYPE up gauge\nup 1\n" * 20


def exit_when_stdin_closes():
    def watch():
        try:
            while sys.stdin.buffer.read(1024):
                pass
        finally:
            os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("http://") or self.path.startswith("https://"):
            return self.send(200, json.dumps({"proxied": self.path}).encode(),
                             [("Content-Type", "application/json")])
        url = urlparse(self.path)
        q = parse_qs(url.query)
        p = url.path
        if p == "/page":
            self.send(200, PAGE, [("Content-Type", "text/plain; version=0.0.4")])
        elif p == "/gzip":
            self.send(200, gzip.compress(PAGE),
                      [("Content-Type", "text/plain; version=0.0.4"), ("Content-Encoding", "gzip")])
        elif p == "/slow":
            time.sleep(int(q.get("ms", ["1000"])[0]) / 1000)
            self.send(200, b"slow\n", [("Content-Type", "text/plain")])
        elif p.startswith("/status/"):
            status = int(p[len("/status/"):])
            self.send(status, b"status %d from the test server\n" % status, [("Content-Type", "text/plain")])
        elif p == "/large":
            n = int(q.get("bytes", ["1000000"])[0])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            chunk = b"x" * 65536
            try:
                while n > 0:
                    self.wfile.write(chunk[: min(n, len(chunk))])
                    n -= len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif p == "/echo":
            out = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }
            self.send(200, json.dumps(out).encode(), [("Content-Type", "application/json")])
        elif p == "/redirect":
            self.send(302, b"", [("Location", "/page")])
        else:
            self.send(404, b"not found\n", [("Content-Type", "text/plain")])

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def serve_http(args):
    server = Server(("127.0.0.1", 0), Handler)
    if "--cert" in args:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args[args.index("--cert") + 1], args[args.index("--key") + 1])
        if "--client-ca" in args:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args[args.index("--client-ca") + 1])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


async def smtp_session(reader, writer, out_path):
    state = {"helo": None, "auth": None, "from": None, "to": []}

    async def reply(line):
        writer.write((line + "\r\n").encode())
        await writer.drain()

    async def readline():
        line = await reader.readline()
        if not line:
            raise ConnectionError
        return line.decode("utf-8", "replace").rstrip("\r\n")

    await reply("220 klaxon-test-sink ESMTP")
    try:
        while True:
            line = await readline()
            verb = line.split(" ", 1)[0].upper()
            arg = line[len(verb):].strip()
            if verb in ("EHLO", "HELO"):
                state["helo"] = arg
                if verb == "EHLO":
                    writer.write(b"250-klaxon-test-sink\r\n250-AUTH PLAIN LOGIN\r\n")
                await reply("250 OK")
            elif verb == "AUTH":
                parts = arg.split()
                mech = parts[0].upper()
                if mech == "PLAIN":
                    if len(parts) > 1:
                        blob = parts[1]
                    else:
                        await reply("334 ")
                        blob = await readline()
                    _, user, _password = base64.b64decode(blob).decode().split("\0")
                elif mech == "LOGIN":
                    if len(parts) > 1:
                        user = base64.b64decode(parts[1]).decode()
                    else:
                        await reply("334 VXNlcm5hbWU6")
                        user = base64.b64decode(await readline()).decode()
                    await reply("334 UGFzc3dvcmQ6")
                    await readline()
                else:
                    await reply("504 unrecognized authentication type")
                    continue
                state["auth"] = user
                await reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                state["from"] = arg.split(":", 1)[1].strip().split(" ")[0].strip("<>")
                state["to"] = []
                await reply("250 OK")
            elif verb == "RCPT":
                state["to"].append(arg.split(":", 1)[1].strip().strip("<>"))
                await reply("250 OK")
            elif verb == "DATA":
                await reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    raw = await reader.readline()
                    if not raw:
                        raise ConnectionError
                    if raw in (b".\r\n", b".\n"):
                        break
                    if raw.startswith(b".."):
                        raw = raw[1:]
                    lines.append(raw)
                record = dict(state, data=b"".join(lines).decode("utf-8", "replace"))
                with open(out_path, "a") as f:
                    f.write(json.dumps(record) + "\n")
                await reply("250 OK: queued")
            elif verb == "RSET":
                state["from"], state["to"] = None, []
                await reply("250 OK")
            elif verb == "NOOP":
                await reply("250 OK")
            elif verb == "QUIT":
                await reply("221 Bye")
                break
            else:
                await reply("502 command not implemented")
    except ConnectionError:
        pass
    writer.close()


def serve_smtp(args):
    out_path = args[args.index("--out") + 1]

    async def main():
        server = await asyncio.start_server(
            lambda r, w: smtp_session(r, w, out_path), "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


if __name__ == "__main__":
    exit_when_stdin_closes()
    mode, rest = sys.argv[1], sys.argv[2:]
    {"http": serve_http, "smtp": serve_smtp}[mode](rest)
