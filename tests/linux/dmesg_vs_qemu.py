#!/usr/bin/env python3
"""tests/linux/dmesg_vs_qemu.py: boot the default Linux guest (scripts/build-linux-guest.sh)
in ringzero (direct kernel boot, and through SeaBIOS) and in QEMU TCG (-M pc, which always
boots -kernel through SeaBIOS), collect the kernel's warnings and worse (dmesg records at
levels emerg..warn, from `dmesg -r`'s <N> prefixes), plus the ACPI and clocksource lines, and
print, after normalising addresses, numbers and timestamps, the lines only ringzero prints
and the lines only QEMU prints.  The measuring stick for issue 5 ("no dmesg errors or
warnings that QEMU would not print"); not a CI test (it takes minutes).

usage: tests/linux/dmesg_vs_qemu.py [--build DIR] [--guest DIR] [--only direct|seabios]
                                    [--qemu-cpu MODEL] [--clock virtual|host] [--all]
  --all: compare every dmesg line (normalised), not only warnings and worse.
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rzguest import PROMPT, Guest  # noqa: E402

SEABIOS = "/usr/share/seabios/bios-256k.bin"
# Extra lines worth seeing side by side even at info level.
INTERESTING = re.compile(r"ACPI|clocksource|tsc|TSC|PM-Timer|acpi_pm|hpet|PCI Interrupt Link|"
                         r"LNK|SCI|power", re.I)


def normalise(line):
    line = re.sub(r"^\[\s*\d+\.\d+\]\s*", "", line)
    line = re.sub(r"0x[0-9a-fA-F]+", "0xN", line)
    line = re.sub(r"\b[0-9a-fA-F]{8,16}\b", "HEX", line)
    line = re.sub(r"\b\d+(\.\d+)?\b", "N", line)
    return line.strip()


def collect(cmd, label, boot_timeout):
    print(f"== {label}: {' '.join(cmd)}", flush=True)
    t0 = time.monotonic()
    g = Guest(cmd)
    try:
        g.expect(PROMPT, boot_timeout)
        boot_s = time.monotonic() - t0
        raw = g.run("dmesg -r", 300)
        up = g.run("cat /proc/uptime", 60)
        d = "/sys/devices/system/clocksource/clocksource0"
        cs = g.run(f"echo CS: $(cat {d}/available_clocksource) / $(cat {d}/current_clocksource)", 60)
        g.send("poweroff -f\n")
        try:
            rc, _ = g.wait(120)
        except AssertionError:
            rc = None
    finally:
        g.kill()
    warn, info = [], []
    for l in raw.splitlines():
        m = re.match(r"^<(\d+)>(.*)$", l.strip())
        if not m:
            continue
        level, text = int(m.group(1)) & 7, m.group(2)
        (warn if level <= 4 else info).append((level, text))
    m = re.search(r"^CS: (.*)$", cs, re.M)
    u = re.search(r"^(\d+\.\d+) ", up, re.M)
    print(f"   shell prompt after {boot_s:.1f} s host time; guest uptime {u.group(1) if u else '?'} s "
          f"after dmesg", flush=True)
    print(f"   clocksources (available / current): {m.group(1).strip() if m else '?'}; "
          f"exit status after poweroff -f: {rc}", flush=True)
    return warn, info


def diff(name_a, a, name_b, b):
    na = {normalise(t): t for _, t in a}
    nb = {normalise(t): t for _, t in b}
    only_a = [na[k] for k in na if k not in nb]
    only_b = [nb[k] for k in nb if k not in na]
    print(f"-- only {name_a} ({len(only_a)}):")
    for t in only_a:
        print(f"   {t}")
    print(f"-- only {name_b} ({len(only_b)}):")
    for t in only_b:
        print(f"   {t}")
    return only_a


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--guest", default=os.path.expanduser("~/.cache/ringzero/linux"))
    ap.add_argument("--only", choices=("direct", "seabios"))
    ap.add_argument("--qemu-cpu", default="pentium2")
    ap.add_argument("--clock", default="virtual", choices=("virtual", "host"))
    ap.add_argument("--all", action="store_true")
    a = ap.parse_args()
    k, i = os.path.join(a.guest, "vmlinuz"), os.path.join(a.guest, "initramfs.cpio.gz")
    common = ["-kernel", k, "-initrd", i, "-append", "console=ttyS0", "-m", "128",
              "-serial", "stdio"]
    rz = [os.path.join(a.build, "frontend", "ringzero")] + common + [f"--clock={a.clock}",
                                                                     "-display", "none"]
    qemu = ["qemu-system-i386", "-accel", "tcg", "-cpu", a.qemu_cpu, "-M", "pc"] + common + [
        "-display", "none", "-monitor", "none", "-no-reboot", "-nic", "none"]
    runs = {}
    runs["qemu"] = collect(qemu, "qemu", 600)
    if a.only != "seabios":
        runs["ringzero direct"] = collect(rz, "ringzero direct", 1800)
    if a.only != "direct":
        runs["ringzero seabios"] = collect(rz + ["-bios", SEABIOS], "ringzero seabios", 1800)
    qw, qi = runs["qemu"]
    for name in runs:
        if name == "qemu":
            continue
        w, inf = runs[name]
        print(f"\n==== {name} vs qemu: warnings and worse (levels 0-4)")
        diff(name, w, "qemu", qw)
        sel = (lambda l: True) if a.all else (lambda l: INTERESTING.search(l[1]) is not None)
        print(f"\n==== {name} vs qemu: {'all' if a.all else 'ACPI/clock'} info lines")
        diff(name, [l for l in inf if sel(l)], "qemu", [l for l in qi if sel(l)])


if __name__ == "__main__":
    main()
