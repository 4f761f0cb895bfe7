// cpu/fpu/arith.cpp: FADD/FSUB/FMUL/FDIV/FSQRT/FRNDINT/FSCALE/FXTRACT/FPREM/FPREM1/FCOM cores.
//
// Operands are checked in the x87's priority order: unsupported encodings (IE), NaNs,
// invalid combinations (IE), denormal operands (DE), then the computation, whose result is
// rounded once by round_to().  Exact results are produced from wide integer arithmetic:
// sums in 128 bits with a sticky bit, products 64x64->128, quotients and square roots
// developed to more than 66 bits plus a sticky remainder bit.
#include "cpu/fpu/softfloat.h"

namespace rz::fp {

namespace {

// Common screening of two operands.  Returns true when *out holds the final result
// (or the result must not be stored because an unmasked pre-computation exception hit).
bool screen2(Env& env, F80 a, F80 b, Cls ca, Cls cb, F80* out) {
  if (ca == Cls::Unsupported || cb == Cls::Unsupported) {
    *out = invalid(env);
    return true;
  }
  if (is_nan(ca) || is_nan(cb)) {
    *out = propagate_nan(env, a, b);
    return true;
  }
  return false;
}

// Raise DE for denormal operands; true if DE is unmasked (the instruction stops).
bool denormal_stop(Env& env, Cls ca, Cls cb = Cls::Zero) {
  if (ca == Cls::Denormal || cb == Cls::Denormal) {
    env.exc |= kDE;
    return !env.masked(kDE);
  }
  return false;
}

F80 add_core(Env& env, F80 a, F80 b, bool negate_b) {
  const Cls ca = classify(a), cb = classify(b);
  F80 out;
  if (screen2(env, a, b, ca, cb, &out)) return out;
  const bool sa = sign_of(a), sb = sign_of(b) != negate_b;
  if (ca == Cls::Inf || cb == Cls::Inf) {
    if (ca == Cls::Inf && cb == Cls::Inf && sa != sb) return invalid(env);
    if (denormal_stop(env, ca, cb)) return a;
    return f80_inf(ca == Cls::Inf ? sa : sb);
  }
  if (denormal_stop(env, ca, cb)) return a;
  if (ca == Cls::Zero && cb == Cls::Zero) {
    env.c1 = false;
    if (sa == sb) return f80_zero(sa);
    return f80_zero(env.rc == kRoundDown);
  }
  if (cb == Cls::Zero || ca == Cls::Zero) {
    Num n = unpack(cb == Cls::Zero ? a : b);
    bool s = cb == Cls::Zero ? sa : sb;
    return round_f80(env, s, n.exp, u128(n.sig) << 64);
  }
  Num x = unpack(a), y = unpack(b);
  x.sign = sa;
  y.sign = sb;
  if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig)) {
    Num t = x;
    x = y;
    y = t;
  }
  // Significands at bits 126..63; bit 127 takes the carry.
  u128 vx = u128(x.sig) << 63;
  u128 vy = shift_right_sticky(u128(y.sig) << 63, x.exp - y.exp);
  u128 r = x.sign == y.sign ? vx + vy : vx - vy;
  if (r == 0) {
    env.c1 = false;
    return f80_zero(env.rc == kRoundDown);
  }
  int s = clz128(r);
  return round_f80(env, x.sign, x.exp + 1 - s, r << s);
}

}  // namespace

F80 add(Env& env, F80 a, F80 b) { return add_core(env, a, b, false); }
F80 sub(Env& env, F80 a, F80 b) { return add_core(env, a, b, true); }

F80 mul(Env& env, F80 a, F80 b) {
  const Cls ca = classify(a), cb = classify(b);
  F80 out;
  if (screen2(env, a, b, ca, cb, &out)) return out;
  const bool s = sign_of(a) != sign_of(b);
  if (ca == Cls::Inf || cb == Cls::Inf) {
    if (ca == Cls::Zero || cb == Cls::Zero) return invalid(env);
    if (denormal_stop(env, ca, cb)) return a;
    return f80_inf(s);
  }
  if (denormal_stop(env, ca, cb)) return a;
  if (ca == Cls::Zero || cb == Cls::Zero) {
    env.c1 = false;
    return f80_zero(s);
  }
  Num x = unpack(a), y = unpack(b);
  u128 p = u128(x.sig) * y.sig;  // bit 127 or 126 leads
  int32_t e = x.exp + y.exp + 1;
  if (!(p >> 127)) {
    p <<= 1;
    --e;
  }
  return round_f80(env, s, e, p);
}

F80 div(Env& env, F80 a, F80 b) {
  const Cls ca = classify(a), cb = classify(b);
  F80 out;
  if (screen2(env, a, b, ca, cb, &out)) return out;
  const bool s = sign_of(a) != sign_of(b);
  if (ca == Cls::Inf) {
    if (cb == Cls::Inf) return invalid(env);
    if (denormal_stop(env, cb)) return a;
    return f80_inf(s);
  }
  if (cb == Cls::Inf) {
    if (denormal_stop(env, ca)) return a;
    env.c1 = false;
    return f80_zero(s);
  }
  if (cb == Cls::Zero) {
    if (ca == Cls::Zero) return invalid(env);
    env.exc |= kZE;  // a denormal dividend does not also raise DE
    return f80_inf(s);
  }
  if (denormal_stop(env, ca, cb)) return a;
  if (ca == Cls::Zero) {
    env.c1 = false;
    return f80_zero(s);
  }
  Num x = unpack(a), y = unpack(b);
  // q1 = floor(sx * 2^63 / sy) < 2^64, then 64 more quotient bits from the remainder.
  u128 n = u128(x.sig) << 63;
  uint64_t q1 = uint64_t(n / y.sig);
  uint64_t r1 = uint64_t(n % y.sig);
  u128 n2 = u128(r1) << 64;
  uint64_t q2 = uint64_t(n2 / y.sig);
  uint64_t r2 = uint64_t(n2 % y.sig);
  u128 q = (u128(q1) << 64) | q2 | (r2 != 0);
  // q = (sx/sy) * 2^127, in [2^126, 2^128).
  int32_t e = x.exp - y.exp;
  if (!(q >> 127)) {
    q <<= 1;
    --e;
  }
  return round_f80(env, s, e, q);
}

F80 sqrt(Env& env, F80 a) {
  const Cls ca = classify(a);
  if (ca == Cls::Unsupported) return invalid(env);
  if (is_nan(ca)) return propagate_nan(env, a);
  if (ca == Cls::Zero) {
    env.c1 = false;
    return a;
  }
  if (sign_of(a)) return invalid(env);
  if (ca == Cls::Inf) return a;
  if (denormal_stop(env, ca)) return a;
  Num x = unpack(a);
  // x = R * 2^(2j) with R = sig << 64 (exp odd) or sig << 63 (exp even).
  const bool odd = x.exp & 1;
  u128 R = u128(x.sig) << (odd ? 64 : 63);
  const int32_t j = (x.exp - (odd ? 127 : 126)) / 2;
  // Digit-by-digit square root: 64 digit pairs of R, then 2 pairs of zeros -> 66 bits.
  u128 rem = 0, root = 0;
  for (int k = 0; k < 66; ++k) {
    unsigned pair = k < 64 ? unsigned(R >> (126 - 2 * k)) & 3 : 0;
    rem = (rem << 2) | pair;
    u128 t = (root << 2) | 1;
    if (rem >= t) {
      rem -= t;
      root = (root << 1) | 1;
    } else {
      root <<= 1;
    }
  }
  u128 v = (root << 62) | (rem != 0);  // root in [2^65, 2^66)
  return round_f80(env, false, j + 63, v);
}

F80 round_to_int(Env& env, F80 a) {
  const Cls ca = classify(a);
  if (ca == Cls::Unsupported) return invalid(env);
  if (is_nan(ca)) return propagate_nan(env, a);
  if (ca == Cls::Zero || ca == Cls::Inf) return a;
  if (denormal_stop(env, ca)) return a;
  Num x = unpack(a);
  if (x.exp >= 63) return a;
  // Fixed point with the binary point between bits 63 and 64 of v.
  u128 v = x.exp >= -64 ? (u128(x.sig) << 64) >> (63 - x.exp) : u128(1);
  if (x.exp < -64 && x.sig) v = 1;
  uint64_t ip = uint64_t(v >> 64), fr = uint64_t(v);
  bool inc = false;
  if (fr) {
    env.exc |= kPE;
    switch (env.rc) {
      case kRoundNearest: inc = fr > (1ull << 63) || (fr == (1ull << 63) && (ip & 1)); break;
      case kRoundDown: inc = x.sign; break;
      case kRoundUp: inc = !x.sign; break;
      default: break;
    }
  }
  env.c1 = inc;
  u128 r = u128(ip) + inc;
  if (r == 0) return f80_zero(x.sign);
  int s = clz128(r);
  return make_f80(x.sign, kExpBias + 127 - s, uint64_t((r << s) >> 64));
}

F80 scale(Env& env, F80 a, F80 b) {
  const Cls ca = classify(a), cb = classify(b);
  F80 out;
  if (screen2(env, a, b, ca, cb, &out)) return out;
  if (cb == Cls::Inf) {
    if (sign_of(b)) {  // a * 2^-inf
      if (ca == Cls::Inf) return invalid(env);
      if (denormal_stop(env, ca)) return a;
      return f80_zero(sign_of(a));
    }
    if (ca == Cls::Zero) return invalid(env);
    if (denormal_stop(env, ca)) return a;
    return f80_inf(sign_of(a));
  }
  if (denormal_stop(env, ca, cb)) return a;
  if (ca == Cls::Zero || ca == Cls::Inf) return a;
  if (cb == Cls::Zero) {  // unchanged, a pseudo-denormal in its normal form
    if (biased_exp(a) == 0 && (a.mant & kJ)) a.se |= 1;
    return a;
  }
  // n = trunc(b), clamped far beyond any representable scaling.
  int64_t n = 0;
  if (cb != Cls::Zero) {
    Num y = unpack(b);
    if (y.exp >= 20) n = 1 << 20;
    else if (y.exp >= 0) n = int64_t(y.sig >> (63 - y.exp));
    if (y.sign) n = -n;
  }
  Num x = unpack(a);
  return round_f80(env, x.sign, int32_t(x.exp + n), u128(x.sig) << 64);
}

F80 extract(Env& env, F80 a, F80* exponent) {
  const Cls ca = classify(a);
  if (ca == Cls::Unsupported) return *exponent = invalid(env);
  if (is_nan(ca)) return *exponent = propagate_nan(env, a);
  if (ca == Cls::Inf) {
    *exponent = f80_inf(false);
    return a;
  }
  if (ca == Cls::Zero) {
    env.exc |= kZE;
    *exponent = f80_inf(true);
    return a;
  }
  if (denormal_stop(env, ca)) return *exponent = a;
  Num x = unpack(a);
  *exponent = from_int(x.exp);
  return make_f80(x.sign, kExpBias, x.sig);
}

F80 partial_remainder(Env& env, F80 a, F80 b, bool round, unsigned* quot, bool* partial) {
  *quot = 0;
  *partial = false;
  const Cls ca = classify(a), cb = classify(b);
  F80 out;
  if (screen2(env, a, b, ca, cb, &out)) return out;
  if (ca == Cls::Inf || cb == Cls::Zero) return invalid(env);
  if (denormal_stop(env, ca, cb)) return a;
  if (ca == Cls::Zero) return a;
  Num x = unpack(a);
  // Operands returned unchanged keep their encoding, except that a pseudo-denormal comes
  // back with the exponent (1) it stands for.
  F80 same = a;
  if (biased_exp(a) == 0 && (a.mant & kJ)) same.se |= 1;
  if (cb == Cls::Inf) return same;
  Num y = unpack(b);
  int32_t d = x.exp - y.exp;
  // |a| < |b| (or below |b|/2 for FPREM1): a itself, through the rounding path (a tiny a
  // underflows like a computed result).
  if (d < -1 || (d == -1 && !round)) return round_f80(env, x.sign, x.exp, u128(x.sig) << 64);
  bool sign = x.sign;
  if (d == -1) {  // FPREM1 with |a| < |b|: a - b*sign when |a| > |b|/2
    if (x.sig <= y.sig) return round_f80(env, x.sign, x.exp, u128(x.sig) << 64);
    // result = (2*sy - sx) at exponent of a, sign flipped
    u128 r = (u128(y.sig) << 1) - x.sig;
    *quot = 1;
    return round_f80_any(env, !sign, x.exp - 63 + 127, r);
  }
  int steps = d;
  int32_t unit_exp = y.exp;  // exponent of the remainder's units (sig scale)
  if (d >= 64) {
    const int n = 32 + d % 32;
    steps = n;
    unit_exp = y.exp + (d - n);
    *partial = true;
    round = false;
  }
  // Long division of sx by sy over steps+1 quotient bits.
  u128 r = x.sig;
  uint64_t q = 0;
  if (r >= y.sig) {
    r -= y.sig;
    q = 1;
  }
  for (int k = 0; k < steps; ++k) {
    r <<= 1;
    q <<= 1;
    if (r >= y.sig) {
      r -= y.sig;
      q |= 1;
    }
  }
  if (round && ((r << 1) > y.sig || ((r << 1) == y.sig && (q & 1)))) {
    r = y.sig - r;
    sign = !sign;
    ++q;
  }
  *quot = unsigned(q & 7);
  if (r == 0) {
    env.c1 = false;
    return f80_zero(x.sign);
  }
  // remainder = r * 2^(unit_exp - 63)
  return round_f80_any(env, sign, unit_exp - 63 + 127, r);
}

Rel compare(Env& env, F80 a, F80 b, bool quiet) {
  const Cls ca = classify(a), cb = classify(b);
  if (ca == Cls::Unsupported || cb == Cls::Unsupported) {
    env.exc |= kIE;
    return Rel::Unordered;
  }
  if (is_nan(ca) || is_nan(cb)) {
    if (!quiet || ca == Cls::SNaN || cb == Cls::SNaN) env.exc |= kIE;
    return Rel::Unordered;
  }
  if (ca == Cls::Denormal || cb == Cls::Denormal) env.exc |= kDE;
  if (ca == Cls::Zero && cb == Cls::Zero) return Rel::Equal;
  const bool sa = sign_of(a), sb = sign_of(b);
  if (ca == Cls::Zero) return sb ? Rel::Greater : Rel::Less;
  if (cb == Cls::Zero) return sa ? Rel::Less : Rel::Greater;
  if (sa != sb) return sa ? Rel::Less : Rel::Greater;
  // Same sign: compare magnitudes.
  int m;
  if (ca == Cls::Inf || cb == Cls::Inf) {
    m = (ca == Cls::Inf) - (cb == Cls::Inf);
  } else {
    Num x = unpack(a), y = unpack(b);
    m = x.exp != y.exp ? (x.exp > y.exp ? 1 : -1) : x.sig == y.sig ? 0 : x.sig > y.sig ? 1 : -1;
  }
  if (m == 0) return Rel::Equal;
  if (sa) m = -m;
  return m > 0 ? Rel::Greater : Rel::Less;
}

}  // namespace rz::fp
