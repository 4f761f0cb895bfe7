// cpu/fpu_state.h: x87/MMX/SSE register state, kept in CpuState.
//
// The x87 registers are stored as 80-bit extended values (sign/exponent word plus 64-bit
// significand) so results are bit-identical on every host; no host long double is used.
#pragma once

#include <cstdint>

namespace rz {

struct F80 {
  uint64_t mant = 0;
  uint16_t se = 0;  // sign (bit 15) and biased exponent (bits 0-14)
};

struct FpuState {
  F80 st[8];          // physical registers R0..R7 (ST(i) = st[(top + i) & 7])
  uint16_t fcw = 0x037F;
  uint16_t fsw = 0;   // TOP lives in bits 11-13
  uint16_t ftw = 0xFFFF;  // full 2-bit tag word
  uint16_t fop = 0;
  uint32_t fip = 0, fdp = 0;
  uint16_t fcs = 0, fds = 0;
  alignas(16) uint8_t xmm[8][16] = {};
  uint32_t mxcsr = 0x1F80;
};

}  // namespace rz
