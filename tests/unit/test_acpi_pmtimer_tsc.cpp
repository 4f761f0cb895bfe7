// tests/unit/test_acpi_pmtimer_tsc.cpp: the time-stamp counter and the ACPI PM timer must
// tell the same time, as Linux's TSC calibration and clocksource watchdog expect (a
// mismatch makes Linux mark the TSC unstable).  Guest code reads the PM timer and the TSC
// around a busy loop; the TSC (1 GHz: one count per virtual ns) and the PM timer
// (3.579545 MHz) deltas must agree, under the virtual clock and under the host clock
// (where virtual time jumps to host time between slices: both counters must jump
// together).  The check is a relation between the two counters, not a host timing.
#include <gtest/gtest.h>

#include <cstring>

#include "cpu/segments.h"
#include "frontend/machine.h"

namespace rz {
namespace {

void run_pmtimer_vs_tsc(bool virtual_clock, uint32_t iterations) {
  MachineConfig cfg;
  cfg.pc = true;
  cfg.vga = false;
  cfg.ram_mb = 4;
  cfg.virtual_clock = virtual_clock;
  cfg.timeout_s = 60;
  Machine m(cfg);
  m.board()->power_management().enable_io(0x600);
  const uint8_t i0 = uint8_t(iterations), i1 = uint8_t(iterations >> 8),
                i2 = uint8_t(iterations >> 16), i3 = uint8_t(iterations >> 24);
  // Real mode at 0000:1000.
  const uint8_t code[] = {
      0xFA,                          // cli
      0xBA, 0x08, 0x06,              // mov dx, 0x608 (PM_TMR_BLK)
      0x66, 0xED,                    // in eax, dx
      0x66, 0x89, 0xC6,              // mov esi, eax
      0x0F, 0x31,                    // rdtsc
      0x66, 0x89, 0xC7,              // mov edi, eax
      0x66, 0xB9, i0, i1, i2, i3,    // mov ecx, iterations
      0x66, 0x49,                    // l: dec ecx
      0x75, 0xFC,                    // jnz l
      0x0F, 0x31,                    // rdtsc
      0x66, 0x89, 0xC3,              // mov ebx, eax
      0xBA, 0x08, 0x06,              // mov dx, 0x608 (RDTSC wrote EDX)
      0x66, 0xED,                    // in eax, dx
      0xF4,                          // hlt
  };
  std::memcpy(m.mem().ram() + 0x1000, code, sizeof(code));
  Cpu& c = m.cpu();
  for (unsigned s = 0; s < kNumSegs; ++s) {
    c.seg[s].limit = 0xFFFF;
    load_seg_real(c, s, 0);
  }
  c.eip = 0x1000;
  ASSERT_EQ(m.run(), StopReason::Halted);
  const uint64_t tsc_ns = uint32_t(c.r[EBX] - c.r[EDI]);
  const uint32_t pm_ticks = (c.r[EAX] - c.r[ESI]) & 0xFFFFFF;
  // Each IN costs the machine's io_cost_ns before the timer is sampled, while RDTSC has
  // no such cost: the PM timer interval is the TSC interval plus one I/O access.
  const double want = double(tsc_ns + uint64_t(cfg.io_cost_ns)) * 3579545.0 / 1e9;
  EXPECT_NEAR(double(pm_ticks), want, 2.0)
      << "TSC delta " << tsc_ns << " ns, PM timer delta " << pm_ticks << " ticks (" << c.r[ESI] << " -> " << c.r[EAX] << ")";
  EXPECT_GE(tsc_ns, 2ull * iterations);  // at least one ns per retired instruction
}

TEST(AcpiPmTimerTsc, AgreeUnderTheVirtualClock) { run_pmtimer_vs_tsc(true, 1'000'000); }

TEST(AcpiPmTimerTsc, AgreeUnderTheHostClock) {
  // Long enough to span several 1 ms slices, so virtual time jumps to host time between
  // them at least once.
  run_pmtimer_vs_tsc(false, 3'000'000);
}

}  // namespace
}  // namespace rz
