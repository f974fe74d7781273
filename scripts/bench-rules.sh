#!/usr/bin/env bash
# Rule evaluation benchmark (Benchmarks/Sources/rules-bench): every rule in rules/*.yml evaluated by
# RuleManager over 6 h of the Gatewayz metric set (15 providers × 100 models), figures in
# docs/performance.md ("Rules"). The build holds /tmp/klaxon-build.lock, as every build on the
# shared machine must; the runs do not (one at a time). The TSDB store goes to /tmp and is deleted.
#
#   scripts/bench-rules.sh             MemoryStore, then the TSDB DB
#   scripts/bench-rules.sh memory      only the MemoryStore run (tsdb: only the DB run)
#
# BENCH_ITERATIONS (default 20) sets the number of timed full evaluations.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
# SwiftPM keeps the root package's file list until a manifest changes: touching ours makes a
# source file added at the root since the last build part of this one.
touch Package.swift
flock /tmp/klaxon-build.lock swift build -c release --product rules-bench
bin=.build/release/rules-bench
stores=("$@")
[ ${#stores[@]} -eq 0 ] && stores=(memory tsdb)
for s in "${stores[@]}"; do
  echo "\$ rules-bench --rules ../rules --store $s --iterations ${BENCH_ITERATIONS:-20}"
  "$bin" --rules ../rules --store "$s" --iterations "${BENCH_ITERATIONS:-20}"
  echo
done
