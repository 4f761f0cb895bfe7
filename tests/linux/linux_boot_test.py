#!/usr/bin/env python3
"""tests/linux/linux_boot_test.py: boot Debian's i386 kernel with the busybox initramfs to a
shell on the serial console (direct kernel boot, --clock=virtual) and check what the guest
prints: the shell prompt, uname -a, /proc/cpuinfo, an md5sum of known content, a CPU-bound
busybox workload with a known result, and a clean power-off.

usage: linux_boot_test.py RINGZERO GUEST_DIR
"""
import os
import select
import subprocess
import sys
import time

PROMPT = b"~ # "


class Guest:
    def __init__(self, ringzero, guest):
        cmd = [ringzero, "-kernel", os.path.join(guest, "vmlinuz"),
               "-initrd", os.path.join(guest, "initramfs.cpio.gz"),
               "-append", "console=ttyS0 panic=-1", "-m", "128",
               "-serial", "stdio", "--clock=virtual", "-timeout", "600", "-no-reboot"]
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.buf = b""

    def expect(self, needle, timeout=300):
        deadline = time.monotonic() + timeout
        while needle not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.p.poll() is not None:
                tail = self.buf[-3000:].decode(errors="replace")
                raise AssertionError(f"did not see {needle!r}; guest output ends with:\n{tail}")
            r, _, _ = select.select([self.p.stdout], [], [], min(left, 1.0))
            if r:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                if chunk:
                    self.buf += chunk
        i = self.buf.index(needle) + len(needle)
        seen, self.buf = self.buf[:i], self.buf[i:]
        return seen

    def run(self, command, timeout=300):
        self.p.stdin.write(command.encode() + b"\n")
        self.p.stdin.flush()
        out = self.expect(PROMPT, timeout)
        return out.decode(errors="replace")


def check(cond, what, out):
    if not cond:
        raise AssertionError(f"{what}\n--- guest output ---\n{out}")
    print(f"PASS {what}", flush=True)


def main():
    ringzero, guest = sys.argv[1], sys.argv[2]
    t0 = time.monotonic()
    g = Guest(ringzero, guest)
    boot = g.expect(PROMPT).decode(errors="replace")
    check("Linux version 6.1" in boot, "kernel banner", boot[-2000:])
    check("x86/fpu" not in boot or "Giving up" not in boot, "FPU found", boot[-2000:])
    check("ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A" in boot,
          "8250 driver finds a 16550A on COM1", boot[-2000:])
    print(f"shell prompt after {time.monotonic() - t0:.1f} s host time", flush=True)
    out = g.run("uname -a")
    check("Linux" in out and "i686" in out, "uname -a", out)
    out = g.run("cat /proc/cpuinfo")
    check("GenuineIntel" in out and "cpu family\t: 6" in out, "cpuinfo vendor and family", out)
    flags = next((l for l in out.splitlines() if l.startswith("flags")), "")
    for f in ("fpu", "tsc", "cx8", "cmov", "pse", "pge", "sep", "fxsr"):
        check(f" {f}" in flags, f"cpuinfo flag {f}", flags)
    for f in ("sse", "mmx", "pae", "apic"):
        check(f" {f}" not in flags.replace("fxsr", ""), f"cpuinfo does not claim {f}", flags)
    out = g.run("echo ringzero | md5sum")
    want = __import__("hashlib").md5(b"ringzero\n").hexdigest()
    check(want in out, f"md5sum of known content = {want}", out)
    # A CPU-bound workload with a known result: sum 1..20000 in the shell, and gzip/gunzip.
    out = g.run("i=0; s=0; while [ $i -lt 20000 ]; do i=$((i+1)); s=$((s+i)); done; echo sum=$s")
    check("sum=200010000" in out, "shell arithmetic loop", out)
    out = g.run("seq 1 3000 > /tmp/n; gzip -c /tmp/n | gunzip | md5sum; md5sum /tmp/n")
    sums = [l.split()[0] for l in out.splitlines()
            if l.strip().endswith(("  -", "  /tmp/n")) and "seq" not in l]
    check(len(sums) == 2 and sums[0] == sums[1], "gzip round trip", out)
    g.p.stdin.write(b"poweroff -f\n")
    g.p.stdin.flush()
    try:
        rc = g.p.wait(timeout=300)
    except subprocess.TimeoutExpired:
        g.p.kill()
        raise AssertionError("poweroff -f did not end the run")
    check(rc == 0, f"poweroff -f ends the run cleanly (exit status {rc})", "")
    print(f"total {time.monotonic() - t0:.1f} s host time")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAIL {e}")
        sys.exit(1)
