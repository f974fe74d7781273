#!/usr/bin/env bash
# The main job until `klaxon run` lands: build klaxon, run the promtool-format rule tests
# shipped in fixtures/, and evaluate a Gatewayz-style query on recorded series.
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
