// frontend/options.cpp: option parsing with glibc's getopt_long_only, which accepts QEMU's
// single-dash long options (-bios, -m) as well as --stats and --clock=virtual.
#include "frontend/options.h"

#include <getopt.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "bios/multiboot.h"
#include "devices/block_file.h"
#include "frontend/boot.h"
#include "frontend/char_backends.h"
#include "frontend/monitor_chardev.h"
#include "frontend/screendump.h"

namespace rz {

namespace {

enum OptId {
  kBios = 1000, kKernel, kAppend, kInitrd, kDebugcon, kPostcodes, kDevice, kTimeout, kMem, kStats,
  kClock, kSerialTiming, kNoReboot, kHelp, kMachine, kSerial, kVga, kScreendump, kTextScreen, kTextScreenAt,
  kHda, kHdb, kHdc, kHdd, kCdrom, kDrive, kSnapshot, kBoot,
  kDisplay, kName, kFullScreen, kType, kKeys, kFda, kFdb, kMonitor,
};

bool parse_number(const std::string& s, double& out) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end && *end == 0 && !s.empty();
}

bool parse_uint(const std::string& s, unsigned long& out) {
  char* end = nullptr;
  out = std::strtoul(s.c_str(), &end, 0);
  return end && *end == 0 && !s.empty();
}

// A sink for bytes written by the guest to a debug port: stdout or a file.
std::function<void(uint8_t)> make_sink(const std::string& spec, const char* what) {
  if (spec == "stdio") {
    return [](uint8_t b) {
      std::fputc(b, stdout);
      if (b == '\n') std::fflush(stdout);
    };
  }
  if (spec.rfind("file:", 0) == 0) {
    std::string path = spec.substr(5);
    std::shared_ptr<FILE> f(std::fopen(path.c_str(), "wb"), [](FILE* p) { if (p) std::fclose(p); });
    if (!f) throw std::runtime_error(path + ": cannot open for " + what + " output: " + std::strerror(errno));
    return [f](uint8_t b) { std::fputc(b, f.get()); std::fflush(f.get()); };
  }
  throw std::runtime_error(std::string(what) + ": expected stdio or file:PATH, got '" + spec + "'");
}

// -fda/-fdb: open the image (read-only when the file is not writable; an overlay with
// -snapshot) and put it in the board's floppy drive.
void attach_floppy(Machine& m, const Options& o, unsigned drive, const std::string& path) {
  if (path.empty()) return;
  const std::string opt = drive ? "-fdb" : "-fda";
  if (!m.board()) throw std::runtime_error(opt + " needs the PC board (not -machine bare)");
  BlockFileOptions bo;
  bo.snapshot = o.snapshot;
  std::shared_ptr<BlockDevice> dev;
  try {
    dev = open_block_file(path, bo);
  } catch (const std::exception& e) {
    throw std::runtime_error(opt + ": " + e.what());
  }
  std::string err;
  if (!m.board()->attach_floppy(drive, dev.get(), err)) throw std::runtime_error(opt + ": " + err);
  m.keep(dev);
}

}  // namespace

bool parse_options(int argc, char** argv, Options& o, std::string& err) {
  static const option longopts[] = {
      {"bios", required_argument, nullptr, kBios},
      {"kernel", required_argument, nullptr, kKernel},
      {"append", required_argument, nullptr, kAppend},
      {"initrd", required_argument, nullptr, kInitrd},
      {"debugcon", required_argument, nullptr, kDebugcon},
      {"postcodes", required_argument, nullptr, kPostcodes},
      {"device", required_argument, nullptr, kDevice},
      {"timeout", required_argument, nullptr, kTimeout},
      {"m", required_argument, nullptr, kMem},
      {"stats", no_argument, nullptr, kStats},
      {"clock", required_argument, nullptr, kClock},
      {"serial-timing", required_argument, nullptr, kSerialTiming},
      {"no-reboot", no_argument, nullptr, kNoReboot},
      {"machine", required_argument, nullptr, kMachine},
      {"M", required_argument, nullptr, kMachine},
      {"serial", required_argument, nullptr, kSerial},
      {"vga", required_argument, nullptr, kVga},
      {"screendump", required_argument, nullptr, kScreendump},
      {"text-screen", no_argument, nullptr, kTextScreen},
      {"text-screen-at", required_argument, nullptr, kTextScreenAt},
      {"hda", required_argument, nullptr, kHda},
      {"hdb", required_argument, nullptr, kHdb},
      {"hdc", required_argument, nullptr, kHdc},
      {"hdd", required_argument, nullptr, kHdd},
      {"cdrom", required_argument, nullptr, kCdrom},
      {"drive", required_argument, nullptr, kDrive},
      {"snapshot", no_argument, nullptr, kSnapshot},
      {"boot", required_argument, nullptr, kBoot},
      {"display", required_argument, nullptr, kDisplay},
      {"name", required_argument, nullptr, kName},
      {"full-screen", no_argument, nullptr, kFullScreen},
      {"type", required_argument, nullptr, kType},
      {"keys", required_argument, nullptr, kKeys},
      {"fda", required_argument, nullptr, kFda},
      {"fdb", required_argument, nullptr, kFdb},
      {"monitor", required_argument, nullptr, kMonitor},
      {"help", no_argument, nullptr, kHelp},
      {nullptr, 0, nullptr, 0},
  };
  o.machine.virtual_clock = false;
  o.machine.pc = true;
  opterr = 0;
  optind = 1;
  int idx = 0;
  for (;;) {
    int prev = optind;
    int ch = getopt_long_only(argc, argv, "", longopts, &idx);
    if (ch == -1) break;
    std::string arg = optarg ? optarg : "";
    switch (ch) {
      case kBios: o.bios = arg; break;
      case kKernel: o.kernel = arg; break;
      case kAppend: o.append = arg; break;
      case kInitrd: o.initrd = arg; break;
      case kDebugcon: o.debugcon = arg; break;
      case kPostcodes: o.postcodes = arg; break;
      case kDevice: {
        std::string name = arg.substr(0, arg.find(','));
        if (name != "isa-debug-exit") {
          err = "-device: unknown device '" + name + "' (supported: isa-debug-exit)";
          return false;
        }
        o.exit_device = true;
        size_t pos = arg.find(',');
        while (pos != std::string::npos) {
          size_t next = arg.find(',', pos + 1);
          std::string kv = arg.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
          size_t eq = kv.find('=');
          unsigned long v;
          if (eq == std::string::npos || !parse_uint(kv.substr(eq + 1), v) || v > 0xFFFF) {
            err = "-device isa-debug-exit: bad property '" + kv + "'";
            return false;
          }
          std::string key = kv.substr(0, eq);
          if (key == "iobase") o.exit_iobase = uint16_t(v);
          else if (key == "iosize") o.exit_iosize = uint16_t(v);
          else {
            err = "-device isa-debug-exit: unknown property '" + key + "'";
            return false;
          }
          pos = next;
        }
        break;
      }
      case kTimeout: {
        double t;
        if (!parse_number(arg, t) || t <= 0) {
          err = "-timeout: expected a positive number of seconds, got '" + arg + "'";
          return false;
        }
        o.machine.timeout_s = t;
        break;
      }
      case kMem: {
        unsigned long mb;
        std::string s = arg;
        if (!s.empty() && (s.back() == 'M' || s.back() == 'm')) s.pop_back();
        if (!parse_uint(s, mb) || mb < 1 || mb > 3072) {
          err = "-m: expected a RAM size in MiB between 1 and 3072, got '" + arg + "'";
          return false;
        }
        o.machine.ram_mb = uint32_t(mb);
        break;
      }
      case kStats: o.stats = true; break;
      case kClock:
        if (arg == "virtual") o.machine.virtual_clock = true;
        else if (arg == "host") o.machine.virtual_clock = false;
        else {
          err = "--clock: expected virtual or host, got '" + arg + "'";
          return false;
        }
        break;
      case kSerialTiming:
        if (arg == "instant") o.machine.serial_line_timing = false;
        else if (arg == "line") o.machine.serial_line_timing = true;
        else {
          err = "--serial-timing: expected instant or line, got '" + arg + "'";
          return false;
        }
        break;
      case kNoReboot: o.machine.no_reboot = true; break;
      case kMachine:
        if (arg == "pc") o.machine.pc = true;
        else if (arg == "bare") o.machine.pc = false;
        else {
          err = "-machine: expected pc or bare, got '" + arg + "'";
          return false;
        }
        break;
      case kSerial:
        if (arg != "stdio" && arg != "none" && arg != "pty" && arg != "mon:stdio" &&
            arg.rfind("file:", 0) != 0) {
          err = "-serial: expected stdio, mon:stdio, pty, file:PATH or none, got '" + arg + "'";
          return false;
        }
        o.serial = arg;
        break;
      case kMonitor:
        if (arg != "stdio" && arg != "pty" && arg != "none") {
          err = "-monitor: expected stdio, pty or none, got '" + arg + "'";
          return false;
        }
        o.monitor = arg;
        break;
      case kVga:
        if (arg == "std") o.machine.vga = true;
        else if (arg == "none") o.machine.vga = false;
        else {
          err = "-vga: expected std or none, got '" + arg + "'";
          return false;
        }
        break;
      case kScreendump:
        if (arg.empty()) {
          err = "-screendump: expected a file name, got ''";
          return false;
        }
        o.screendump = arg;
        break;
      case kTextScreen: o.text_screen = true; break;
      case kTextScreenAt: {
        char* end = nullptr;
        double v = std::strtod(arg.c_str(), &end);
        if (arg.empty() || !end || *end || !(v >= 0 && v <= 1e9)) {
          err = "--text-screen-at: expected seconds after power-on, got '" + arg + "'";
          return false;
        }
        o.text_screen_at.push_back(int64_t(v * 1e9 + 0.5));
        break;
      }
      case kFda:
      case kFdb:
        if (arg.empty()) {
          err = std::string(ch == kFda ? "-fda" : "-fdb") + ": expected a floppy image file, got ''";
          return false;
        }
        (ch == kFda ? o.fda : o.fdb) = arg;
        break;
      case kHda: case kHdb: case kHdc: case kHdd: case kCdrom: {
        static const char* const kNames[] = {"-hda", "-hdb", "-hdc", "-hdd", "-cdrom"};
        IdeDriveSpec d;
        d.option = kNames[ch - kHda];
        d.file = arg;
        d.cdrom = ch == kCdrom;
        d.read_only = d.cdrom;
        d.index = ch == kCdrom ? 2 : ch - kHda;
        if (arg.empty()) {
          err = d.option + ": expected a file name";
          return false;
        }
        o.drives.push_back(d);
        break;
      }
      case kDrive:
      case kBoot:
        try {
          if (ch == kDrive) o.drives.push_back(parse_drive_spec(arg));
          else if (auto order = parse_boot_spec(arg, &o.machine.boot_menu_ms); !order.empty())
            o.machine.boot_order = std::move(order);
        } catch (const std::runtime_error& e) {
          err = e.what();
          return false;
        }
        break;
      case kSnapshot: o.snapshot = true; break;
      case kDisplay:
        if (!parse_display_option(arg, o.display, err)) return false;
        break;
      case kName: o.display.name = arg; break;
      case kFullScreen: o.display.full_screen = true; break;
      case kType:
        if (!o.keys.add_text(arg, err)) return false;
        break;
      case kKeys:
        if (!o.keys.add_keys(arg, err)) return false;
        break;
      case kHelp: o.help = true; break;
      case ':':
        err = std::string("option ") + argv[prev] + " needs an argument";
        return false;
      default:
        err = std::string("unknown option '") + argv[prev] + "' (see ringzero --help)";
        return false;
    }
  }
  if (optind < argc) {
    err = std::string("unexpected argument '") + argv[optind] + "' (see ringzero --help)";
    return false;
  }
  if (o.monitor == "stdio" && (o.serial == "stdio" || o.serial == "mon:stdio")) {
    err = "-monitor stdio: stdio is taken by -serial " + o.serial +
          " (use -serial mon:stdio to share it)";
    return false;
  }
  if (o.monitor != "none" && o.serial == "mon:stdio") {
    err = "-monitor " + o.monitor + ": the monitor is already on -serial mon:stdio";
    return false;
  }
  if (!o.initrd.empty() && o.kernel.empty()) {
    err = "-initrd needs -kernel";
    return false;
  }
  if ((!o.screendump.empty() || o.text_screen || !o.text_screen_at.empty()) &&
      !(o.machine.pc && o.machine.vga)) {
    err = std::string(o.text_screen ? "--text-screen"
                      : !o.text_screen_at.empty() ? "--text-screen-at" : "-screendump") +
          ": the machine has no display (-vga none or -machine bare)";
    return false;
  }
  if (o.machine.pc && o.machine.vga && o.machine.vga_rom.empty()) {
    // SeaVGABIOS from the Debian seabios package, for the ROM BAR, when it is installed.
    const char* rom = "/usr/share/seabios/vgabios-stdvga.bin";
    if (std::ifstream(rom).good()) o.machine.vga_rom = rom;
  }
  try {
    assign_drive_indexes(o.drives);
    o.machine.boot_devices = ide_boot_order(o.drives);
  } catch (const std::runtime_error& e) {
    err = e.what();
    return false;
  }
  if (!o.drives.empty() && !o.machine.pc) {
    err = o.drives.front().option + ": IDE drives need the PC board (not -machine bare)";
    return false;
  }
  if (!o.help && o.bios.empty() && o.kernel.empty()) {
    if (!o.machine.pc) {
      err = "nothing to run: give -bios FILE or -kernel FILE (see ringzero --help)";
      return false;
    }
    o.bios = kDefaultBios;  // -machine pc boots SeaBIOS unless -kernel asks for direct boot
    o.default_bios = true;
  }
  return true;
}

void print_help(FILE* f) {
  std::fputs(
      "usage: ringzero [options]\n"
      "\n"
      "Firmware and guest:\n"
      "  -bios FILE              ROM image (64, 128 or 256 KiB) mapped below 4 GiB and 1 MiB;\n"
      "                          the CPU starts at F000:FFF0.  Default with -machine pc and\n"
      "                          no -kernel: " RZ_DEFAULT_BIOS " (Debian's seabios)\n"
      "  -kernel FILE            Linux bzImage (direct boot, no firmware) or Multiboot (v1)\n"
      "                          kernel (ELF or a.out-kludge binary); with -bios, a bzImage\n"
      "                          is booted by the firmware through fw_cfg (QEMU's\n"
      "                          " RZ_LINUXBOOT_ROM ")\n"
      "  -initrd FILE            initial ramdisk for a Linux kernel\n"
      "  -append STRING          kernel command line\n"
      "  -m MEGABYTES            guest RAM (default 128)\n"
      "  -machine pc|bare        pc (default): PIC, PIT, RTC, keyboard controller, COM1/COM2,\n"
      "                          DMA, ports 0x92/0x80; bare: CPU and memory only\n"
      "  -vga std|none           std (default with -machine pc): VGA with Bochs VBE on PCI,\n"
      "                          SeaVGABIOS (/usr/share/seabios/vgabios-stdvga.bin) on its ROM BAR\n"
      "  -serial stdio|mon:stdio|pty|file:PATH|none\n"
      "                          COM1 back-end (default: none); on a terminal, Ctrl-A x quits,\n"
      "                          Ctrl-A h lists the Ctrl-A keys; mon:stdio shares the terminal\n"
      "                          with the monitor (Ctrl-A c switches between them)\n"
      "  -monitor stdio|pty|none the monitor (QEMU's commands: help, info status|registers|pci,\n"
      "                          x/xp /FMT ADDR, screendump FILE, sendkey KEYS [MS], stop,\n"
      "                          cont, system_reset, quit) on the terminal or a pseudo-terminal\n"
      "\n"
      "Drives (raw images; IDE on the PIIX3, legacy ports, IRQ 14/15):\n"
      "  -hda/-hdb/-hdc/-hdd FILE   disk image on IDE index 0-3 (primary master/slave,\n"
      "                          secondary master/slave); size a multiple of 512 bytes\n"
      "  -cdrom FILE             CD image (ISO, read-only) on index 2\n"
      "  -drive file=FILE[,if=ide][,index=N|bus=B,unit=U][,media=disk|cdrom][,format=raw]\n"
      "         [,readonly=on|off][,bootindex=N]   a drive, QEMU's syntax (',,' for a comma\n"
      "                          in FILE); bootindex: boot priority for the firmware (fw_cfg\n"
      "                          bootorder; lower first, before the -boot order)\n"
      "  -fda FILE, -fdb FILE    floppy image in drive A: / B: (raw 160K, 180K, 320K, 360K,\n"
      "                          720K, 1.2M, 1.44M, 1.68M DMF or 2.88M; the size picks the\n"
      "                          format and the drive type); a file that is not writable\n"
      "                          is a write-protected disk\n"
      "  -snapshot               disk writes stay in memory; the image files are not changed\n"
      "  -boot order=LETTERS|LETTERS  boot devices in order, up to three of a (floppy),\n"
      "                          c (disk), d (CD-ROM), n (network); default: c, d, a\n"
      "  -boot [order=LETTERS,]menu=on  SeaBIOS offers its boot menu (press ESC or F12)\n"
      "Display and input:\n"
      "  -display sdl[,scale=smooth|integer][,full-screen=on|off] | none\n"
      "                          sdl: a window (default when $DISPLAY or $WAYLAND_DISPLAY is\n"
      "                          set and SDL can open one); smooth scaling keeps the picture's\n"
      "                          aspect ratio, integer scales by whole pixels; none: headless\n"
      "                          In the window: a click grabs the mouse, Ctrl+Alt+G releases\n"
      "                          it, Ctrl+Alt+F toggles fullscreen, closing it powers off;\n"
      "                          with --clock=virtual an idle guest's time keeps host pace\n"
      "  -full-screen            start the window fullscreen\n"
      "  -name NAME              machine name shown in the window title\n"
      "  --type [@SECONDS:]TEXT  type TEXT on the US layout (escapes: \\n Enter, \\t Tab,\n"
      "                          \\b Backspace, \\e Esc, \\\\ backslash)\n"
      "  --keys [@SECONDS:]COMBO[,COMBO...]\n"
      "                          press keys by QEMU sendkey name; a COMBO like ctrl-alt-delete\n"
      "                          presses left to right and releases in reverse (names: ret\n"
      "                          esc spc tab backspace ctrl alt shift meta_l menu f1-f24 a-z\n"
      "                          0-9 up down left right home end pgup pgdn insert delete\n"
      "                          kp_0-kp_9 kp_enter print sysrq pause minus equal ...)\n"
      "                          --type and --keys play in command-line order on the virtual\n"
      "                          clock, 20 ms per key event; @SECONDS starts one at that\n"
      "                          many seconds after power-on (not before the previous ends)\n"
      "\n"
      "Debug ports:\n"
      "  -debugcon stdio|file:PATH        bytes written to ports 0xE9 and 0x402 (SeaBIOS's log)\n"
      "  -postcodes file:PATH[,port=N]    bytes written to the POST port (default 0x80)\n"
      "  -device isa-debug-exit[,iobase=0xf4,iosize=4]\n"
      "                          a write of V exits with status (V << 1) | 1\n"
      "\n"
      "Running:\n"
      "  -timeout SECONDS        stop after this long (virtual seconds with --clock=virtual)\n"
      "  --clock=virtual|host    virtual: deterministic time from retired instructions\n"
      "  --serial-timing=instant|line\n"
      "                          COM ports: characters move at once (default, as QEMU), or\n"
      "                          each takes its time at the programmed baud rate\n"
      "  -no-reboot              exit on triple fault instead of resetting\n"
      "  --stats                 print instruction, block, TLB and privilege-class counts\n"
      "  -screendump FILE.png    write the display's picture as PNG when the run ends\n"
      "  --text-screen           print the display's text page to stdout when the run ends\n"
      "  --text-screen-at SECONDS\n"
      "                          print it at SECONDS after power-on (repeatable; the clock of\n"
      "                          --keys @SECONDS), after a line '--- text screen at S s ---'\n"
      "  --help                  this text\n",
      f);
}

void setup_machine(Machine& m, const Options& o) {
  if (!o.debugcon.empty()) {
    auto sink = make_sink(o.debugcon, "-debugcon");
    m.add_debugcon(0xE9, sink);
    m.add_debugcon(0x402, sink);  // QEMU's debugcon port that SeaBIOS logs to
  }
  if (!o.postcodes.empty()) {
    std::string spec = o.postcodes;
    uint16_t port = 0x80;
    size_t comma = spec.find(',');
    if (comma != std::string::npos) {
      std::string kv = spec.substr(comma + 1);
      unsigned long v;
      if (kv.rfind("port=", 0) != 0 || !parse_uint(kv.substr(5), v) || v > 0xFFFF)
        throw std::runtime_error("-postcodes: bad property '" + kv + "' (expected port=N)");
      port = uint16_t(v);
      spec = spec.substr(0, comma);
    }
    if (spec.rfind("file:", 0) != 0)
      throw std::runtime_error("-postcodes: expected file:PATH[,port=N], got '" + o.postcodes + "'");
    if (m.board() && port == 0x80) m.board()->post().on_code(make_sink(spec, "-postcodes"));
    else m.add_debugcon(port, make_sink(spec, "-postcodes"));
  }
  if (o.serial != "none" && o.serial != "mon:stdio") {
    if (!m.board()) throw std::runtime_error("-serial needs the PC board (not -machine bare)");
    if (o.serial == "stdio") {
      auto be = std::make_shared<StdioCharBackend>(/*raw=*/true);
      m.set_serial_backend(0, be.get());
      m.set_poll_hook([p = be.get()] { return p->quit_requested(); });
      m.keep(be);
    } else if (o.serial == "pty") {
      auto be = std::make_shared<PtyCharBackend>();
      std::fprintf(stderr, "ringzero: COM1 on %s\n", be->path().c_str());
      m.set_serial_backend(0, be.get());
      m.keep(be);
    } else {
      auto be = std::make_shared<FileCharBackend>(o.serial.substr(5));
      m.set_serial_backend(0, be.get());
      m.keep(be);
    }
  }
  setup_monitor(m, o.monitor, o.serial == "mon:stdio");
  attach_floppy(m, o, 0, o.fda);
  attach_floppy(m, o, 1, o.fdb);
  if (m.board()) {
    // The PIIX3 IDE function (01.1) and its drives.  With firmware, SeaBIOS enables it
    // through PCI; a firmware-less boot turns legacy decoding on at once.
    m.keep(std::make_shared<PcIde>(m.mem(), m.scheduler(), m.ports(), m.board()->irq_input(14),
                                   m.board()->irq_input(15), m.pci(), o.drives, o.snapshot,
                                   o.bios.empty()));
  }
  if (!o.keys.actions().empty()) {
    if (!m.board()) throw std::runtime_error("--keys/--type need the PC board (not -machine bare)");
    o.keys.schedule(m.scheduler(), m.board()->keyboard());
  }
  if (o.exit_device) m.add_exit_device(o.exit_iobase, o.exit_iosize);
  if (!o.bios.empty()) {
    if (o.default_bios && access(o.bios.c_str(), R_OK) != 0)
      throw std::runtime_error(o.bios + ": default firmware not found (install the seabios "
                               "package, or give -bios FILE or -kernel FILE)");
    m.load_bios_file(o.bios);
  }
  if (!o.kernel.empty() && !o.bios.empty() && m.fw_cfg() && is_linux_kernel(o.kernel)) {
    // Firmware boots the kernel: SeaBIOS runs QEMU's linuxboot option ROM, which loads
    // the kernel, initrd and command line from fw_cfg.
    boot_linux_fw_cfg(m, o.kernel, o.initrd, o.append);
  } else if (!o.kernel.empty()) {
    if (is_linux_kernel(o.kernel)) {
      boot_linux_direct(m, o.kernel, o.initrd, o.append);
      // No firmware to start the kernel after a reset (reboot): load and enter it again.
      m.set_reset_hook([&m, k = o.kernel, rd = o.initrd, a = o.append] {
        boot_linux_direct(m, k, rd, a);
      });
    } else if (!o.initrd.empty()) throw std::runtime_error(o.kernel + ": -initrd works only with a Linux kernel");
    else {
      load_multiboot_kernel(m.cpu(), m.mem(), o.kernel, o.append);
      if (o.bios.empty()) setup_bios_handoff_state(m);  // (else -bios's ROM stays at F0000)
    }
  }
  setup_display(m, o.display);
  for (int64_t at : o.text_screen_at) {
    Scheduler& sched = m.scheduler();
    sched.schedule_at(sched.now() + at, [&m, at] {
      std::printf("--- text screen at %g s ---\n", double(at) / 1e9);
      if (m.display()) print_text_screen(*m.display(), stdout);
    });
  }
}

void finish_machine(Machine& m, const Options& o) {
  std::fflush(stdout);
  if (!m.display()) return;
  if (!o.screendump.empty()) screendump(*m.display(), o.screendump);
  if (o.text_screen) print_text_screen(*m.display(), stdout);
}

}  // namespace rz
