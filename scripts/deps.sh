#!/usr/bin/env bash
# scripts/deps.sh: install the Debian 12 packages ringzero needs to build, test and run.
# Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config
  libzydis-dev libasmjit-dev libcapstone-dev libsdl2-dev libspng-dev zlib1g-dev
  nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  nasm gcc-multilib python3
  seabios qemu-system-x86
  cpio syslinux syslinux-common isolinux xorriso mtools dosfstools e2fsprogs memtest86+
  xvfb xdotool x11-apps
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
