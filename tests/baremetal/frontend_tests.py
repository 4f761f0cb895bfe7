#!/usr/bin/env python3
# tests/baremetal/frontend_tests.py: command-line tests of the ringzero binary.
#
# Each case runs ringzero with bad input and asserts what a user should see: a non-zero exit
# status and exactly one line on stderr that names the offending option or file.  The inputs
# (ROM images of the wrong size, kernels with broken Multiboot headers...) are made in a
# temporary directory.  Run one case with --case NAME, or all with --case all.
import argparse
import os
import struct
import subprocess
import sys
import tempfile

MB_MAGIC = 0x1BADB002


def mb_header(flags, checksum=None, extra=b""):
    if checksum is None:
        checksum = (-(MB_MAGIC + flags)) & 0xFFFFFFFF
    return struct.pack("<III", MB_MAGIC, flags, checksum) + extra


def aout_kernel(load_addr=0x100000, bss=0x1000, flags=0x00010002, checksum=None, body=256):
    """A flat a.out-kludge kernel whose header sits at offset 0 and loads at load_addr."""
    size = 32 + body
    fields = struct.pack("<IIIII", load_addr, load_addr, load_addr + size, load_addr + size + bss,
                         load_addr + 32)
    return mb_header(flags, checksum, fields) + b"\xf4" * body  # HLTs


def elf_kernel(paddr=0x100000, filesz=0x100, memsz=0x200, machine=3, elfclass=1):
    """A minimal ELF32 executable with one PT_LOAD and a Multiboot header (no kludge)."""
    ehdr = b"\x7fELF" + bytes([elfclass, 1, 1, 0]) + bytes(8)
    ehdr += struct.pack("<HHIIIIIHHHHHH", 2, machine, 1, paddr + 0x60, 52, 0, 0, 52, 32, 1, 0, 0, 0)
    phdr = struct.pack("<IIIIIIII", 1, 0, paddr, paddr, filesz, memsz, 7, 0x1000)
    img = ehdr + phdr + mb_header(0x00000002)
    return img + b"\xf4" * (filesz - len(img))


class Case:
    def __init__(self, args, mentions, files=None):
        self.args = args          # argv after the program name; "{dir}" is the temp directory
        self.mentions = mentions  # texts the one stderr line must contain
        self.files = files or {}  # name -> bytes, or None for a directory


CASES = {
    # With -machine pc (the default) no arguments boot SeaBIOS; a bare machine needs an image.
    "bare_no_image": Case(["-machine", "bare"], ["-bios", "-kernel"]),
    "unknown_option": Case(["-bios", "{dir}/rom.bin", "-frobnicate"], ["-frobnicate"],
                           {"rom.bin": bytes(65536)}),
    "bad_timeout": Case(["-kernel", "k", "-timeout", "soon"], ["-timeout", "soon"]),
    "bad_memory": Case(["-kernel", "k", "-m", "0"], ["-m", "'0'"]),
    "bad_clock": Case(["-kernel", "k", "--clock=sundial"], ["--clock", "sundial"]),
    "bad_serial_timing": Case(["-kernel", "k", "--serial-timing=slow"],
                              ["--serial-timing", "slow"]),
    "bad_device": Case(["-kernel", "k", "-device", "sb16"], ["-device", "sb16"]),
    "missing_argument": Case(["-bios"], ["-bios"]),
    "bios_missing": Case(["-bios", "{dir}/nonexistent.rom"], ["{dir}/nonexistent.rom"]),
    "bios_directory": Case(["-bios", "{dir}/adir"], ["{dir}/adir"], {"adir": None}),
    "bios_wrong_size": Case(["-bios", "{dir}/odd.rom"], ["{dir}/odd.rom", "65537"],
                            {"odd.rom": bytes(65537)}),
    "bios_empty": Case(["-bios", "{dir}/empty.rom"], ["{dir}/empty.rom"], {"empty.rom": b""}),
    "kernel_missing": Case(["-kernel", "{dir}/nokernel"], ["{dir}/nokernel"]),
    "kernel_directory": Case(["-kernel", "{dir}/kdir"], ["{dir}/kdir"], {"kdir": None}),
    "kernel_no_header": Case(["-kernel", "{dir}/k"], ["{dir}/k", "no Multiboot header"],
                             {"k": bytes(16384)}),
    "kernel_bad_checksum": Case(["-kernel", "{dir}/k"], ["{dir}/k", "checksum"],
                                {"k": aout_kernel(checksum=0x12345678)}),
    "kernel_video_flag": Case(["-kernel", "{dir}/k"], ["{dir}/k", "video"],
                              {"k": aout_kernel(flags=0x00010006)}),
    "kernel_unknown_flag": Case(["-kernel", "{dir}/k"], ["{dir}/k", "0x8"],
                                {"k": aout_kernel(flags=0x0001000A)}),
    "kernel_outside_ram": Case(["-m", "4", "-kernel", "{dir}/k"], ["{dir}/k", "outside guest RAM"],
                               {"k": aout_kernel(load_addr=0x800000)}),
    "kernel_in_hole": Case(["-kernel", "{dir}/k"], ["{dir}/k", "640 KiB"],
                           {"k": aout_kernel(load_addr=0xB8000)}),
    "kernel_bad_elf": Case(["-kernel", "{dir}/k"], ["{dir}/k", "i386"],
                           {"k": elf_kernel(machine=62)}),
    "kernel_not_elf": Case(["-kernel", "{dir}/k"], ["{dir}/k", "not an ELF"],
                           {"k": b"\x00" * 64 + mb_header(0x00000002) + bytes(256)}),
    "bad_vga": Case(["-kernel", "k", "-vga", "cirrus"], ["-vga", "cirrus"]),
    "screendump_no_display": Case(["-machine", "bare", "-kernel", "k", "-screendump", "x.png"],
                                  ["-screendump", "no display"]),
    "text_screen_vga_none": Case(["-vga", "none", "-kernel", "k", "--text-screen"],
                                 ["--text-screen", "no display"]),
    "text_screen_at_bad_time": Case(["-kernel", "k", "--text-screen-at", "soon"],
                                    ["--text-screen-at", "'soon'"]),
    "text_screen_at_negative": Case(["-kernel", "k", "--text-screen-at", "-1"],
                                    ["--text-screen-at", "'-1'"]),
    "text_screen_at_no_display": Case(["-vga", "none", "-kernel", "k", "--text-screen-at", "1"],
                                      ["--text-screen-at", "no display"]),
    "screendump_bad_path": Case(["-kernel", "{dir}/k", "-screendump", "{dir}/no/such/dir/s.png"],
                                ["{dir}/no/such/dir/s.png"], {"k": aout_kernel()}),
    "fda_missing": Case(["-bios", "{dir}/rom.bin", "-fda", "{dir}/nofloppy.img"],
                        ["-fda", "{dir}/nofloppy.img"], {"rom.bin": bytes(65536)}),
    "fda_wrong_size": Case(["-bios", "{dir}/rom.bin", "-fda", "{dir}/odd.img"],
                           ["-fda", "{dir}/odd.img", "1000448", "1.44M"],
                           {"rom.bin": bytes(65536), "odd.img": bytes(1000448)}),
    "fdb_bare_machine": Case(["-machine", "bare", "-bios", "{dir}/rom.bin", "-fdb", "{dir}/b.img"],
                             ["-fdb", "PC board"],
                             {"rom.bin": bytes(65536), "b.img": bytes(1474560)}),
    "debugcon_bad_path": Case(["-kernel", "{dir}/k", "-debugcon", "file:{dir}/no/such/dir/out"],
                              ["{dir}/no/such/dir/out"], {"k": aout_kernel()}),
    "bad_display": Case(["-kernel", "k", "-display", "gtk"], ["-display", "'gtk'"]),
    "bad_display_property": Case(["-kernel", "k", "-display", "sdl,scale=huge"],
                                 ["-display", "scale=huge"]),
    "bad_key_name": Case(["-kernel", "k", "--keys", "ctrl-alt-del"], ["--keys", "'del'"]),
    "bad_key_time": Case(["-kernel", "k", "--keys", "@soon:ret"], ["--keys", "@soon:ret"]),
    "bad_type_char": Case(["-kernel", "k", "--type", "caf\u00e9"], ["--type", "0xc3"]),
    "bad_type_escape": Case(["-kernel", "k", "--type", "a\\q"], ["--type", "\\q"]),
    "keys_without_board": Case(["-machine", "bare", "-bios", "{dir}/rom.bin", "--keys", "esc"],
                               ["--keys", "-machine bare"], {"rom.bin": bytes(65536)}),
    # IDE drives: option parsing errors and image problems name the option and the file.
    "hda_missing": Case(["-kernel", "{dir}/k", "-hda", "{dir}/none.img"],
                        ["-hda", "{dir}/none.img", "No such file or directory"], {"k": aout_kernel()}),
    "hda_directory": Case(["-kernel", "{dir}/k", "-hdb", "{dir}/ddir"], ["-hdb", "{dir}/ddir", "directory"],
                          {"k": aout_kernel(), "ddir": None}),
    "hda_odd_size": Case(["-kernel", "{dir}/k", "-hda", "{dir}/odd.img"],
                         ["-hda", "{dir}/odd.img", "1000", "512"], {"k": aout_kernel(), "odd.img": bytes(1000)}),
    "hda_empty": Case(["-kernel", "{dir}/k", "-hdd", "{dir}/e.img"], ["-hdd", "{dir}/e.img", "empty"],
                      {"k": aout_kernel(), "e.img": b""}),
    "cdrom_odd_size": Case(["-kernel", "{dir}/k", "-cdrom", "{dir}/odd.iso"],
                           ["-cdrom", "{dir}/odd.iso", "2048"], {"k": aout_kernel(), "odd.iso": bytes(3072)}),
    "drive_bad_media": Case(["-kernel", "k", "-drive", "file=x,media=tape"], ["-drive", "tape"]),
    "drive_bad_if": Case(["-kernel", "k", "-drive", "file=x,if=scsi"], ["-drive", "if=scsi"]),
    "drive_bad_format": Case(["-kernel", "k", "-drive", "file=x,format=qcow2"], ["-drive", "qcow2"]),
    "drive_no_file": Case(["-kernel", "k", "-drive", "media=disk"], ["-drive", "file="]),
    "drive_unknown_property": Case(["-kernel", "k", "-drive", "file=x,cache=none"], ["-drive", "cache"]),
    "drive_index_clash": Case(["-kernel", "k", "-hdc", "a", "-cdrom", "b"], ["-cdrom", "-hdc", "index 2"]),
    "boot_bad_device": Case(["-kernel", "k", "-boot", "z"], ["-boot", "'z'"]),
    "boot_too_many": Case(["-kernel", "k", "-boot", "order=cdan"], ["-boot", "cdan"]),
    "drive_bad_bootindex": Case(["-kernel", "k", "-drive", "file=x,bootindex=first"], ["-drive", "'first'"]),
    "drive_bootindex_twice": Case(["-kernel", "k", "-drive", "file=x,bootindex=1", "-drive",
                                   "file=y,bootindex=1"], ["-drive", "bootindex 1"]),
    "bad_monitor": Case(["-kernel", "k", "-monitor", "vc"], ["-monitor", "'vc'"]),
    "bad_serial_mux": Case(["-kernel", "k", "-serial", "mon:pty"], ["-serial", "'mon:pty'"]),
    "monitor_stdio_taken": Case(["-kernel", "k", "-serial", "stdio", "-monitor", "stdio"],
                                ["-monitor stdio", "-serial stdio", "mon:stdio"]),
    "monitor_and_mux": Case(["-kernel", "k", "-serial", "mon:stdio", "-monitor", "pty"],
                            ["-monitor pty", "-serial mon:stdio"]),
    "drive_bare_machine": Case(["-kernel", "k", "-machine", "bare", "-hda", "x"], ["-hda", "bare"]),
}


def run_case(emulator, name):
    case = CASES[name]
    with tempfile.TemporaryDirectory() as d:
        for fname, data in case.files.items():
            path = os.path.join(d, fname)
            if data is None:
                os.mkdir(path)
            else:
                with open(path, "wb") as f:
                    f.write(data)
        args = [a.replace("{dir}", d) for a in case.args]
        mentions = [m.replace("{dir}", d) for m in case.mentions]
        try:
            p = subprocess.run([emulator] + args, capture_output=True, text=True, timeout=30)
        except subprocess.TimeoutExpired:
            print("%s: ringzero did not exit within 30 s" % name)
            return False
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    problems = []
    if p.returncode == 0:
        problems.append("exit status 0, expected non-zero")
    if p.returncode < 0:
        problems.append("killed by signal %d" % -p.returncode)
    if len(lines) != 1:
        problems.append("expected one line on stderr, got %d" % len(lines))
    for m in mentions:
        if m not in p.stderr:
            problems.append("stderr does not mention %r" % m)
    print("%s: ringzero %s -> exit %d" % (name, " ".join(args), p.returncode))
    print("  stderr: " + p.stderr.rstrip().replace("\n", "\n          "))
    for pr in problems:
        print("  problem: " + pr)
    return not problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--case", required=True, help="a case name, or 'all'")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        print("\n".join(CASES))
        return 0
    names = list(CASES) if a.case == "all" else [a.case]
    for n in names:
        if n not in CASES:
            print("unknown case " + n)
            return 2
    ok = [run_case(a.emulator, n) for n in names]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
