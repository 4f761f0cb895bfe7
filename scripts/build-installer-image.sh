#!/usr/bin/env bash
# scripts/build-installer-image.sh [OUT_DIR]: fetch the Debian 12 installer's i386 netboot
# kernel and initrd (text-mode, newt frontend) for tests/linux/installer_test.py.
#
# Downloads (no install) debian-installer-12-netboot-i386 with apt-get download (an
# architecture-independent package: no foreign architecture needed, but apt must know it)
# and extracts from its text-mode netboot tree (.../images/12/i386/text/debian-installer/i386/):
#   OUT_DIR/linux      the installer's bzImage
#   OUT_DIR/initrd.gz  its initrd (about 30 MB)
#   OUT_DIR/version    the package version and the tree's version.info
# Cached: nothing is fetched when the outputs exist with the same stamp.
# Default OUT_DIR: ~/.cache/ringzero/installer
set -euo pipefail
out=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/ringzero/installer}
mkdir -p "$out"
stamp="installer-v1"  # bump when the recipe changes
pkg=debian-installer-12-netboot-i386
if [ -s "$out/linux" ] && [ -s "$out/initrd.gz" ] && \
   [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "installer: cached in $out"
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! apt-cache show "$pkg" >/dev/null 2>&1; then
  # A mirror mid-sync can fail one index; what matters is that the package resolves.
  $SUDO apt-get update -qq || true
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# apt's _apt user downloads into a directory it can write (else apt warns and falls back).
chmod 777 "$work"
apt-get download -qq "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
deb=$(ls ${pkg}_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "installer: apt-get download $pkg failed" >&2; exit 1; }
tree=./usr/lib/debian-installer/images/12/i386/text
dpkg-deb --fsys-tarfile "$deb" | \
  tar -x "$tree/debian-installer/i386/linux" "$tree/debian-installer/i386/initrd.gz" \
         "$tree/version.info"
cp "$tree/debian-installer/i386/linux" "$out/linux.tmp"
cp "$tree/debian-installer/i386/initrd.gz" "$out/initrd.gz.tmp"
{ echo "package: ${deb%.deb}"; cat "$tree/version.info"; } > "$out/version"
mv "$out/linux.tmp" "$out/linux"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
echo "$stamp" > "$out/stamp"
echo "installer: extracted $out/linux and $out/initrd.gz from ${deb%.deb}"
