#!/usr/bin/env bash
# scripts/build-aarch64.sh: cross-build ringzero for AArch64 (64-bit Arm Linux) on a Debian 12
# x86-64 machine and run its tests under qemu-user, to show that the interpreter builds and
# passes its tests on a non-x86 host (char is unsigned there, shift counts are not masked
# to the operand width, and there is no x87 or SSE to lean on).
#
# It installs what it needs with apt-get (the arm64 architecture through multiarch, clang +
# lld as the cross compiler, qemu-user, the arm64 -dev packages), configures with
# cmake/aarch64-linux-gnu.cmake into build-aarch64/ (no SDL window: the arm64 SDL2 stack is
# large and the tests do not need it), builds, and runs the unit tests under qemu-aarch64.
# The host-CPU comparison tests (difftest, test_*_host*.cpp) are left out by CMake on
# non-x86 hosts; the configure step lists them.
#
# Usage: scripts/build-aarch64.sh [--all]   (--all: also the single-step tests, the bare-metal
#        programs, the frontend and firmware tests through CTest, ringzero under qemu-user)
# Environment: BUILD (default build-aarch64), JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-aarch64}
JOBS=${JOBS:-$(nproc)}
all=0
[ "${1:-}" = "--all" ] && all=1

# Build machine (amd64) packages, then the target's (arm64) -dev packages.  clang is the cross
# compiler because g++-aarch64-linux-gnu conflicts with gcc-multilib (the x86 build's 32-bit
# test helpers and the i386 test kernel need that one).
HOST_PKGS=(cmake ninja-build pkg-config ccache clang lld qemu-user nasm python3 gcc-multilib
           nlohmann-json3-dev)
ARM64_PKGS=(libc6-dev libstdc++-12-dev libzydis-dev libasmjit-dev libcapstone-dev libgtest-dev
            libbenchmark-dev libspng-dev zlib1g-dev)
missing=()
for p in "${HOST_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
for p in "${ARM64_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p:arm64" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p:arm64")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  echo "build-aarch64: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO dpkg --add-architecture arm64
  # Only the native and arm64 indexes: a failed index of a third foreign architecture (i386)
  # would otherwise leave the arm64 security index out, and the arm64 libraries would then
  # not match the versions of their installed amd64 twins (multiarch needs equal versions).
  $SUDO apt-get update -qq -o APT::Get::List-Cleanup=false \
    -o APT::Architectures::="$(dpkg --print-architecture)" -o APT::Architectures::=arm64
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

shared_sample=$(cd .. && pwd)/shared/tests/singlestep-80286/real-mode-sample.jsonl.gz
[ -f "$shared_sample" ] || shared_sample=/work/shared/tests/singlestep-80286/real-mode-sample.jsonl.gz
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -G Ninja -S . -B "$BUILD" -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/aarch64-linux-gnu.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DRZ_WITH_SDL=OFF -DRZ_LINUX_TEST=OFF \
  -DRZ_SINGLESTEP_SAMPLE="$shared_sample" "${launcher[@]}"
ninja -C "$BUILD" -j"$JOBS"
file "$BUILD/frontend/ringzero" | grep -q "ARM aarch64" ||
  { echo "build-aarch64: $BUILD/frontend/ringzero is not an aarch64 binary" >&2; exit 1; }

echo "== unit tests (aarch64, qemu-aarch64)"
qemu-aarch64 "$BUILD/tests/rz_unit_tests"
qemu-aarch64 "$BUILD/tests/singlestep/rz_singlestep_selftest"
if ((all)); then
  # The unit tests ran above in one process; CTest runs the rest (ringzero under qemu-aarch64
  # through the build's ringzero-emulated wrapper).
  echo "== single-step, bare-metal, firmware and frontend tests (aarch64, qemu-aarch64)"
  ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" -R '^singlestep_'
  ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" -L 'baremetal|firmware|frontend'
fi
