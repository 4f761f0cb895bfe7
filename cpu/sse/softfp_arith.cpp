// cpu/sse/softfp_arith.cpp: ADD/SUB/MUL/DIV/SQRT and MIN/MAX on binary32/binary64, the way
// the SSE unit does them (special operands first, in the SDM's priority order, then the
// exact result rounded once by core::round_pack).
#include "cpu/sse/softfp_core.h"

namespace rz::sse {

using namespace core;

namespace {

template <class F>
typename F::U add_signed(Env& e, typename F::U a, typename F::U b, bool negate_b) {
  using M = Fmt<F>;
  Cls ca = classify<F>(a), cb = classify<F>(b);
  a = daz<F>(e, a, &ca);
  b = daz<F>(e, b, &cb);
  if (nan(ca) || nan(cb)) return propagate_nan<F>(e, a, ca, b, cb);
  if (negate_b) b ^= M::kSign;
  const bool sa = M::sign(a), sb = M::sign(b);
  if (ca == Cls::Inf && cb == Cls::Inf && sa != sb) return invalid<F>(e);
  if (ca == Cls::Denormal || cb == Cls::Denormal) e.exc |= kDE;
  if (ca == Cls::Inf) return a;
  if (cb == Cls::Inf) return b;
  if (ca == Cls::Zero && cb == Cls::Zero)
    return sa == sb ? a : M::zero(e.rc == kRoundDown);
  if (ca == Cls::Zero || cb == Cls::Zero) {
    const Num n = unpack<F>(ca == Cls::Zero ? b : a);
    return round_pack<F>(e, n.sign, n.exp, n.sig);  // exact, but FTZ/UE still apply
  }
  Num x = unpack<F>(a), y = unpack<F>(b);
  if (y.exp > x.exp || (y.exp == x.exp && y.sig > x.sig)) {
    const Num t = x;
    x = y;
    y = t;
  }
  // Significands at bit 125 leave two bits of headroom and 62 guard bits.
  u128 vx = u128(x.sig) << 62, vy = shift_right_sticky(u128(y.sig) << 62, x.exp - y.exp);
  const u128 v = x.sign == y.sign ? vx + vy : vx - vy;
  if (v == 0) return M::zero(e.rc == kRoundDown);
  int exp = x.exp + 2;
  const uint64_t sig = fold(v, &exp);
  return round_pack<F>(e, x.sign, exp, sig);
}

// 128-bit integer square root: r = floor(sqrt(m)), *rem = m - r*r.
uint64_t isqrt128(u128 m, u128* rem) {
  u128 r = 0, bit = u128(1) << 126, x = m;
  while (bit > x) bit >>= 2;
  while (bit) {
    if (x >= r + bit) {
      x -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
    bit >>= 2;
  }
  *rem = x;
  return uint64_t(r);
}

// a < b for two non-NaN values (+0 == -0).
template <class F>
bool less(typename F::U a, typename F::U b, Cls ca, Cls cb) {
  using M = Fmt<F>;
  if (ca == Cls::Zero && cb == Cls::Zero) return false;
  const bool sa = M::sign(a), sb = M::sign(b);
  const auto ma = a & ~M::kSign, mb = b & ~M::kSign;
  if (sa != sb) return sa;  // zeros of both signs were handled above
  return sa ? ma > mb : ma < mb;
}

template <class F>
typename F::U min_max(Env& e, typename F::U a, typename F::U b, bool want_max) {
  Cls ca = classify<F>(a), cb = classify<F>(b);
  a = daz<F>(e, a, &ca);
  b = daz<F>(e, b, &cb);
  if (nan(ca) || nan(cb)) {
    e.exc |= kIE;
    return b;
  }
  if (ca == Cls::Denormal || cb == Cls::Denormal) e.exc |= kDE;
  const bool take_a = want_max ? less<F>(b, a, cb, ca) : less<F>(a, b, ca, cb);
  return take_a ? a : b;
}

}  // namespace

template <class F>
typename F::U add(Env& e, typename F::U a, typename F::U b) {
  return add_signed<F>(e, a, b, false);
}
template <class F>
typename F::U sub(Env& e, typename F::U a, typename F::U b) {
  return add_signed<F>(e, a, b, true);
}

template <class F>
typename F::U mul(Env& e, typename F::U a, typename F::U b) {
  using M = Fmt<F>;
  Cls ca = classify<F>(a), cb = classify<F>(b);
  a = daz<F>(e, a, &ca);
  b = daz<F>(e, b, &cb);
  if (nan(ca) || nan(cb)) return propagate_nan<F>(e, a, ca, b, cb);
  const bool s = M::sign(a) != M::sign(b);
  if ((ca == Cls::Inf && cb == Cls::Zero) || (ca == Cls::Zero && cb == Cls::Inf)) return invalid<F>(e);
  if (ca == Cls::Denormal || cb == Cls::Denormal) e.exc |= kDE;
  if (ca == Cls::Inf || cb == Cls::Inf) return M::inf(s);
  if (ca == Cls::Zero || cb == Cls::Zero) return M::zero(s);
  const Num x = unpack<F>(a), y = unpack<F>(b);
  int exp = x.exp + y.exp + 1;  // exponent of bit 127 of the 128-bit product
  const uint64_t sig = fold(u128(x.sig) * y.sig, &exp);
  return round_pack<F>(e, s, exp, sig);
}

template <class F>
typename F::U div(Env& e, typename F::U a, typename F::U b) {
  using M = Fmt<F>;
  Cls ca = classify<F>(a), cb = classify<F>(b);
  a = daz<F>(e, a, &ca);
  b = daz<F>(e, b, &cb);
  if (nan(ca) || nan(cb)) return propagate_nan<F>(e, a, ca, b, cb);
  const bool s = M::sign(a) != M::sign(b);
  if ((ca == Cls::Inf && cb == Cls::Inf) || (ca == Cls::Zero && cb == Cls::Zero)) return invalid<F>(e);
  if (cb == Cls::Zero && ca != Cls::Inf) {  // a denormal dividend raises no DE here
    e.exc |= kZE;
    return M::inf(s);
  }
  if (ca == Cls::Denormal || cb == Cls::Denormal) e.exc |= kDE;
  if (ca == Cls::Inf || cb == Cls::Zero) return M::inf(s);
  if (ca == Cls::Zero || cb == Cls::Inf) return M::zero(s);
  const Num x = unpack<F>(a), y = unpack<F>(b);
  const u128 n = u128(x.sig) << 64;
  const u128 q = n / y.sig;
  const bool rem = (n % y.sig) != 0;
  int exp = x.exp - y.exp + 1;  // exponent of bit 127 of (q << 62)
  const uint64_t sig = fold((q << 62) | u128(rem), &exp);
  return round_pack<F>(e, s, exp, sig);
}

template <class F>
typename F::U sqrt(Env& e, typename F::U a) {
  using M = Fmt<F>;
  Cls ca = classify<F>(a);
  a = daz<F>(e, a, &ca);
  if (nan(ca)) return propagate_nan<F>(e, a, ca, a, ca);
  if (ca == Cls::Zero) return a;
  if (M::sign(a)) return invalid<F>(e);
  if (ca == Cls::Denormal) e.exc |= kDE;
  if (ca == Cls::Inf) return a;
  const Num x = unpack<F>(a);
  // value = sig * 2^(exp - 63) = m * 2^k with m = sig << s, k even.
  const int s = (x.exp & 1) ? 64 : 63;
  const int k = x.exp - 63 - s;
  u128 rem;
  const uint64_t r = isqrt128(u128(x.sig) << s, &rem);
  return round_pack<F>(e, false, 63 + k / 2, r | uint64_t(rem != 0));
}

template <class F>
typename F::U min(Env& e, typename F::U a, typename F::U b) {
  return min_max<F>(e, a, b, false);
}
template <class F>
typename F::U max(Env& e, typename F::U a, typename F::U b) {
  return min_max<F>(e, a, b, true);
}

#define RZ_SSE_INSTANTIATE(F)                                  \
  template F::U add<F>(Env&, F::U, F::U);                      \
  template F::U sub<F>(Env&, F::U, F::U);                      \
  template F::U mul<F>(Env&, F::U, F::U);                      \
  template F::U div<F>(Env&, F::U, F::U);                      \
  template F::U sqrt<F>(Env&, F::U);                           \
  template F::U min<F>(Env&, F::U, F::U);                      \
  template F::U max<F>(Env&, F::U, F::U);
RZ_SSE_INSTANTIATE(F32)
RZ_SSE_INSTANTIATE(F64)
#undef RZ_SSE_INSTANTIATE

}  // namespace rz::sse
