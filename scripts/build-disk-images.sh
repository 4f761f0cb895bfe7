#!/usr/bin/env bash
# scripts/build-disk-images.sh [OUT_DIR]: build bootable disk, CD and floppy images of the
# default Linux guest, for the firmware boot path (SeaBIOS + IDE/floppy devices).
#
# No root and no mounting: only Debian tools that write into image files (syslinux's mtools
# installer, mkfs.fat, mtools, mke2fs -d, xorriso) and a few lines of Python for the MBR
# partition table.  Outputs in OUT_DIR (default ~/.cache/ringzero/images):
#   hd.img      63 MiB hard disk: syslinux mbr.bin, partition 1 (active) FAT16 with
#               SYSLINUX, the guest kernel + initramfs and a menu; partition 2 ext2 "rzdata"
#               holding /hello.txt (known content, see HELLO below)
#   cd.iso      ISOLINUX El Torito CD with the same kernel, initramfs and menu
#   floppy.img  1.44 MB SYSLINUX floppy with Memtest86+ (the kernel does not fit)
#   memtest.iso ISOLINUX CD that boots Memtest86+ directly
# The kernel and initramfs come from scripts/build-linux-guest.sh (run first).  Rebuilt when an
# output is missing or the stamp (recipe version + guest stamp) changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ringzero
out=${1:-$cache/images}
guest=${RZ_LINUX_GUEST_DIR:-$cache/linux}
"$here/build-linux-guest.sh" "$guest" >/dev/null
mkdir -p "$out"
stamp="images-v3 $(cat "$guest/stamp")"
outputs=(hd.img cd.iso floppy.img memtest.iso)
fresh=1
for f in "${outputs[@]}"; do [ -s "$out/$f" ] || fresh=0; done
if [ $fresh = 1 ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "disk images: cached in $out"
  exit 0
fi

SYSLINUX_BIOS=/usr/lib/syslinux/modules/bios
MBR_BIN=/usr/lib/syslinux/mbr/mbr.bin
ISOLINUX_BIN=/usr/lib/ISOLINUX/isolinux.bin
MEMTEST=/boot/memtest86+ia32.bin   # a bzImage-format kernel: SYSLINUX's LINUX directive boots it
for f in "$SYSLINUX_BIOS/menu.c32" "$MBR_BIN" "$ISOLINUX_BIN" "$MEMTEST"; do
  [ -s "$f" ] || { echo "missing $f: run scripts/deps.sh" >&2; exit 1; }
done
# The known file on the ext2 partition; tests/linux/disk_boot_test.py checks it.
HELLO="ringzero ext2 data partition"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The menu shared by the hard disk and the CD.  console=ttyS0 console=tty0: kernel messages
# on both, the shell on the screen, and /init adds a second shell on COM1.
menu() {  # menu KERNEL_DIR
  cat <<EOF
SERIAL 0 115200
UI menu.c32
PROMPT 0
TIMEOUT 20
MENU TITLE ringzero boot menu
DEFAULT linux
LABEL linux
  MENU LABEL Linux (busybox shell)
  LINUX $1vmlinuz
  INITRD $1initrd.gz
  APPEND console=ttyS0 console=tty0 panic=-1
LABEL linuxserial
  MENU LABEL Linux, console on COM1 only
  LINUX $1vmlinuz
  INITRD $1initrd.gz
  APPEND console=ttyS0 panic=-1
LABEL memtest
  MENU LABEL Memtest86+
  LINUX $1memtest
  APPEND console=ttyS0,115200
EOF
}

# ---- hd.img -------------------------------------------------------------------------------
sector=512
p1_start=2048 p1_sectors=$((40 * 2048))          # 40 MiB FAT16
p2_start=$((p1_start + p1_sectors)) p2_sectors=$((22 * 2048))   # 22 MiB ext2
disk_sectors=$((p2_start + p2_sectors))          # 63 MiB
# Partition 1: FAT16 whose boot sector records its 2048 hidden sectors, then SYSLINUX.
mkfs.fat -F 16 -n RZBOOT -h $p1_start -C p1.img $((p1_sectors / 2)) >/dev/null
syslinux --install p1.img
menu / > syslinux.cfg
mcopy -i p1.img "$guest/vmlinuz" ::/vmlinuz
mcopy -i p1.img "$guest/initramfs.cpio.gz" ::/initrd.gz
mcopy -i p1.img "$MEMTEST" ::/memtest
mcopy -i p1.img syslinux.cfg "$SYSLINUX_BIOS/menu.c32" "$SYSLINUX_BIOS/libutil.c32" ::/
# Partition 2: ext2 with the known file.
mkdir data
printf '%s\n' "$HELLO" > data/hello.txt
mke2fs -q -t ext2 -L rzdata -d data p2.img $((p2_sectors / 2))k 2>&1 | grep -v '^Creating regular file' || true
[ -s p2.img ] || { echo "mke2fs failed" >&2; exit 1; }
# The disk: syslinux's MBR code, the partition table, the two file systems.
python3 - hd.img $disk_sectors $p1_start $p1_sectors $p2_start $p2_sectors "$MBR_BIN" <<'PY'
import struct, sys
path, total, s1, n1, s2, n2, mbr = sys.argv[1], *map(int, sys.argv[2:7]), sys.argv[7]
def chs(lba):  # 255 heads, 63 sectors per track; past cylinder 1023 the maximum
    c, rem = divmod(lba, 255 * 63)
    h, s = divmod(rem, 63)
    if c > 1023: return bytes((254, 255, 255))
    return bytes((h, ((c >> 2) & 0xC0) | (s + 1), c & 0xFF))
def entry(active, ptype, start, count):
    return (bytes((0x80 if active else 0,)) + chs(start) + bytes((ptype,)) +
            chs(start + count - 1) + struct.pack("<II", start, count))
with open(path, "wb") as f:
    f.truncate(total * 512)
    f.write(open(mbr, "rb").read()[:440])
    f.seek(446)
    f.write(entry(True, 0x06, s1, n1) + entry(False, 0x83, s2, n2) + bytes(32) + b"\x55\xaa")
PY
dd if=p1.img of=hd.img bs=$sector seek=$p1_start conv=notrunc status=none
dd if=p2.img of=hd.img bs=$sector seek=$p2_start conv=notrunc status=none

# ---- cd.iso -------------------------------------------------------------------------------
mkdir -p iso/isolinux
cp "$ISOLINUX_BIN" "$SYSLINUX_BIOS/ldlinux.c32" "$SYSLINUX_BIOS/menu.c32" \
   "$SYSLINUX_BIOS/libutil.c32" iso/isolinux/
cp "$guest/vmlinuz" iso/vmlinuz
cp "$guest/initramfs.cpio.gz" iso/initrd.gz
cp "$MEMTEST" iso/memtest
menu / > iso/isolinux/isolinux.cfg
printf '%s\n' "ringzero ISO 9660 file" > iso/readme.txt
xorriso -as mkisofs -quiet -o cd.iso -V RZCD -R -J \
  -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
  iso 2>xorriso.log || { cat xorriso.log >&2; exit 1; }

# ---- floppy.img and memtest.iso ------------------------------------------------------------
mkfs.fat -F 12 -n RZFLOPPY -C floppy.img 1440 >/dev/null
syslinux --install floppy.img
cat > fd.cfg <<EOF
SERIAL 0 115200
PROMPT 1
TIMEOUT 20
SAY ringzero floppy: booting Memtest86+ (type "memtest" or wait)
DEFAULT memtest
LABEL memtest
  LINUX memtest
  APPEND console=ttyS0,115200
EOF
mcopy -i floppy.img fd.cfg ::/syslinux.cfg
mcopy -i floppy.img "$MEMTEST" ::/memtest
mkdir -p mt/isolinux
cp "$ISOLINUX_BIN" "$SYSLINUX_BIOS/ldlinux.c32" mt/isolinux/
cp "$MEMTEST" mt/memtest
sed 's/floppy/CD/; s|LINUX memtest|LINUX /memtest|' fd.cfg > mt/isolinux/isolinux.cfg
xorriso -as mkisofs -quiet -o memtest.iso -V RZMEMTEST \
  -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
  mt 2>xorriso.log || { cat xorriso.log >&2; exit 1; }

for f in "${outputs[@]}"; do mv "$f" "$out/$f"; done
echo "$stamp" > "$out/stamp"
echo "disk images: built ${outputs[*]} in $out"
