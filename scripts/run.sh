#!/usr/bin/env bash
# scripts/run.sh: install dependencies, build ringzero, and run the default guest.
# Today the default guest is the bare-metal demo kernel (benchmarks/guest/loop.asm built as a
# Multiboot kernel): it switches on paging, runs a loop of ALU, memory, call and string work,
# prints "done" on the debug console and exits; --stats shows what the CPU did.
# Extra arguments are passed to ringzero.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
exec build/frontend/ringzero -kernel build/benchmarks/loop-demo.bin -debugcon stdio \
  -device isa-debug-exit --stats "$@"
