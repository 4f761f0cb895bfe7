#!/usr/bin/env bash
# scripts/build-linux-guest.sh [OUT_DIR]: build the default Linux guest from Debian 12 packages.
#
# Downloads (no install) Debian's i386 kernel - the concrete linux-image-6.1.0-*-686 package
# that linux-image-686:i386 depends on - and busybox-static:i386, then builds:
#   OUT_DIR/vmlinuz          the bzImage
#   OUT_DIR/initramfs.cpio.gz  busybox + an /init that mounts /proc, /sys, /dev and starts a
#                            shell on the console
# Cached: nothing is rebuilt when the outputs exist.  Default OUT_DIR: ~/.cache/ringzero/linux
set -euo pipefail
out=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/ringzero/linux}
mkdir -p "$out"
stamp="guest-v2"  # bump when the recipe changes
if [ -s "$out/vmlinuz" ] && [ -s "$out/initramfs.cpio.gz" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "linux guest: cached in $out"
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! dpkg --print-foreign-architectures | grep -qx i386; then
  $SUDO dpkg --add-architecture i386
fi
if ! apt-cache show busybox-static:i386 >/dev/null 2>&1 || \
   ! apt-cache depends linux-image-686:i386 >/dev/null 2>&1; then
  # A mirror mid-sync can fail one index; what matters is that the packages resolve.
  $SUDO apt-get update -qq || true
fi
for p in cpio; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || \
    $SUDO apt-get install -y -qq "$p" >/dev/null
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# The concrete kernel package behind the linux-image-686 metapackage.
kpkg=$(apt-cache depends linux-image-686:i386 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$kpkg" ] || { echo "cannot resolve linux-image-686:i386" >&2; exit 1; }
kpkg=${kpkg%:i386}
apt-get download -qq "$kpkg:i386" busybox-static:i386
dpkg-deb -x "$(ls ${kpkg}_*.deb)" kernel
dpkg-deb -x "$(ls busybox-static_*.deb)" bb
cp kernel/boot/vmlinuz-* "$out/vmlinuz.tmp"
mkdir -p root/bin root/sbin root/proc root/sys root/dev root/tmp root/etc root/root
cp bb/bin/busybox root/bin/busybox
for a in sh ls cat echo mount umount uname md5sum sha256sum gzip gunzip dd sync reboot poweroff \
         mkdir rm cp mv sleep seq head tail wc grep sed awk dmesg free ps top vi hexdump \
         date true false test expr setsid cttyhack; do
  ln -sf busybox "root/bin/$a"
done
cat > root/init <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
echo "ringzero-linux: init started"
export PATH=/bin:/sbin
export PS1='~ # '
# setsid + cttyhack give the shell a controlling terminal, so Ctrl-C and job control work.
exec setsid cttyhack /bin/sh -i
INIT
chmod +x root/init
(cd root && find . | cpio -o -H newc --quiet | gzip -9) > "$out/initramfs.cpio.gz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
echo "$stamp" > "$out/stamp"
echo "linux guest: built $out/vmlinuz ($kpkg) and $out/initramfs.cpio.gz"
