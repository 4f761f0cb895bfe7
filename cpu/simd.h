// cpu/simd.h: what every MMX, SSE and SSE2 handler shares (SDM vol. 3 table 12-1, vol. 2
// "Exceptions" sections of each instruction):
//   - availability: MMX: CR0.EM -> #UD, CR0.TS -> #NM, a pending unmasked x87 exception ->
//     #MF (CR0.NE=1) or FERR# (NE=0); SSE/SSE2: CR0.EM or CR4.OSFXSR clear -> #UD, then
//     CR0.TS -> #NM.  SIMD floating-point exceptions go to #XM when CR4.OSXMMEXCPT is set,
//     to #UD when it is clear (simd_fp_fault).
//   - MMX register aliasing: MMn is the significand of physical x87 register Rn; an MMX
//     instruction sets TOP to 0 and tags every register valid, a write to MMn sets Rn's
//     exponent/sign word to all ones; EMMS tags them all empty.
//   - XMM registers and MXCSR live in FpuState (FXSAVE/FXRSTOR already cover them).
#pragma once

#include <cstdint>
#include <cstring>

#include "cpu/cpu.h"
#include "cpu/fpu/x87.h"
#include "cpu/insn.h"

namespace rz::simd {

// MXCSR bits.
inline constexpr uint32_t MXCSR_IE = 1u << 0, MXCSR_DE = 1u << 1, MXCSR_ZE = 1u << 2,
                          MXCSR_OE = 1u << 3, MXCSR_UE = 1u << 4, MXCSR_PE = 1u << 5,
                          MXCSR_DAZ = 1u << 6, MXCSR_IM = 1u << 7, MXCSR_DM = 1u << 8,
                          MXCSR_ZM = 1u << 9, MXCSR_OM = 1u << 10, MXCSR_UM = 1u << 11,
                          MXCSR_PM = 1u << 12, MXCSR_RC_SHIFT = 13, MXCSR_FTZ = 1u << 15;
// Bits a P6-family SSE2 CPU (Pentium 4 class) accepts in LDMXCSR/FXRSTOR; others #GP.
inline constexpr uint32_t kMxcsrMask = 0x0000FFFFu;

// Prologue of every MMX instruction (before any memory access).
inline void mmx_prologue(Cpu& c) {
  if (c.cr0 & CR0_EM) raise_fault(c, kUD);
  x87::check_available(c, true);  // #NM, then pending x87 exception
  c.fpu.fsw &= uint16_t(~(7u << 11));  // TOP = 0
  c.fpu.ftw = 0;                       // all valid (full tag word: 00 = valid)
}
// Prologue of every SSE/SSE2 instruction.
inline void sse_prologue(Cpu& c) {
  if ((c.cr0 & CR0_EM) || !(c.cr4 & CR4_OSFXSR)) raise_fault(c, kUD);
  if (c.cr0 & CR0_TS) raise_fault(c, kNM);
}
// An unmasked SIMD floating-point exception was detected (after setting MXCSR flags and
// before writing any destination).
[[noreturn]] inline void simd_fp_fault(Cpu& c) {
  raise_fault(c, (c.cr4 & CR4_OSXMMEXCPT) ? kXM : kUD);
}

inline uint64_t get_mm(const Cpu& c, unsigned n) { return c.fpu.st[n & 7].mant; }
inline void set_mm(Cpu& c, unsigned n, uint64_t v) {
  c.fpu.st[n & 7].mant = v;
  c.fpu.st[n & 7].se = 0xFFFF;
}
inline uint8_t* xmm(Cpu& c, unsigned n) { return c.fpu.xmm[n & 7]; }
template <typename T>
inline T get_xmm(const Cpu& c, unsigned n, unsigned lane) {
  T v;
  std::memcpy(&v, c.fpu.xmm[n & 7] + lane * sizeof(T), sizeof(T));
  return v;
}
template <typename T>
inline void set_xmm(Cpu& c, unsigned n, unsigned lane, T v) {
  std::memcpy(c.fpu.xmm[n & 7] + lane * sizeof(T), &v, sizeof(T));
}

// 128-bit memory operands of the aligned forms (MOVAPS, MOVDQA, most SSE2 arithmetic with
// a memory source) #GP(0) unless the effective address is 16-byte aligned; the
// unaligned forms (MOVUPS, MOVDQU, MOVSS/SD, ...) do not check.
inline void check_align16(Cpu& c, const Insn& i) {
  uint32_t lin = c.seg[i.seg].base + ea(c, i);
  if (lin & 15) raise_fault(c, kGP, 0);
}

}  // namespace rz::simd
