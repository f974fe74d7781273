#!/usr/bin/env bash
# The main job: build klaxon and run `klaxon demo` at 60× speed: a simulated Gatewayz backend
# goes through a scripted incident (provider outage, latency spike, cost spike, cache failure)
# and recovers, while Klaxon scrapes it, evaluates the 34 rules in rules/ and routes the
# notifications. About two minutes; the web UI is live at the printed URL while it runs.
# Extra arguments go to `klaxon demo` (e.g. `--speed 600`, or `--exit-when-done` dropped to keep it running).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build --product klaxon
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--speed 60 --exit-when-done)
exec .build/debug/klaxon demo "${args[@]}"
