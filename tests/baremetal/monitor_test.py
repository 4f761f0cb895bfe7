#!/usr/bin/env python3
# tests/baremetal/monitor_test.py: the monitor (-monitor stdio, -serial mon:stdio) driven
# through pipes against a real guest: Debian's SeaBIOS boots a 1 MiB raw disk whose boot
# sector writes "READY" to the debug console (port 0xE9) and then echoes every key it reads
# through INT 16h there.  Under --clock=virtual:
#   case stdio:  info status; info registers (real-mode CR0, EIP and CS plausible); x /2i
#                $pc disassembles two instructions; xp of
#                the reset vector (EA, a far JMP) and of the boot signature at 7DFEh; an
#                out-of-range xp is a one-line error and the monitor keeps answering;
#                screendump writes a 720x400 PNG (SeaVGABIOS's 80x25 text mode); sendkey
#                reaches the guest through the keyboard ('a', shift-b); stop holds the guest
#                (a key sent while stopped arrives only after cont); system_reset reboots
#                it (READY again); quit exits 0.
#   case mux:    -serial mon:stdio: COM1 shows SeaBIOS's serial console; Ctrl-A c gives the
#                monitor (info status answers), Ctrl-A c again gives COM1 back and a key
#                typed there reaches the guest through SeaBIOS's serial console input;
#                Ctrl-A h lists the keys; Ctrl-A x quits with status 0.
#   case pty:    -monitor pty: the pseudo-terminal is named on stderr; the monitor there
#                echoes, edits (backspace) and ends lines with CR LF; quit exits 0.
#   case determinism: an unused -monitor stdio changes nothing: two --stats runs of
#                3 virtual seconds, with and without it, retire the same instructions.
import argparse
import os
import queue
import re
import select
import struct
import subprocess
import sys
import tempfile
import threading
import time

PROMPT = "(ringzero) "


def boot_sector():
    code = bytes([
        0xFA,              # cli
        0x31, 0xC0,        # xor ax,ax
        0x8E, 0xD8,        # mov ds,ax
        0x8E, 0xD0,        # mov ss,ax
        0xBC, 0x00, 0x7C,  # mov sp,7C00h
        0xFB,              # sti
        0xBA, 0xE9, 0x00,  # mov dx,0E9h
        0xBE, 0x20, 0x7C,  # mov si,msg (7C20h)
        # .p:
        0xAC,              # lodsb
        0x84, 0xC0,        # test al,al
        0x74, 0x03,        # jz .k
        0xEE,              # out dx,al
        0xEB, 0xF8,        # jmp .p
        # .k:
        0x30, 0xE4,        # xor ah,ah
        0xCD, 0x16,        # int 16h
        0xEE,              # out dx,al
        0xEB, 0xF9,        # jmp .k
    ])
    assert len(code) == 0x20
    img = bytearray(1 << 20)
    img[0:0x20] = code
    img[0x20:0x27] = b"READY\n\0"
    img[510:512] = b"\x55\xAA"
    return bytes(img)


class Emulator:
    """ringzero with stdin/stdout on pipes; stdout is collected by a thread."""

    def __init__(self, args):
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.buf = b""
        self.q = queue.Queue()
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        while True:
            b = self.p.stdout.read1(4096)
            if not b:
                self.q.put(None)
                return
            self.q.put(b)

    def send(self, data):
        self.p.stdin.write(data.encode("latin-1") if isinstance(data, str) else data)
        self.p.stdin.flush()

    def wait_for(self, text, timeout=60):
        """Wait until `text` appears in the output after the current mark; return the
        output up to and including it, and move the mark past it."""
        end = time.time() + timeout
        t = text.encode("latin-1")
        while t not in self.buf:
            left = end - time.time()
            if left <= 0:
                raise TimeoutError("no %r in the output; got %r" % (text, self.buf[-400:]))
            try:
                b = self.q.get(timeout=left)
            except queue.Empty:
                continue
            if b is None:
                raise EOFError("ringzero exited before printing %r; got %r" % (text, self.buf[-400:]))
            self.buf += b
        i = self.buf.index(t) + len(t)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out.decode("latin-1")

    def cmd(self, line):
        """Run one monitor command; return its output (without the next prompt)."""
        self.send(line + "\n")
        return self.wait_for(PROMPT)[:-len(PROMPT)]

    def finish(self, timeout=60):
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = None
        return rc, self.p.stderr.read().decode("latin-1")


def read_log(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("latin-1")
    except OSError:
        return ""


def wait_log(path, pred, what, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if pred(read_log(path)):
            return
        time.sleep(0.05)
    raise TimeoutError("debug console: no %s; it holds %r" % (what, read_log(path)[-200:]))


def case_stdio(emulator, d, disk, problems):
    log = os.path.join(d, "debugcon.txt")
    png = os.path.join(d, "screen.png")
    e = Emulator([emulator, "-m", "32", "--clock=virtual", "-display", "none", "-hda", disk,
                  "-debugcon", "file:" + log, "-monitor", "stdio"])
    try:
        e.wait_for(PROMPT)
        wait_log(log, lambda t: "READY" in t, "READY from the boot sector")
        s = e.cmd("info status")
        if s.strip() != "VM status: running":
            problems.append("info status said %r" % s)
        regs = e.cmd("info registers")
        m_eip = re.search(r"EIP=([0-9a-f]{8})", regs)
        m_cr0 = re.search(r"CR0=([0-9a-f]{8})", regs)
        m_cs = re.search(r"CS =([0-9a-f]{4}) ([0-9a-f]{8})", regs)
        if not (m_eip and m_cr0 and m_cs):
            problems.append("info registers lacks EIP/CR0/CS: %r" % regs)
        else:
            eip, cr0 = int(m_eip.group(1), 16), int(m_cr0.group(1), 16)
            cs_sel, cs_base = int(m_cs.group(1), 16), int(m_cs.group(2), 16)
            if cr0 & 0x80000001:
                problems.append("CR0=%08x: the guest waits for keys in real mode" % cr0)
            if eip > 0xFFFF or cs_base != cs_sel << 4:
                problems.append("implausible real-mode CS:EIP %04x(%08x):%08x" % (cs_sel, cs_base, eip))
        s = e.cmd("x /2i $pc")
        if not re.fullmatch(r"([0-9a-f]{8}:  \S[^\n]*\n){2}", s):
            problems.append("x /2i $pc gave %r" % s)
        s = e.cmd("xp /1xb 0xffff0")
        if s.strip() != "00000000000ffff0: 0xea":
            problems.append("xp of the reset vector gave %r, expected 0xea" % s)
        s = e.cmd("xp /1xh 0x7dfe")
        if s.strip() != "0000000000007dfe: 0xaa55":
            problems.append("xp of the boot signature gave %r" % s)
        s = e.cmd("xp /2xw 0xfffffffc")
        if "beyond the 4 GiB" not in s or s.count("\n") != 1:
            problems.append("out-of-range xp gave %r" % s)
        s = e.cmd("x /1xw 0xa0000")
        if "cannot access memory" not in s:
            problems.append("x of the VGA window (MMIO) gave %r" % s)
        s = e.cmd("screendump " + png)
        if s.strip():
            problems.append("screendump printed %r" % s)
        try:
            with open(png, "rb") as f:
                head = f.read(24)
            if head[:8] != b"\x89PNG\r\n\x1a\n" or struct.unpack(">II", head[16:24]) != (720, 400):
                problems.append("screendump is not a 720x400 PNG")
        except OSError as ex:
            problems.append("no screendump: %s" % ex)
        e.cmd("sendkey a")
        e.cmd("sendkey shift-b 50")
        wait_log(log, lambda t: t.endswith("READY\naB"), "'aB' typed by sendkey")
        # stop: the guest is held; a key sent meanwhile arrives after cont.
        e.cmd("stop")
        s = e.cmd("info status")
        if s.strip() != "VM status: paused":
            problems.append("after stop, info status said %r" % s)
        e.cmd("sendkey c")
        time.sleep(0.5)
        if read_log(log).endswith("c"):
            problems.append("a key reached the guest while it was stopped")
        e.cmd("cont")
        wait_log(log, lambda t: t.endswith("aBc"), "'c' after cont")
        e.cmd("system_reset")
        wait_log(log, lambda t: t.count("READY") == 2, "READY again after system_reset")
        s = e.cmd("frobnicate")
        if "unknown command" not in s:
            problems.append("unknown command gave %r" % s)
        e.send("quit\n")
    except (TimeoutError, EOFError) as ex:
        problems.append(str(ex))
        e.p.kill()
    rc, err = e.finish()
    if rc != 0:
        problems.append("exit status %r after quit (stderr %r)" % (rc, err))


def case_mux(emulator, d, disk, problems):
    log = os.path.join(d, "debugcon.txt")
    e = Emulator([emulator, "-m", "32", "--clock=virtual", "-display", "none", "-hda", disk,
                  "-debugcon", "file:" + log, "-serial", "mon:stdio"])
    try:
        e.wait_for("SeaBIOS (version")  # the firmware's serial console on COM1
        wait_log(log, lambda t: "READY" in t, "READY from the boot sector")
        e.send("\x01c")
        e.wait_for("ringzero monitor")
        e.wait_for(PROMPT)
        s = e.cmd("info status")
        if "VM status: running" not in s:
            problems.append("mux: info status said %r" % s)
        e.send("\x01c")  # back to COM1: SeaBIOS reads keys from its serial console
        e.send("z")
        wait_log(log, lambda t: t.endswith("READY\nz"), "'z' typed on COM1")
        e.send("\x01h")
        e.wait_for("C-a c    switch between console and monitor")
        e.send("\x01x")
    except (TimeoutError, EOFError) as ex:
        problems.append("mux: " + str(ex))
        e.p.kill()
    rc, err = e.finish()
    if rc != 0:
        problems.append("mux: exit status %r after Ctrl-A x (stderr %r)" % (rc, err))


def case_pty(emulator, d, disk, problems):
    """-monitor pty: the path is announced on stderr; on the raw pseudo-terminal the monitor
    echoes what is typed and ends lines with CR LF."""
    p = subprocess.Popen([emulator, "-m", "32", "--clock=virtual", "-display", "none", "-hda", disk,
                          "-monitor", "pty"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    fd = None
    try:
        line = p.stderr.readline().decode("latin-1")
        m = re.match(r"ringzero: monitor on (/dev/pts/\d+)$", line.strip())
        if not m:
            problems.append("pty: first stderr line %r does not name the pseudo-terminal" % line)
            return
        fd = os.open(m.group(1), os.O_RDWR | os.O_NOCTTY)

        def read_until(text, timeout=30):
            got, end = b"", time.time() + timeout
            while text.encode() not in got and time.time() < end:
                r, _, _ = select.select([fd], [], [], 0.1)
                if r:
                    got += os.read(fd, 4096)
            return got.decode("latin-1")

        got = read_until(PROMPT)
        if not got.endswith("for more information\r\n" + PROMPT):
            problems.append("pty: banner %r" % got)
        os.write(fd, b"info stz\x7fatus\r")
        got = read_until("\n" + PROMPT)
        if got != "info stz\b \batus\r\nVM status: running\r\n" + PROMPT:
            problems.append("pty: 'info status' with a backspace gave %r" % got)
        os.write(fd, b"quit\r")
        rc = p.wait(timeout=30)
        if rc != 0:
            problems.append("pty: exit status %d after quit" % rc)
    except subprocess.TimeoutExpired:
        problems.append("pty: ringzero did not exit after quit")
    finally:
        if fd is not None:
            os.close(fd)
        if p.poll() is None:
            p.kill()
            p.wait()


def case_determinism(emulator, d, disk, problems):
    counts = []
    for extra in ([], ["-monitor", "stdio"]):
        args = [emulator, "-m", "32", "--clock=virtual", "-timeout", "3", "-display", "none",
                "-hda", disk, "--stats"] + extra
        p = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
        keep = ("instructions retired", "blocks decoded", "exceptions", "interrupts", "TLB fills")
        stats = [l for l in p.stderr.splitlines() if l.startswith(keep)]
        if p.returncode != 124 or len(stats) != len(keep):
            problems.append("determinism: %s -> exit %d, stderr %r" % (" ".join(args[1:]), p.returncode, p.stderr))
            return
        counts.append(stats)
    print("without the monitor: %s\nwith -monitor stdio: %s" % tuple("; ".join(c) for c in counts))
    if counts[0] != counts[1]:
        problems.append("determinism: the runs differ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--case", choices=["stdio", "mux", "pty", "determinism"], default="stdio")
    a = ap.parse_args()
    problems = []
    with tempfile.TemporaryDirectory() as d:
        disk = os.path.join(d, "disk.img")
        with open(disk, "wb") as f:
            f.write(boot_sector())
        {"stdio": case_stdio, "mux": case_mux, "pty": case_pty, "determinism": case_determinism}[a.case](
            a.emulator, d, disk, problems)
    for p in problems:
        print("FAIL: " + p)
    if not problems:
        print("PASS: monitor case %s" % a.case)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
