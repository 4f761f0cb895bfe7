#!/usr/bin/env bash
# scripts/run.sh: install what is needed, build ringzero and the default guest, and boot it.
#
# The default guest is Debian 12's i386 kernel (linux-image-686) with a busybox initramfs,
# booted directly (no firmware) with its console on COM1, which is this terminal: you get a
# Linux shell.  With a display ($DISPLAY or $WAYLAND_DISPLAY) SeaBIOS boots the same kernel
# in an SDL window with the VGA console as well.  `poweroff -f` ends the run.  Extra arguments are passed to ringzero
# (e.g. --stats).  The guest images are built once into ~/.cache/ringzero/linux.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build-linux-guest.sh
scripts/build.sh build
guest=${XDG_CACHE_HOME:-$HOME/.cache}/ringzero/linux
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && " $* " != *" -display none "* ]]; then
  # A window: SeaBIOS and SeaVGABIOS set up the VGA, then load the kernel from fw_cfg; the
  # shell runs on the VGA console (PS/2 keyboard) and on COM1 (this terminal).
  exec build/frontend/ringzero -bios /usr/share/seabios/bios-256k.bin -kernel "$guest/vmlinuz" \
    -initrd "$guest/initramfs.cpio.gz" -append "console=ttyS0 console=tty0" -m 128 \
    -serial stdio "$@"
fi
exec build/frontend/ringzero -kernel "$guest/vmlinuz" -initrd "$guest/initramfs.cpio.gz" \
  -append "console=ttyS0" -m 128 -serial stdio -display none "$@"
