#!/usr/bin/env python3
"""A changing /metrics page for the scrape end-to-end test.

/metrics: a counter that grows each request, and `temporary` present only for the first 3 requests.
/fail: HTTP 500.  /garbage: a page that is not the text format.
Prints the chosen port on stdout, then serves until killed.
"""
import http.server, socketserver, sys, threading

count = {'n': 0}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path.startswith('/metrics'):
            with lock:
                count['n'] += 1
                n = count['n']
            body = '# TYPE requests_total counter\nrequests_total{path="/"} %d\n' % (n * 10)
            if n <= 3:
                body += 'temporary{kind="short"} 1\n'
            self.reply(200, body, 'text/plain; version=0.0.4')
        elif self.path.startswith('/fail'):
            self.reply(500, 'boom\n', 'text/plain')
        elif self.path.startswith('/garbage'):
            self.reply(200, 'this is { not metrics\n', 'text/plain; version=0.0.4')
        else:
            self.reply(404, 'not found\n', 'text/plain')

    def reply(self, code, body, ctype):
        data = body.encode()
        self.send_response(code)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(('127.0.0.1', 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
