#!/usr/bin/env bash
# Check the Gatewayz alerting rules: promtool check rules, then the promtool unit
# tests in fixtures/rules/ under real promtool and under `klaxon test rules`.
# Exits non-zero if any step fails. Build klaxon first:
#   flock /tmp/klaxon-build.lock swift build --product klaxon
set -u
cd "$(dirname "$0")/.."
PROMTOOL=${PROMTOOL:-promtool}
KLAXON=${KLAXON:-.build/debug/klaxon}
status=0

step() {
  local label=$1; shift
  local start end rc
  start=$(date +%s.%N)
  "$@"; rc=$?
  end=$(date +%s.%N)
  printf '== %-28s %s (%.2fs)\n\n' "$label" "$([ $rc -eq 0 ] && echo OK || echo "FAILED rc=$rc")" \
    "$(awk "BEGIN{print $end - $start}")"
  [ $rc -eq 0 ] || status=1
}

step "promtool check rules" "$PROMTOOL" check rules rules/*.yml
step "promtool test rules" "$PROMTOOL" test rules fixtures/rules/*.yml
if [ -x "$KLAXON" ]; then
  step "klaxon test rules" "$KLAXON" test rules fixtures/rules/*.yml
else
  echo "== klaxon test rules: $KLAXON not built" >&2; status=1
fi
exit $status
