#!/usr/bin/env bash
# The main job: build klaxon, evaluate a Gatewayz-style query on recorded series, run the
# promtool-format rule tests shipped in fixtures/, then `klaxon run` on the bundled config for
# 20 s (it scrapes itself and loads the 34 Gatewayz rules) and query it over its HTTP API.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build --product klaxon
bin=.build/debug/klaxon
echo "== klaxon query: error ratio per provider over recorded series"
$bin query --interval 15s --at 10m \
  --series 'model_inference_requests_total{provider="openai",status="success"} 0+100x60' \
  --series 'model_inference_requests_total{provider="openai",status="error"} 0+2x60' \
  --series 'model_inference_requests_total{provider="anthropic",status="success"} 0+80x60' \
  --series 'model_inference_requests_total{provider="anthropic",status="error"} 0+20x60' \
  'sum by (provider) (rate(model_inference_requests_total{status="error"}[5m])) / sum by (provider) (rate(model_inference_requests_total[5m])) > 0.05'
passing=$(ls fixtures/promtool/*.yml | grep -v '\.bad\.yml$')
echo "== klaxon test rules (promtool-format unit tests shipped in fixtures/promtool)"
$bin test rules $passing

echo "== klaxon run on the bundled config (fixtures/config/prometheus.yml) for 20 s"
store=$(mktemp -d)
$bin run --storage.path "$store" --web.listen-address 127.0.0.1:9096 > "$store/klaxon.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$store"' EXIT
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:9096/-/ready >/dev/null 2>&1 && break; sleep 0.2; done
sleep 20
echo "-- GET /api/v1/query?query=up"
curl -s 'http://127.0.0.1:9096/api/v1/query?query=up'; echo
echo "-- GET /api/v1/rules (groups loaded)"
curl -s http://127.0.0.1:9096/api/v1/rules | grep -o '"name":"[a-z_]*","file"' | sed 's/,"file"//' | tr '\n' ' '; echo
echo "-- the first log lines"
head -5 "$store/klaxon.log"
kill -TERM $pid; wait $pid && echo "klaxon run exited cleanly (SIGTERM)"
trap - EXIT
rm -rf "$store"
echo "Run it yourself: make run   (then: promtool query instant http://127.0.0.1:9096 up)"
