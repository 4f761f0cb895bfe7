#!/usr/bin/env python3
"""tests/linux/installer_test.py: the Debian 12 installer (i386 netboot, text frontend) boots
through SeaBIOS on the VGA text console and the PS/2 keyboard moves through its first screens.

One boot, the way a user starts it: SeaBIOS loads the installer's kernel and initrd from
fw_cfg (-bios -kernel -initrd -append), so the VGA BIOS has set up 80x25 text mode, and
`vga=normal nomodeset` keeps the kernel on the VGA text console (without nomodeset the
installer loads bochs-drm and switches to a frame buffer console).  -m 512: with less the
installer enters its low-memory mode (English only, a warning screen first).  Keys are
scripted on the virtual clock (--keys @S), so the run repeats exactly; the screen is read
with --text-screen-at during the run and --text-screen/-screendump at its end:

  1. "Select a language" (the first screen; English is preselected)
  2. Down, Up, Enter: English is chosen -> "Select your location" (in English, so the two
     arrow keys moved the highlight and back); United States is preselected
  3. Up, Enter: United Kingdom -> "Configure the keyboard", whose preselected keymap follows
     the country: the highlighted row of the list (red bar in the screendump) must be
     "British English".  Had Up been lost, it would be "American English".

usage: installer_test.py RINGZERO INSTALLER_DIR
  INSTALLER_DIR: `linux` and `initrd.gz` from scripts/build-installer-image.sh
"""
import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib

SEABIOS = "/usr/share/seabios/bios-256k.bin"
# Virtual seconds after power-on (the clock of --keys @S).  Measured: each screen is up by
# these times (the run is deterministic); how much earlier was not narrowed down.  The run
# retires about 1.3e10 instructions.
T_LANGUAGE = 150
T_LOCATION = 200
T_END = 260


def check(cond, what, out=""):
    if not cond:
        raise AssertionError(f"{what}\n--- screen ---\n{out}")
    print(f"PASS {what}", flush=True)


def read_png_rgb(path):
    """Decode an 8-bit RGB PNG (what -screendump writes): (width, height, rows of bytes)."""
    with open(path, "rb") as f:
        d = f.read()
    if d[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{path} is not a PNG")
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(d):
        n, kind = struct.unpack(">I4s", d[pos:pos + 8])
        body = d[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype != 2 or interlace:
                raise AssertionError(f"{path}: not 8-bit RGB non-interlaced")
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride, rows, prev = w * 3, [], bytearray(w * 3)
    for y in range(h):
        base = y * (stride + 1)
        ftype, line = raw[base], bytearray(raw[base + 1:base + 1 + stride])
        for i in range(stride):  # undo the PNG row filter (bytes per pixel: 3)
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, rows


def highlighted_rows(png, text_rows):
    """Text rows with a wide red background: newt's selection bar (VGA red,
    0xAA 0 0).  The picture is 720x400 for 80x25 text: 16 pixel lines per row."""
    w, h, rows = read_png_rgb(png)
    check((w, h) == (720, 400), f"screendump is the 720x400 picture of 80x25 text ({w}x{h})")
    per_row = h // text_rows
    red = b"\xaa\x00\x00"
    found = []
    for r in range(text_rows):
        band = rows[r * per_row:(r + 1) * per_row]
        n = sum(1 for line in band for x in range(0, w * 3, 3) if line[x:x + 3] == red)
        if n > 0.15 * w * per_row:  # the title, red text on grey, stays far below
            found.append(r)
    return found


def split_screens(stdout, rows=25):
    """The --text-screen-at pages by their header line (ROWS lines each: newt's screens are
    80x25 text), and the --text-screen page printed at the end (the last ROWS lines)."""
    lines = stdout.splitlines()
    pages = {}
    for i, line in enumerate(lines):
        if line.startswith("--- text screen at "):
            pages[line] = lines[i + 1:i + 1 + rows]
    return pages, lines[-rows:]


def main():
    ringzero, idir = sys.argv[1], sys.argv[2]
    kernel, initrd = os.path.join(idir, "linux"), os.path.join(idir, "initrd.gz")
    for f in (SEABIOS, kernel, initrd):
        if not os.path.isfile(f):
            raise AssertionError(f"missing {f} (run scripts/build-installer-image.sh)")
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "screen.png")
        cmd = [ringzero, "-bios", SEABIOS, "-m", "512", "-kernel", kernel, "-initrd", initrd,
               "-append", "vga=normal nomodeset", "-display", "none", "--clock=virtual",
               "--text-screen-at", str(T_LANGUAGE),
               "--keys", f"@{T_LANGUAGE + 1}:down", "--keys", f"@{T_LANGUAGE + 3}:up",
               "--keys", f"@{T_LANGUAGE + 5}:ret",
               "--text-screen-at", str(T_LOCATION),
               "--keys", f"@{T_LOCATION + 1}:up", "--keys", f"@{T_LOCATION + 3}:ret",
               "-timeout", str(T_END), "--text-screen", "-screendump", png]
        print(" ".join(cmd), flush=True)
        t0 = time.monotonic()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
        print(f"run: {time.monotonic() - t0:.1f} s host time, exit status {p.returncode}",
              flush=True)
        check(p.returncode == 124, f"the installer runs until -timeout {T_END} (exit status "
              f"{p.returncode})", p.stderr)
        pages, last_lines = split_screens(p.stdout)
        lang = "\n".join(pages.get(f"--- text screen at {T_LANGUAGE} s ---", []))
        loc = "\n".join(pages.get(f"--- text screen at {T_LOCATION} s ---", []))
        last = "\n".join(last_lines)

        check("[!!] Select a language" in lang and "Choose the language to be used" in lang,
              "the first installer screen: Select a language", lang)
        check("English" in lang and "Deutsch" in lang, "the language list", lang)
        check("[!!] Select your location" in loc, "Down, Up, Enter: Select your location", loc)
        check("United States" in loc and "United Kingdom" in loc,
              "the location screen is in English, with its country list", loc)
        check("[!!] Configure the keyboard" in last and "Keymap to use:" in last,
              "Up, Enter: Configure the keyboard", last)
        sel = highlighted_rows(png, len(last_lines))
        texts = [last_lines[r] for r in sel]
        check(len(sel) == 1 and "British English" in texts[0],
              f"the preselected keymap follows United Kingdom: British English "
              f"(highlighted rows {sel}: {texts})", last)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAIL {e}")
        sys.exit(1)
