// cpu/sse/softfp_core.h: unpacking, classification, NaN selection and the one rounding
// routine every SSE operation ends in (private to cpu/sse/softfp_*.cpp).
#pragma once

#include "cpu/sse/softfp.h"

namespace rz::sse::core {

using u128 = unsigned __int128;

enum class Cls : uint8_t { Zero, Denormal, Normal, Inf, QNaN, SNaN };

template <class F>
struct Fmt {
  using U = typename F::U;
  static constexpr int P = F::kFrac + 1;       // significand bits
  static constexpr int kEmin = 1 - F::kBias;   // smallest normal exponent
  static constexpr int kEmax = F::kBias;
  static constexpr U kFracMask = (U(1) << F::kFrac) - 1;
  static constexpr U kSign = U(1) << (sizeof(U) * 8 - 1);
  static constexpr U kQuiet = U(1) << (F::kFrac - 1);
  static constexpr U kInf = U(F::kExpMax) << F::kFrac;
  static bool sign(U a) { return a >> (sizeof(U) * 8 - 1); }
  static int bexp(U a) { return int((a >> F::kFrac) & F::kExpMax); }
  static U zero(bool s) { return s ? kSign : 0; }
  static U inf(bool s) { return zero(s) | kInf; }
  static U max_finite(bool s) { return zero(s) | (kInf - 1); }
};

template <class F>
inline Cls classify(typename F::U a) {
  using M = Fmt<F>;
  const int be = M::bexp(a);
  const auto frac = a & M::kFracMask;
  if (be == 0) return frac ? Cls::Denormal : Cls::Zero;
  if (be == F::kExpMax) return !frac ? Cls::Inf : (frac & M::kQuiet) ? Cls::QNaN : Cls::SNaN;
  return Cls::Normal;
}
inline bool nan(Cls c) { return c == Cls::QNaN || c == Cls::SNaN; }

// DAZ: a denormal source reads as a zero of the same sign.
template <class F>
inline typename F::U daz(const Env& e, typename F::U a, Cls* c) {
  if (e.daz && *c == Cls::Denormal) {
    *c = Cls::Zero;
    return a & Fmt<F>::kSign;
  }
  return a;
}

// A finite nonzero value: value = sig * 2^(exp - 63), bit 63 of sig set.
struct Num {
  bool sign;
  int exp;
  uint64_t sig;
};
template <class F>
inline Num unpack(typename F::U a) {
  using M = Fmt<F>;
  Num n;
  n.sign = M::sign(a);
  const int be = M::bexp(a);
  uint64_t frac = uint64_t(a & M::kFracMask);
  if (be == 0) {
    const int lz = __builtin_clzll(frac);
    n.sig = frac << lz;
    n.exp = M::kEmin + (63 - F::kFrac) - lz;
  } else {
    n.sig = (frac | (uint64_t(1) << F::kFrac)) << (63 - F::kFrac);
    n.exp = be - F::kBias;
  }
  return n;
}

// The NaN result of a two-operand operation with at least one NaN operand: IE for an
// SNaN; the first operand's NaN if it is one, else the second's, quieted.
template <class F>
inline typename F::U propagate_nan(Env& e, typename F::U a, Cls ca, typename F::U b, Cls cb) {
  if (ca == Cls::SNaN || cb == Cls::SNaN) e.exc |= kIE;
  return (nan(ca) ? a : b) | Fmt<F>::kQuiet;
}
template <class F>
inline typename F::U invalid(Env& e) {
  e.exc |= kIE;
  return F::kIndefinite;
}

inline uint64_t shift_right_sticky(uint64_t v, int n) {
  if (n <= 0) return v;
  if (n >= 64) return v != 0;
  return (v >> n) | ((v & ((uint64_t(1) << n) - 1)) != 0);
}
inline u128 shift_right_sticky(u128 v, int n) {
  if (n <= 0) return v;
  if (n >= 128) return v != 0;
  return (v >> n) | u128((v & ((u128(1) << n) - 1)) != 0);
}
inline int clz128(u128 v) {
  const uint64_t hi = uint64_t(v >> 64);
  return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll(uint64_t(v));
}
// Fold a nonzero 128-bit magnitude into 64 bits (bit 63 set) with a sticky bit 0, and
// adjust *exp (the exponent of bit 127 on entry, of bit 63 on return).
inline uint64_t fold(u128 v, int* exp) {
  const int lz = clz128(v);
  v <<= lz;
  *exp -= lz;
  return uint64_t(v >> 64) | (uint64_t(v) != 0);
}

// Whether rounding the dropped bits `lost` (out of `drop` bits) increments the kept part.
inline bool round_up(uint8_t rc, bool sign, bool odd, uint64_t lost, int drop) {
  if (!lost) return false;
  const uint64_t half = uint64_t(1) << (drop - 1);
  switch (rc) {
    case kRoundNearest: return lost > half || (lost == half && odd);
    case kRoundDown: return sign;
    case kRoundUp: return !sign;
    default: return false;
  }
}

// Round sig * 2^(exp - 63) (sig bit 63 set, sticky folded into bit 0) to format F and pack.
template <class F>
typename F::U round_pack(Env& e, bool sign, int exp, uint64_t sig) {
  using M = Fmt<F>;
  using U = typename F::U;
  constexpr int drop = 64 - M::P;
  constexpr uint64_t lowmask = (uint64_t(1) << drop) - 1;
  // Tininess after rounding: the result rounded to P bits with an unbounded exponent is
  // below 2^emin.
  bool tiny = exp < M::kEmin - 1;
  if (exp == M::kEmin - 1) {
    const uint64_t q = sig >> drop;
    const bool up = round_up(e.rc, sign, q & 1, sig & lowmask, drop);
    tiny = !(up && q + 1 == (uint64_t(1) << M::P));
  }
  if (tiny && e.ftz && e.masked(kUE)) {
    e.exc |= kUE | kPE;
    return M::zero(sign);
  }
  // Unmasked UE: no result is delivered; PE reports whether the result rounded with an
  // unbounded exponent (the one a handler could rescale) is inexact.
  if (tiny && !e.masked(kUE)) {
    e.exc |= kUE | ((sig & lowmask) ? uint32_t(kPE) : 0u);
    return M::zero(sign);
  }
  uint64_t m = sig;
  int ee = exp;
  if (exp < M::kEmin) {
    m = shift_right_sticky(sig, M::kEmin - exp);
    ee = M::kEmin;
  }
  const uint64_t lost = m & lowmask;
  uint64_t q = m >> drop;
  if (round_up(e.rc, sign, q & 1, lost, drop)) {
    ++q;
    if (q >> M::P) {
      q >>= 1;
      ++ee;
    }
  }
  if (ee > M::kEmax) {
    // Masked: infinity or the largest finite value, always inexact.  Unmasked: as for UE.
    e.exc |= kOE | ((lost || e.masked(kOE)) ? uint32_t(kPE) : 0u);
    const bool to_inf = e.rc == kRoundNearest || (e.rc == kRoundDown && sign) ||
                        (e.rc == kRoundUp && !sign);
    return to_inf ? M::inf(sign) : M::max_finite(sign);
  }
  if (lost) e.exc |= kPE;
  if (tiny && lost) e.exc |= kUE;
  const bool normal = q >> (M::P - 1);
  const U be = normal ? U(ee + F::kBias) : 0;
  return M::zero(sign) | (be << F::kFrac) | (U(q) & M::kFracMask);
}

}  // namespace rz::sse::core
