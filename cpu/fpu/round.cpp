// cpu/fpu/round.cpp: operand classes, unpacking, the one rounding routine every result goes
// through (precision control, the four rounding modes, denormalisation, masked and unmasked
// overflow/underflow, C1) and the x87 NaN rules.
//
// Tininess is detected after rounding (a result that rounds to the smallest normal is not
// tiny), as the host x87 shows; a masked underflow is reported only when the tiny result
// is also inexact.
#include "cpu/fpu/softfloat.h"

namespace rz::fp {

Cls classify(F80 a) {
  const int e = biased_exp(a);
  const bool j = a.mant & kJ;
  if (e == 0) return a.mant == 0 ? Cls::Zero : Cls::Denormal;  // includes pseudo-denormals
  if (e == 0x7FFF) {
    if (!j) return Cls::Unsupported;                              // pseudo-inf/NaN
    if ((a.mant << 1) == 0) return Cls::Inf;
    return (a.mant & kQuiet) ? Cls::QNaN : Cls::SNaN;
  }
  return j ? Cls::Normal : Cls::Unsupported;                      // unnormal
}

Num unpack(F80 a) {
  Num n{sign_of(a), biased_exp(a) - kExpBias, a.mant};
  if (biased_exp(a) == 0) n.exp = 1 - kExpBias;  // denormals and pseudo-denormals
  int s = __builtin_clzll(n.sig);
  n.sig <<= s;
  n.exp -= s;
  return n;
}

namespace {

// Whether rounding kept|rbits (rbits = the dropped bits, half = the dropped half-way value)
// increments the kept part.
bool round_up(uint8_t rc, bool sign, u128 kept, u128 rbits, u128 half) {
  if (!rbits) return false;
  switch (rc) {
    case kRoundNearest: return rbits > half || (rbits == half && (kept & 1));
    case kRoundDown: return sign;
    case kRoundUp: return !sign;
    default: return false;
  }
}

}  // namespace

Rounded round_to(Env& env, bool sign, int32_t e, u128 v, const Format& f, int prec, int wrap) {
  const int drop = 128 - prec;
  const u128 half = u128(1) << (drop - 1);
  const u128 low = (u128(1) << drop) - 1;
  // Tininess after rounding (what the x87 does, measured against the host): a result just
  // below 2^emin that rounds, at the destination precision and with an unbounded exponent,
  // to 2^emin is not tiny.  It still goes through denormalisation, which gives the same value.
  bool tiny = e < f.emin;
  if (tiny && e == f.emin - 1 && round_up(env.rc, sign, v >> drop, v & low, half) &&
      (((v >> drop) + 1) >> prec))
    tiny = false;
  if (tiny && !env.masked(kUE)) {
    env.exc |= kUE;
    if (!wrap) return Rounded{sign, f.emin, 0};  // memory destination: not stored
    e += wrap;
    if (e < f.emin) {  // beyond even the wrapped range: a signed zero
      env.exc |= kPE;
      env.c1 = false;
      return Rounded{sign, f.emin, 0};
    }
    tiny = false;
  }
  if (e < f.emin) {  // denormalise
    v = shift_right_sticky(v, f.emin - e);
    e = f.emin;
  }
  const u128 rbits = v & low;
  u128 kept = v >> drop;
  const bool inc = round_up(env.rc, sign, kept, rbits, half);
  if (rbits) {
    env.exc |= kPE;
    if (tiny) env.exc |= kUE;
  }
  env.c1 = inc;
  if (inc) {
    ++kept;
    if (kept >> prec) {  // carry out of the significand
      kept >>= 1;
      ++e;
    }
  }
  Rounded r{sign, e, uint64_t(kept) << (64 - prec)};
  if (e > f.emax) {
    env.exc |= kOE;
    if (!env.masked(kOE) && !wrap) {  // memory destination: nothing stored, only OE
      env.exc &= uint16_t(~kPE);
      env.c1 = false;
      return Rounded{sign, f.emax + 1, kJ};
    }
    if (!env.masked(kOE) && wrap) {
      r.exp -= wrap;
      if (r.exp <= f.emax) return r;
      env.exc |= kPE;  // beyond even the wrapped range: infinity
      env.c1 = true;
      return Rounded{sign, f.emax + 1, kJ};
    }
    env.exc |= kPE;
    const bool to_inf = env.rc == kRoundNearest || (env.rc == kRoundUp && !sign) ||
                        (env.rc == kRoundDown && sign);
    env.c1 = to_inf;
    if (to_inf) return Rounded{sign, f.emax + 1, kJ};
    return Rounded{sign, f.emax, ~uint64_t(0) << (64 - prec)};
  }
  return r;
}

F80 pack_f80(const Rounded& r) {
  if (r.exp > kExtended.emax) return f80_inf(r.sign);
  if (!(r.sig & kJ)) return make_f80(r.sign, 0, r.sig);  // denormal or zero
  return make_f80(r.sign, r.exp + kExpBias, r.sig);
}

F80 round_f80(Env& env, bool sign, int32_t e, u128 v) {
  return pack_f80(round_to(env, sign, e, v, kExtended, env.prec, kWrap));
}

F80 round_f80_any(Env& env, bool sign, int32_t e, u128 v) {
  int s = clz128(v);
  return round_f80(env, sign, e - s, v << s);
}

F80 invalid(Env& env) {
  env.exc |= kIE;
  return f80_indefinite();
}

F80 propagate_nan(Env& env, F80 a) {
  if (classify(a) == Cls::SNaN) env.exc |= kIE;
  a.mant |= kQuiet;
  return a;
}

// SDM vol. 1 table 4-7: an SNaN is quieted; a QNaN beats an SNaN; of two NaNs of the same
// kind the one with the larger significand is delivered; a NaN beats a number.
F80 propagate_nan(Env& env, F80 a, F80 b) {
  const Cls ca = classify(a), cb = classify(b);
  if (ca == Cls::SNaN || cb == Cls::SNaN) env.exc |= kIE;
  a.mant |= kQuiet;
  b.mant |= kQuiet;
  if (ca == Cls::SNaN && cb == Cls::QNaN) return b;  // a QNaN operand beats an SNaN
  if (cb == Cls::SNaN && ca == Cls::QNaN) return a;
  if (is_nan(ca) && is_nan(cb)) {
    if (a.mant != b.mant) return a.mant > b.mant ? a : b;
    return sign_of(a) ? b : a;
  }
  return is_nan(ca) ? a : b;
}

}  // namespace rz::fp
