#!/usr/bin/env bash
# scripts/build-linux-guest.sh [OUT_DIR]: build the default Linux guest from Debian 12 packages.
#
# Downloads (no install) Debian's i386 kernel - the concrete linux-image-6.1.0-*-686 package
# that linux-image-686:i386 depends on - and busybox-static:i386, then builds:
#   OUT_DIR/vmlinuz          the bzImage
#   OUT_DIR/initramfs.cpio.gz  busybox + an /init that mounts /proc, /sys, /dev and starts a
#                            shell on the console (and a second one on ttyS0 when the
#                            console is the screen, console=tty0 last), plus the storage
#                            modules (ATA, SCSI disk/CD-ROM, floppy, ext2/ext4, ISO 9660)
#                            and /bin/rz-disk-test, which loads them (disk-image tests)
# Cached: nothing is rebuilt when the outputs exist.  Default OUT_DIR: ~/.cache/ringzero/linux
set -euo pipefail
out=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/ringzero/linux}
mkdir -p "$out"
stamp="guest-v3"  # bump when the recipe changes
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
         date true false test expr setsid cttyhack insmod lsmod sleep kill cmp stat; do
  ln -sf busybox "root/bin/$a"
done
# Storage modules (Debian builds them as modules) with their dependencies, in load order.
kdir=$(ls -d kernel/lib/modules/*)
mkdir -p root/lib/modules/rz root/mnt
: > root/lib/modules/rz/order
add_module() {
  local m=${1//-/_} f d
  grep -qx "$m" root/lib/modules/rz/order && return 0
  f=$(find "$kdir" -name "$m.ko" -o -name "${m//_/-}.ko" | head -1)
  [ -n "$f" ] || { echo "module $m not found" >&2; exit 1; }
  for d in $(tr '\0' '\n' < "$f" | grep -a '^depends=' | head -1 | cut -d= -f2 | tr , ' '); do
    add_module "$d"
  done
  cp "$f" "root/lib/modules/rz/$m.ko"
  echo "$m" >> root/lib/modules/rz/order
}
for m in ata_piix ata_generic pata_legacy sd_mod sr_mod isofs floppy crc32c_generic ext4; do
  add_module "$m"
done
cat > root/bin/rz-disk-test <<'HELPER'
#!/bin/sh
# rz-disk-test load: insmod the storage modules (in dependency order) and list the block
# devices that appeared.  rz-disk-test wait DEV: wait up to 30 s for /dev/DEV.
case "$1" in
  load)
    for m in $(cat /lib/modules/rz/order); do
      grep -q "^$m " /proc/modules || insmod /lib/modules/rz/$m.ko 2>/dev/null || echo "rz-disk-test: insmod $m failed"
    done
    sleep 1
    echo "rz-disk-test: block devices:" $(ls /sys/block) ;;
  wait)
    i=0
    while [ ! -b "/dev/$2" ] && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done
    [ -b "/dev/$2" ] && echo "rz-disk-test: /dev/$2 present" || echo "rz-disk-test: /dev/$2 missing" ;;
  *) echo "usage: rz-disk-test load | wait DEV"; exit 2 ;;
esac
HELPER
chmod +x root/bin/rz-disk-test
cat > root/init <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
echo "ringzero-linux: init started"
export PATH=/bin:/sbin
export PS1='~ # '
# When the console is not COM1 (no console=ttyS0 last on the command line: the disk images'
# boot menus give console=ttyS0 console=tty0, so the shell is on the screen), a second shell
# runs on COM1 so the serial port stays usable; setsid makes it a session leader, so opening
# ttyS0 makes that its controlling terminal.
last=""
for a in $(cat /proc/cmdline); do case "$a" in console=*) last=${a#console=} ;; esac; done
case "$last" in
  ttyS0*) ;;
  *) setsid sh -c 'exec /bin/sh -i </dev/ttyS0 >/dev/ttyS0 2>&1' & ;;
esac
# setsid + cttyhack give the shell a controlling terminal, so Ctrl-C and job control work.
exec setsid cttyhack /bin/sh -i
INIT
chmod +x root/init
(cd root && find . | cpio -o -H newc --quiet | gzip -9) > "$out/initramfs.cpio.gz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
echo "$stamp" > "$out/stamp"
echo "linux guest: built $out/vmlinuz ($kpkg) and $out/initramfs.cpio.gz"
