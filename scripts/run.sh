#!/usr/bin/env bash
# scripts/run.sh: install what is needed, build ringzero and the default guest, and boot it.
#
# The default guest is Debian 12's i386 kernel (linux-image-686) with a busybox initramfs,
# booted directly (no firmware) with its console on COM1, which is this terminal: you get a
# Linux shell.  `poweroff -f` ends the run.  Extra arguments are passed to ringzero
# (e.g. --stats).  The guest images are built once into ~/.cache/ringzero/linux.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build-linux-guest.sh
scripts/build.sh build
guest=${XDG_CACHE_HOME:-$HOME/.cache}/ringzero/linux
exec build/frontend/ringzero -kernel "$guest/vmlinuz" -initrd "$guest/initramfs.cpio.gz" \
  -append "console=ttyS0" -m 128 -serial stdio "$@"
