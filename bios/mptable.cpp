// bios/mptable.cpp: the MP 1.4 floating pointer and configuration table.  See mptable.h.
#include "bios/mptable.h"

#include <cstring>

namespace rz {

namespace {

void put(std::vector<uint8_t>& v, size_t off, uint64_t x, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) v[off + i] = uint8_t(x >> (8 * i));
}

uint8_t checksum(const std::vector<uint8_t>& v, size_t start, size_t len) {
  uint8_t s = 0;
  for (size_t i = start; i < start + len; ++i) s = uint8_t(s + v[i]);
  return uint8_t(-s);
}

}  // namespace

std::vector<uint8_t> build_mp_table(const MpTableConfig& cfg, uint32_t base) {
  std::vector<uint8_t> e;  // entries
  auto entry = [&e](size_t n) {
    e.resize(e.size() + n, 0);
    return e.size() - n;
  };
  unsigned count = 0;
  // Processor: local APIC 0, version 11h, enabled + bootstrap processor.
  size_t p = entry(20);
  e[p + 1] = 0;
  e[p + 2] = 0x11;
  e[p + 3] = 0x03;
  put(e, p + 4, cfg.cpu_signature, 4);
  put(e, p + 8, cfg.cpu_features, 4);
  ++count;
  // Bus 0: ISA.
  p = entry(8);
  e[p] = 1;
  e[p + 1] = 0;
  std::memcpy(&e[p + 2], "ISA   ", 6);
  ++count;
  // I/O APIC.
  p = entry(8);
  e[p] = 2;
  e[p + 1] = cfg.ioapic_id;
  e[p + 2] = 0x11;
  e[p + 3] = 1;  // enabled
  put(e, p + 4, 0xFEC00000u, 4);
  ++count;
  // I/O interrupt assignments: ISA IRQ n -> INTIN n (IRQ0 -> INTIN2), polarity and trigger
  // conforming to the ISA bus.  IRQ2 (the cascade) has no input.
  for (unsigned irq = 0; irq < 16; ++irq) {
    if (irq == 2) continue;
    p = entry(8);
    e[p] = 3;
    e[p + 1] = 0;  // INT
    e[p + 4] = 0;  // source bus: ISA
    e[p + 5] = uint8_t(irq);
    e[p + 6] = cfg.ioapic_id;
    e[p + 7] = uint8_t(irq == 0 ? 2 : irq);
    ++count;
  }
  // Local interrupt assignments: ExtINT -> LINT0 of APIC 0, NMI -> LINT1 of all.
  p = entry(8);
  e[p] = 4;
  e[p + 1] = 3;
  e[p + 6] = 0;
  e[p + 7] = 0;
  ++count;
  p = entry(8);
  e[p] = 4;
  e[p + 1] = 1;
  e[p + 6] = 0xFF;
  e[p + 7] = 1;
  ++count;

  std::vector<uint8_t> t(16 + 44, 0);
  // Floating pointer structure.
  std::memcpy(&t[0], "_MP_", 4);
  put(t, 4, base + 16, 4);  // configuration table address
  t[8] = 1;                 // length in 16-byte units
  t[9] = 4;                 // MP spec 1.4
  // Feature bytes 1-5 zero: a configuration table is present; bit 7 of byte 2 (IMCRP) clear:
  // virtual wire mode.
  t[10] = checksum(t, 0, 16);
  // Configuration table header.
  const size_t h = 16;
  std::memcpy(&t[h], "PCMP", 4);
  put(t, h + 4, 44 + e.size(), 2);
  t[h + 6] = 4;
  std::memcpy(&t[h + 8], "RNGZRO  ", 8);
  std::memcpy(&t[h + 16], "RINGZERO PC ", 12);
  put(t, h + 34, count, 2);
  put(t, h + 36, 0xFEE00000u, 4);
  t.insert(t.end(), e.begin(), e.end());
  t[h + 7] = checksum(t, h, 44 + e.size());
  return t;
}

void install_mp_table(PhysMem& mem, const MpTableConfig& cfg, uint32_t base) {
  const std::vector<uint8_t> t = build_mp_table(cfg, base);
  mem.write_block(base, t.data(), t.size());
}

}  // namespace rz
