// tests/unit/test_system_fixture.h: a protected-mode machine built from C++ for the system
// tests: GDT, IDT (every vector -> a HLT stub), TSSs, ring-0 and ring-3 stacks in guest RAM,
// and the CPU put straight into protected mode at a chosen CPL.
#pragma once

#include "cpu/descriptor.h"
#include "cpu/segments.h"
#include "tests/unit/harness.h"

namespace rz::test {

constexpr uint32_t kGdt = 0x10000, kIdt = 0x11000, kTss0 = 0x12000, kTss1 = 0x12200,
                   kTss2 = 0x12400, kLdtBase = 0x13000;
constexpr uint32_t kCode0 = 0x20000, kCode3 = 0x30000, kHandlers = 0x40000, kStack0 = 0x50000,
                   kStack3 = 0x60000, kStack1 = 0x58000;
// Selectors.
constexpr uint16_t kCS0 = 0x08, kDS0 = 0x10, kCS3 = 0x1B, kDS3 = 0x23, kTssSel0 = 0x28,
                   kTssSel1 = 0x30, kCS16 = 0x38, kDS16 = 0x40, kTssSel2 = 0x48, kLdtSel = 0x50,
                   kFreeSel = 0x58;  // 0x58.. free for tests

// Access bytes.
constexpr uint8_t kCode0Acc = 0x9A, kData0Acc = 0x92, kCode3Acc = 0xFA, kData3Acc = 0xF2;

inline uint32_t handler_addr(uint8_t v) { return kHandlers + v * 16u; }

struct Pm : Snippet {
  Pm() : Snippet(std::vector<uint8_t>{}, 4) { build(); }

  void put8(uint32_t a, uint8_t v) { ram()[a] = v; }
  void put16(uint32_t a, uint16_t v) { std::memcpy(ram() + a, &v, 2); }
  void put32(uint32_t a, uint32_t v) { std::memcpy(ram() + a, &v, 4); }
  uint16_t rd16(uint32_t a) { uint16_t v; std::memcpy(&v, ram() + a, 2); return v; }
  uint32_t rd32(uint32_t a) { uint32_t v; std::memcpy(&v, ram() + a, 4); return v; }
  void code(uint32_t a, std::initializer_list<uint8_t> b) {
    for (uint8_t x : b) ram()[a++] = x;
  }
  // Little-endian bytes of a 32-bit value, for building instructions.
  static std::vector<uint8_t> le32(uint32_t v) {
    return {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
  }
  void bytes(uint32_t a, const std::vector<uint8_t>& b) {
    for (uint8_t x : b) ram()[a++] = x;
  }

  // A code/data/system descriptor: `limit` is the raw 20-bit field, `flags` the G/D/AVL
  // nibble (0xC = 4 KiB granularity, 32-bit).
  void desc(uint16_t sel, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
    const uint32_t table = (sel & 4) ? kLdtBase : kGdt;
    const uint32_t a = table + (sel & ~7u);
    put32(a, (limit & 0xFFFF) | (base << 16));
    put32(a + 4, ((base >> 16) & 0xFF) | (uint32_t(access) << 8) | (limit & 0xF0000) |
                     (uint32_t(flags & 0xF) << 20) | (base & 0xFF000000u));
  }
  // A gate (call/interrupt/trap/task) at `a`: type is the 4-bit type; P=1 unless !present.
  void gate_at(uint32_t a, uint16_t sel, uint32_t off, uint8_t type, uint8_t dpl,
               uint8_t params = 0, bool present = true) {
    put32(a, (off & 0xFFFF) | (uint32_t(sel) << 16));
    put32(a + 4, (off & 0xFFFF0000u) | (present ? 0x8000 : 0) | (uint32_t(dpl) << 13) |
                     (uint32_t(type) << 8) | params);
  }
  void idt_gate(uint8_t v, uint16_t sel, uint32_t off, uint8_t type = kIntGate32,
                uint8_t dpl = 0, bool present = true) {
    gate_at(kIdt + v * 8u, sel, off, type, dpl, 0, present);
  }
  void gdt_gate(uint16_t sel, uint16_t tsel, uint32_t off, uint8_t type, uint8_t dpl,
                uint8_t params = 0) {
    gate_at(kGdt + (sel & ~7u), tsel, off, type, dpl, params);
  }

  // A 32-bit TSS whose task starts at cs:eip with the given data segment and stack.
  void tss32(uint32_t base, uint16_t cs, uint32_t eip, uint16_t ds, uint32_t esp,
             uint32_t eflags = 2) {
    std::memset(ram() + base, 0, 0x68);
    put32(base + 0x04, kStack0);
    put16(base + 0x08, kDS0);
    put32(base + 0x20, eip);
    put32(base + 0x24, eflags);
    put32(base + 0x38, esp);
    put16(base + 0x48, ds);
    put16(base + 0x4C, cs);
    put16(base + 0x50, ds);
    put16(base + 0x54, ds);
    put16(base + 0x58, ds);
    put16(base + 0x5C, ds);
    put16(base + 0x66, 0x68);
  }

  void build() {
    Cpu& c = cpu();
    desc(kCS0, 0, 0xFFFFF, kCode0Acc, 0xC);
    desc(kDS0, 0, 0xFFFFF, kData0Acc, 0xC);
    desc(kCS3, 0, 0xFFFFF, kCode3Acc, 0xC);
    desc(kDS3, 0, 0xFFFFF, kData3Acc, 0xC);
    desc(kTssSel0, kTss0, 0x67, 0x89, 0);
    desc(kTssSel1, kTss1, 0x67, 0x89, 0);
    desc(kCS16, 0, 0xFFFF, kCode0Acc, 0);
    desc(kDS16, 0, 0xFFFF, kData0Acc, 0);
    desc(kTssSel2, kTss2, 0x67, 0x89, 0);
    desc(kLdtSel, kLdtBase, 0xFF, 0x82, 0);
    c.gdtr.base = kGdt;
    c.gdtr.limit = 0x100 * 8 - 1;
    c.idtr.base = kIdt;
    c.idtr.limit = 256 * 8 - 1;
    for (unsigned v = 0; v < 256; ++v) {
      idt_gate(uint8_t(v), kCS0, handler_addr(uint8_t(v)));
      put8(handler_addr(uint8_t(v)), 0xF4);  // HLT
    }
    tss32(kTss0, kCS0, 0, kDS0, kStack0);
    put32(kTss0 + 0x0C, kStack1);  // ring-1 stack (unused unless a test sets DPL-1 code)
    tss32(kTss1, kCS0, kCode0 + 0x800, kDS0, kStack0 - 0x1000);
    tss32(kTss2, kCS0, kCode0 + 0xC00, kDS0, kStack0 - 0x2000);
  }

  // Protected mode at `cpl` (0 or 3) with flat segments, TR = TSS0 (busy), EIP = eip.
  void enter(uint8_t cpl, uint32_t eip) {
    Cpu& c = cpu();
    c.cr0 |= CR0_PE;
    c.mmu->set_cr0(c.cr0);
    Descriptor d;
    const uint16_t cs = cpl ? kCS3 : kCS0, ds = cpl ? kDS3 : kDS0;
    read_descriptor(c, cs, d);
    c.seg[CS] = segment_from(cs, d);
    read_descriptor(c, ds, d);
    for (unsigned s : {ES, SS, DS, FS, GS}) c.seg[s] = segment_from(ds, d);
    read_descriptor(c, kTssSel0, d);
    c.tr = segment_from(kTssSel0, d);
    c.tr.ar |= 2;
    put8(kGdt + kTssSel0 + 5, 0x8B);
    c.cpl = cpl;
    refresh_all_segments(c);
    c.r[ESP] = cpl ? kStack3 : kStack0;
    c.eip = eip;
  }

  uint32_t stk(unsigned k) { return rd32(cpu().seg[SS].base + cpu().r[ESP] + 4 * k); }
};

}  // namespace rz::test
