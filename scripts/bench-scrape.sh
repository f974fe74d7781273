#!/usr/bin/env bash
# Scrape benchmarks (Benchmarks/Sources/scrape-bench), figures in docs/performance.md ("Scraping").
# The build holds /tmp/klaxon-build.lock, as every build on the shared machine must; the runs do not.
#
#   scripts/bench-scrape.sh            page, then cpu, then prometheus
#   scripts/bench-scrape.sh page       parse + process + append throughput on a ~50,000-sample page
#   scripts/bench-scrape.sh cpu        Klaxon's ScrapeManager: 100 local targets every 15 s
#   scripts/bench-scrape.sh prometheus /usr/bin/prometheus (2.42) on the same 100 targets
#
# BENCH_SECONDS (default 180) and BENCH_WARMUP (default 30) set the measured window and the
# warm-up before it. Everything listens on 127.0.0.1; every process started here is stopped by
# its pid on exit, and the stores under /tmp are deleted.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
flock /tmp/klaxon-build.lock swift build -c release --product scrape-bench
bin=$PWD/.build/release/scrape-bench
window=${BENCH_SECONDS:-180}
warmup=${BENCH_WARMUP:-30}
modes=("$@")
[ ${#modes[@]} -eq 0 ] && modes=(page cpu prometheus)

work=$(mktemp -d /tmp/klaxon-bench-scrape.XXXXXX)
targets_pid="" prom_pid=""
cleanup() {
  [ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null || true
  [ -n "$targets_pid" ] && kill "$targets_pid" 2>/dev/null && wait "$targets_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_targets() {
  [ -n "$targets_pid" ] && return
  python3 Fixtures/gatewayz-targets.py "$work/targets.txt" 100 &
  targets_pid=$!
  for _ in $(seq 100); do [ -f "$work/targets.txt" ] && break; sleep 0.1; done
  [ -f "$work/targets.txt" ] || { echo "targets did not start"; exit 1; }
}

for m in "${modes[@]}"; do
  case "$m" in
  page)
    echo "\$ scrape-bench page --pages 40"
    "$bin" page --pages 40
    ;;
  cpu)
    start_targets
    echo "\$ scrape-bench cpu --targets targets.txt --seconds $window --warmup $warmup"
    "$bin" cpu --targets "$work/targets.txt" --seconds "$window" --warmup "$warmup"
    ;;
  prometheus)
    start_targets
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    {
      echo "global: {scrape_interval: 15s, scrape_timeout: 10s, evaluation_interval: 1m}"
      echo "scrape_configs:"
      echo "  - job_name: gatewayz"
      echo "    static_configs:"
      echo "      - targets: [$(paste -sd, "$work/targets.txt")]"
    } > "$work/prometheus.yml"
    /usr/bin/prometheus --version 2>&1 | head -1
    /usr/bin/prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom" \
      --web.listen-address="127.0.0.1:$port" --log.level=warn >"$work/prom.log" 2>&1 &
    prom_pid=$!
    echo "== prometheus (pid $prom_pid, 127.0.0.1:$port): 100 targets, 15 s interval, warm-up $warmup s, then $window s measured"
    cpu() { curl -sf "http://127.0.0.1:$port/metrics" | awk '$1=="process_cpu_seconds_total"{print $2}'; }
    sleep "$warmup"
    c0=$(cpu); t0=$(date +%s.%N)
    sleep "$window"
    c1=$(cpu); t1=$(date +%s.%N)
    up=$(curl -sf "http://127.0.0.1:$port/api/v1/query?query=sum(up)" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])')
    series=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '$1=="prometheus_tsdb_head_series"{print $2}')
    rss=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '$1=="process_resident_memory_bytes"{printf "%.0f", $2/1048576}')
    python3 -c "import sys; c0,c1,t0,t1=map(float,sys.argv[1:]); w=t1-t0; u=c1-c0; print(f'  process_cpu_seconds_total {c0:.2f} -> {c1:.2f} over {w:.1f} s: CPU {u:.2f} s = {u/w*60:.2f} CPU-s per minute = {u/w*100:.2f} % of one core')" "$c0" "$c1" "$t0" "$t1"
    echo "  targets up: $up, head series $series, RSS $rss MB"
    kill "$prom_pid"; wait "$prom_pid" 2>/dev/null || true; prom_pid=""
    ;;
  *) echo "unknown mode $m (page|cpu|prometheus)"; exit 2 ;;
  esac
  echo
done
