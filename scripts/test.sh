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
# rsyslog conflicts with syslog-ng-core, so the syslog tests run a privately unpacked copy.
export GS_RSYSLOG_ROOT
GS_RSYSLOG_ROOT=$(bash scripts/fetch-rsyslog.sh "$PWD/build-asan/peers/rsyslog")
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" --timeout 300
# The syslog framing + parsing fuzz target takes bytes straight from the network: fuzz it for
# a bounded time on every run (GS_SYSLOG_FUZZ_SECONDS, default 60; 0 skips it).
if [ "${GS_SYSLOG_FUZZ_SECONDS:-60}" -gt 0 ]; then
  bash scripts/fuzz.sh "${GS_SYSLOG_FUZZ_SECONDS:-60}" syslog_fuzz
fi
if [ "${GS_FUZZ_SECONDS:-0}" -gt 0 ]; then
  bash scripts/fuzz.sh "$GS_FUZZ_SECONDS"
fi
