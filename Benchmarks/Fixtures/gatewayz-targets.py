#!/usr/bin/env python3
"""100 small Gatewayz-like /metrics targets on 127.0.0.1 for scripts/bench-scrape.sh.

usage: gatewayz-targets.py TARGETS_FILE [N] [FIRST_PORT]
Serves N (default 100) ports from FIRST_PORT (default: N consecutive free ports picked by the
OS) in one process, one thread per port. Each page is one provider × 30 models of the Gatewayz
per-model metrics (requests, 20-bucket latency histogram, tokens, credits, circuit breakers):
~970 samples, values advancing with wall time. Writes host:port lines to TARGETS_FILE once
every port is listening.
"""
import http.server, math, socket, sys, threading, time

BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, math.inf]
START = time.time()

def series_for(idx):
    prov = "provider-%d" % (idx % 15)
    out = []  # (family header or None, line prefix, rate per 15 s, kind)
    for m in range(30):
        pm = 'provider="%s",model="%s/model-%d-%d"' % (prov, prov, idx, m)
        traffic = 1 + (idx * 100 + m) * 7919 % 40
        for st, f in (("success", 0.96), ("error", 0.03), ("timeout", 0.01)):
            out.append(("model_inference_requests_total{%s,status=\"%s\"} " % (pm, st), traffic * f, "c"))
        scale = 0.5 + (m * 31 % 40) * 0.5
        for b in BUCKETS:
            le = "+Inf" if b == math.inf else repr(b).rstrip("0").rstrip(".") if "." in repr(b) else repr(b)
            frac = 1 if b == math.inf else 1 - math.exp(-b / scale)
            out.append(("model_inference_duration_seconds_bucket{%s,le=\"%s\"} " % (pm, le), traffic * frac, "c"))
        out.append(("model_inference_duration_seconds_sum{%s} " % pm, traffic * scale, "f"))
        out.append(("model_inference_duration_seconds_count{%s} " % pm, traffic, "c"))
        out.append(("tokens_used_total{%s,token_type=\"input\"} " % pm, traffic * 900, "c"))
        out.append(("tokens_used_total{%s,token_type=\"output\"} " % pm, traffic * 300, "c"))
        out.append(("credits_used_total{%s} " % pm, traffic * 0.013, "f"))
        for st in ("closed", "open", "half_open"):
            out.append(("circuit_breaker_state{%s,state=\"%s\"} " % (pm, st), 1 if st == "closed" else 0, "g"))
        out.append(("circuit_breaker_failure_count{%s} " % pm, 0.05, "c"))
    out.append(('provider_health_score{provider="%s"} ' % prov, 90, "g"))
    return out

HEADER = "# HELP model_inference_requests_total Total model inference requests\n# TYPE model_inference_requests_total counter\n"

def make_handler(series):
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def do_GET(self):
            k = (time.time() - START) / 15
            lines = [HEADER]
            for prefix, rate, kind in series:
                if kind == "c":
                    v = "%d" % math.floor(rate * k)
                elif kind == "f":
                    v = "%.3f" % (rate * k)
                else:
                    v = "%g" % rate
                lines.append(prefix + v + "\n")
            body = "".join(lines).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *a):
            pass
    return H

def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    servers = []
    for i in range(n):
        port = first + i if first else 0
        s = http.server.ThreadingHTTPServer(("127.0.0.1", port), make_handler(series_for(i)))
        servers.append(s)
        threading.Thread(target=s.serve_forever, daemon=True).start()
    with open(path + ".tmp", "w") as f:
        for s in servers:
            f.write("127.0.0.1:%d\n" % s.server_address[1])
    import os
    os.rename(path + ".tmp", path)
    print("serving %d targets, %d samples per page" % (n, len(series_for(0))), flush=True)
    threading.Event().wait()

main()
