#!/usr/bin/env bash
# bench/inventory.sh: one EC2 refresh of a 10,000-instance fleet (parse every page, merge,
# plan the jobs, apply them to the scheduler): time per round and the peak memory the
# refreshes add. Round 1 is a cold start; later rounds replace 5% of the fleet and change the
# state of 5%. bench/README.md has the last run. No network: the pages are made in memory.
# Knobs (environment): INSTANCES=10000 CHECKS=3 ROUNDS=10 BUILD_DIR=build-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
INSTANCES=${INSTANCES:-10000}
CHECKS=${CHECKS:-3}
ROUNDS=${ROUNDS:-10}
BUILD_DIR=${BUILD_DIR:-build-bench}
bash scripts/install-deps.sh all >/dev/null
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target inventory_bench >/dev/null
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD_DIR/bench/inventory_bench" "$INSTANCES" "$CHECKS" "$ROUNDS"
