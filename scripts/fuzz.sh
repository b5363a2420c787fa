#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS [TARGET...]]: builds the libFuzzer targets (all, or the named ones)
# with clang (ASan+UBSan) and runs each for SECONDS (default 60) on a copy of its seed corpus.
# Exits non-zero, leaving build-fuzz/art-* behind, on a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  # All but the targets that link the whole collector: Debian 12's clang 14 cannot compile it
  # (aggregate init from parentheses, Asio coroutines), so those only replay their corpora in
  # the g++ build. Name them to try anyway.
  mapfile -t targets < <(cd tests/fuzz && ls *_fuzz.cc | sed 's/\.cc$//' |
                         grep -vx -e config_fuzz -e http_request_fuzz)
fi
CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DFUZZ=ON -DBUILD_TESTING=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"
for name in "${targets[@]}"; do
  work=build-fuzz/corpus/$name; mkdir -p "$work"
  cp -n tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
  echo "fuzz: $name for ${secs}s"
  build-fuzz/tests/fuzz/"$name" -max_total_time="$secs" -max_len=65536 \
    -artifact_prefix=build-fuzz/art-"$name"- "$work" 2>&1 | tail -2
done
