#!/usr/bin/env python3
"""tests/linux/vga_console_test.py: the Linux guest's shell on the VGA text console, typed at
through the PS/2 keyboard.

One boot: SeaBIOS loads the guest kernel and initramfs from fw_cfg (-bios -kernel, so the VGA
BIOS has set 80x25 text mode) with `console=tty0`, so /init's shell runs on the screen (its
second shell on ttyS0 is not used).  --type/--keys play on the virtual clock once the shell is
up; the run ends at -timeout and --text-screen prints the screen, which must show, in order:

  echo $((6*7))                  -> 42              (typing, Enter, shell arithmetic)
  echo left-acd, Left Left, b    -> left-abcd       (cursor keys edit the line)
  echo bs-abX, Backspace, c      -> bs-abc          (Backspace erases)
  Up, Enter                      -> bs-abc again    (history recall with the Up key)
  an endless loop, Ctrl-C        -> ^C and a prompt (the tty's interrupt character)
  echo after-$((2+3))            -> after-5         (the shell is back)

usage: vga_console_test.py RINGZERO GUEST_DIR
  GUEST_DIR: vmlinuz and initramfs.cpio.gz from scripts/build-linux-guest.sh
"""
import os
import subprocess
import sys
import time

SEABIOS = "/usr/share/seabios/bios-256k.bin"
PROMPT = "~ # "
# Virtual seconds after power-on (--keys @S).  The shell prompt is on the screen before
# 10 s (measured with --text-screen-at 5, 10, ...).  Typing up to the loop takes about 3 s
# (20 ms per key event, shifted characters take four), so the loop runs for about a second
# before the Ctrl-C at T_CTRL_C; every busy virtual second costs 1e9 instructions.
T_TYPE = 12
T_CTRL_C = T_TYPE + 4
T_END = T_TYPE + 6


def check(cond, what, out=""):
    if not cond:
        raise AssertionError(f"{what}\n--- screen ---\n{out}")
    print(f"PASS {what}", flush=True)


def in_order(lines, wanted):
    """True when the WANTED lines occur in LINES in this order (others may come between)."""
    i = 0
    for line in lines:
        if i < len(wanted) and line.rstrip() == wanted[i]:
            i += 1
    return i == len(wanted)


def main():
    ringzero, guest = sys.argv[1], sys.argv[2]
    kernel, initrd = os.path.join(guest, "vmlinuz"), os.path.join(guest, "initramfs.cpio.gz")
    cmd = [ringzero, "-bios", SEABIOS, "-m", "128", "-kernel", kernel, "-initrd", initrd,
           "-append", "console=tty0 quiet", "-display", "none", "--clock=virtual",
           "--type", f"@{T_TYPE}:echo $((6*7))\\n",
           "--type", "echo left-acd", "--keys", "left,left", "--type", "b\\n",
           "--type", "echo bs-abX\\bc\\n",
           "--keys", "up,ret",
           "--type", "while :; do :; done\\n",
           "--keys", f"@{T_CTRL_C}:ctrl-c",
           "--type", "echo after-$((2+3))\\n",
           "-timeout", str(T_END), "--text-screen"]
    print(" ".join(cmd), flush=True)
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    print(f"run: {time.monotonic() - t0:.1f} s host time, exit status {p.returncode}", flush=True)
    screen = p.stdout
    print(screen)
    check(p.returncode == 124, f"the guest runs until -timeout {T_END} (exit status "
          f"{p.returncode})", p.stderr)
    lines = [l.rstrip() for l in screen.splitlines()]
    check(len(lines) == 25, f"--text-screen prints 80x25 text ({len(lines)} lines)", screen)
    check(in_order(lines, [PROMPT + "echo $((6*7))", "42"]),
          "typed at the VGA console: echo $((6*7)) prints 42", screen)
    check(in_order(lines, [PROMPT + "echo left-abcd", "left-abcd"]),
          "Left Left moves the cursor: the inserted b lands in the middle", screen)
    check(in_order(lines, [PROMPT + "echo bs-abc", "bs-abc", PROMPT + "echo bs-abc", "bs-abc"]),
          "Backspace erases a character; Up recalls the command from history", screen)
    check(in_order(lines, [PROMPT + "while :; do :; done", "^C", PROMPT + "echo after-$((2+3))",
                           "after-5", PROMPT.rstrip()]),
          "Ctrl-C ends the endless loop, and the shell answers again", screen)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAIL {e}")
        sys.exit(1)
