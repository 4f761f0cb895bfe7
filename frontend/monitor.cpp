// frontend/monitor.cpp: the human monitor's line editor and commands.  See monitor.h.
// Command names, syntax and output layouts follow QEMU's human monitor (HMP), so scripts
// written for `qemu -monitor stdio` mostly work here.
#include "frontend/monitor.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include <Zydis/Zydis.h>

#include "cpu/flags.h"
#include "frontend/keys.h"
#include "frontend/machine.h"
#include "frontend/screendump.h"

namespace rz {

namespace {

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> w;
  size_t p = 0;
  while (p < line.size()) {
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
    size_t e = p;
    while (e < line.size() && line[e] != ' ' && line[e] != '\t') ++e;
    if (e > p) w.push_back(line.substr(p, e - p));
    p = e;
  }
  return w;
}

std::string join(const std::vector<std::string>& a, size_t from) {
  std::string s;
  for (size_t i = from; i < a.size(); ++i) s += (i > from ? " " : "") + a[i];
  return s;
}

// The largest dump one x/xp command prints.
constexpr uint64_t kMaxDumpBytes = 64 * 1024;

}  // namespace

struct Monitor::Command {
  const char* name;
  const char* args;
  const char* help;
  void (Monitor::*run)(const std::vector<std::string>&);
};

const Monitor::Command Monitor::kCommands[] = {
    {"help", "[cmd]", "show the help", &Monitor::cmd_help},
    {"info", "status|registers|pci", "show the machine's state", &Monitor::cmd_info},
    {"x", "/fmt addr", "virtual (linear) memory dump starting at 'addr'", &Monitor::cmd_x},
    {"xp", "/fmt addr", "physical memory dump starting at 'addr'", &Monitor::cmd_xp},
    {"screendump", "filename [-f png]", "save the screen as a PNG image to 'filename'",
     &Monitor::cmd_screendump},
    {"sendkey", "keys [hold_ms]",
     "send keys to the VM (e.g. 'sendkey ctrl-alt-f1', default hold time=100 ms)",
     &Monitor::cmd_sendkey},
    {"stop", "", "stop emulation", &Monitor::cmd_stop},
    {"cont", "", "resume emulation", &Monitor::cmd_cont},
    {"system_reset", "", "reset the system", &Monitor::cmd_system_reset},
    {"quit", "", "quit the emulator", &Monitor::cmd_quit},
};

Monitor::Monitor(Machine& m, CharBackend& io, bool echo, bool crlf)
    : m_(m), io_(io), echo_(echo), crlf_(crlf) {}

void Monitor::out(const std::string& s) {
  for (char ch : s) {
    if (ch == '\n' && crlf_) io_.write('\r');
    io_.write(uint8_t(ch));
  }
}

void Monitor::greet() {
  if (!greeted_) out("ringzero monitor - type 'help' for more information\n");
  greeted_ = true;
  prompt();
  out(line_);
}

bool Monitor::poll() {
  uint8_t buf[256];
  for (;;) {
    size_t n = io_.read(buf, sizeof buf);
    if (n == 0) break;
    feed(buf, n);
    if (quit_) break;
  }
  return quit_;
}

void Monitor::feed(const uint8_t* buf, size_t n) {
  for (size_t i = 0; i < n && !quit_; ++i) {
    const uint8_t ch = buf[i];
    const bool after_cr = last_cr_;
    last_cr_ = ch == '\r';
    if (esc_state_) {  // ESC [ ... final byte, or ESC O x: ignored
      if (esc_state_ == 1 && (ch == '[' || ch == 'O')) esc_state_ = 2;
      else if (esc_state_ == 1 || (ch >= 0x40 && ch <= 0x7E)) esc_state_ = 0;
      continue;
    }
    if (ch == '\n' && after_cr) continue;  // CR LF is one line end
    if (ch == '\r' || ch == '\n') {
      if (echo_) out("\n");
      std::string line;
      line.swap(line_);
      execute(line);
      if (!quit_) prompt();
    } else if (ch == 0x7F || ch == 0x08) {
      if (!line_.empty()) {
        line_.pop_back();
        if (echo_) out("\b \b");
      }
    } else if (ch == 0x15) {  // Ctrl-U: kill the line
      if (echo_)
        for (size_t k = 0; k < line_.size(); ++k) out("\b \b");
      line_.clear();
    } else if (ch == 0x1B) {
      esc_state_ = 1;
    } else if (ch >= 0x20 && ch < 0x7F) {
      line_ += char(ch);
      if (echo_) io_.write(ch);
    }
  }
}

void Monitor::execute(const std::string& line) {
  std::vector<std::string> a = split_words(line);
  if (a.empty()) return;
  // "x/4xb addr": the format may be glued to the command name.
  size_t slash = a[0].find('/');
  if (slash != std::string::npos && slash > 0) {
    a.insert(a.begin() + 1, a[0].substr(slash));
    a[0].resize(slash);
  }
  if (a[0] == "q") a[0] = "quit";
  if (a[0] == "c") a[0] = "cont";
  if (a[0] == "?") a[0] = "help";
  for (const Command& c : kCommands) {
    if (a[0] == c.name) {
      (this->*c.run)(a);
      return;
    }
  }
  err("unknown command: '" + a[0] + "' (try 'help')");
}

void Monitor::cmd_help(const std::vector<std::string>& a) {
  for (const Command& c : kCommands) {
    if (a.size() > 1 && a[1] != c.name) continue;
    out(format("%s %s -- %s\n", c.name, c.args, c.help));
  }
  if (a.size() > 1 && a[1] == "x")
    out("  fmt is /[count][format][size]: format x (hex), d, u, o, c, i (instructions);\n"
        "  size b, h, w, g\n"
        "  addr is a number (0x for hex) or $reg ($eax..$edi, $eip, $pc, $cr0..$cr4),\n"
        "  joined with + and -\n");
}

void Monitor::cmd_info(const std::vector<std::string>& a) {
  const std::string what = a.size() > 1 ? a[1] : "";
  if (a.size() > 2) return err("info: too many arguments");
  if (what == "status")
    out(std::string("VM status: ") + (m_.paused() ? "paused" : "running") + "\n");
  else if (what == "registers")
    info_registers();
  else if (what == "pci")
    info_pci();
  else
    err("info: expected status, registers or pci, got '" + what + "'");
}

void Monitor::info_registers() {
  const Cpu& c = m_.cpu();
  const uint32_t fl = get_eflags(c);
  out(format("EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", c.r[EAX], c.r[EBX], c.r[ECX], c.r[EDX]));
  out(format("ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", c.r[ESI], c.r[EDI], c.r[EBP], c.r[ESP]));
  out(format("EIP=%08x EFL=%08x [%c%c%c%c%c%c%c] CPL=%u II=%d A20=%d SMM=0 HLT=%d\n", c.eip, fl,
             fl & OF ? 'O' : '-', fl & DF ? 'D' : '-', fl & SF ? 'S' : '-', fl & ZF ? 'Z' : '-',
             fl & AF ? 'A' : '-', fl & PF ? 'P' : '-', fl & CF ? 'C' : '-', unsigned(c.cpl),
             c.inhibit_irq ? 1 : 0, m_.mem().a20() ? 1 : 0, c.halted ? 1 : 0));
  // Selector, base, limit and the descriptor's high-dword attribute bits, as QEMU shows them.
  auto seg = [&](const char* name, const Segment& s) {
    out(format("%-3s=%04x %08x %08x %08x\n", name, s.sel, s.base, s.limit, uint32_t(s.ar) << 8));
  };
  static const char* const kSegNames[kNumSegs] = {"ES", "CS", "SS", "DS", "FS", "GS"};
  for (unsigned k = 0; k < kNumSegs; ++k) seg(kSegNames[k], c.seg[k]);
  seg("LDT", c.ldtr);
  seg("TR", c.tr);
  out(format("GDT=     %08x %08x\n", c.gdtr.base, c.gdtr.limit));
  out(format("IDT=     %08x %08x\n", c.idtr.base, c.idtr.limit));
  out(format("CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", c.cr0, c.cr2, c.cr3, c.cr4));
  out(format("DR0=%08x DR1=%08x DR2=%08x DR3=%08x\n", c.dr[0], c.dr[1], c.dr[2], c.dr[3]));
  out(format("DR6=%08x DR7=%08x\n", c.dr[6], c.dr[7]));
  out(format("ICOUNT=%" PRIu64 "\n", c.icount));
}

void Monitor::info_pci() {
  PciBus* bus = m_.pci();
  if (!bus) return err("info pci: the machine has no PCI bus (-machine bare)");
  for (unsigned devfn = 0; devfn < 256; ++devfn) {
    PciDevice* d = bus->at(devfn);
    if (!d) continue;
    const uint16_t cls = uint16_t(d->cfg8(pci::kClass) << 8 | d->cfg8(pci::kSubclass));
    const char* kind = cls == 0x0600   ? "Host bridge"
                       : cls == 0x0601 ? "ISA bridge"
                       : cls == 0x0101 ? "IDE controller"
                       : cls == 0x0300 ? "VGA controller"
                       : cls == 0x0680 ? "Bridge"
                       : cls == 0x0C03 ? "USB controller"
                                       : nullptr;
    out(format("  Bus  0, device %3u, function %u:\n", devfn >> 3, devfn & 7));
    out(format("    %s: PCI device %04x:%04x (%s)\n",
               kind ? kind : format("Class %04x", cls).c_str(), d->cfg16(pci::kVendorId),
               d->cfg16(pci::kDeviceId), d->name().c_str()));
    if (uint8_t pin = d->cfg8(pci::kIntPin))
      out(format("      IRQ %u, pin %c\n", d->cfg8(pci::kIntLine), 'A' + pin - 1));
    for (unsigned n = 0; n <= 6; ++n) {
      const uint32_t size = d->bar_size(n);
      if (!size) continue;
      const std::string head = n == 6 ? std::string("      ROM: ") : format("      BAR%u: ", n);
      const bool prefetch = n < 6 && !d->bar_is_io(n) && (d->cfg32(uint8_t(pci::kBar0 + 4 * n)) & 8);
      const char* type = d->bar_is_io(n) ? "I/O" : prefetch ? "32 bit prefetchable memory" : "32 bit memory";
      if (!d->bar_active(n)) {
        out(head + format("%s, not mapped (size 0x%x)\n", type, size));
        continue;
      }
      const uint32_t at = d->bar_address(n);
      out(head + (d->bar_is_io(n) ? format("%s at 0x%04x [0x%04x]\n", type, at, at + size - 1)
                                  : format("%s at 0x%08x [0x%08x]\n", type, at, at + size - 1)));
    }
  }
}

bool Monitor::eval(const std::string& expr, uint64_t& v, std::string& msg) {
  const Cpu& c = m_.cpu();
  v = 0;
  size_t p = 0;
  int sign = 1;
  bool want_term = true;
  while (p < expr.size()) {
    char ch = expr[p];
    if (ch == ' ') {
      ++p;
      continue;
    }
    if (!want_term) {
      if (ch != '+' && ch != '-') break;
      sign = ch == '-' ? -1 : 1;
      want_term = true;
      ++p;
      continue;
    }
    uint64_t t = 0;
    if (ch == '$') {
      size_t e = p + 1;
      while (e < expr.size() && std::isalnum(uint8_t(expr[e]))) ++e;
      const std::string r = expr.substr(p + 1, e - p - 1);
      static const char* const kGpr[] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
      bool found = false;
      for (unsigned k = 0; k < 8; ++k)
        if (r == kGpr[k]) t = c.r[k], found = true;
      if (r == "eip") t = c.eip, found = true;
      if (r == "pc") t = uint32_t(c.seg[CS].base + c.eip), found = true;
      if (r == "eflags") t = get_eflags(c), found = true;
      if (r == "cr0") t = c.cr0, found = true;
      if (r == "cr2") t = c.cr2, found = true;
      if (r == "cr3") t = c.cr3, found = true;
      if (r == "cr4") t = c.cr4, found = true;
      if (!found) {
        msg = "unknown register '$" + r + "'";
        return false;
      }
      p = e;
    } else if (std::isdigit(uint8_t(ch))) {
      const char* s = expr.c_str() + p;
      char* end = nullptr;
      errno = 0;
      t = std::strtoull(s, &end, 0);
      if (errno || std::isalnum(uint8_t(*end))) {
        msg = "bad number in '" + expr + "'";
        return false;
      }
      p += size_t(end - s);
    } else {
      msg = "expected a number or $register in '" + expr + "'";
      return false;
    }
    v = sign > 0 ? v + t : v - t;
    want_term = false;
  }
  if (want_term || p < expr.size()) {
    msg = "bad address expression '" + expr + "'";
    return false;
  }
  return true;
}

bool Monitor::linear_to_phys(uint32_t lin, uint32_t& phys, std::string& msg) {
  const Cpu& c = m_.cpu();
  PhysMem& mem = m_.mem();
  const uint32_t a20 = mem.a20_mask();
  if (!(c.cr0 & CR0_PG)) {
    phys = lin & a20;
    return true;
  }
  // A paging-structure entry, read only where it is plain memory (never MMIO).
  auto entry = [&](uint32_t addr, uint32_t& e) {
    addr &= a20;
    const uint8_t* page = mem.page_for_read(addr);
    if (!page) return false;
    std::memcpy(&e, page + (addr & 0xFFF), 4);
    return true;
  };
  uint32_t pde, pte;
  if (!entry((c.cr3 & ~0xFFFu) | (lin >> 22) << 2, pde) || !(pde & 1)) {
    msg = format("cannot access memory at 0x%08x (page directory entry not present)", lin);
    return false;
  }
  if ((c.cr4 & CR4_PSE) && (pde & 0x80)) {
    phys = ((pde & 0xFFC00000u) | (lin & 0x3FFFFFu)) & a20;
    return true;
  }
  if (!entry((pde & ~0xFFFu) | ((lin >> 12) & 0x3FF) << 2, pte) || !(pte & 1)) {
    msg = format("cannot access memory at 0x%08x (page not present)", lin);
    return false;
  }
  phys = ((pte & ~0xFFFu) | (lin & 0xFFF)) & a20;
  return true;
}

uint32_t Monitor::read_guest(uint32_t addr, bool physical, uint8_t* out, uint32_t len,
                             std::string& msg) {
  PhysMem& mem = m_.mem();
  uint32_t off = 0;
  while (off < len) {
    const uint32_t where = addr + off;
    uint32_t phys = where;
    if (!physical && !linear_to_phys(where, phys, msg)) break;
    const uint8_t* page = mem.page_for_read(phys);
    if (!page) {
      msg = format("cannot access memory at 0x%08x (not RAM or ROM)", phys);
      break;
    }
    // Paging keeps the offset in the page, so the linear and physical pages end together.
    const uint32_t n = std::min<uint32_t>(len - off, 0x1000 - (phys & 0xFFF));
    std::memcpy(out + off, page + (phys & 0xFFF), n);
    off += n;
  }
  return off;
}

void Monitor::disassemble(const std::string& name, uint32_t addr, unsigned count, bool physical) {
  // The CPU's current code size: 16-bit in real and virtual-8086 mode and in 16-bit code
  // segments, else 32-bit.
  const Cpu& c = m_.cpu();
  const bool code32 = (c.cr0 & CR0_PE) && !(c.eflags & VM) && c.seg[CS].big();
  ZydisDecoder dec;
  ZydisDecoderInit(&dec, code32 ? ZYDIS_MACHINE_MODE_LEGACY_32 : ZYDIS_MACHINE_MODE_LEGACY_16,
                   code32 ? ZYDIS_STACK_WIDTH_32 : ZYDIS_STACK_WIDTH_16);
  ZydisFormatter fmt;
  ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL);
  std::string msg;
  for (unsigned k = 0; k < count; ++k) {
    uint8_t buf[ZYDIS_MAX_INSTRUCTION_LENGTH];
    const uint32_t avail = addr > 0xFFFFFFFFu - (sizeof buf - 1)
                               ? 0xFFFFFFFFu - addr + 1
                               : uint32_t(sizeof buf);
    const uint32_t got = read_guest(addr, physical, buf, avail, msg);
    if (got == 0) return err(name + ": " + msg);
    std::string line = physical ? format("%016" PRIx64 ":  ", uint64_t(addr)) : format("%08x:  ", addr);
    ZydisDecodedInstruction insn;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    char text[96];
    uint32_t len = 1;
    if (ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, buf, got, &insn, ops)) &&
        ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&fmt, &insn, ops, insn.operand_count_visible,
                                                     text, sizeof text, addr, ZYAN_NULL))) {
      len = insn.length;
      line += text;
    } else {
      line += format("(bad) db 0x%02x", buf[0]);
    }
    out(line + "\n");
    if (addr > 0xFFFFFFFFu - len) break;
    addr += len;
  }
}

void Monitor::cmd_x(const std::vector<std::string>& a) { memory_dump("x", a, false); }
void Monitor::cmd_xp(const std::vector<std::string>& a) { memory_dump("xp", a, true); }

void Monitor::memory_dump(const char* cmd, const std::vector<std::string>& a, bool physical) {
  const std::string name = cmd;
  uint64_t count = 1;
  char fmt = last_format_;
  unsigned size = last_size_;
  size_t arg = 1;
  if (a.size() > 1 && a[1][0] == '/') {
    const std::string& f = a[1];
    size_t p = 1;
    if (p < f.size() && std::isdigit(uint8_t(f[p]))) {
      count = 0;
      while (p < f.size() && std::isdigit(uint8_t(f[p]))) {
        count = count * 10 + unsigned(f[p++] - '0');
        if (count > kMaxDumpBytes) return err(name + ": count too large in '" + f + "'");
      }
    }
    for (; p < f.size(); ++p) {
      switch (f[p]) {
        case 'x': case 'd': case 'u': case 'o': case 'c': fmt = f[p]; break;
        case 'b': size = 1; break;
        case 'h': size = 2; break;
        case 'w': size = 4; break;
        case 'g': size = 8; break;
        case 'i': fmt = 'i'; break;
        default: return err(name + ": bad format '" + f + "' (/[count][x|d|u|o|c][b|h|w|g])");
      }
    }
    ++arg;
  }
  if (arg >= a.size()) return err(name + ": expected an address (" + name + " /fmt addr)");
  uint64_t addr;
  std::string msg;
  if (!eval(join(a, arg), addr, msg)) return err(name + ": " + msg);
  if (fmt == 'c') size = 1;
  const uint64_t len = fmt == 'i' ? count : count * size;  // 'i': at least a byte each
  if (len > kMaxDumpBytes) return err(name + format(": at most %u bytes at a time", unsigned(kMaxDumpBytes)));
  if (addr > 0xFFFFFFFFull || addr + len - 1 > 0xFFFFFFFFull)
    return err(name + format(": address range 0x%" PRIx64 "+0x%" PRIx64
                             " is beyond the 4 GiB %s address space",
                             addr, len, physical ? "physical" : "linear"));
  if (fmt == 'i') return disassemble(name, uint32_t(addr), unsigned(count), physical);
  // Collect the bytes first, so an unreadable page gives one error and no partial dump.
  std::vector<uint8_t> bytes(len);
  if (read_guest(uint32_t(addr), physical, bytes.data(), uint32_t(len), msg) != len)
    return err(name + ": " + msg);
  last_format_ = fmt;
  last_size_ = size;
  const unsigned line_bytes = size == 1 ? 8 : 16;
  const int digits = fmt == 'x' ? int(size * 2) : fmt == 'o' ? int((size * 8 + 2) / 3)
                                                              : int((size * 8 * 10 + 32) / 33);
  for (uint64_t off = 0; off < len; off += line_bytes) {
    std::string s = physical ? format("%016" PRIx64 ":", addr + off)
                             : format("%08" PRIx64 ":", addr + off);
    for (uint64_t k = off; k < len && k < off + line_bytes; k += size) {
      uint64_t v = 0;
      for (unsigned b = 0; b < size; ++b) v |= uint64_t(bytes[k + b]) << (8 * b);
      switch (fmt) {
        case 'x': s += format(" 0x%0*" PRIx64, digits, v); break;
        case 'o': s += format(" %#*" PRIo64, digits, v); break;
        case 'u': s += format(" %*" PRIu64, digits, v); break;
        case 'd': {
          const int shift = int(64 - 8 * size);
          s += format(" %*" PRId64, digits, int64_t(v << shift) >> shift);
          break;
        }
        case 'c':
          s += v >= 0x20 && v < 0x7F ? format(" '%c'", char(v)) : format(" '\\x%02x'", unsigned(v));
          break;
      }
    }
    out(s + "\n");
  }
}

void Monitor::cmd_screendump(const std::vector<std::string>& a) {
  // QEMU's "screendump FILE [-f png|ppm]"; this one writes PNG only.
  const bool format_given = a.size() == 4 && a[2] == "-f";
  if (format_given && a[3] != "png")
    return err("screendump: only -f png is supported, got '" + a[3] + "'");
  if (a.size() != 2 && !format_given)
    return err("screendump: expected one file name (screendump FILE [-f png])");
  if (!m_.display()) return err("screendump: the machine has no display (-vga none or -machine bare)");
  try {
    screendump(*m_.display(), a[1]);
  } catch (const std::exception& e) {
    err(std::string("screendump: ") + e.what());
  }
}

void Monitor::cmd_sendkey(const std::vector<std::string>& a) {
  if (a.size() < 2 || a.size() > 3) return err("sendkey: expected keys [hold_ms] (e.g. sendkey ctrl-alt-delete)");
  if (!m_.board()) return err("sendkey: the machine has no keyboard (-machine bare)");
  std::vector<PcKey> keys;
  const std::string& combo = a[1];
  for (size_t p = 0;;) {
    size_t dash = combo.find('-', p);
    const std::string name = combo.substr(p, dash == std::string::npos ? std::string::npos : dash - p);
    PcKey k;
    if (!pc_key_by_name(name, k)) return err("sendkey: unknown key name '" + name + "'");
    keys.push_back(k);
    if (dash == std::string::npos) break;
    p = dash + 1;
  }
  unsigned long hold_ms = 100;
  if (a.size() == 3) {
    char* end = nullptr;
    hold_ms = std::strtoul(a[2].c_str(), &end, 10);
    if (a[2].empty() || *end || hold_ms == 0 || hold_ms > 60000)
      return err("sendkey: hold time must be 1 to 60000 ms, got '" + a[2] + "'");
  }
  // Press now (a safe point between slices), release in reverse after the hold time on the
  // virtual clock.
  Ps2Keyboard& kbd = m_.board()->keyboard();
  for (const PcKey& k : keys) press_pc_key(kbd, k, true);
  m_.scheduler().schedule_in(int64_t(hold_ms) * 1'000'000, [&kbd, keys] {
    for (size_t n = keys.size(); n-- > 0;) press_pc_key(kbd, keys[n], false);
  });
}

void Monitor::cmd_stop(const std::vector<std::string>& a) {
  if (a.size() > 1) return err("stop: takes no arguments");
  m_.set_paused(true);
}

void Monitor::cmd_cont(const std::vector<std::string>& a) {
  if (a.size() > 1) return err("cont: takes no arguments");
  m_.set_paused(false);
}

void Monitor::cmd_system_reset(const std::vector<std::string>& a) {
  if (a.size() > 1) return err("system_reset: takes no arguments");
  m_.request_reset();
}

void Monitor::cmd_quit(const std::vector<std::string>& a) {
  if (a.size() > 1) return err("quit: takes no arguments");
  quit_ = true;
}

}  // namespace rz
