// cpu/fpu/transcend.cpp: F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN/FCOS/FSINCOS, FPTAN and the FLD
// constants.
//
// Each function screens the special operands by the SDM's tables, then evaluates in the
// 128-bit working format (xf.h) by argument reduction plus a series, and rounds once.
// FSIN/FCOS/FPTAN reduce the argument modulo pi/2 with the 66-bit approximation of pi the
// x87 uses (SDM vol. 1 8.3.10), so results for large arguments follow the hardware rather
// than the true function; |x| >= 2^63 leaves the operand alone and sets C2.
#include "cpu/fpu/xf.h"

namespace rz::fp {

namespace {

bool tiny_enough(const XF& term, const XF& sum) { return term.zero() || term.e < sum.e - 132; }

// expm1(t) for |t| <= about 1.4.
XF xf_expm1(const XF& t) {
  XF sum = t, term = t;
  for (int k = 2; k < 80; ++k) {
    term = xf_div_small(xf_mul(term, t), uint32_t(k));
    sum = xf_add(sum, term);
    if (tiny_enough(term, sum)) break;
  }
  return sum;
}

// 2 atanh(s) = ln((1+s)/(1-s)) for |s| < 0.5.
XF xf_2atanh(const XF& s) {
  const XF s2 = xf_mul(s, s);
  XF pw = s, sum = s;
  for (int k = 1; k < 200; ++k) {
    pw = xf_mul(pw, s2);
    XF term = xf_div_small(pw, uint32_t(2 * k + 1));
    sum = xf_add(sum, term);
    if (tiny_enough(term, sum)) break;
  }
  return xf_ldexp(sum, 1);
}

// log2 of a positive finite value.
XF xf_log2(const XF& x) {
  // x = 2^k * m with m in [sqrt(1/2), sqrt(2)), so that x near 1 keeps k = 0 and log2(m)
  // its full relative precision.
  int32_t k = x.e;
  XF m{false, 0, x.m};                                           // m in [1, 2)
  constexpr u128 kSqrt2 = u128(0xB504F333F9DE6484ull) << 64;     // sqrt(2) in m's scale
  if (m.m >= kSqrt2) {
    ++k;
    m.e = -1;
  }
  const XF one = xf_int(1);
  XF ln = xf_2atanh(xf_div(xf_sub(m, one), xf_add(m, one)));
  return xf_add(xf_int(k), xf_mul(ln, xf_log2e()));
}

// atan(z) for 0 <= z <= 1, by two half-angle reductions and the series.
XF xf_atan(const XF& z) {
  const XF one = xf_int(1);
  XF w = z;
  for (int i = 0; i < 2; ++i) w = xf_div(w, xf_add(one, xf_sqrt(xf_add(one, xf_mul(w, w)))));
  const XF w2 = xf_mul(w, w);
  XF pw = w, sum = w;
  for (int k = 1; k < 100; ++k) {
    pw = xf_neg(xf_mul(pw, w2));
    XF term = xf_div_small(pw, uint32_t(2 * k + 1));
    sum = xf_add(sum, term);
    if (tiny_enough(term, sum)) break;
  }
  return xf_ldexp(sum, 2);
}

XF xf_sin_series(const XF& r) {  // |r| <= pi/4
  const XF r2 = xf_mul(r, r);
  XF term = r, sum = r;
  for (int k = 1; k < 40; ++k) {
    term = xf_neg(xf_div_small(xf_mul(term, r2), uint32_t((2 * k) * (2 * k + 1))));
    sum = xf_add(sum, term);
    if (tiny_enough(term, sum)) break;
  }
  return sum;
}

XF xf_cos_series(const XF& r) {
  const XF r2 = xf_mul(r, r);
  XF term = xf_int(1), sum = term;
  for (int k = 1; k < 40; ++k) {
    term = xf_neg(xf_div_small(xf_mul(term, r2), uint32_t((2 * k - 1) * (2 * k))));
    sum = xf_add(sum, term);
    if (tiny_enough(term, sum)) break;
  }
  return sum;
}

// Results for |x| < 2^-40: Intel processors deliver sin x = tan x = x and cos x = 1 as
// if rounded to nearest whatever the rounding control, with PE (and UE for a tiny x), C1 = 0.
constexpr int32_t kTinyAngle = -40;
F80 tiny_angle_result(Env& env, const XF& v) {
  Env e2 = env;
  e2.rc = kRoundNearest;
  F80 r = round_f80(e2, v.s, v.e, v.m | 1);  // a sticky bit below: inexact, rounds to v
  env.exc |= e2.exc;
  env.c1 = false;
  return r;
}

// pi/2 to 66 bits: P66 * 2^-65.
u128 pio2_66() {
  const u128 p = xf_pi().m;  // pi * 2^126
  return (p >> 62) + ((p >> 61) & 1);
}

// Reduce finite |x| < 2^63 modulo pi/2 (66-bit); *quadrant gets the quotient mod 4.
XF reduce(const XF& ax, unsigned* quadrant) {
  *quadrant = 0;
  const int32_t sh = ax.e + 2;  // x = sig * 2^(e+2) * 2^-65
  if (ax.zero() || sh < 0) return ax;
  const u128 P = pio2_66();
  u128 r = ax.m >> 64;
  uint64_t q = 0;
  for (int k = 0; k < sh; ++k) {
    r <<= 1;
    q <<= 1;
    if (r >= P) {
      r -= P;
      q |= 1;
    }
  }
  bool neg = false;
  if ((r << 1) > P) {
    r = P - r;
    neg = true;
    ++q;
  }
  *quadrant = unsigned(q & 3);
  return xf_norm(neg, 127 - 65, r);
}

}  // namespace

F80 f2xm1(Env& env, F80 a) {
  const Cls ca = classify(a);
  if (ca == Cls::Unsupported) return invalid(env);
  if (is_nan(ca)) return propagate_nan(env, a);
  if (ca == Cls::Zero) return a;
  if (ca == Cls::Inf) return sign_of(a) ? make_f80(true, kExpBias, kJ) : a;
  if (ca == Cls::Denormal) {
    env.exc |= kDE;
    if (!env.masked(kDE)) return a;
  }
  XF x = xf_from(a);
  if (x.e > 0 || (x.e == 0 && x.m != (u128(1) << 127))) {
    // |x| > 1: outside the domain the SDM gives.  Intel processors return the operand
    // unchanged and report PE; so do we.
    env.exc |= kPE;
    env.c1 = false;
    return a;
  }
  return xf_round(env, xf_expm1(xf_mul(x, xf_ln2())));
}

namespace {

// y * L where L = log2(x) is given as finite XF (or zero with sign).
F80 times_log(Env& env, F80 y, const XF& L) {
  const Cls cy = classify(y);
  if (cy == Cls::Inf) {
    if (L.zero()) return invalid(env);
    return f80_inf(sign_of(y) != L.s);
  }
  if (cy == Cls::Zero || L.zero()) return f80_zero(sign_of(y) != L.s);
  // Intel processors report every finite nonzero FYL2X/FYL2XP1 result as inexact (PE, and
  // UE when tiny), even when it is exact (x a power of two): a sticky bit does the same.
  XF p = xf_mul(xf_from(y), L);
  p.m |= 1;
  return xf_round(env, p);
}

// Screening shared by FYL2X/FYL2XP1: unsupported, NaN, denormal operands.
bool screen_log(Env& env, F80 x, F80 y, F80* out) {
  const Cls cx = classify(x), cy = classify(y);
  if (cx == Cls::Unsupported || cy == Cls::Unsupported) {
    *out = invalid(env);
    return true;
  }
  if (is_nan(cx) || is_nan(cy)) {
    *out = propagate_nan(env, x, y);
    return true;
  }
  return false;
}

// DE for denormal operands once the operation is known to be valid; true: stop (unmasked).
bool denormal_log(Env& env, F80 x, F80 y) {
  if (classify(x) == Cls::Denormal || classify(y) == Cls::Denormal) {
    env.exc |= kDE;
    return !env.masked(kDE);
  }
  return false;
}

}  // namespace

F80 fyl2x(Env& env, F80 x, F80 y) {
  F80 out;
  if (screen_log(env, x, y, &out)) return out;
  const Cls cx = classify(x), cy = classify(y);
  if (sign_of(x) && cx != Cls::Zero) return invalid(env);
  if (cx == Cls::Zero) {  // log2(0) = -inf
    if (cy == Cls::Zero) return invalid(env);
    if (cy != Cls::Inf) env.exc |= kZE;  // (a denormal y raises no DE here)
    return f80_inf(!sign_of(y));
  }
  if (cx == Cls::Inf) {
    if (cy == Cls::Zero) return invalid(env);
    if (denormal_log(env, x, y)) return y;
    return f80_inf(sign_of(y));
  }
  if (denormal_log(env, x, y)) return y;
  XF xx = xf_from(x);
  if (xx.e == 0 && xx.m == (u128(1) << 127)) return times_log(env, y, XF{});  // log2(1) = +0
  return times_log(env, y, xf_log2(xx));
}

F80 fyl2xp1(Env& env, F80 x, F80 y) {
  F80 out;
  if (screen_log(env, x, y, &out)) return out;
  const Cls cx = classify(x);
  if (cx == Cls::Inf) {
    if (sign_of(x)) return invalid(env);
    if (classify(y) == Cls::Zero) return invalid(env);
    if (denormal_log(env, x, y)) return y;
    return f80_inf(sign_of(y));
  }
  if (cx == Cls::Zero) {
    if (classify(y) == Cls::Inf) return invalid(env);
    if (denormal_log(env, x, y)) return y;
    return times_log(env, y, XF{sign_of(x), 0, 0});
  }
  if (denormal_log(env, x, y)) return y;
  const XF xx = xf_from(x), one = xf_int(1);
  if (xx.s && xf_cmp_abs(xx, one) >= 0) {  // 1 + x <= 0
    if (xf_cmp_abs(xx, one) == 0) return fyl2x(env, f80_zero(false), y);
    return invalid(env);
  }
  XF L;
  if (xx.e < -1) {  // |x| < 1/2: ln(1+x) = 2 atanh(x / (2 + x)) keeps the relative precision
    L = xf_mul(xf_2atanh(xf_div(xx, xf_add(xf_int(2), xx))), xf_log2e());
  } else {
    L = xf_log2(xf_add(one, xx));
  }
  return times_log(env, y, L);
}

F80 fpatan(Env& env, F80 y, F80 x) {
  const Cls cx = classify(x), cy = classify(y);
  if (cx == Cls::Unsupported || cy == Cls::Unsupported) return invalid(env);
  if (is_nan(cx) || is_nan(cy)) return propagate_nan(env, y, x);
  if (cx == Cls::Denormal || cy == Cls::Denormal) {
    env.exc |= kDE;
    if (!env.masked(kDE)) return y;
  }
  const bool sy = sign_of(y), sx = sign_of(x);
  const XF& pi = xf_pi();
  XF r;
  if (cy == Cls::Zero) {
    if (!sx) return f80_zero(sy);
    r = pi;
  } else if (cy == Cls::Inf) {
    if (cx == Cls::Inf) r = sx ? xf_mul(pi, xf_div(xf_int(3), xf_int(4))) : xf_ldexp(pi, -2);
    else r = xf_ldexp(pi, -1);
  } else if (cx == Cls::Inf) {
    if (!sx) return f80_zero(sy);
    r = pi;
  } else if (cx == Cls::Zero) {
    r = xf_ldexp(pi, -1);
  } else {
    XF ax = xf_abs(xf_from(x)), ay = xf_abs(xf_from(y));
    if (xf_cmp_abs(ay, ax) <= 0) {
      r = xf_atan(xf_div(ay, ax));
    } else {
      r = xf_sub(xf_ldexp(pi, -1), xf_atan(xf_div(ax, ay)));
    }
    if (sx) r = xf_sub(pi, r);
  }
  r.s = sy;
  return xf_round(env, r);
}

bool fsincos(Env& env, F80 a, F80* s, F80* c, bool want_sin, bool want_cos) {
  const Cls ca = classify(a);
  if (ca == Cls::Unsupported || ca == Cls::Inf) {
    *s = *c = invalid(env);
    return true;
  }
  if (is_nan(ca)) {
    *s = *c = propagate_nan(env, a);
    return true;
  }
  if (ca == Cls::Zero) {
    *s = a;
    *c = f80_one();
    return true;
  }
  if (biased_exp(a) - kExpBias >= 63) return false;
  if (ca == Cls::Denormal) {
    env.exc |= kDE;
    if (!env.masked(kDE)) {
      *s = *c = a;
      return true;
    }
  }
  XF x = xf_from(a);
  if (x.e < kTinyAngle) {
    if (want_sin) *s = tiny_angle_result(env, x);
    if (want_cos) *c = tiny_angle_result(env, xf_int(1));
    return true;
  }
  const bool neg = x.s;
  x.s = false;
  unsigned q;
  XF r = reduce(x, &q);
  XF sr = xf_sin_series(r), cr = xf_cos_series(r);
  XF sv = (q & 1) ? cr : sr, cv = (q & 1) ? sr : cr;
  if (q & 2) sv = xf_neg(sv);
  if ((q + 1) & 2) cv = xf_neg(cv);
  if (neg) sv = xf_neg(sv);
  Env es = env, ec = env;
  if (want_sin) *s = xf_round(es, sv);
  if (want_cos) *c = xf_round(ec, cv);
  env.exc |= es.exc | ec.exc;
  env.c1 = want_sin ? es.c1 : ec.c1;  // FSINCOS reports the sine's (the last stored is cos)
  if (want_sin && want_cos) env.c1 = ec.c1;
  return true;
}

bool fptan(Env& env, F80 a, F80* t) {
  const Cls ca = classify(a);
  if (ca == Cls::Unsupported || ca == Cls::Inf) {
    *t = invalid(env);
    return true;
  }
  if (is_nan(ca)) {
    *t = propagate_nan(env, a);
    return true;
  }
  if (ca == Cls::Zero) {
    *t = a;
    return true;
  }
  if (biased_exp(a) - kExpBias >= 63) return false;
  if (ca == Cls::Denormal) {
    env.exc |= kDE;
    if (!env.masked(kDE)) {
      *t = a;
      return true;
    }
  }
  XF x = xf_from(a);
  if (x.e < kTinyAngle) {
    *t = tiny_angle_result(env, x);
    return true;
  }
  const bool neg = x.s;
  x.s = false;
  unsigned q;
  XF r = reduce(x, &q);
  XF tv;
  if (q == 0 && r.e < -40) {
    // tan r = r + r^3/3 + ...: the quotient of the two series would lose the direction of
    // the tiny correction.
    tv = xf_add(r, xf_div_small(xf_mul(r, xf_mul(r, r)), 3));
  } else {
    XF sr = xf_sin_series(r), cr = xf_cos_series(r);
    tv = (q & 1) ? xf_neg(xf_div(cr, sr)) : xf_div(sr, cr);
  }
  if (neg) tv = xf_neg(tv);
  *t = xf_round(env, tv);
  return true;
}

// The constants to 66+ bits: significand, exponent, and whether the exact value lies above
// the 64-bit truncation by more than half an ulp (round-to-nearest goes up).
F80 load_constant(Const k, uint8_t rc) {
  struct C {
    uint64_t sig;
    int exp;
    bool nearest_up;
  };
  static constexpr C kTab[] = {
      {0xC90FDAA22168C234ull, 1, true},    // pi       = C90FDAA22168C234 C4C6...
      {0xB8AA3B295C17F0BBull, 0, true},    // log2(e)  = B8AA3B295C17F0BB BE87...
      {0xD49A784BCD1B8AFEull, 1, false},   // log2(10) = D49A784BCD1B8AFE 492B...
      {0x9A209A84FBCFF798ull, -2, true},   // log10(2) = 9A209A84FBCFF798 8F89...
      {0xB17217F7D1CF79ABull, -1, true},   // ln(2)    = B17217F7D1CF79AB C9E3...
  };
  const C& c = kTab[int(k)];
  // The true value is strictly between sig and sig+1 ulp (all are irrational).
  bool up = rc == kRoundNearest ? c.nearest_up : rc == kRoundUp;
  return make_f80(false, kExpBias + c.exp, c.sig + up);
}

}  // namespace rz::fp
