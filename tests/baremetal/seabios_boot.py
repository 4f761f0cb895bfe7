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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--mem", type=int, default=32)
    ap.add_argument("--timeout", default="20")
    a = ap.parse_args()
    if not os.path.exists(BIOS):
        print("%s is missing: install Debian's seabios package" % BIOS)
        return 1
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
