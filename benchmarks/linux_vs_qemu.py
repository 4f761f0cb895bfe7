#!/usr/bin/env python3
"""benchmarks/linux_vs_qemu.py: boot the default Linux guest in ringzero and in QEMU TCG
(qemu-system-i386 -accel tcg, Debian's qemu-system-x86) in one run, and report medians of:
the wall time from process start to the shell prompt, the time of a CPU-bound busybox
workload inside the guest (timed on the host between the guest's markers on the serial
port), the ratio ringzero/QEMU of each, and each emulator's peak memory (max RSS).  Both
times are also taken as CPU time (user + system of the emulator process, all its threads,
from /proc/PID/stat), which a shared, loaded machine distorts far less than wall time.
No assertions: it reports.

usage: benchmarks/linux_vs_qemu.py [--build DIR] [--guest DIR] [--runs N]
"""
import argparse
import os
import select
import statistics
import subprocess
import time

PROMPT = b"~ # "
WORKLOAD = ("dd if=/dev/zero bs=1024 count=4096 2>/dev/null | gzip -1 | md5sum; "
            "seq 1 100000 | sha256sum; i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i+1)); done; "
            "echo WORK-$((40+2))-DONE")  # the marker is computed, so the echoed command line cannot match it


def read_until(p, needle, timeout):
    buf = b""
    deadline = time.monotonic() + timeout
    while needle not in buf:
        if time.monotonic() > deadline or p.poll() is not None:
            raise RuntimeError(f"did not see {needle!r}: ...{buf[-500:]!r}")
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            buf += os.read(p.stdout.fileno(), 65536)
    return buf


def cpu_seconds(pid):
    """User + system CPU seconds of process pid so far (all threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    read_until(p, PROMPT, 1800)
    boot = time.monotonic() - t0
    boot_cpu = cpu_seconds(p.pid)
    t1 = time.monotonic()
    p.stdin.write(WORKLOAD.encode() + b"\n")
    p.stdin.flush()
    read_until(p, b"WORK-42-DONE", 1800)
    work = time.monotonic() - t1
    work_cpu = cpu_seconds(p.pid) - boot_cpu
    p.stdin.write(b"poweroff -f\n")
    p.stdin.flush()
    deadline = time.monotonic() + 120
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            p.kill()
            pid, status, usage = os.wait4(p.pid, 0)
            break
        time.sleep(0.05)
    p.returncode = status
    return boot, work, usage.ru_maxrss / 1024, boot_cpu, work_cpu  # MiB


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--guest", default=os.path.expanduser("~/.cache/ringzero/linux"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    k, i = os.path.join(a.guest, "vmlinuz"), os.path.join(a.guest, "initramfs.cpio.gz")
    rz = [os.path.join(a.build, "frontend", "ringzero"), "-kernel", k, "-initrd", i,
          "-append", "console=ttyS0", "-m", "128", "-serial", "stdio"]
    qemu = ["qemu-system-i386", "-accel", "tcg", "-cpu", "pentium2", "-kernel", k, "-initrd", i,
            "-append", "console=ttyS0", "-m", "128", "-display", "none", "-serial", "stdio",
            "-monitor", "none", "-no-reboot"]
    res = {"ringzero": [], "qemu": []}
    for _ in range(a.runs):
        for name, cmd in (("ringzero", rz), ("qemu", qemu)):
            res[name].append(one_run(cmd))
            b, w, m, bc, wc = res[name][-1]
            print(f"  run {len(res[name])} {name}: boot {b:.2f} s ({bc:.2f} s CPU), "
                  f"workload {w:.2f} s ({wc:.2f} s CPU), max RSS {m:.0f} MiB", flush=True)
    print(f"runs each: {a.runs} (medians; workload: {WORKLOAD})")
    med = {}
    for name in res:
        boots = [r[0] for r in res[name]]
        works = [r[1] for r in res[name]]
        rss = max(r[2] for r in res[name])
        med[name] = (statistics.median(boots), statistics.median(works),
                     statistics.median(r[3] for r in res[name]),
                     statistics.median(r[4] for r in res[name]))
        print(f"{name:9s} boot to prompt {med[name][0]:7.2f} s   workload {med[name][1]:7.2f} s   "
              f"peak RSS {rss:6.0f} MiB  "
              f"(boots: {', '.join(f'{x:.1f}' for x in boots)}; work: {', '.join(f'{x:.1f}' for x in works)})")
    for name in res:
        print(f"{name:9s} CPU: boot to prompt {med[name][2]:7.2f} s   workload {med[name][3]:7.2f} s")
    print(f"ratio ringzero/qemu: boot {med['ringzero'][0] / med['qemu'][0]:.2f}, "
          f"workload {med['ringzero'][1] / med['qemu'][1]:.2f} (wall); "
          f"boot {med['ringzero'][2] / med['qemu'][2]:.2f}, "
          f"workload {med['ringzero'][3] / med['qemu'][3]:.2f} (CPU); "
          f"1-min load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
