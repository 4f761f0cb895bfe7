#!/usr/bin/env python3
# tests/window/window_test.py: ringzero's SDL window on a real X server (Xvfb), driven the
# way a person drives it.  SeaBIOS boots echo_prompt.asm from a floppy under
# --clock=virtual -display sdl; then, with xdotool and real X events:
#   - the window appears with the title "ringzero - NAME - N MIPS" and the size of 80x25
#     text at 4:3 (720x540); a screenshot (xwd) shows the guest's blue screen filling it;
#   - typed text (with Shift), Right and Home reach the guest's INT 16h as the right keys,
#     and the raw set-1 bytes SeaBIOS sees (INT 15h AH=4Fh) are the PC keyboard's: E0
#     prefixes, Pause (E1 1D 45 E1 9D C5, no break), Print Screen (E0 2A E0 37 / E0 B7 E0 AA),
#     keypad, Windows and Menu keys, Shift+Right with its fake shifts;
#   - a key held for 3 s repeats at the typematic rate the guest gave the PS/2 keyboard
#     (not the X server's rate, and not faster because an idle guest's virtual time runs
#     ahead), with one break at the end;
#   - after a resize to 1000x500 the picture keeps 4:3 (667x500, centred, black bars);
#   - a click grabs the pointer and keyboard (another client's grab fails; the title says
#     how to release), Ctrl+Alt+G releases them and the G never reaches the guest;
#   - the window manager's close request (WM_DELETE_WINDOW) powers the machine off: exit
#     status 0, and --text-screen shows the echoed line.
# Exit status 77 (CTest's SKIP_RETURN_CODE) only when no X server can be started here, with
# a loud SKIPPED line; every other problem is a failure.
import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xhelp  # noqa: E402

SKIP = 77
NAME = "windowtest"
TITLE_RE = re.compile(r"^ringzero - %s - (\d+) MIPS( - Ctrl\+Alt\+G releases the mouse)?$" % NAME)

# Set-1 make codes of the keys typed (IBM PC/AT scan code set 1; break = make | 0x80), and
# the ASCII the BIOS's US table gives them.
SET1 = {"h": 0x23, "i": 0x17, "t": 0x14, "e": 0x12, "r": 0x13, " ": 0x39, "a": 0x1E, "x": 0x2D}
LSHIFT, ENTER = 0x2A, 0x1C
TYPED = "Hi there"


class Failure(Exception):
    pass


def skip(msg):
    print("SKIPPED: %s" % msg)
    print("SKIPPED: the real-window test did NOT run; nothing about the window was checked")
    sys.exit(SKIP)


def start_xvfb():
    xvfb = shutil.which("Xvfb")
    if not xvfb:
        skip("Xvfb is not installed (scripts/deps.sh installs xvfb)")
    r, w = os.pipe()
    log = tempfile.TemporaryFile()
    p = subprocess.Popen([xvfb, "-displayfd", str(w), "-screen", "0", "1280x1024x24",
                          "-nolisten", "tcp", "-noreset"],
                         pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=log)
    os.close(w)
    # Xvfb writes the display number and then a newline once it accepts clients; the pipe
    # stays open as long as Xvfb runs (it treats a failed write as fatal).
    num, end = b"", time.time() + 20
    while not num.endswith(b"\n") and time.time() < end:
        ready, _, _ = select.select([r], [], [], max(0.0, end - time.time()))
        chunk = os.read(r, 64) if ready else b""
        if not chunk:
            break
        num += chunk
    p.displayfd = r
    num = num.decode().strip()
    if not num.isdigit():
        p.kill()
        p.wait()
        log.seek(0)
        err = log.read().decode(errors="replace").strip()
        skip("Xvfb could not start: %s" % (err.splitlines()[-1] if err else "no display number"))
    return p, ":" + num


class Run:
    def __init__(self, a, tmp, display):
        self.a = a
        self.display = display
        self.env = dict(os.environ, DISPLAY=display, SDL_AUDIODRIVER=a.audio)
        self.env.pop("WAYLAND_DISPLAY", None)
        if sanitized(a.emulator):
            # LeakSanitizer: libdbus's own leak is suppressed, and the software renderer
            # keeps Mesa (whose leaks come from a module it unloads) out of the process.
            supp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan.supp")
            lsan = self.env.get("LSAN_OPTIONS", "")
            self.env["LSAN_OPTIONS"] = (lsan + ":" if lsan else "") + "suppressions=" + supp
            self.env["SDL_RENDER_DRIVER"] = "software"
            print("sanitizer build: LSAN_OPTIONS=%s, SDL_RENDER_DRIVER=software" % self.env["LSAN_OPTIONS"])
        self.log_path = os.path.join(tmp, "debugcon.txt")
        self.log_pos = 0
        img = os.path.join(tmp, "echo.img")
        with open(a.image, "rb") as f:
            boot = f.read()
        with open(img, "wb") as f:
            f.write(boot + bytes(1474560 - len(boot)))
        self.cmd = [a.emulator, "-display", "sdl", "--clock=virtual", "-name", NAME,
                    "-fda", img, "-snapshot", "-boot", "order=a",
                    "-debugcon", "file:" + self.log_path, "--text-screen", "-timeout", "300"]
        self.out = open(os.path.join(tmp, "stdout.txt"), "w+")
        self.err = open(os.path.join(tmp, "stderr.txt"), "w+")
        self.p = subprocess.Popen(self.cmd, env=self.env, stdout=self.out, stderr=self.err)
        self.wid = None
        self.titles = []

    def xdo(self, *args, check=True):
        r = subprocess.run(["xdotool"] + [str(x) for x in args], env=self.env,
                           capture_output=True, text=True, timeout=30)
        if check and r.returncode != 0:
            raise Failure("xdotool %s failed: %s" % (" ".join(map(str, args)), r.stderr.strip()))
        return r.stdout.strip()

    def alive(self):
        if self.p.poll() is not None:
            raise Failure("ringzero exited early with status %d" % self.p.returncode)

    def title(self):
        t = self.xdo("getwindowname", self.wid)
        self.titles.append(t)
        return t

    def geometry(self):
        out = self.xdo("getwindowgeometry", self.wid)
        m = re.search(r"Geometry: (\d+)x(\d+)", out)
        if not m:
            raise Failure("no geometry from xdotool: %r" % out)
        return int(m.group(1)), int(m.group(2))

    def log_lines(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("latin-1").splitlines()
        except OSError:
            return []

    def new_events(self):
        """Debug-console lines after the READY marker that the last call did not return."""
        lines = self.log_lines()
        if "RZWINDOW-READY" not in lines:
            return []
        ev = lines[lines.index("RZWINDOW-READY") + 1:]
        # A last line without its newline yet is left for the next call.
        with open(self.log_path, "rb") as f:
            complete = f.read().endswith(b"\n")
        if not complete and ev:
            ev = ev[:-1]
        fresh = ev[self.log_pos:]
        self.log_pos = len(ev)
        return fresh

    def wait_events(self, done, what, timeout=20.0):
        """Collect events until done(events) holds."""
        got = []
        end = time.time() + timeout
        while True:
            got += self.new_events()
            if done(got):
                time.sleep(0.3)  # anything that follows (a stray repeat) shows up too
                return got + self.new_events()
            self.alive()
            if time.time() > end:
                raise Failure("%s: timed out; guest saw %s" % (what, summary(got)))
            time.sleep(0.05)

    def screenshot(self, tmp, name):
        path = os.path.join(tmp, name + ".xwd")
        subprocess.run(["xwd", "-silent", "-id", str(self.wid), "-out", path], env=self.env,
                       check=True, timeout=30)
        with open(path, "rb") as f:
            return xhelp.Image(f.read())


def sanitized(path):
    """Whether the emulator was built with AddressSanitizer (-DRZ_SANITIZE=ON)."""
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


def scancodes(events):
    return [int(e[3:5], 16) for e in events if e.startswith("sc=")]


def ticks(events):
    """The low byte of the guest's BIOS tick count (18.2 Hz) at each raw byte."""
    return [int(e[6:8], 16) for e in events if e.startswith("sc=")]


def keys(events):
    return [int(e[4:], 16) for e in events if e.startswith("key=")]


def summary(events):
    return "scancodes [%s] keys [%s]" % (" ".join("%02X" % b for b in scancodes(events)),
                                         " ".join("%04X" % k for k in keys(events)))


def shifted(code):
    """Set-1 bytes of Shift+key (a main-block key): xdotool may let Shift go before or after
    the key, and the guest sees the order the X server delivered."""
    return [[LSHIFT, code, code | 0x80, LSHIFT | 0x80], [LSHIFT, code, LSHIFT | 0x80, code | 0x80]]


def shifted_grey(code):
    """Shift+grey key (Num Lock off): the keyboard releases the held Left Shift before the
    make (E0 AA) and presses it again after the break (E0 2A), if Shift is still down then."""
    make, brk = [0xE0, 0xAA, 0xE0, code], [0xE0, code | 0x80]
    return [[LSHIFT] + make + brk + [0xE0, LSHIFT] + [LSHIFT | 0x80],
            [LSHIFT] + make + [LSHIFT | 0x80] + brk]


def matches(got, groups):
    """Whether `got` is the groups in order, each one of its alternative byte sequences."""
    pos = 0
    for alts in groups:
        for alt in alts:
            if got[pos:pos + len(alt)] == alt:
                pos += len(alt)
                break
        else:
            return False
    return pos == len(got)


def show(groups):
    return " ".join("|".join(hexs(alt) for alt in alts) if len(alts) > 1 else hexs(alts[0])
                    for alts in groups)


def hexs(bs):
    return " ".join("%02X" % b for b in bs)


def expect(cond, msg, problems):
    print(("ok:   " if cond else "FAIL: ") + msg)
    if not cond:
        problems.append(msg)


def is_blue(rgb):  # the guest's background, VGA colour 1 (0000AA)
    r, g, b = rgb >> 16, (rgb >> 8) & 0xFF, rgb & 0xFF
    return b > 0x60 and r < 0x40 and g < 0x40


def is_lit(rgb):
    return (rgb >> 16) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF) > 48


def check_picture(img, win_w, win_h, problems, label):
    box = img.bbox(is_lit)
    if box is None:
        expect(False, "%s: the window shows a picture" % label, problems)
        return
    x, y, w, h = box
    # The largest 4:3 rectangle in the window, centred.
    ew, eh = (win_w, round(win_w * 3 / 4)) if win_w * 3 <= win_h * 4 else (round(win_h * 4 / 3), win_h)
    ex, ey = (win_w - ew) // 2, (win_h - eh) // 2
    ok = abs(w - ew) <= 2 and abs(h - eh) <= 2 and abs(x - ex) <= 2 and abs(y - ey) <= 2
    expect(ok, "%s: picture at %d,%d %dx%d (4:3 in %dx%d: %d,%d %dx%d)" %
           (label, x, y, w, h, win_w, win_h, ex, ey, ew, eh), problems)
    cx, cy = x + w // 2, y + h * 9 // 10
    expect(is_blue(img.pixel(cx, cy)), "%s: the guest's blue background at %d,%d (%06X)" %
           (label, cx, cy, img.pixel(cx, cy)), problems)
    if x > 2:
        expect(img.pixel(x // 2, win_h // 2) == 0, "%s: black bar at the left" % label, problems)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--image", required=True, help="echo_prompt.bin (the boot sector)")
    ap.add_argument("--audio", default="dummy", help="SDL_AUDIODRIVER for ringzero")
    a = ap.parse_args()
    for tool in ("xdotool", "xwd"):
        if not shutil.which(tool):
            print("FAIL: %s is not installed (scripts/deps.sh installs it)" % tool)
            return 1
    xvfb, display = start_xvfb()
    print("Xvfb on display %s" % display)
    problems = []
    run = None
    t_start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            try:
                x = xhelp.X(display)
            except OSError as e:
                raise Failure("Xvfb started but %s" % e)
            run = Run(a, tmp, display)
            print("ringzero " + " ".join(run.cmd[1:]))
            problems += steps(run, x, tmp)
            x.close()
        except Failure as e:
            problems.append(str(e))
            print("FAIL: " + str(e))
        finally:
            if run and run.p.poll() is None:
                run.p.kill()
                run.p.wait()
            xvfb.terminate()
            xvfb.wait()
            os.close(xvfb.displayfd)
        if run:
            run.out.seek(0)
            run.err.seek(0)
            out, err = run.out.read(), run.err.read()
            print("--- text screen (--text-screen)\n" + out.rstrip())
            if err.strip():
                print("--- stderr\n" + err.rstrip())
            if not problems:
                lines = out.splitlines()
                expect(any(l.startswith("> " + TYPED + "<4D><47>") for l in lines),
                       "the text screen shows the echoed line '> %s<4D><47>'" % TYPED, problems)
                expect(any(l.startswith("scancodes:") for l in lines),
                       "the text screen shows the scancode list", problems)
            if run.titles:
                print("titles seen: " + " | ".join(sorted(set(run.titles))))
    print("took %.1f s" % (time.time() - t_start))
    if problems:
        print("FAILED: %d problem(s)" % len(problems))
        return 1
    print("PASS: the SDL window on Xvfb")
    return 0


def steps(run, x, tmp):
    problems = []
    # The window and its title, while SeaBIOS boots the floppy.
    end = time.time() + 60
    while True:
        run.alive()
        out = run.xdo("search", "--name", "^ringzero - %s" % NAME, check=False)
        if out:
            run.wid = int(out.split()[0])
            break
        if time.time() > end:
            raise Failure("no ringzero window appeared on %s" % run.display)
        time.sleep(0.05)
    end = time.time() + 120
    mips = []
    # The title's MIPS figure is first computed one host second after the window opens,
    # over that second (SeaBIOS's boot included); the prompt can come sooner on a fast
    # host, so sampling goes on until then too.
    first_figure = time.time() + 1.5
    while "RZWINDOW-READY" not in run.log_lines() or time.time() < first_figure:
        run.alive()
        m = TITLE_RE.match(run.title())
        if m:
            mips.append(int(m.group(1)))
        if time.time() > end:
            raise Failure("the guest's prompt never came (no RZWINDOW-READY on the debug console)")
        time.sleep(0.05)
    t = run.title()
    expect(TITLE_RE.match(t) is not None, "title %r is 'ringzero - %s - N MIPS'" % (t, NAME), problems)
    bad = [s for s in run.titles if not TITLE_RE.match(s)]
    expect(not bad, "every title seen has that form%s" % (": " + repr(bad[0]) if bad else ""), problems)
    expect(any(v > 0 for v in mips), "the title showed a non-zero MIPS figure while SeaBIOS ran "
           "(seen: %s)" % sorted(set(mips)), problems)
    w, h = run.geometry()
    expect((w, h) == (720, 540), "80x25 text opens a 720x540 window (4:3), got %dx%d" % (w, h), problems)
    check_picture(run.screenshot(tmp, "start"), w, h, problems, "720x540 window")

    run.xdo("windowfocus", "--sync", run.wid)

    # Typing: Shift, letters, space, then the grey Right and Home, then Enter.
    run.xdo("type", "--delay", 40, TYPED)
    run.xdo("key", "--delay", 40, "Right", "Home", "Return")
    ev = run.wait_events(lambda e: 0x1C0D in keys(e), "typing")
    want_keys = []
    for ch in TYPED:
        code = SET1[ch.lower()]
        want_keys.append(code << 8 | ord(ch))
    want_keys += [0x4DE0, 0x47E0, 0x1C0D]
    expect(keys(ev) == want_keys, "INT 16h keys %s (want %s)" %
           (" ".join("%04X" % k for k in keys(ev)), " ".join("%04X" % k for k in want_keys)), problems)
    want = []
    for ch in TYPED:
        c = SET1[ch.lower()]
        want.append(shifted(c) if ch.isupper() else [[c, c | 0x80]])
    want += [[[0xE0, 0x4D, 0xE0, 0xCD]], [[0xE0, 0x47, 0xE0, 0xC7]], [[ENTER, ENTER | 0x80]]]
    expect(matches(scancodes(ev), want), "raw bytes %s (want %s)" % (hexs(scancodes(ev)), show(want)),
           problems)

    # The keys with sequences of their own, the keypad, the Windows and Menu keys.
    run.xdo("key", "--delay", 60, "Pause", "Print", "KP_End", "KP_Add", "KP_Enter", "KP_Divide",
            "Super_L", "Menu", "shift+Right", "x")
    ev = run.wait_events(lambda e: 0x2D78 in keys(e), "special keys")
    want = [[[0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5]],  # Pause: make only
            [[0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA]],  # Print Screen
            [[0x4F, 0xCF]], [[0x4E, 0xCE]], [[0xE0, 0x1C, 0xE0, 0x9C]], [[0xE0, 0x35, 0xE0, 0xB5]],  # keypad
            [[0xE0, 0x5B, 0xE0, 0xDB]], [[0xE0, 0x5D, 0xE0, 0xDD]],  # left Windows, Menu
            shifted_grey(0x4D),  # Shift+Right
            [[0x2D, 0xAD]]]
    expect(matches(scancodes(ev), want), "raw bytes %s (want %s)" % (hexs(scancodes(ev)), show(want)),
           problems)

    # Typematic: the guest set the slowest rate (F3h 7Fh: 1 s delay, then 2 a second), so a
    # held 'a' makes at 0, 1.0, 1.5, 2.0 ... s of guest time, then breaks once.  The guest
    # stamps each byte with its BIOS tick, so the count is checked against the hold the
    # guest saw; that hold may be shorter than the host's (a loaded host runs the guest
    # late) but not longer (guest time must not race ahead of the person holding the key).
    # X's own auto-repeat (25 a second) must not be passed on.
    t0 = time.time()
    run.xdo("keydown", "a", "sleep", "3", "keyup", "a")
    host_hold = time.time() - t0
    ev = run.wait_events(lambda e: 0x9E in scancodes(e), "typematic")
    sc, tk = scancodes(ev), ticks(ev)
    makes = sc.count(0x1E)
    if makes and sc == [0x1E] * makes + [0x9E]:
        hold = ((tk[-1] - tk[0]) % 256) / 18.2065
        repeats = [1.0 + 0.5 * k for k in range(20)]
        lo = 1 + sum(r <= hold - 0.06 for r in repeats)
        hi = 1 + sum(r <= hold + 0.06 for r in repeats)
        expect(lo <= makes <= hi, "a held %.2f s of guest time (%.2f s of host time): %d makes, "
               "want %d%s" % (hold, host_hold, makes, lo, "" if lo == hi else "-%d" % hi), problems)
        expect(hold <= host_hold + 0.2, "guest time did not run ahead of the host during the hold",
               problems)
        expect(hold >= 1.1, "the hold lasted past the typematic delay in guest time (%.2f s)" % hold,
               problems)
    else:
        expect(False, "a held: makes then one break, got %s" % hexs(sc), problems)

    # Resize: the picture keeps 4:3, centred between black bars.
    run.xdo("windowsize", run.wid, 1000, 500)
    end = time.time() + 10
    while run.geometry() != (1000, 500) and time.time() < end:
        time.sleep(0.05)
    w, h = run.geometry()
    expect((w, h) == (1000, 500), "the window took the new size 1000x500 (%dx%d)" % (w, h), problems)
    time.sleep(0.5)  # a frame after the resize
    run.alive()
    check_picture(run.screenshot(tmp, "resized"), w, h, problems, "1000x500 window")

    # Mouse grab: a click grabs, Ctrl+Alt+G releases; the G stays with the host.
    expect(not x.pointer_grabbed_elsewhere(), "the pointer is free before the click", problems)
    run.xdo("mousemove", "--window", run.wid, 500, 250, "click", 1)
    end = time.time() + 10
    while "Ctrl+Alt+G" not in run.title() and time.time() < end:
        time.sleep(0.05)
    expect("Ctrl+Alt+G releases the mouse" in run.title(), "a click grabs: title %r" % run.title(), problems)
    expect(x.pointer_grabbed_elsewhere(), "while grabbed, another client cannot grab the pointer", problems)
    expect(x.keyboard_grabbed_elsewhere(), "while grabbed, another client cannot grab the keyboard", problems)
    run.new_events()
    run.xdo("key", "ctrl+alt+g")
    end = time.time() + 10
    while "Ctrl+Alt+G" in run.title() and time.time() < end:
        time.sleep(0.05)
    expect("Ctrl+Alt+G" not in run.title(), "Ctrl+Alt+G releases: title %r" % run.title(), problems)
    expect(not x.pointer_grabbed_elsewhere(), "after Ctrl+Alt+G the pointer is free", problems)
    expect(not x.keyboard_grabbed_elsewhere(), "after Ctrl+Alt+G the keyboard is free", problems)
    run.xdo("key", "x")
    ev = run.wait_events(lambda e: 0xAD in scancodes(e), "after Ctrl+Alt+G")
    sc = scancodes(ev)
    expect(0x22 not in sc and 0xA2 not in sc and {0x1D, 0x38, 0x9D, 0xB8} <= set(sc),
           "Ctrl and Alt reach the guest, G does not (%s)" % hexs(sc), problems)

    # Closing the window powers the machine off.
    x.send_wm_delete(run.wid)
    try:
        rc = run.p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        raise Failure("ringzero still running 20 s after WM_DELETE_WINDOW")
    expect(rc == 0, "WM_DELETE_WINDOW: ringzero exits with status 0 (got %d)" % rc, problems)
    return problems


if __name__ == "__main__":
    sys.exit(main())
