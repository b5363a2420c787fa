#!/usr/bin/env bash
# README command 1: install what is needed, build (RelWithDebInfo), and start the collector on
# its embedded default config (it watches this box; data in ./var). Extra arguments go to
# `groundstation run`, e.g. `scripts/start.sh -c my.yaml`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh run
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)" --target groundstation
exec build/collector/groundstation run "$@"
