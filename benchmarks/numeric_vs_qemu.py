#!/usr/bin/env python3
"""benchmarks/numeric_vs_qemu.py: the numeric (x87 / SSE2 / packed SSE) benchmark, side by
side with QEMU.

The guests are benchmarks/guest/numeric.c built three ways (benchmarks/CMakeLists.txt):
x87 scalar (-mfpmath=387), SSE2 scalar (-mfpmath=sse) and packed SSE/SSE2 intrinsics, each a
Multiboot kernel running a matrix multiply, a Mandelbrot set and dot products, printing one
checksum per kernel on the debug console and leaving through isa-debug-exit.  For every
variant this runs the host program built from the same object file (the host CPU's answer),
then ringzero and qemu-system-i386 -accel tcg alternately, several runs each, checks that
every run printed the host's checksums, and reports median wall times, the ratio
ringzero/QEMU and ringzero's guest instructions per second (retired instructions from
--stats over its median wall time, and over its median CPU time, which a loaded machine
inflates less).  No assertion on the times: this reports, it does not judge.

--check runs only the small guests (numeric_<v>_s1.elf), once each, in ringzero, and fails
unless the checksums match the host's (the CTest bench.numeric_checksums; seconds).

usage: benchmarks/numeric_vs_qemu.py [--build DIR] [--runs N] [--variants x87,sse2,packed]
       benchmarks/numeric_vs_qemu.py --build DIR --check
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time

VARIANTS = ("x87", "sse2", "packed")


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd, timeout):
    """Run cmd; return (wall seconds, CPU seconds of the child, CompletedProcess)."""
    c0, t0 = child_cpu(), time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout)
    return time.monotonic() - t0, child_cpu() - c0, p


def checksum_lines(text):
    """The lines the guest prints: '<variant> <kernel> <hex>' and 'checksum <hex>'."""
    return [l for l in text.splitlines()
            if re.fullmatch(r"(x87|sse2|packed) \w+ [0-9a-f]{16}|checksum [0-9a-f]{16}", l)]


def host_expect(build, name):
    prog = os.path.join(build, "benchmarks", name + "_host")
    p = subprocess.run([prog], stdout=subprocess.PIPE, text=True, timeout=600)
    lines = checksum_lines(p.stdout)
    if p.returncode != 0 or len(lines) != 4:
        sys.exit(f"{prog}: no checksums (exit {p.returncode}):\n{p.stdout}")
    return lines


def rz_cmd(build, kernel):
    return [os.path.join(build, "frontend", "ringzero"), "-kernel", kernel, "-debugcon", "stdio",
            "-device", "isa-debug-exit", "--stats"]


def qemu_cmd(kernel):
    return ["qemu-system-i386", "-accel", "tcg", "-kernel", kernel, "-display", "none",
            "-debugcon", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-no-reboot", "-m", "128", "-nodefaults"]


def verify(who, p, want):
    got = checksum_lines(p.stdout)
    if p.returncode != 33 or got != want:
        sys.exit(f"{who}: exit {p.returncode}, checksums differ from the host's\n"
                 f"  want: {want}\n  got:  {got}\n{p.stderr[-2000:]}")


def check(a):
    for v in VARIANTS:
        name = f"numeric_{v}_s1"
        want = host_expect(a.build, name)
        kernel = os.path.join(a.build, "benchmarks", name + ".elf")
        t, _, p = timed(rz_cmd(a.build, kernel), 120)
        verify(f"ringzero {name}", p, want)
        print(f"{name}: ringzero matches the host ({want[-1]}), {t:.2f} s")
    return 0


def compare(a, v):
    name = f"numeric_{v}"
    want = host_expect(a.build, name)
    kernel = os.path.join(a.build, "benchmarks", name + ".elf")
    rz_times, q_times, rz_cpu, q_cpu, insns = [], [], [], [], None
    for _ in range(a.runs):
        t, cpu, p = timed(rz_cmd(a.build, kernel), 3600)
        verify(f"ringzero {name}", p, want)
        m = re.search(r"instructions retired:\s+(\d+)", p.stderr)
        insns = int(m.group(1)) if m else None
        rz_times.append(t)
        rz_cpu.append(cpu)
        t, cpu, p = timed(qemu_cmd(kernel), 3600)
        verify(f"qemu {name}", p, want)
        q_times.append(t)
        q_cpu.append(cpu)
    return (want[-1], rz_times, q_times, statistics.median(rz_cpu), statistics.median(q_cpu),
            insns)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    if a.check:
        return check(a)
    rows = []
    for v in a.variants.split(","):
        if v not in VARIANTS:
            sys.exit(f"--variants: unknown variant '{v}' (x87, sse2, packed)")
        cs, rz_times, q_times, rz_cpu, q_cpu, insns = compare(a, v)
        print(f"== {v}: {cs} (ringzero, qemu and host agree)")
        print(f"   ringzero runs: {', '.join(f'{x:.3f}' for x in rz_times)} s")
        print(f"   qemu-tcg runs: {', '.join(f'{x:.3f}' for x in q_times)} s")
        rows.append((v, statistics.median(rz_times), statistics.median(q_times), rz_cpu, q_cpu, insns))
    print(f"\nmedians of {a.runs} runs each (wall time; CPU time = user + system of the emulator)")
    print(f"{'variant':8} {'ringzero s':>11} {'qemu-tcg s':>11} {'rz/qemu':>8} {'rz cpu s':>9} "
          f"{'qemu cpu s':>11} {'guest insns':>13} {'rz MIPS':>8} {'per cpu s':>9}")
    for v, rz_med, q_med, rz_cpu, q_cpu, insns in rows:
        mips = f"{insns / rz_med / 1e6:8.1f} {insns / rz_cpu / 1e6:9.1f}" if insns else "       ?"
        print(f"{v:8} {rz_med:11.3f} {q_med:11.3f} {rz_med / q_med:8.2f} {rz_cpu:9.3f} {q_cpu:11.3f} "
              f"{insns or 0:13d} {mips}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
