#!/usr/bin/env python3
# tests/baremetal/run_baremetal.py: run one bare-metal test program and judge its report.
#
# The expectations come from the program's own source, so they cannot drift apart:
#   every  TEST_BEGIN "name" (asm) or report("name", ...) (C) -> a line "PASS name";
#   ; RUN-ARGS: args...             -> extra emulator arguments (e.g. -append, -no-reboot);
#   ; EXPECT-EXIT: N                -> exit status (default 33: isa-debug-exit of 0x10);
#   ; EXPECT-LINE: text             -> a line that must appear in the debug console output;
#   ; EXPECT-STDERR: text           -> text that must appear on the emulator's stderr.
# No output line may start with "FAIL".  --qemu runs the same image under qemu-system-i386
# as a second opinion (QEMU is not ground truth: see the README notes in each program).
import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile


def parse_source(path):
    names, extra, lines, stderr_pats = [], [], [], []
    qemu_reboot = False
    exit_code = 33
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.search(r'^\s*TEST_BEGIN\s+"([^"]+)"', line) or \
                re.search(r'\breport\("([^"]+)"', line)
            if m:
                names.append(m.group(1))
            m = re.match(r"\s*(?:;|//)\s*RUN-ARGS:\s*(.*)$", line)
            if m:
                extra += shlex.split(m.group(1))
            m = re.match(r"\s*;\s*EXPECT-EXIT:\s*(\d+)", line)
            if m:
                exit_code = int(m.group(1))
            m = re.match(r"\s*;\s*EXPECT-LINE:\s*(.*?)\s*$", line)
            if m:
                lines.append(m.group(1))
            m = re.match(r"\s*;\s*EXPECT-STDERR:\s*(.*?)\s*$", line)
            if m:
                stderr_pats.append(m.group(1))
            if re.match(r"\s*;\s*QEMU-ALLOW-REBOOT", line):
                qemu_reboot = True
    return names, extra, exit_code, lines, stderr_pats, qemu_reboot


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True, help="ringzero binary (or qemu-system-i386 with --qemu)")
    ap.add_argument("--source", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--mode", choices=["kernel", "bios", "fda"], required=True)
    ap.add_argument("--qemu", action="store_true")
    ap.add_argument("--timeout", type=float, default=10)
    a = ap.parse_args()

    names, extra, want_exit, want_lines, want_stderr, qemu_reboot = parse_source(a.source)
    with tempfile.TemporaryDirectory() as tmp:
        con = os.path.join(tmp, "debugcon.txt")
        if a.qemu:
            extra = [x.replace("--clock=virtual", "") for x in extra]
            cmd = [a.emulator, "-display", "none", "-m", "32", "-debugcon", "file:" + con,
                   "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                   "-" + a.mode, a.image] + extra
            if not qemu_reboot and "-no-reboot" not in cmd:
                cmd.append("-no-reboot")
        else:
            cmd = [a.emulator, "--clock=virtual", "-timeout", str(int(a.timeout)), "-m", "32",
                   "-debugcon", "file:" + con, "-device", "isa-debug-exit",
                   "-" + a.mode, a.image] + extra
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=(20 if a.qemu else 60))
            rc, err = p.returncode, p.stderr
        except subprocess.TimeoutExpired:
            rc, err = None, "(host timeout: the emulator did not stop)"
        out = open(con, encoding="latin-1").read() if os.path.exists(con) else ""

    problems = []
    got = set(out.splitlines())
    for n in names:
        if "PASS " + n not in got:
            problems.append("missing: PASS " + n)
    for line in want_lines:
        if line not in got:
            problems.append("missing line: " + line)
    for l in out.splitlines():
        if l.startswith("FAIL"):
            problems.append("reported: " + l)
    for pat in want_stderr:
        if pat not in err:
            problems.append("stderr lacks: " + pat)
    if rc != want_exit:
        problems.append("exit status %s, expected %d" % (rc, want_exit))

    print("$ " + " ".join(shlex.quote(c) for c in cmd))
    print("---- debug console ----")
    sys.stdout.write(out if out.endswith("\n") or not out else out + "\n")
    print("---- stderr ----")
    sys.stdout.write(err)
    if problems:
        print("---- %d problem(s) ----" % len(problems))
        for pr in problems:
            print("  " + pr)
        return 1
    print("---- ok: %d tests passed, exit %d ----" % (len(names), rc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
