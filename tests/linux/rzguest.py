"""tests/linux/rzguest.py: drive an emulated PC through its serial port (stdin/stdout of the
emulator process) for the Linux guest tests: wait for text, run shell commands, collect the
exit status and what the process printed after the guest stopped (e.g. --text-screen).

Shared by linux_boot_test.py and disk_boot_test.py.
"""
import os
import select
import subprocess
import time

PROMPT = b"~ # "


class Guest:
    def __init__(self, cmd):
        self.cmd = cmd
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.buf = b""      # output not yet consumed by expect()
        self.log = b""      # everything the process printed on stdout

    def _read(self, timeout):
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if r:
            chunk = os.read(self.p.stdout.fileno(), 65536)
            self.buf += chunk
            self.log += chunk
            return bool(chunk)
        return True

    def expect(self, needle, timeout=300):
        """Consume output up to and including `needle`; return it (bytes)."""
        deadline = time.monotonic() + timeout
        while needle not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or (self.p.poll() is not None and not self._read(0)):
                tail = self.buf[-3000:].decode(errors="replace")
                raise AssertionError(f"did not see {needle!r}; guest output ends with:\n{tail}")
            self._read(min(left, 1.0))
        i = self.buf.index(needle) + len(needle)
        seen, self.buf = self.buf[:i], self.buf[i:]
        return seen

    def send(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def run(self, command, timeout=300):
        """Type a shell command, return what was printed up to the next prompt (str)."""
        self.send(command + "\n")
        return self.expect(PROMPT, timeout).decode(errors="replace")

    def wait(self, timeout=300):
        """Wait for the process to end; return (exit status, rest of stdout as str)."""
        deadline = time.monotonic() + timeout
        while self.p.poll() is None:
            if time.monotonic() > deadline:
                self.p.kill()
                self.p.wait()
                raise AssertionError(f"the emulator did not stop within {timeout} s")
            self._read(0.5)
        while True:  # the rest up to end of file
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                break
            self.buf += chunk
            self.log += chunk
        rest, self.buf = self.buf.decode(errors="replace"), b""
        return self.p.returncode, rest

    def stderr(self):
        return self.p.stderr.read().decode(errors="replace") if self.p.poll() is not None else ""

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def check(cond, what, out=""):
    if not cond:
        raise AssertionError(f"{what}\n--- guest output ---\n{out}")
    print(f"PASS {what}", flush=True)
