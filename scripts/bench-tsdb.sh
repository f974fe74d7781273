#!/usr/bin/env bash
# Runs the TSDB benchmarks (Benchmarks/Sources/tsdb-bench) in release mode, one after another.
# The build holds /tmp/klaxon-build.lock, as every build on the shared machine must; the runs
# do not (they are single benchmarks, never two at once). Stores go to /tmp and are deleted.
# The figures in docs/performance.md ("TSDB") come from `scripts/bench-tsdb.sh` with no arguments.
# With arguments, runs only those subcommands, e.g. `scripts/bench-tsdb.sh bytes query`.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
flock /tmp/klaxon-build.lock swift build -c release --product tsdb-bench
bin=.build/release/tsdb-bench
run() { echo "\$ tsdb-bench $*"; "$bin" "$@"; echo; }
if [ $# -gt 0 ]; then
  for c in "$@"; do run "$c"; done
  exit 0
fi
run bytes                    # 10,000 series, 24 h at exactly 15 s, 2 h blocks
run bytes --jitter 5         # the same with ±5 ms of jitter on every scrape timestamp
run append                   # 10,000 series × 480 scrapes (2 h), one commit per scrape round
run append --batch 100       # one commit per target (100 samples), as a scrape loop commits
run replay                   # 10,000 series × 720 scrapes (3 h) in the WAL
run head-memory              # 100,000 series: 1 sample, then a full 120-sample chunk
run rss-1m                   # 1,000,000 series × 120 scrapes (30 min)
run query                    # rate over 100,000 series, head and block
