// cpu/sse/softfp_approx.cpp: RCPPS/RCPSS and RSQRTPS/RSQRTSS.
//
// Intel documents only |relative error| <= 1.5 * 2^-12; the bits are a lookup table that
// differs between CPU generations.  Probing the reference host (a current Intel Xeon) over
// every significand showed that its tables are exactly this rule:
//   RCP:   the result depends on the top 11 fraction bits i of the source; it is
//          1 / (1 + (i + 1/2) / 2^11), the reciprocal of the interval's midpoint, rounded
//          to nearest with 12 fraction bits;
//   RSQRT: it depends on the exponent's parity and the top 10 fraction bits j; it is
//          1 / sqrt(m), m = (1 + (j + 1/2) / 2^10) * (1 or 2), rounded the same way.
// Both are computed here in integers (no ties can occur: the divisors are odd).  Special
// operands: denormals read as zero (ZE-free infinities of the same sign), infinities give
// zeros, NaNs are quieted, RSQRT of a negative nonzero gives the QNaN indefinite, and a
// reciprocal too small for a normal single is flushed to zero.  No MXCSR flag is raised.
#include "cpu/sse/softfp_core.h"

namespace rz::sse {

using namespace core;
using M = Fmt<F32>;

uint32_t rcp14(uint32_t a) {
  const Cls c = classify<F32>(a);
  const bool s = M::sign(a);
  switch (c) {
    case Cls::QNaN:
    case Cls::SNaN: return a | M::kQuiet;
    case Cls::Zero:
    case Cls::Denormal: return M::inf(s);
    case Cls::Inf: return M::zero(s);
    default: break;
  }
  const uint32_t i = (a >> 12) & 0x7FF;
  const uint32_t d = 4097 + 2 * i;                        // midpoint * 2^12
  uint32_t q = (1u << 25) / d;                            // 2^13 / midpoint
  if (2 * ((1u << 25) % d) > d) ++q;                      // q in [4097, 8190]
  const int be = 253 - M::bexp(a);                        // biased exponent of q * 2^-13
  if (be <= 0) return M::zero(s);
  return M::zero(s) | (uint32_t(be) << 23) | ((q - 4096) << 11);
}

uint32_t rsqrt14(uint32_t a) {
  const Cls c = classify<F32>(a);
  const bool s = M::sign(a);
  switch (c) {
    case Cls::QNaN:
    case Cls::SNaN: return a | M::kQuiet;
    case Cls::Zero:
    case Cls::Denormal: return M::inf(s);
    default: break;
  }
  if (s) return F32::kIndefinite;
  if (c == Cls::Inf) return 0;
  const int e = M::bexp(a) - 127;
  const bool odd = e & 1;
  const uint64_t j = (a >> 13) & 0x3FF;
  const uint64_t n = (2049 + 2 * j) << (odd ? 1 : 0);     // m * 2^11
  // q = round(sqrt(2^37 / n)) = round(2^13 / sqrt(m)).
  const uint64_t y = (uint64_t(1) << 37) / n;
  uint64_t k = 0;                                          // floor(sqrt(y)), bit by bit
  for (uint64_t bit = uint64_t(1) << 15; bit; bit >>= 1)
    if ((k | bit) * (k | bit) <= y) k |= bit;
  const uint64_t t = 2 * k + 1;
  const uint64_t q = k + ((uint64_t(1) << 39) > n * t * t ? 1 : 0);  // in [4097, 8190]
  // 2^-(e/2) (even e) or 2^-((e-1)/2) (odd e), times q * 2^-13 with q in [2^12, 2^13).
  const int half = odd ? (e - 1) / 2 : e / 2;
  const int be = 127 - half - 1;
  return (uint32_t(be) << 23) | uint32_t((q - 4096) << 11);
}

}  // namespace rz::sse
