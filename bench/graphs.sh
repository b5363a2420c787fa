#!/usr/bin/env bash
# bench/graphs.sh: RRD writes per second to 10,000 files (as they come, batched per file, and
# through rrdcached), then graph render latency (one-year graphs over 1 and 50 files, beside
# the rrdtool CLI) while values keep being written, and the overview page with 10,000 checks.
# rrdcached runs on a unix socket in a temp dir (PEERS.md section 9) and is stopped by PID.
# bench/README.md has the last run. Knobs (environment): FILES=10000 VALUES=10 RENDERS=50
# BUILD_DIR=build-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${FILES:-10000}
VALUES=${VALUES:-10}
RENDERS=${RENDERS:-50}
BUILD_DIR=${BUILD_DIR:-build-bench}
bash scripts/install-deps.sh all >/dev/null
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target graphs_bench >/dev/null

T=$(mktemp -d /tmp/gs-graphs.XXXXXX)
T=$(realpath "$T")
mkdir -p "$T/data/cached" "$T/journal"
rrdcached -g -l "unix:$T/rrdcached.sock" -b "$T/data/cached" -B -j "$T/journal" -w 300 -z 60 \
  -f 600 -t 4 -p "$T/rrdcached.pid" -F >"$T/rrdcached.log" 2>&1 &
RRDCACHED=$!
cleanup() {
  kill -TERM "$RRDCACHED" 2>/dev/null || true
  wait "$RRDCACHED" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
for _ in $(seq 1 200); do
  [ -S "$T/rrdcached.sock" ] && break
  sleep 0.05
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD_DIR/bench/graphs_bench" "$T/data" "$FILES" "$VALUES" "$RENDERS" "unix:$T/rrdcached.sock"
