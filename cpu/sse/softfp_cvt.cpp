// cpu/sse/softfp_cvt.cpp: conversions between binary32, binary64 and int32 (CVT* rows).
// Float-to-float conversions take part in DAZ/DE and round like arithmetic; float-to-int
// conversions raise only IE (NaN, infinity, out of range: integer indefinite 80000000H)
// and PE, and read denormals as zero under DAZ.
#include "cpu/sse/softfp_core.h"

namespace rz::sse {

using namespace core;

uint64_t f32_to_f64(Env& e, uint32_t a) {
  using M = Fmt<F32>;
  Cls c = classify<F32>(a);
  a = daz<F32>(e, a, &c);
  const bool s = M::sign(a);
  switch (c) {
    case Cls::SNaN: e.exc |= kIE; [[fallthrough]];
    case Cls::QNaN:
      return Fmt<F64>::inf(s) | Fmt<F64>::kQuiet | (uint64_t(a & M::kFracMask) << 29);
    case Cls::Inf: return Fmt<F64>::inf(s);
    case Cls::Zero: return Fmt<F64>::zero(s);
    case Cls::Denormal: e.exc |= kDE; break;
    default: break;
  }
  const Num n = unpack<F32>(a);
  return round_pack<F64>(e, n.sign, n.exp, n.sig);  // exact
}

uint32_t f64_to_f32(Env& e, uint64_t a) {
  using M = Fmt<F64>;
  Cls c = classify<F64>(a);
  a = daz<F64>(e, a, &c);
  const bool s = M::sign(a);
  switch (c) {
    case Cls::SNaN: e.exc |= kIE; [[fallthrough]];
    case Cls::QNaN:
      return Fmt<F32>::inf(s) | Fmt<F32>::kQuiet | uint32_t((a & M::kFracMask) >> 29);
    case Cls::Inf: return Fmt<F32>::inf(s);
    case Cls::Zero: return Fmt<F32>::zero(s);
    case Cls::Denormal: e.exc |= kDE; break;
    default: break;
  }
  const Num n = unpack<F64>(a);
  return round_pack<F32>(e, n.sign, n.exp, n.sig);
}

template <class F>
typename F::U from_i32(Env& e, int32_t v) {
  if (v == 0) return 0;
  const bool s = v < 0;
  const uint64_t mag = s ? uint64_t(-int64_t(v)) : uint64_t(v);
  const int lz = __builtin_clzll(mag);
  return round_pack<F>(e, s, 63 - lz, mag << lz);
}

template <class F>
int32_t to_i32(Env& e, typename F::U a, bool truncate) {
  constexpr int32_t kIndefinite = INT32_MIN;
  Cls c = classify<F>(a);
  a = daz<F>(e, a, &c);
  if (nan(c) || c == Cls::Inf) {
    e.exc |= kIE;
    return kIndefinite;
  }
  if (c == Cls::Zero) return 0;
  const Num n = unpack<F>(a);
  if (n.exp > 62) {
    e.exc |= kIE;
    return kIndefinite;
  }
  // Integer part q, dropped fraction relative to one half.
  const int sh = 63 - n.exp;
  uint64_t q;
  bool more_than_half, exactly_half;
  if (sh > 64) {
    q = 0;
    more_than_half = exactly_half = false;
  } else if (sh == 64) {
    q = 0;
    more_than_half = n.sig > (uint64_t(1) << 63);
    exactly_half = n.sig == (uint64_t(1) << 63);
  } else {
    q = n.sig >> sh;
    const uint64_t lost = n.sig & ((uint64_t(1) << sh) - 1), half = uint64_t(1) << (sh - 1);
    more_than_half = lost > half;
    exactly_half = lost == half;
  }
  const bool inexact = sh > 64 || (sh == 64 ? true : (n.sig & ((uint64_t(1) << sh) - 1)) != 0);
  if (inexact && !truncate) {
    bool up;
    switch (e.rc) {
      case kRoundNearest: up = more_than_half || (exactly_half && (q & 1)); break;
      case kRoundDown: up = n.sign; break;
      case kRoundUp: up = !n.sign; break;
      default: up = false; break;
    }
    q += up;
  }
  if (q > (n.sign ? 0x80000000ull : 0x7FFFFFFFull)) {
    e.exc |= kIE;
    return kIndefinite;
  }
  if (inexact) e.exc |= kPE;
  return n.sign ? int32_t(-int64_t(q)) : int32_t(q);
}

template uint32_t from_i32<F32>(Env&, int32_t);
template uint64_t from_i32<F64>(Env&, int32_t);
template int32_t to_i32<F32>(Env&, uint32_t, bool);
template int32_t to_i32<F64>(Env&, uint64_t, bool);

}  // namespace rz::sse
