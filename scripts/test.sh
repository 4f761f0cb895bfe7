#!/usr/bin/env bash
# scripts/test.sh: install dependencies, build, and run every test: the unit tests, the
# differential tester's CI subset, the single-step hardware tests, the bare-metal programs,
# the Linux boot test; then the same suite again under AddressSanitizer +
# UndefinedBehaviorSanitizer (except the Linux boot, which takes minutes without them and
# too long with them: label "linux").
# Usage: scripts/test.sh [--no-sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build-linux-guest.sh
scripts/build-disk-images.sh
jobs=$(nproc)

echo "== release build and tests"
scripts/build.sh build
ctest --test-dir build --output-on-failure -j"$jobs"

if [ "${1:-}" != "--no-sanitize" ]; then
  echo "== ASan+UBSan build and tests"
  scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRZ_SANITIZE=ON
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE linux
fi
