// tests/unit/sse_rig.h: run one SSE instruction on the emulated CPU (real mode, CR4.OSFXSR
// and OSXMMEXCPT set unless a test clears them) from the state the host runner of
// sse_host.h uses (xmm0, xmm1, mm1, eax, ecx, MXCSR), and report which exception vector,
// if any, it raised: each vector of interest has its own HLT stub in the IVT.
#pragma once

#include <cstring>
#include <vector>

#include "cpu/simd.h"
#include "tests/unit/harness.h"

namespace rz::test {

struct SseState {
  uint8_t x0[16] = {}, x1[16] = {};
  uint64_t mm0 = 0, mm1 = 0;
  uint32_t mxcsr = 0x1F80, eax = 0, ecx = 0, eflags = 0;
  int vector = -1;  // exception taken, -1: none
};

class SseRig {
 public:
  static constexpr uint16_t kStubBase = 0x2000;  // stub for vector v at kStubBase + 16 * v
  static constexpr uint32_t kData = 0x3000;      // for memory-operand tests

  explicit SseRig(std::vector<uint8_t> code) : s_(with_hlt(code)) {
    for (unsigned v = 0; v < 32; ++v) {
      const uint16_t ip = uint16_t(kStubBase + 16 * v);
      s_.ram()[v * 4] = uint8_t(ip);
      s_.ram()[v * 4 + 1] = uint8_t(ip >> 8);
      s_.ram()[v * 4 + 2] = s_.ram()[v * 4 + 3] = 0;
      s_.ram()[ip] = 0xF4;
    }
    s_.cpu().cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
  }
  Cpu& cpu() { return s_.cpu(); }
  uint8_t* mem() { return s_.ram() + kData; }

  SseState run(const SseState& in) {
    Cpu& c = s_.cpu();
    c.eip = 0x1000;
    c.r[ESP] = 0x8000;
    c.halted = false;
    std::memcpy(c.fpu.xmm[0], in.x0, 16);
    std::memcpy(c.fpu.xmm[1], in.x1, 16);
    simd::set_mm(c, 0, in.mm0);
    simd::set_mm(c, 1, in.mm1);
    c.fpu.mxcsr = in.mxcsr;
    c.r[EAX] = in.eax;
    c.r[ECX] = in.ecx;
    set_flags_explicit(c, kArithFlags, in.eflags & kArithFlags);
    s_.run();
    SseState out;
    std::memcpy(out.x0, c.fpu.xmm[0], 16);
    std::memcpy(out.x1, c.fpu.xmm[1], 16);
    out.mm0 = simd::get_mm(c, 0);
    out.mm1 = simd::get_mm(c, 1);
    out.mxcsr = c.fpu.mxcsr;
    out.eax = c.r[EAX];
    out.ecx = c.r[ECX];
    out.eflags = get_eflags(c);
    const uint32_t stop = c.eip - 1;
    out.vector = (stop >= kStubBase && stop < kStubBase + 16 * 32) ? int((stop - kStubBase) / 16) : -1;
    return out;
  }

 private:
  static std::vector<uint8_t> with_hlt(std::vector<uint8_t> v) {
    v.push_back(0xF4);
    return v;
  }
  Snippet s_;
};

}  // namespace rz::test
