// cpu/memory.cpp: slow paths of guest memory access (TLB misses, page crossings, MMIO).
#include "cpu/cpu.h"
#include "cpu/debug.h"

namespace rz {

namespace {

uint32_t translate_or_fault(Cpu& c, uint32_t lin, Access kind, bool user) {
  uint32_t phys;
  PageFault pf;
  if (!c.mmu->translate(lin, kind, user, phys, pf)) raise_page_fault(c, lin, pf.error_code);
  return phys;
}

}  // namespace

namespace {
uint32_t read_lin_slow_inner(Cpu& c, uint32_t lin, unsigned size, bool user);
void write_lin_slow_inner(Cpu& c, uint32_t lin, unsigned size, uint32_t v, bool user);
}  // namespace

// Data breakpoints: watched pages never enter the TLB, so checking here sees every access.
uint32_t read_lin_slow(Cpu& c, uint32_t lin, unsigned size, bool user) {
  uint32_t v = read_lin_slow_inner(c, lin, size, user);
  if (__builtin_expect(c.dr[7] & 0xFF, 0)) check_data_breakpoints(c, lin, size, false);
  return v;
}

void write_lin_slow(Cpu& c, uint32_t lin, unsigned size, uint32_t v, bool user) {
  write_lin_slow_inner(c, lin, size, v, user);
  if (__builtin_expect(c.dr[7] & 0xFF, 0)) check_data_breakpoints(c, lin, size, true);
}

namespace {

uint32_t read_lin_slow_inner(Cpu& c, uint32_t lin, unsigned size, bool user) {
  uint32_t first = 0x1000 - (lin & 0xFFF);
  if (first >= size) {
    if (uint8_t* p = c.mmu->lookup(lin, Access::Read, user)) {
      uint32_t v = 0;
      std::memcpy(&v, p, size);
      return v;
    }
    return c.mmu->phys().read(translate_or_fault(c, lin, Access::Read, user), size);
  }
  // Crossing a page: translate both before reading either.
  uint32_t p1 = translate_or_fault(c, lin, Access::Read, user);
  uint32_t p2 = translate_or_fault(c, lin + first, Access::Read, user);
  uint32_t lo = c.mmu->phys().read(p1, first);
  uint32_t hi = c.mmu->phys().read(p2, size - first);
  return lo | (hi << (8 * first));
}

}  // namespace

// A write the TLB allows to a page that holds code: phys address, or false.
inline bool code_page_write_hit(Cpu& c, uint32_t lin, bool user, uint32_t& pa) {
  const TlbEntry& e = c.mmu->entry(lin);
  if (e.tag[0] != (lin >> 12) || !((e.code_w >> (user ? 1 : 0)) & 1)) return false;
  pa = e.phys | (lin & 0xFFF);
  return true;
}

void probe_write(Cpu& c, uint32_t lin, unsigned size, bool user) {
  uint32_t pa;
  if ((lin & 0xFFF) <= 0x1000 - size && code_page_write_hit(c, lin, user, pa)) return;
  translate_or_fault(c, lin, Access::Write, user);
  uint32_t first = 0x1000 - (lin & 0xFFF);
  if (first < size) translate_or_fault(c, lin + first, Access::Write, user);
}

namespace {

void write_lin_slow_inner(Cpu& c, uint32_t lin, unsigned size, uint32_t v, bool user) {
  uint32_t first = 0x1000 - (lin & 0xFFF);
  uint32_t pa;
  if (first >= size && code_page_write_hit(c, lin, user, pa)) {
    PhysMem& pm = c.mmu->phys();
    if (!pm.is_code_byte(pa) && !pm.is_code_byte(pa + size - 1)) {
      std::memcpy(reinterpret_cast<uint8_t*>(c.mmu->entry(lin).addend + lin), &v, size);
      return;
    }
    pm.write(pa, size, v);  // reports the write to code
    return;
  }
  if (first >= size) {
    c.mmu->phys().write(translate_or_fault(c, lin, Access::Write, user), size, v);
    return;
  }
  uint32_t p1 = translate_or_fault(c, lin, Access::Write, user);
  uint32_t p2 = translate_or_fault(c, lin + first, Access::Write, user);
  c.mmu->phys().write(p1, first, v);
  c.mmu->phys().write(p2, size - first, v >> (8 * first));
}

}  // namespace

void segment_fault(Cpu& c, unsigned seg) {
  raise_fault(c, seg == SS ? kSS : kGP, 0);
}

}  // namespace rz
