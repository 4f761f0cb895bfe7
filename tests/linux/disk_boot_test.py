#!/usr/bin/env python3
"""tests/linux/disk_boot_test.py: boot the images of scripts/build-disk-images.sh through the
firmware (SeaBIOS) and the emulated IDE/floppy devices, and check what the guest prints on
COM1 (SYSLINUX/ISOLINUX mirror their menu there with SERIAL 0; the kernel command line has
console=ttyS0 console=tty0, and /init starts a shell on ttyS0) and, for ringzero, on the text
screen (--text-screen prints it when the run ends).

usage: disk_boot_test.py EMULATOR IMAGES_DIR CASE
  EMULATOR   path of the ringzero binary, or "qemu" for qemu-system-i386 (the reference run
             recorded in tests/linux/README.md)
  CASE       hd      -hda hd.img: boot menu, Linux shell, ext2 partition read, write, reboot -f,
                     menu and Linux again, read back, power-off; the file is then in the image
             cd      -cdrom cd.iso (-boot d): menu, Linux shell, the ISO 9660 file from /dev/sr0
             floppy  -fda floppy.img (-boot a): SYSLINUX from the floppy starts Memtest86+,
                     which shows its screen and makes progress
             memtest -cdrom memtest.iso (-boot d): Memtest86+ from ISOLINUX
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rzguest import Guest, check  # noqa: E402

HELLO = "ringzero ext2 data partition"      # scripts/build-disk-images.sh writes it
ISO_FILE = "ringzero ISO 9660 file"
MENU_TITLE = b"ringzero boot menu"
BANNER = b"Linux version 6.1"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")


def emulator_cmd(emulator, media, timeout, mem=128):
    if emulator == "qemu":
        return ["qemu-system-i386", "-accel", "tcg", "-cpu", "pentium2", "-m", str(mem),
                "-display", "none", "-serial", "stdio", "-monitor", "none"] + media
    return [emulator, "-m", str(mem), "-serial", "stdio", "--text-screen", "--clock=virtual",
            "-timeout", str(timeout)] + media


def boot_linux_from_menu(g, what):
    menu = g.expect(MENU_TITLE, 600)
    check(MENU_TITLE in menu, f"{what}: boot menu on COM1")
    boot = g.expect(BANNER, 900)
    check(BANNER in boot, f"{what}: the menu's default entry starts Linux")
    g.expect(b"\n~ # ", 900)  # the shell /init starts on ttyS0 (console=tty0 is last)
    out = g.run("cat /proc/cmdline")
    check("console=ttyS0 console=tty0" in out, f"{what}: kernel command line from the menu", out)
    out = g.run("dmesg | grep DMI:")
    check("DMI: ringzero Standard PC (i440FX + PIIX, 1996), BIOS 1.16" in out,
          f"{what}: SeaBIOS hands over ringzero's SMBIOS tables (fw_cfg) with its own type 0", out)
    out = g.run("rz-disk-test load", 600)
    check("block devices:" in out, f"{what}: storage drivers load", out)


def power_off(g, emulator, what):
    g.send("poweroff -f\n")
    rc, rest = g.wait(600)
    # ringzero: the guest halts with interrupts off, or powers off; QEMU: ACPI power-off.
    check(rc == 0, f"{what}: poweroff -f ends the run (exit status {rc})", g.stderr())
    if emulator != "qemu":
        screen = ANSI.sub("", rest)
        # The VGA console (tty0) scrolls: by power-off its 25 rows hold the kernel's last
        # messages, which it printed there after the disk driver's (ata_piix's "ata1: PATA"
        # line).  With ACPI the kernel powers off through S5 and says "Power down" (as on
        # QEMU), not "System halted".
        check("reboot: Power down" in screen and "ata1: PATA" in screen,
              f"{what}: the VGA text screen shows the kernel's console output to the end",
              rest[-3000:])


def ext2_file(image, name):
    """Read /NAME from partition 2 of the MBR disk IMAGE on the host (debugfs, no mount)."""
    with open(image, "rb") as f:
        mbr = f.read(512)
        start = int.from_bytes(mbr[446 + 16 + 8:446 + 16 + 12], "little")
        count = int.from_bytes(mbr[446 + 16 + 12:446 + 16 + 16], "little")
        f.seek(start * 512)
        part = f.read(count * 512)
    with tempfile.NamedTemporaryFile() as t:
        t.write(part)
        t.flush()
        r = subprocess.run(["debugfs", "-R", f"cat /{name}", t.name], capture_output=True,
                           text=True)
    return r.stdout


def case_hd(emulator, images):
    tmp = tempfile.mkdtemp(prefix="rz-hd-")
    try:
        disk = os.path.join(tmp, "hd.img")
        shutil.copyfile(os.path.join(images, "hd.img"), disk)  # the guest writes to it
        g = Guest(emulator_cmd(emulator, ["-hda", disk], 3600))
        try:
            boot_linux_from_menu(g, "hd")
            out = g.run("rz-disk-test wait sda2", 120)
            check("/dev/sda2 present" in out, "hd: the disk's second partition appears", out)
            out = g.run("mount -t ext2 /dev/sda2 /mnt && cat /mnt/hello.txt")
            check(HELLO in out, "hd: the known file on the ext2 partition reads back", out)
            out = g.run("echo written-$((6*7)) > /mnt/new.txt && umount /mnt && sync && "
                        "echo unmounted-$((1+1))")
            check("unmounted-2" in out, "hd: a file written to ext2, unmounted", out)
            g.send("reboot -f\n")
            boot_linux_from_menu(g, "hd after reboot -f")
            g.run("rz-disk-test wait sda2", 120)
            out = g.run("mount -t ext2 -o ro /dev/sda2 /mnt && cat /mnt/new.txt && umount /mnt")
            check("written-42" in out, "hd: the file written before the reset reads back", out)
            power_off(g, emulator, "hd")
        finally:
            g.kill()
        got = ext2_file(disk, "new.txt")
        check(got.strip() == "written-42", "hd: the written file is in the host image file", got)
    finally:
        shutil.rmtree(tmp)


def case_cd(emulator, images):
    g = Guest(emulator_cmd(emulator, ["-cdrom", os.path.join(images, "cd.iso"), "-boot", "d"],
                           3600))
    try:
        boot_linux_from_menu(g, "cd")
        out = g.run("rz-disk-test wait sr0", 120)
        check("/dev/sr0 present" in out, "cd: the CD-ROM drive appears", out)
        out = g.run("mount -t iso9660 -o ro /dev/sr0 /mnt && cat /mnt/readme.txt && umount /mnt")
        check(ISO_FILE in out, "cd: a file on the ISO 9660 file system reads back", out)
        power_off(g, emulator, "cd")
    finally:
        g.kill()


PROGRESS = re.compile(r"\b([1-9]\d?|100)%\s*#+")  # a percentage above 0 with its bar


def wait_for_progress(g, timeout):
    """Read COM1 until Memtest86+'s mirrored screen shows a progress bar above 0%."""
    deadline = time.monotonic() + timeout
    while not PROGRESS.search(ANSI.sub(" ", g.log.decode(errors="replace"))):
        if time.monotonic() > deadline or g.p.poll() is not None:
            return False
        g._read(1.0)
    return True


def case_memtest(emulator, images, media, what):
    # Memtest86+ never ends: ringzero stops at -timeout (15 virtual seconds, i.e. 1e9
    # instructions each; exit status 124) and prints the screen; QEMU is stopped once the
    # serial mirror shows progress.  32 MiB keeps a pass short.
    g = Guest(emulator_cmd(emulator, media, 15, mem=32))
    try:
        g.expect(b"Memtest86+ v6", 600)
        # "Loading memtest... ok" / "Loading /memtest...... ok": one dot per chunk read.
        # SYSLINUX writes to COM1 itself and SeaBIOS mirrors the screen there too, so the
        # two copies can interleave ("Loading memtest...Loading memtest...  ook").
        loader = ANSI.sub("", g.log.decode(errors="replace"))
        check(re.search(r"Loading \S*memtest[.\s]*o+k", loader) is not None,
              f"{what}: SYSLINUX loads memtest (COM1)", loader[:3000])
        print(f"PASS {what}: Memtest86+ starts (its screen mirrored on COM1)", flush=True)
        if emulator == "qemu":
            ok = wait_for_progress(g, 600)
            check(ok, f"{what}: Memtest86+ progress bar above 0% on COM1",
                  ANSI.sub(" ", g.log.decode(errors="replace"))[-3000:])
            return
        rc, rest = g.wait(3600)
        check(rc == 124, f"{what}: Memtest86+ runs until the timeout (exit status {rc})",
              g.stderr())
        serial = ANSI.sub(" ", g.log.decode(errors="replace"))
        check(PROGRESS.search(serial) is not None,
              f"{what}: Memtest86+ progress bar above 0% on COM1", serial[-3000:])
        screen = ANSI.sub("", rest)
        check("Memtest86+" in screen, f"{what}: the text screen shows Memtest86+", screen)
        check(PROGRESS.search(screen) is not None,
              f"{what}: the text screen shows a progress bar above 0%", screen)
    finally:
        g.kill()


def main():
    emulator, images, case = sys.argv[1], sys.argv[2], sys.argv[3]
    if case == "hd":
        case_hd(emulator, images)
    elif case == "cd":
        case_cd(emulator, images)
    elif case == "floppy":
        case_memtest(emulator, images, ["-fda", os.path.join(images, "floppy.img"),
                                        "-boot", "a"], "floppy")
    elif case == "memtest":
        case_memtest(emulator, images, ["-cdrom", os.path.join(images, "memtest.iso"),
                                        "-boot", "d"], "memtest")
    else:
        sys.exit(f"unknown case {case!r}")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAIL {e}")
        sys.exit(1)
