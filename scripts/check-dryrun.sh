#!/usr/bin/env bash
# CI step for routing and dry-run (docs/ci.md): the notification tests, then a dry-run of every
# committed recording with the shipped rules and routing, compared with its expected notifications.
#
#   scripts/check-dryrun.sh                    # fixtures/notifications/*.yml, fixtures/{dryrun,recorded}/*.om[.gz]
#   scripts/check-dryrun.sh path/to/x.om.gz    # only these recordings (each needs x.expected beside it)
#
# A recording NAME.om or NAME.om.gz is checked against NAME.expected (lines as printed by
# `klaxon dry-run --output notifications`); regenerate one with
#   klaxon dry-run --config.file fixtures/config/prometheus.yml \
#     --alertmanager.config.file fixtures/config/alertmanager.yml --input NAME.om.gz --output notifications > NAME.expected
# Exits non-zero if a test fails, a recording's notifications differ, or a recording has no .expected file.
set -uo pipefail
cd "$(dirname "$0")/.."
klaxon=${KLAXON:-.build/debug/klaxon}
if [ ! -x "$klaxon" ]; then
    echo "check-dryrun: $klaxon not built (swift build --product klaxon)" >&2
    exit 2
fi
status=0

echo "Notification tests (klaxon test notifications):"
"$klaxon" test notifications fixtures/notifications/*.yml || status=1

if [ $# -gt 0 ]; then
    recordings=("$@")
else
    shopt -s nullglob
    recordings=(fixtures/dryrun/*.om fixtures/dryrun/*.om.gz fixtures/recorded/*.om fixtures/recorded/*.om.gz)
fi
for rec in "${recordings[@]}"; do
    expected="${rec%.gz}"
    expected="${expected%.om}.expected"
    echo
    echo "Dry-run of $rec against $expected:"
    if [ ! -f "$expected" ]; then
        echo "check-dryrun: $expected is missing" >&2
        status=1
        continue
    fi
    "$klaxon" dry-run --config.file fixtures/config/prometheus.yml \
        --alertmanager.config.file fixtures/config/alertmanager.yml \
        --input "$rec" --output notifications --expect-file "$expected" > /dev/null || status=1
done
exit $status
