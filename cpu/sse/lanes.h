// cpu/sse/lanes.h: what the SSE/SSE2 floating-point handlers share: fetching the
// xmm/m source (with the 16-byte alignment check of the packed forms), lane access in a
// 16-byte buffer, and the MXCSR commit that implements the SIMD floating-point exception
// rules (SDM vol. 1 11.5.1, vol. 3 "Interrupt 19"):
//   * each lane computes its masked response and its own flags;
//   * if any lane found an unmasked pre-computation exception (IE, DE, ZE), the
//     pre-computation flags of all lanes are set and the instruction faults before any
//     post-computation exception is looked at;
//   * otherwise the flags of all lanes are set, and an unmasked exception among them faults;
//   * a fault (#XM with CR4.OSXMMEXCPT, #UD without) writes no destination.
#pragma once

#include <cstring>

#include "cpu/fpu/x87.h"
#include "cpu/simd.h"
#include "cpu/sse/softfp.h"

namespace rz::sse {

// Read Bytes bytes of the r/m operand: an XMM register or memory.  Aligned packed forms
// #GP(0) on a linear address that is not a multiple of 16.
template <unsigned Bytes, bool Align>
inline void fetch_xmm_rm(Cpu& c, const Insn& i, uint8_t* out) {
  if (!i.is_mem) {
    std::memcpy(out, simd::xmm(c, i.modrm_rm), Bytes);
    return;
  }
  const uint32_t lin = lin_read<Bytes>(c, i.seg, ea(c, i));
  if (Align && (lin & 15)) raise_gp0(c);
  for (unsigned k = 0; k < Bytes; k += 4) {
    const uint32_t v = read_lin<uint32_t>(c, lin + k, c.user());
    std::memcpy(out + k, &v, 4);
  }
}

template <typename T>
inline T lane(const uint8_t* v, unsigned k) {
  T x;
  std::memcpy(&x, v + k * sizeof(T), sizeof(T));
  return x;
}
template <typename T>
inline void set_lane(uint8_t* v, unsigned k, T x) {
  std::memcpy(v + k * sizeof(T), &x, sizeof(T));
}

// Flags gathered over the lanes of one instruction.
struct LaneFlags {
  uint32_t pre = 0, all = 0;
  void add(const Env& e) {
    pre |= e.exc & kPreExc;
    all |= e.exc;
  }
};

// Merge the flags into MXCSR and fault if an unmasked exception was detected.  Returns
// normally only when the destination may be written.
inline void commit(Cpu& c, const LaneFlags& f) {
  const uint32_t unmasked = ~(c.fpu.mxcsr >> 7) & 0x3F;
  if (f.pre & unmasked) {
    c.fpu.mxcsr |= f.pre;
    simd::simd_fp_fault(c);
  }
  c.fpu.mxcsr |= f.all;
  if (f.all & unmasked) simd::simd_fp_fault(c);
}

// SSE instructions that read or write an MMX register: SSE availability first, then a
// pending x87 exception (#MF / FERR#) as every MMX instruction does.
inline void mmx_operand_prologue(Cpu& c) {
  simd::sse_prologue(c);
  x87::check_available(c, true);
}
// The x87-to-MMX transition: TOP = 0, every register tagged valid.
inline void mmx_transition(Cpu& c) {
  c.fpu.fsw &= uint16_t(~(7u << 11));
  c.fpu.ftw = 0;
}

}  // namespace rz::sse
