#!/usr/bin/env python3
# tests/baremetal/boot_order.py: Debian's SeaBIOS picks the boot device the way it does
# under QEMU.  A 1 MiB raw disk (-hda) and an El Torito no-emulation CD (-cdrom, made with
# xorriso) each hold a boot program that names itself on the debug console (port 0xE9) and
# exits through isa-debug-exit (disk: status 33, CD: status 35).  Under --clock=virtual:
#   order_c, order_d, order_dc: -boot order=... (CMOS 3Dh/38h, which SeaBIOS's boot_init
#       reads on QEMU) boots the first device of the order;
#   bootindex: -drive ...,bootindex=N becomes the fw_cfg "bootorder" file (QEMU's device
#       paths, /pci@i0cf8/ide@1,1/drive@1/disk@0 for the secondary master); it ranks above
#       the CMOS order, so the CD boots despite -boot order=c;
#   menu: -boot menu=on with ESC typed at 0.8 s shows SeaBIOS's "Select boot device" menu
#       on the VGA text screen (--text-screen) and on its serial console mirror (COM1);
#       the key 2 then picks the second entry, the CD, which boots (the default order
#       would boot the disk).
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

BIOS = "/usr/share/seabios/bios-256k.bin"


def boot_program(name, exit_value):
    """Real-mode code: write NAME\\n to port 0xE9, then exit_value to port 0xF4."""
    code = bytearray(b"\xBA\xE9\x00")  # mov dx, 0xE9
    for ch in name.encode() + b"\n":
        code += bytes([0xB0, ch, 0xEE])  # mov al, ch; out dx, al
    code += bytes([0xBA, 0xF4, 0x00, 0xB0, exit_value, 0xEE])  # mov dx,0xF4; mov al,v; out
    code += b"\xFA\xF4"  # cli; hlt
    return bytes(code)


def make_images(d, xorriso):
    disk = os.path.join(d, "disk.img")
    img = bytearray(1 << 20)
    prog = boot_program("DISK", 0x10)
    img[0:len(prog)] = prog
    img[510:512] = b"\x55\xAA"
    with open(disk, "wb") as f:
        f.write(img)
    root = os.path.join(d, "cdroot")
    os.mkdir(root)
    boot = bytearray(2048)
    prog = boot_program("CDROM", 0x11)
    boot[0:len(prog)] = prog
    with open(os.path.join(root, "boot.bin"), "wb") as f:
        f.write(boot)
    iso = os.path.join(d, "cd.iso")
    subprocess.run([xorriso, "-as", "mkisofs", "-quiet", "-o", iso, "-b", "boot.bin",
                    "-no-emul-boot", "-boot-load-size", "4", root],
                   check=True, capture_output=True)
    return disk, iso


def run(emulator, d, args, timeout="30"):
    log = os.path.join(d, "debugcon.txt")
    ser = os.path.join(d, "serial.txt")
    for p in (log, ser):
        if os.path.exists(p):
            os.remove(p)
    cmd = [emulator, "-m", "32", "--clock=virtual", "-timeout", timeout, "-display", "none",
           "-debugcon", "file:" + log, "-serial", "file:" + ser, "-device", "isa-debug-exit"] + args
    p = subprocess.run(cmd, capture_output=True, timeout=600)
    with open(log, "rb") as f:
        log_text = f.read().decode("latin-1")
    with open(ser, "rb") as f:
        ser_text = f.read().decode("latin-1")
    print("ringzero %s -> exit %d" % (" ".join(cmd[1:]), p.returncode))
    return p.returncode, log_text, ser_text, p.stdout.decode("latin-1")


def check_boot(rc, log_text, want, problems, label):
    want_rc = 33 if want == "DISK" else 35
    other = "CDROM" if want == "DISK" else "DISK"
    if rc != want_rc or (want + "\n") not in log_text or (other + "\n") in log_text:
        tail = "\n".join(log_text.splitlines()[-6:])
        problems.append("%s: expected the %s to boot (exit %d), got exit %d; log ends:\n%s"
                        % (label, want, want_rc, rc, tail))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--case", required=True, choices=["order_c", "order_d", "order_dc", "bootindex", "menu"])
    a = ap.parse_args()
    if not os.path.exists(BIOS):
        print("%s is missing: install Debian's seabios package" % BIOS)
        return 1
    xorriso = shutil.which("xorriso")
    if not xorriso:
        print("xorriso is missing (scripts/deps.sh installs it)")
        return 1
    problems = []
    with tempfile.TemporaryDirectory() as d:
        disk, iso = make_images(d, xorriso)
        drives = ["-hda", disk, "-cdrom", iso]
        if a.case.startswith("order_"):
            order = a.case[len("order_"):]
            rc, log, _, _ = run(a.emulator, d, drives + ["-boot", "order=" + order])
            check_boot(rc, log, "CDROM" if order[0] == "d" else "DISK", problems, a.case)
        elif a.case == "bootindex":
            rc, log, _, _ = run(a.emulator, d, ["-hda", disk, "-drive",
                                                "file=%s,media=cdrom,index=2,bootindex=0" % iso,
                                                "-boot", "order=c"])
            check_boot(rc, log, "CDROM", problems, a.case)
            for e in ["boot order:\n1: /pci@i0cf8/ide@1,1/drive@1/disk@0",
                      "Searching bootorder for: /pci@i0cf8/*@1,1/drive@1/disk@0"]:
                if e not in log:
                    problems.append("bootindex: debug log lacks %r" % e)
        else:
            rc, log, ser, screen = run(a.emulator, d, drives + [
                "-boot", "menu=on", "--keys", "@0.8:esc", "--keys", "@2.5:2", "--text-screen"])
            print("---- text screen ----\n" + screen.rstrip())
            if "Select boot device:" not in screen:
                problems.append("menu: no 'Select boot device:' on the text screen:\n" + screen)
            if "Select boot device:" not in ser:
                problems.append("menu: no 'Select boot device:' on the serial console")
            lines = [l.strip() for l in screen.splitlines()]
            if not any(l.startswith("1. ") and "Hard-Disk" in l for l in lines) or \
               not any(l.startswith("2. DVD/CD") for l in lines):
                problems.append("menu: entries 1 (hard disk) and 2 (DVD/CD) not listed:\n" + screen)
            check_boot(rc, log, "CDROM", problems, a.case)
    for p in problems:
        print("FAIL: " + p)
    if not problems:
        print("PASS: boot case %s" % a.case)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
