#!/usr/bin/env bash
# Runs the PromQL engine benchmarks (Benchmarks/, ordo-one/benchmark) in release mode.
# The build and the run hold /tmp/klaxon-build.lock, as every build on the shared machine must.
# Extra arguments go to the benchmark plugin, e.g.
#   scripts/bench.sh --filter 'Parse.*'        scripts/bench.sh --format markdown
# The figures in docs/performance.md come from `scripts/bench.sh` with no arguments.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
exec flock /tmp/klaxon-build.lock \
  swift package --allow-writing-to-package-directory benchmark --no-progress "$@"
