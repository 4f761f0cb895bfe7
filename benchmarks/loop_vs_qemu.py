#!/usr/bin/env python3
"""benchmarks/loop_vs_qemu.py: the whole-guest interpreter benchmark, side by side with QEMU.

Runs the benchmark kernel (benchmarks/guest/loop.asm, a Multiboot kernel with paging on and a
loop of ALU, memory, branch, call and string work) under ringzero and under Debian's
qemu-system-i386 with TCG, several times each, in one run, and reports median wall times, the
ratio ringzero/QEMU, and ringzero's guest MIPS (instructions retired from --stats divided by
its wall time).  No assertion on the numbers: this reports, it does not judge.

usage: benchmarks/loop_vs_qemu.py [--build DIR] [--runs N]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time


def timed(cmd):
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return time.monotonic() - t0, p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    for name in ("loop.bin", "loop-nostring.bin"):
        print(f"== {name}")
        compare(a, os.path.join(a.build, "benchmarks", name))


def compare(a, kernel):
    rz = [os.path.join(a.build, "frontend", "ringzero"), "-kernel", kernel, "-debugcon", "stdio",
          "-device", "isa-debug-exit", "--stats"]
    qemu = ["qemu-system-i386", "-accel", "tcg", "-kernel", kernel, "-display", "none",
            "-debugcon", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-no-reboot", "-m", "128", "-nodefaults"]
    rz_times, q_times, insns = [], [], None
    for _ in range(a.runs):
        t, p = timed(rz)
        if "done" not in p.stdout:
            sys.exit("ringzero did not finish the benchmark:\n" + p.stdout + p.stderr)
        m = re.search(r"instructions retired:\s+(\d+)", p.stderr)
        insns = int(m.group(1)) if m else None
        rz_times.append(t)
        t, p = timed(qemu)
        if "done" not in p.stdout:
            sys.exit("qemu did not finish the benchmark:\n" + p.stdout + p.stderr)
        q_times.append(t)
    rz_med, q_med = statistics.median(rz_times), statistics.median(q_times)
    print(f"runs each:            {a.runs}")
    print(f"ringzero median:      {rz_med:.3f} s  (runs: {', '.join(f'{x:.3f}' for x in rz_times)})")
    print(f"qemu-tcg median:      {q_med:.3f} s  (runs: {', '.join(f'{x:.3f}' for x in q_times)})")
    print(f"ratio ringzero/qemu:  {rz_med / q_med:.2f}  (below 1 means ringzero is faster)")
    if insns:
        print(f"guest instructions:   {insns}")
        print(f"ringzero MIPS:        {insns / rz_med / 1e6:.1f}")
        print(f"qemu MIPS (same count): {insns / q_med / 1e6:.1f}")


if __name__ == "__main__":
    main()
