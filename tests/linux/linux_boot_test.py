#!/usr/bin/env python3
"""tests/linux/linux_boot_test.py: boot Debian's i386 kernel with the busybox initramfs to a
shell on the serial console (direct kernel boot, --clock=virtual) and check what the guest
prints.  One boot serves all checks: the banner and drivers, uname -a, /proc/cpuinfo (the
flags line must be exactly what ringzero's CPUID reports, as Linux names it), dmesg free of
warnings a P6 under QEMU would not print, an md5sum of known content, CPU-bound busybox
workloads with known results, line editing and Ctrl-C through the serial console,
`reboot -f` (a reset, then Linux boots again), and `poweroff -f` (the run ends, status 0).

usage: linux_boot_test.py RINGZERO GUEST_DIR CPUID_FEATURES
  CPUID_FEATURES: the tests/linux/cpuid_features program, which prints CPUID.1:EDX as
  ringzero's CPUID code computes it.
"""
import hashlib
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rzguest import PROMPT, Guest, check  # noqa: E402

# Linux's names for the CPUID.1:EDX bits (arch/x86/include/asm/cpufeatures.h, word 0).
LINUX_EDX_NAMES = {
    0: "fpu", 1: "vme", 2: "de", 3: "pse", 4: "tsc", 5: "msr", 6: "pae", 7: "mce", 8: "cx8",
    9: "apic", 11: "sep", 12: "mtrr", 13: "pge", 14: "mca", 15: "cmov", 16: "pat", 17: "pse36",
    18: "pn", 19: "clflush", 21: "dts", 22: "acpi", 23: "mmx", 24: "fxsr", 25: "sse",
    26: "sse2", 27: "ss", 28: "ht", 29: "tm", 30: "ia64", 31: "pbe",
}
# Flags Linux synthesises for any CPU that has the CPUID instruction.
LINUX_SYNTHETIC = {"cpuid"}
# dmesg lines that mean the kernel saw something a P6 (or QEMU's pentium2) would not make it
# say: faulting MSR accesses, WARN()/BUG() splats, oopses, traps taken in the kernel.
DMESG_BAD = ("unchecked MSR access", "WARNING:", "BUG:", "Call Trace", "Oops", "invalid opcode",
             "general protection", "segfault", "Kernel panic", "cut here", "soft lockup")


def boot(g):
    boot = g.expect(PROMPT, 900).decode(errors="replace")
    check("Linux version 6.1" in boot, "kernel banner", boot[-2000:])
    check("ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A" in boot,
          "8250 driver finds a 16550A on COM1", boot[-2000:])
    check("DMI: ringzero Standard PC (i440FX + PIIX, 1996), BIOS direct boot" in boot,
          "Linux reads the SMBIOS tables a boot without firmware leaves", boot[:3000])
    return boot


def uptime(g):
    out = g.run("cat /proc/uptime")
    m = re.search(r"^(\d+\.\d+) \d+\.\d+", out, re.M)
    check(m is not None, "/proc/uptime reads", out)
    return float(m.group(1))


def main():
    ringzero, guest, cpuid_features = sys.argv[1], sys.argv[2], sys.argv[3]
    edx = int(subprocess.run([cpuid_features], capture_output=True, text=True,
                             check=True).stdout.split()[0], 16)
    want_flags = {n for b, n in LINUX_EDX_NAMES.items() if edx >> b & 1} | LINUX_SYNTHETIC
    t0 = time.monotonic()
    # No -no-reboot: reboot -f must reset the machine and boot the kernel again.
    g = Guest([ringzero, "-kernel", os.path.join(guest, "vmlinuz"),
               "-initrd", os.path.join(guest, "initramfs.cpio.gz"),
               "-append", "console=ttyS0 panic=-1", "-m", "128",
               "-serial", "stdio", "--clock=virtual", "-timeout", "1200"])
    try:
        boot(g)
        print(f"shell prompt after {time.monotonic() - t0:.1f} s host time", flush=True)
        out = g.run("uname -a")
        check("Linux" in out and " 6.1." in out and "i686" in out, "uname -a", out)

        out = g.run("cat /proc/cpuinfo")
        check("GenuineIntel" in out and "cpu family\t: 6" in out, "cpuinfo vendor and family", out)
        line = next((l for l in out.splitlines() if l.startswith("flags")), "")
        got_flags = set(line.split(":", 1)[1].split()) if ":" in line else set()
        check(got_flags == want_flags,
              f"cpuinfo flags equal CPUID.1:EDX={edx:#010x} as Linux names it "
              f"(missing {sorted(want_flags - got_flags)}, extra {sorted(got_flags - want_flags)})",
              line)

        out = g.run("dmesg")
        bad = [l for l in out.splitlines() if any(b in l for b in DMESG_BAD)]
        check(not bad, "dmesg has no MSR errors, warnings, oopses or kernel traps",
              "\n".join(bad))

        out = g.run("echo ringzero | md5sum")
        want = hashlib.md5(b"ringzero\n").hexdigest()
        check(want in out, f"md5sum of known content = {want}", out)
        # A file of known content generated in the guest: 1..5000, one per line.
        out = g.run("seq 1 5000 > /tmp/n; md5sum /tmp/n")
        want = hashlib.md5("".join(f"{i}\n" for i in range(1, 5001)).encode()).hexdigest()
        check(f"{want}  /tmp/n" in out, f"md5sum of seq 1 5000 = {want}", out)
        # CPU-bound workloads with known results: shell arithmetic, gzip round trip, awk.
        out = g.run("i=0; s=0; while [ $i -lt 20000 ]; do i=$((i+1)); s=$((s+i)); done; "
                    "echo sum=$s")
        check("sum=200010000" in out, "shell arithmetic loop", out)
        out = g.run("gzip -c /tmp/n | gunzip | md5sum")
        check(f"{want}  -" in out, "gzip round trip", out)
        out = g.run("awk 'BEGIN { p = 1; for (i = 1; i <= 25; i++) p = (p * 31 + i) % 1000003;"
                    " print \"awk=\" p }'")
        p = 1
        for i in range(1, 26):
            p = (p * 31 + i) % 1000003
        check(f"awk={p}" in out, f"awk modular arithmetic = {p}", out)

        # Line editing: a typo deleted with DEL (what a terminal's Backspace sends).
        out = g.run("echo edit-abX\x7fc")
        check("edit-abc\r\n" in out or "edit-abc\n" in out, "line editing: DEL erases a character",
              out)
        # Ctrl-C through the serial console interrupts a busy loop that never ends by itself.
        # (Not `sleep`: under --clock=virtual an idle guest's time jumps ahead to its next
        # timer, so a sleep can finish before the host has sent the Ctrl-C.)
        g.send("date +%s > /tmp/t0; echo looping-$((3*3)); while :; do :; done\n")
        g.expect(b"looping-9", 120)
        time.sleep(1)  # the loop is running by now
        g.send("\x03")
        out = g.expect(PROMPT, 300).decode(errors="replace")
        check("^C" in out, "Ctrl-C is echoed by the tty and ends the endless loop", out)
        out = g.run("echo elapsed=$(( $(date +%s) - $(cat /tmp/t0) ))")
        m = re.search(r"elapsed=(\d+)", out)
        secs = int(m.group(1)) if m else 999
        check(secs < 120, f"the loop ran {secs} guest seconds before Ctrl-C", out)

        # reboot -f resets the machine: the kernel boots a second time, its uptime restarts.
        u1 = uptime(g)
        g.send("reboot -f\n")
        boot(g)
        u2 = uptime(g)
        check(u2 < u1, f"reboot -f reset the machine (uptime {u1} s before, {u2} s after)")

        g.send("poweroff -f\n")
        rc, _ = g.wait(300)
        check(rc == 0, f"poweroff -f ends the run cleanly (exit status {rc})", g.stderr())
    finally:
        g.kill()
    print(f"total {time.monotonic() - t0:.1f} s host time")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAIL {e}")
        sys.exit(1)
