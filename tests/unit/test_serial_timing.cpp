// tests/unit/test_serial_timing.cpp: the PC machine's --serial-timing choice.  Guest code
// sends three characters on COM1 at the power-on divisor (12: 9600 baud) and 8N1 (10 bits:
// 1,041,667 ns per character), polling LSR.THRE before each write and LSR.TEMT after the
// last, and reads the TSC (one count per virtual ns) around it.  With line timing the
// second and third writes each wait one character time and the transmitter empties one
// more later: about three character times.  With instant timing (the default) nothing
// waits: only the port accesses' bus time passes.  Both are virtual-time relations.
#include <gtest/gtest.h>

#include <cstring>

#include "cpu/segments.h"
#include "frontend/machine.h"

namespace rz {
namespace {

uint32_t send_three(bool line_timing) {
  MachineConfig cfg;
  cfg.pc = true;
  cfg.vga = false;
  cfg.ram_mb = 4;
  cfg.virtual_clock = true;
  cfg.timeout_s = 10;
  cfg.serial_line_timing = line_timing;
  Machine m(cfg);
  // Real mode at 0000:1000.
  const uint8_t code[] = {
      0xFA,              // cli
      0xBA, 0xFB, 0x03,  // mov dx, 0x3FB (LCR)
      0xB0, 0x03,        // mov al, 3 (8 data bits, no parity, 1 stop bit)
      0xEE,              // out dx, al
      0x0F, 0x31,        // rdtsc
      0x66, 0x89, 0xC7,  // mov edi, eax
      0xB9, 0x03, 0x00,  // mov cx, 3
      0xBA, 0xFD, 0x03,  // l: mov dx, 0x3FD (LSR)
      0xEC,              // w: in al, dx
      0xA8, 0x20,        // test al, 0x20 (THRE)
      0x74, 0xFB,        // jz w
      0xBA, 0xF8, 0x03,  // mov dx, 0x3F8 (THR)
      0xB0, 0x78,        // mov al, 'x'
      0xEE,              // out dx, al
      0xE2, 0xF0,        // loop l
      0xBA, 0xFD, 0x03,  // mov dx, 0x3FD
      0xEC,              // t: in al, dx
      0xA8, 0x40,        // test al, 0x40 (TEMT)
      0x74, 0xFB,        // jz t
      0x0F, 0x31,        // rdtsc
      0x66, 0x89, 0xC3,  // mov ebx, eax
      0xF4,              // hlt
  };
  std::memcpy(m.mem().ram() + 0x1000, code, sizeof(code));
  Cpu& c = m.cpu();
  for (unsigned s = 0; s < kNumSegs; ++s) {
    c.seg[s].limit = 0xFFFF;
    load_seg_real(c, s, 0);
  }
  c.eip = 0x1000;
  EXPECT_EQ(m.run(), StopReason::Halted);
  return c.r[EBX] - c.r[EDI];
}

constexpr uint32_t kCharNs = 1'041'667;

TEST(SerialTiming, LineTimingWaitsACharacterTimePerCharacter) {
  const uint32_t ns = send_three(true);
  EXPECT_GE(ns, 3 * kCharNs - 2000) << ns;
  EXPECT_LE(ns, 3 * kCharNs + 20000) << ns;
}

TEST(SerialTiming, InstantTimingNeverWaits) {
  const uint32_t ns = send_three(false);
  EXPECT_LT(ns, 20000u) << ns;  // 8 port accesses of 1 us each, no character time
}

}  // namespace
}  // namespace rz
