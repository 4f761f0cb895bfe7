// tests/unit/fpu_gen.h: random 80-bit operands for the x87 tests, biased toward the cases
// that break floating-point code: NaNs (quiet, signalling, payloads), infinities, zeros of
// both signs, denormals and pseudo-denormals, unsupported encodings, the largest and
// smallest exponents, significands at rounding boundaries for 24/53/64 bits, and operand
// pairs close enough to cancel.
#pragma once

#include <cstdint>

#include "cpu/fpu/softfloat.h"

namespace rz::test {

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  unsigned below(unsigned n) { return unsigned(next() % n); }
};

inline uint64_t boundary_mant(Rng& r) {
  // Significands whose bits below the 24/53/64-bit rounding point are 0..., 10..., 01...,
  // 11..., or exactly half.
  static const int kCut[3] = {40, 11, 1};
  int cut = kCut[r.below(3)];
  uint64_t m = r.next() | fp::kJ;
  uint64_t low = (uint64_t(1) << cut) - 1;
  switch (r.below(5)) {
    case 0: m &= ~low; break;
    case 1: m = (m & ~low) | (uint64_t(1) << (cut - 1)); break;  // exactly half
    case 2: m |= low; break;
    case 3: m = (m & ~low) | ((uint64_t(1) << (cut - 1)) + 1); break;
    default: m = (m & ~low) | ((uint64_t(1) << (cut - 1)) - 1); break;
  }
  return m | fp::kJ;
}

inline F80 random_f80(Rng& r, bool allow_unsupported = true) {
  const bool s = r.next() & 1;
  switch (r.below(27)) {
    case 24:  // just below the smallest normal of the 80-bit, double and single formats
    case 25:
    case 26: {
      static const int kExp[3] = {1, 16383 - 1022, 16383 - 126};
      int e = kExp[r.below(3)] - 1 + int(r.below(3));
      uint64_t m = ~uint64_t(0) << r.below(3) >> r.below(2);
      if (r.below(2)) m ^= uint64_t(1) << r.below(64);
      if (e == 0) m >>= 1;
      return fp::make_f80(s, e, e ? m | fp::kJ : m);
    }
    case 0: return fp::f80_zero(s);
    case 1: return fp::f80_inf(s);
    case 2: return fp::make_f80(s, 0x7FFF, fp::kJ | fp::kQuiet | (r.next() >> 3));  // QNaN
    case 3: {
      uint64_t m = (r.next() >> 3) | 1;
      return fp::make_f80(s, 0x7FFF, fp::kJ | m);  // SNaN
    }
    case 4: return fp::make_f80(s, 0, r.next() >> r.below(64));  // denormal
    case 5: return fp::make_f80(s, 0, fp::kJ | r.next());       // pseudo-denormal
    case 6:
      if (allow_unsupported) return fp::make_f80(s, 1 + r.below(0x7FFF), r.next() >> 1);  // unnormal/pseudo
      [[fallthrough]];
    case 7: return fp::make_f80(s, 1 + r.below(70), r.next() | fp::kJ);        // tiny
    case 8: return fp::make_f80(s, 0x7FFE - r.below(70), r.next() | fp::kJ);   // huge
    case 9: case 10: return fp::make_f80(s, 16383 + int(r.below(140)) - 70, boundary_mant(r));
    case 11: return fp::make_f80(s, 16383 - 16382 + r.below(200), r.next() | fp::kJ);  // near f64/f32 ranges
    case 12: return fp::make_f80(s, 16383 + int(r.below(300)) - 150, r.next() | fp::kJ);
    case 13: return fp::make_f80(s, 16383 - 127 - int(r.below(40)), r.next() | fp::kJ);    // f32 denormal range
    case 14: return fp::make_f80(s, 16383 - 1023 - int(r.below(70)), r.next() | fp::kJ);   // f64 denormal range
    case 15: return fp::make_f80(s, 16383 + 127 - int(r.below(4)) + 2, r.next() | fp::kJ);  // f32 overflow edge
    case 16: return fp::make_f80(s, 16383 + 1023 - int(r.below(4)) + 2, r.next() | fp::kJ);
    case 17: return fp::from_int(int64_t(r.next()) >> r.below(64));  // integers
    case 18: return fp::make_f80(s, 16383 + r.below(64), r.next() | fp::kJ);  // int-store range
    default: return fp::make_f80(s, 16383 + int(r.below(40)) - 20, r.next() | fp::kJ);
  }
}

// A second operand: independent, or close to `a` (cancellation, equal exponents, equal).
inline F80 related_f80(Rng& r, F80 a) {
  switch (r.below(6)) {
    case 0: return a;
    case 1: { F80 b = a; b.mant ^= uint64_t(1) << r.below(64); return b; }
    case 2: { F80 b = a; b.se ^= 0x8000; b.mant += r.below(5); return b; }
    case 3: { F80 b = a; b.se = uint16_t((b.se & 0x8000) | ((b.se + r.below(130) - 65) & 0x7FFF)); return b; }
    default: return random_f80(r);
  }
}

}  // namespace rz::test
