// tests/unit/test_mptable.cpp: the MP 1.4 table of a direct boot (bios/mptable.*), found and
// walked as Linux's mpparse does: floating pointer in the last KiB of base memory, both
// checksums, the processor, bus, I/O APIC, interrupt and local interrupt entries.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "bios/mptable.h"

namespace rz {
namespace {

uint32_t le(const uint8_t* p, int n) {
  uint32_t x = 0;
  for (int i = 0; i < n; ++i) x |= uint32_t(p[i]) << (8 * i);
  return x;
}
uint8_t sum(const uint8_t* p, size_t n) {
  uint8_t s = 0;
  for (size_t i = 0; i < n; ++i) s = uint8_t(s + p[i]);
  return s;
}

TEST(MpTable, FoundAndWalkedLikeLinuxDoes) {
  PhysMem mem(4u << 20);
  MpTableConfig cfg;
  cfg.cpu_signature = 0x633;
  cfg.cpu_features = 0x0789FBBF;
  install_mp_table(mem, cfg);
  std::vector<uint8_t> low(0x400);
  mem.read_block(0x9FC00, low.data(), low.size());
  uint32_t fp = 0;
  for (uint32_t a = 0; a < 0x400 && !fp; a += 16)
    if (std::memcmp(&low[a], "_MP_", 4) == 0 && sum(&low[a], 16) == 0) fp = 0x9FC00 + a;
  ASSERT_NE(fp, 0u);
  const uint8_t* f = &low[fp - 0x9FC00];
  EXPECT_EQ(f[8], 1);  // 16 bytes
  EXPECT_EQ(f[9], 4);  // MP 1.4
  EXPECT_EQ(f[11], 0); // a configuration table follows (no default configuration)
  EXPECT_EQ(f[12] & 0x80, 0);  // virtual wire mode
  const uint32_t ct = le(f + 4, 4);
  ASSERT_GE(ct, 0x9FC00u);
  const uint8_t* c = &low[ct - 0x9FC00];
  ASSERT_EQ(std::memcmp(c, "PCMP", 4), 0);
  const uint32_t len = le(c + 4, 2);
  ASSERT_LE(ct - 0x9FC00 + len, 0x400u);
  EXPECT_EQ(sum(c, len), 0);
  EXPECT_EQ(le(c + 36, 4), 0xFEE00000u);
  unsigned n = le(c + 34, 2), cpus = 0, buses = 0, ioapics = 0, ints = 0, lints = 0;
  bool irq0_on_pin2 = false, extint_lint0 = false, nmi_lint1 = false;
  const uint8_t* e = c + 44;
  for (unsigned k = 0; k < n; ++k) {
    switch (e[0]) {
      case 0:
        ++cpus;
        EXPECT_EQ(e[3], 3);  // enabled, BSP
        EXPECT_EQ(e[2], 0x11);
        EXPECT_EQ(le(e + 4, 4), 0x633u);
        e += 20;
        break;
      case 1:
        ++buses;
        EXPECT_EQ(std::memcmp(e + 2, "ISA   ", 6), 0);
        e += 8;
        break;
      case 2:
        ++ioapics;
        EXPECT_EQ(e[1], 1);
        EXPECT_EQ(le(e + 4, 4), 0xFEC00000u);
        e += 8;
        break;
      case 3:
        ++ints;
        if (e[5] == 0) irq0_on_pin2 = e[7] == 2 && e[6] == 1;
        EXPECT_NE(e[5], 2);  // no cascade entry
        e += 8;
        break;
      case 4:
        ++lints;
        if (e[1] == 3) extint_lint0 = e[7] == 0;
        if (e[1] == 1) nmi_lint1 = e[7] == 1 && e[6] == 0xFF;
        e += 8;
        break;
      default: FAIL() << "entry type " << int(e[0]);
    }
  }
  EXPECT_EQ(size_t(e - c), len);
  EXPECT_EQ(cpus, 1u);
  EXPECT_EQ(buses, 1u);
  EXPECT_EQ(ioapics, 1u);
  EXPECT_EQ(ints, 15u);
  EXPECT_EQ(lints, 2u);
  EXPECT_TRUE(irq0_on_pin2);
  EXPECT_TRUE(extint_lint0);
  EXPECT_TRUE(nmi_lint1);
}

}  // namespace
}  // namespace rz
