#!/usr/bin/env bash
# README command 2: install what is needed (build deps and the real peers the tests start),
# build with ASan+UBSan, and run every test through ctest: unit, integration (real nginx,
# webhook receiver, rrdtool, rrdcached on 127.0.0.1) and the fuzz targets' corpora.
# GS_FUZZ_SECONDS=N additionally runs each libFuzzer target for N seconds (clang build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGS_SANITIZE=ON -DGS_WERROR=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" --timeout 300
if [ "${GS_FUZZ_SECONDS:-0}" -gt 0 ]; then
  bash scripts/fuzz.sh "$GS_FUZZ_SECONDS"
fi
