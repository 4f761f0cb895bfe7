#!/usr/bin/env python3
# tests/baremetal/seabios_boot.py: ringzero with no -bios runs Debian's SeaBIOS
# (/usr/share/seabios/bios-256k.bin) unmodified.  Under the virtual clock, with a timeout,
# it checks SeaBIOS's debug log (port 0x402, -debugcon) and its serial console (fw_cfg
# "etc/sercon-port" = COM1, -serial file:) for:
#   - the banner "SeaBIOS (version ...)" on both;
#   - QEMU platform detection through the i440FX ("Running on QEMU (i440fx)"), fw_cfg
#     ("Found QEMU fw_cfg"), the RAM from fw_cfg "etc/e820", the PCI scan finding the host and
#     ISA bridges and the PIIX3 set-up writing the ELCR;
#   - a boot attempt ("No bootable device" until disks exist, or "Booting from").
# With --case linuxboot it checks firmware Linux boot instead: -bios with a bzImage
# -kernel puts the kernel into fw_cfg, SeaBIOS runs QEMU's linuxboot_dma.bin option ROM,
# which loads it and jumps to its real-mode setup code at 9020:0000.  The "kernel" here is
# a minimal bzImage whose setup code writes "LBOK" to port 0xE9 and exits through
# isa-debug-exit (status 33).
# With --case diskboot a 1 MiB raw disk (-hda) holds a boot sector that writes "MBROK" to
# port 0xE9 and exits (status 33): SeaBIOS finds the drive on the PIIX3 IDE and boots it.
# Exit status 0 when all are present; the missing ones are listed otherwise.
import argparse
import os
import subprocess
import sys
import tempfile

BIOS = "/usr/share/seabios/bios-256k.bin"

LOG_EXPECT = [
    "SeaBIOS (version",
    "Running on QEMU (i440fx)",
    "Found QEMU fw_cfg",
    "qemu/e820: addr 0x0000000000000000 len 0x%016x [RAM]",  # fw_cfg etc/e820, from -m
    "PCI: init bdf=00:00.0 id=8086:1237",
    "PCI: init bdf=00:01.0 id=8086:7000",
    "PIIX3/PIIX4 init: elcr=00 0c",
]
SERIAL_EXPECT = ["SeaBIOS (version"]
BOOT_ATTEMPT = ["No bootable device", "Booting from"]


def fake_bzimage():
    """A boot-protocol 2.02 bzImage: one setup sector after the boot sector, then 3 KiB of
    protected-mode "kernel" that is never run."""
    img = bytearray(0x1000)
    img[0x1F1] = 1                      # setup_sects
    img[0x1FE:0x200] = b"\x55\xAA"      # boot flag
    img[0x200:0x202] = b"\xEB\x7E"      # jmp short 0x280 (over the header)
    img[0x202:0x206] = b"HdrS"
    img[0x206:0x208] = (0x0202).to_bytes(2, "little")
    img[0x211] = 0x01                   # loadflags: LOADED_HIGH
    code = bytearray(b"\xBA\xE9\x00")  # mov dx, 0xE9
    for ch in b"LBOK\n":
        code += bytes([0xB0, ch, 0xEE])  # mov al, ch; out dx, al
    code += b"\xBA\xF4\x00\xB0\x10\xEE"  # mov dx, 0xF4; mov al, 0x10; out dx, al
    code += b"\xF4\xEB\xFD"              # hlt; jmp $-1
    img[0x280:0x280 + len(code)] = code
    return bytes(img)


def run_linuxboot(emulator):
    with tempfile.TemporaryDirectory() as d:
        kernel, log = os.path.join(d, "bzImage"), os.path.join(d, "debugcon.txt")
        with open(kernel, "wb") as f:
            f.write(fake_bzimage())
        args = [emulator, "-m", "32", "--clock=virtual", "-timeout", "20", "-bios", BIOS,
                "-kernel", kernel, "-append", "console=ttyS0", "-debugcon", "file:" + log,
                "-device", "isa-debug-exit"]
        p = subprocess.run(args, capture_output=True, text=True, timeout=600)
        with open(log, "rb") as f:
            text = f.read().decode("latin-1")
    print("ringzero %s -> exit %d" % (" ".join(args[1:]), p.returncode))
    print("---- debug log ----\n" + text.rstrip())
    missing = []
    for e in ["Searching bootorder for: /rom@genroms/linuxboot_dma.bin", "Booting from ROM",
              "LBOK"]:
        if e not in text:
            missing.append("debug log lacks %r" % e)
    if p.returncode != 33:
        missing.append("exit status %d, expected 33 from the setup code" % p.returncode)
    for m in missing:
        print("problem: " + m)
    print("PASS" if not missing else "FAIL")
    return 0 if not missing else 1


def run_diskboot(emulator):
    img = bytearray(1 << 20)
    code = bytearray(b"\xBA\xE9\x00")  # mov dx, 0xE9
    for ch in b"MBROK\n":
        code += bytes([0xB0, ch, 0xEE])
    code += b"\xBA\xF4\x00\xB0\x10\xEE\xFA\xF4"  # exit 0x10; cli; hlt
    img[0:len(code)] = code
    img[510:512] = b"\x55\xAA"
    with tempfile.TemporaryDirectory() as d:
        disk, log = os.path.join(d, "disk.img"), os.path.join(d, "debugcon.txt")
        with open(disk, "wb") as f:
            f.write(img)
        args = [emulator, "-m", "32", "--clock=virtual", "-timeout", "20", "-hda", disk,
                "-debugcon", "file:" + log, "-device", "isa-debug-exit"]
        p = subprocess.run(args, capture_output=True, text=True, timeout=600)
        with open(log, "rb") as f:
            text = f.read().decode("latin-1")
    print("ringzero %s -> exit %d" % (" ".join(args[1:]), p.returncode))
    print("---- debug log ----\n" + text.rstrip())
    missing = [e for e in ["ATA controller 1 at 1f0", "Booting from Hard Disk",
                           "Booting from 0000:7c00", "MBROK"] if e not in text]
    problems = ["debug log lacks %r" % e for e in missing]
    if p.returncode != 33:
        problems.append("exit status %d, expected 33 from the boot sector" % p.returncode)
    for m in problems:
        print("problem: " + m)
    print("PASS" if not problems else "FAIL")
    return 0 if not problems else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--case", choices=["banner", "linuxboot", "diskboot"], default="banner")
    ap.add_argument("--mem", type=int, default=32)
    ap.add_argument("--timeout", default="20")
    a = ap.parse_args()
    if not os.path.exists(BIOS):
        print("%s is missing: install Debian's seabios package" % BIOS)
        return 1
    if a.case == "linuxboot":
        return run_linuxboot(a.emulator)
    if a.case == "diskboot":
        return run_diskboot(a.emulator)
    with tempfile.TemporaryDirectory() as d:
        log, ser = os.path.join(d, "debugcon.txt"), os.path.join(d, "serial.txt")
        args = [a.emulator, "-m", str(a.mem), "--clock=virtual", "-timeout", a.timeout,
                "-debugcon", "file:" + log, "-serial", "file:" + ser]
        p = subprocess.run(args, capture_output=True, text=True, timeout=600)
        with open(log, "rb") as f:
            log_text = f.read().decode("latin-1")
        with open(ser, "rb") as f:
            ser_text = f.read().decode("latin-1")
    print("ringzero %s -> exit %d" % (" ".join(args[1:]), p.returncode))
    if p.stderr.strip():
        print("stderr: " + p.stderr.strip())
    print("---- debug log (port 0x402) ----\n" + log_text.rstrip())
    print("---- serial console ----\n" + ser_text.rstrip())
    missing = []
    for e in LOG_EXPECT:
        e = e % (a.mem << 20) if "%" in e else e
        if e not in log_text:
            missing.append("debug log lacks %r" % e)
    for e in SERIAL_EXPECT:
        if e not in ser_text:
            missing.append("serial console lacks %r" % e)
    if not any(b in log_text for b in BOOT_ATTEMPT):
        missing.append("no boot attempt (%s) in the debug log" % " / ".join(BOOT_ATTEMPT))
    if p.returncode not in (0, 124):
        missing.append("exit status %d (expected the timeout's 124)" % p.returncode)
    for m in missing:
        print("problem: " + m)
    print("PASS" if not missing else "FAIL")
    return 0 if not missing else 1


if __name__ == "__main__":
    sys.exit(main())
