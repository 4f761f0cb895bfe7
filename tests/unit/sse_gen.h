// tests/unit/sse_gen.h: random operands and MXCSR values for the SSE floating-point tests,
// biased toward what breaks floating-point code: signed zeros, infinities, QNaNs and SNaNs
// with payloads, denormals and the normal/denormal boundary, the overflow boundary,
// significands at rounding boundaries, operand pairs that cancel or overflow together,
// integers near the int32 limits and halves for the float-to-integer conversions.
#pragma once

#include <cstdint>

#include "tests/unit/fpu_gen.h"  // Rng

namespace rz::test {

// A binary32 (Frac 23, Bias 127) or binary64 (Frac 52, Bias 1023) value.
template <typename U, int Frac, int Bias>
U random_float(Rng& r) {
  constexpr int kExpMax = 2 * Bias + 1;
  const U sign = U(r.next() & 1) << (sizeof(U) * 8 - 1);
  const U fmask = (U(1) << Frac) - 1;
  U frac = U(r.next()) & fmask;
  auto make = [&](int bexp, U f) { return sign | (U(bexp) << Frac) | (f & fmask); };
  switch (r.below(24)) {
    case 0: return sign;                                                   // zero
    case 1: return make(kExpMax, 0);                                       // infinity
    case 2: return make(kExpMax, frac | (U(1) << (Frac - 1)));             // QNaN
    case 3: return make(kExpMax, (frac & ~(U(1) << (Frac - 1))) | U(r.below(2) ? 1 : 0x10));  // SNaN
    case 4: return make(0, frac >> r.below(Frac));                         // denormal
    case 5: return make(0, r.below(2) ? U(1) : fmask);                     // smallest/largest denormal
    case 6: return make(1 + int(r.below(2)), frac >> r.below(Frac));       // just above
    case 7: return make(kExpMax - 1 - int(r.below(2)), fmask - U(r.below(4)));  // near max
    case 8: return make(Bias + int(r.below(9)) - 4, frac >> (Frac - int(r.below(4))));  // 1, 1.5...
    case 9: return make(Bias + 29 + int(r.below(4)), frac);                // near 2^31
    case 10: {                                                             // k + 1/2, k small
      const int e = int(r.below(12));
      return make(Bias + e, frac & ~((U(1) << (Frac - e - 1 > 0 ? Frac - e - 1 : 0)) - 1));
    }
    case 11: return make(kExpMax - 1 - int(r.below(Frac / 2 + 3)), frac);  // overflow range
    case 12: return make(1 + int(r.below(Frac + 3)), frac);                // underflow range
    case 13: {                                                             // rounding boundary
      const int cut = int(r.below(Frac)) + 1;
      const U low = (U(1) << cut) - 1;
      switch (r.below(3)) {
        case 0: frac |= low; break;
        case 1: frac = (frac & ~low) | (U(1) << (cut - 1)); break;
        default: frac &= ~low; break;
      }
      return make(1 + int(r.below(kExpMax - 1)), frac);
    }
    case 14: return make(Bias + 23 + int(r.below(33)), frac);              // near 2^24/2^53
    case 15: case 16: return U(r.next());                                  // any bits
    default: return make(Bias - 40 + int(r.below(80)), frac);              // ordinary
  }
}

inline uint32_t random_f32(Rng& r) { return random_float<uint32_t, 23, 127>(r); }
inline uint64_t random_f64(Rng& r) { return random_float<uint64_t, 52, 1023>(r); }

// A second operand related to the first (equal, negated, one ulp away, tiny/huge).
template <typename U, int Frac, int Bias>
U related_float(Rng& r, U a) {
  switch (r.below(8)) {
    case 0: return a;
    case 1: return a ^ (U(1) << (sizeof(U) * 8 - 1));
    case 2: return a + 1;
    case 3: return a - 1;
    case 4: return (a ^ (U(1) << (sizeof(U) * 8 - 1))) + U(r.below(3));
    default: return random_float<U, Frac, Bias>(r);
  }
}

inline uint32_t random_i32(Rng& r) {
  switch (r.below(10)) {
    case 0: return 0;
    case 1: return 0x80000000u;
    case 2: return 0x7FFFFFFFu;
    case 3: return uint32_t(int32_t(r.below(2001)) - 1000);
    case 4: return uint32_t(r.next()) >> r.below(32);
    case 5: return uint32_t(-int32_t(uint32_t(r.next()) >> (1 + r.below(31))));
    case 6: return (1u << (24 + r.below(7))) + uint32_t(r.below(5)) - 2;
    default: return uint32_t(r.next());
  }
}

// MXCSR: any rounding, DAZ/FTZ a quarter of the time each, all exceptions masked in most
// cases and a random mask set otherwise, sometimes some flags already set.
inline uint32_t random_mxcsr(Rng& r) {
  uint32_t m = uint32_t(r.below(4)) << 13;
  if (r.below(4) == 0) m |= 1u << 6;
  if (r.below(4) == 0) m |= 1u << 15;
  m |= (r.below(5) < 3 ? 0x3Fu : uint32_t(r.below(64))) << 7;
  if (r.below(4) == 0) m |= uint32_t(r.below(64));
  return m;
}

}  // namespace rz::test
