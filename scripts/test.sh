#!/usr/bin/env bash
# Builds and runs every test, then prints the PromQL conformance totals.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build --build-tests
log=$(mktemp)
status=0
# Serial: several tests start real processes and servers; in parallel on 2 cores they starve
# the cooperative thread pool and time out.
swift test --no-parallel 2>&1 | tee "$log" || status=$?
echo
echo "Gatewayz rules: promtool check, promtool test and klaxon test on fixtures/rules:"
./scripts/check-rules.sh || status=1
echo
echo "Notification tests and dry-runs of the recorded fixtures (scripts/check-dryrun.sh):"
./scripts/check-dryrun.sh || status=1
echo
echo "PromQL conformance (Prometheus v2.42 engine scripts):"
grep -E '^conformance ' "$log" | sort || true
awk '/^conformance /{p+=$3; f+=$5; s+=$7} END {printf "conformance total: %d passed, %d failed, %d skipped\n", p, f, s}' "$log"
rm -f "$log"
exit $status
