#!/usr/bin/env python3
"""benchmarks/loop_vs_qemu.py: the whole-guest interpreter benchmark, side by side with QEMU.

Runs the benchmark kernel (benchmarks/guest/loop.asm, a Multiboot kernel with paging on and a
loop of ALU, memory, branch, call and string work) under ringzero and under Debian's
qemu-system-i386 with TCG, several times each, in one run, and reports median wall times and
median CPU times (user + system of the process, from wait4: on a shared machine this is the
fairer number), the ratios ringzero/QEMU, and ringzero's guest MIPS (instructions retired from
--stats divided by its CPU time).  No assertion on the numbers: this reports, it does not
judge.

usage: benchmarks/loop_vs_qemu.py [--build DIR] [--runs N]
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time


def timed(cmd):
    """Run cmd; return (wall seconds, CPU seconds user+sys, CompletedProcess-like)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate()
    wall = time.monotonic() - t0
    # communicate() reaped the child; its rusage is in RUSAGE_CHILDREN, so take the delta.
    return wall, out, err


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Done:
    def __init__(self, out, err):
        self.stdout, self.stderr = out, err


def timed_cpu(cmd):
    c0 = cpu_children()
    wall, out, err = timed(cmd)
    return wall, cpu_children() - c0, Done(out, err)


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
    rz_times, q_times, rz_cpu, q_cpu, insns = [], [], [], [], None
    for _ in range(a.runs):
        t, cpu, p = timed_cpu(rz)
        if "done" not in p.stdout:
            sys.exit("ringzero did not finish the benchmark:\n" + p.stdout + p.stderr)
        m = re.search(r"instructions retired:\s+(\d+)", p.stderr)
        insns = int(m.group(1)) if m else None
        rz_times.append(t)
        rz_cpu.append(cpu)
        t, cpu, p = timed_cpu(qemu)
        if "done" not in p.stdout:
            sys.exit("qemu did not finish the benchmark:\n" + p.stdout + p.stderr)
        q_times.append(t)
        q_cpu.append(cpu)
    rz_med, q_med = statistics.median(rz_times), statistics.median(q_times)
    rzc_med, qc_med = statistics.median(rz_cpu), statistics.median(q_cpu)
    runs = lambda xs: ", ".join(f"{x:.3f}" for x in xs)
    print(f"runs each:            {a.runs} (1-min load average at the end: {os.getloadavg()[0]:.1f})")
    print(f"ringzero median:      {rz_med:.3f} s wall, {rzc_med:.3f} s CPU  (wall: {runs(rz_times)}; CPU: {runs(rz_cpu)})")
    print(f"qemu-tcg median:      {q_med:.3f} s wall, {qc_med:.3f} s CPU  (wall: {runs(q_times)}; CPU: {runs(q_cpu)})")
    print(f"ratio ringzero/qemu:  {rz_med / q_med:.2f} wall, {rzc_med / qc_med:.2f} CPU  (below 1 means ringzero is faster)")
    if insns:
        print(f"guest instructions:   {insns}")
        print(f"ringzero MIPS:        {insns / rzc_med / 1e6:.1f} (per CPU second)")
        print(f"qemu MIPS (same count): {insns / qc_med / 1e6:.1f} (per CPU second)")


if __name__ == "__main__":
    main()
