// tests/unit/test_intops_util.h: helpers shared by the test_intops_*.cpp files.
//
// Snippets run either through the block engine (Snippet::run, real mode, fault delivery
// through the IVT) or one instruction at a time through Engine::step() with a local fault
// landing pad, which reports a guest exception instead of delivering it.  The latter works
// in every mode and lets a test check that a fault left the state unchanged.
#pragma once

#include <csetjmp>

#include "cpu/segments.h"
#include "tests/unit/harness.h"

namespace rz::test {

constexpr int kNoFault = -1;

// Execute one instruction at CS:EIP; return the vector it raised, or kNoFault.
inline int step1(Snippet& s) {
  Cpu& c = s.cpu();
  std::jmp_buf jb;
  std::jmp_buf* const saved = c.fault_jmp;
  c.fault_jmp = &jb;
  if (setjmp(jb)) {
    c.fault_jmp = saved;
    return c.exc.vector;
  }
  s.m->engine().step();
  c.fault_jmp = saved;
  return kNoFault;
}

// Step until HLT retires (or a fault, or `limit` instructions); return the fault or kNoFault.
inline int step_to_hlt(Snippet& s, int limit = 10000) {
  for (int n = 0; n < limit && !s.cpu().halted; ++n) {
    int v = step1(s);
    if (v != kNoFault) return v;
  }
  return kNoFault;
}

// Flat 32-bit protected mode, CPL 0: CS ar 0x9B, data 0x93, D bit, 4 GiB limits.
inline void enter_pm32(Snippet& s) {
  Cpu& c = s.cpu();
  c.cr0 |= CR0_PE;
  c.mmu->set_cr0(c.cr0);
  load_flat_segments(c, 0x08, 0x10);
}

// The same segments at CPL 3 (selectors with RPL 3, DPL 3 descriptors).
inline void enter_ring3(Snippet& s) {
  enter_pm32(s);
  load_flat_segments(s.cpu(), 0x1B, 0x23, 3);
}

// Virtual-8086 mode with the given IOPL: segments loaded V86-style (base = sel << 4).
inline void enter_v86(Snippet& s, unsigned iopl) {
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.eflags = (c.eflags & ~IOPL) | VM | (iopl << 12);
  c.cpl = 3;
  for (unsigned k = 0; k < kNumSegs; ++k) load_seg_real(c, k, 0);
  refresh_all_segments(c);
}

// Little-endian reads and writes of guest RAM.
inline uint32_t rd32(Snippet& s, uint32_t a) {
  uint32_t v;
  std::memcpy(&v, s.ram() + a, 4);
  return v;
}
inline uint16_t rd16(Snippet& s, uint32_t a) {
  uint16_t v;
  std::memcpy(&v, s.ram() + a, 2);
  return v;
}
inline void wr32(Snippet& s, uint32_t a, uint32_t v) { std::memcpy(s.ram() + a, &v, 4); }
inline void wr16(Snippet& s, uint32_t a, uint16_t v) { std::memcpy(s.ram() + a, &v, 2); }

}  // namespace rz::test
