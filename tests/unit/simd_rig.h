// tests/unit/simd_rig.h: run one MMX/SSE instruction (16-bit real-mode encoding at 0x1000,
// memory operands at DS:3000h) on a bare Machine and catch the exception it raises, the
// way the differential tester does (Engine::step() with Cpu::fault_jmp set), so a test can
// assert both results and faults.  CR4.OSFXSR is set (SSE enabled) unless a test clears it.
#pragma once

#include <csetjmp>
#include <cstring>
#include <vector>

#include "cpu/simd.h"
#include "tests/unit/harness.h"

namespace rz::test {

class SimdRig {
 public:
  SimdRig() : s_({}) {
    Cpu& c = s_.cpu();
    c.cr0 |= CR0_NE;
    c.cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
  }
  Cpu& cpu() { return s_.cpu(); }
  uint8_t* mem(uint32_t off = 0x3000) { return s_.ram() + off; }

  void set_mm(unsigned n, uint64_t v) { simd::set_mm(cpu(), n, v); }
  uint64_t mm(unsigned n) { return simd::get_mm(cpu(), n); }
  void set_xmm(unsigned n, uint64_t lo, uint64_t hi) {
    simd::set_xmm<uint64_t>(cpu(), n, 0, lo);
    simd::set_xmm<uint64_t>(cpu(), n, 1, hi);
  }
  uint64_t xlo(unsigned n) { return simd::get_xmm<uint64_t>(cpu(), n, 0); }
  uint64_t xhi(unsigned n) { return simd::get_xmm<uint64_t>(cpu(), n, 1); }
  void put64(uint32_t off, uint64_t v) { std::memcpy(mem(off), &v, 8); }
  uint64_t get64(uint32_t off) {
    uint64_t v;
    std::memcpy(&v, mem(off), 8);
    return v;
  }

  // Run the instruction; returns -1 if it completed, else the exception vector.  EIP is
  // reset to 0x1000 first.
  int run(std::vector<uint8_t> code) {
    Cpu& c = s_.cpu();
    std::memcpy(s_.ram() + 0x1000, code.data(), code.size());
    c.eip = 0x1000;
    return step_catching();
  }

 private:
  int step_catching() {
    Cpu& c = s_.cpu();
    std::jmp_buf jb;
    std::jmp_buf* saved = c.fault_jmp;
    c.fault_jmp = &jb;
    volatile int result = -1;
    if (setjmp(jb) == 0) s_.m->engine().step();
    else result = c.exc.vector;
    c.fault_jmp = saved;
    return result;
  }
  Snippet s_;
};

}  // namespace rz::test
