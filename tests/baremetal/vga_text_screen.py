#!/usr/bin/env python3
# tests/baremetal/vga_text_screen.py: SeaBIOS + SeaVGABIOS on the stdvga.  ringzero runs
# Debian's bios-256k.bin (which finds vgabios-stdvga.bin on the VGA's PCI ROM BAR) under the
# virtual clock with no boot device, then --text-screen prints the VGA text page and
# -screendump writes the picture.  The SeaBIOS banner must be the first line of the text
# page (it reaches the screen only through the VGA BIOS's INT 10h), the boot attempts must
# follow, and the PNG must be the 720x400 picture of 80x25 text.  A second run prints the
# page during the run with --text-screen-at: empty 100 ns after power-on (the firmware has
# not written it yet), the banner and the failed boot attempts 2 s in.
import argparse
import os
import struct
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--timeout", default="3")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        png = os.path.join(d, "screen.png")
        cmd = [a.emulator, "--clock=virtual", "-timeout", a.timeout, "--text-screen", "-screendump", png]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        lines = p.stdout.splitlines()
        problems = []
        if not lines or not lines[0].startswith("SeaBIOS (version"):
            problems.append("the first text line is not the SeaBIOS banner")
        if not any(l.startswith("Booting from Hard Disk") for l in lines):
            problems.append("no 'Booting from Hard Disk' line")
        if not any("No bootable device" in l for l in lines):
            problems.append("no 'No bootable device' line")
        if len(lines) != 25:
            problems.append("expected 25 text lines, got %d" % len(lines))
        try:
            with open(png, "rb") as f:
                head = f.read(24)
            if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
                problems.append("the screendump is not a PNG")
            elif struct.unpack(">II", head[16:24]) != (720, 400):
                problems.append("screendump size %dx%d, expected 720x400" % struct.unpack(">II", head[16:24]))
        except OSError as e:
            problems.append("no screendump: %s" % e)
    print("ringzero " + " ".join(cmd[1:]) + " -> exit %d" % p.returncode)
    print(p.stdout)
    if p.stderr.strip():
        print("stderr: " + p.stderr.strip())
    problems += text_screen_at(a)
    for pr in problems:
        print("FAIL: " + pr)
    if not problems:
        print("PASS: SeaBIOS banner and boot messages on the VGA text screen; 720x400 screendump")
    return 1 if problems else 0


def text_screen_at(a):
    """--text-screen-at S (twice): each page after its header line, in time order."""
    cmd = [a.emulator, "--clock=virtual", "-timeout", a.timeout, "--text-screen-at", "2",
           "--text-screen-at", "0.0000001"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    print("ringzero " + " ".join(cmd[1:]) + " -> exit %d" % p.returncode)
    print(p.stdout)
    lines = p.stdout.splitlines()
    problems = []
    heads = [i for i, l in enumerate(lines) if l.startswith("--- text screen at ")]
    if [lines[i] for i in heads] != ["--- text screen at 1e-07 s ---", "--- text screen at 2 s ---"]:
        return ["--text-screen-at: expected the headers for 1e-07 s then 2 s, got %r"
                % [lines[i] for i in heads]]
    early, late = lines[heads[0] + 1:heads[1]], lines[heads[1] + 1:]
    # The CRTC is not programmed yet either, so the page may have no rows at all.
    if any(l.strip() for l in early):
        problems.append("--text-screen-at 1e-07: expected only blank lines, got %r" % early)
    if len(late) != 25 or not late[0].startswith("SeaBIOS (version"):
        problems.append("--text-screen-at 2: expected 25 lines starting with the banner")
    if not any("No bootable device" in l for l in late):
        problems.append("--text-screen-at 2: no 'No bootable device' line")
    return problems


if __name__ == "__main__":
    sys.exit(main())
