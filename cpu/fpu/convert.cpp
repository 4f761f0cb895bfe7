// cpu/fpu/convert.cpp: conversions between the 80-bit format and the x87 memory formats:
// 16/32/64-bit integers (FILD/FIST/FISTP), single and double real (FLD/FST m32/m64),
// 18-digit packed BCD (FBLD/FBSTP).
//
// Loads of integers, BCD and finite reals are exact; converting a single/double denormal
// raises DE; NaNs keep their kind (FLD quiets an SNaN with IE, arithmetic applies the
// two-operand NaN rules).  Stores round with the rounding control; an
// integer store that does not fit raises IE and (masked) writes the integer indefinite.
#include "cpu/fpu/softfloat.h"

namespace rz::fp {

F80 from_int(int64_t v) {
  if (v == 0) return f80_zero(false);
  const bool s = v < 0;
  uint64_t m = s ? 0 - uint64_t(v) : uint64_t(v);
  int z = __builtin_clzll(m);
  return make_f80(s, kExpBias + 63 - z, m << z);
}

int64_t to_int(Env& env, F80 a, int bits, bool* ok) {
  const int64_t indefinite = int64_t(uint64_t(1) << 63) >> (64 - bits);  // 0x8000... sign-extended
  *ok = false;
  const Cls ca = classify(a);
  if (ca == Cls::Unsupported || is_nan(ca) || ca == Cls::Inf) {
    env.exc |= kIE;
    return indefinite;
  }
  if (ca == Cls::Zero) {
    env.c1 = false;
    *ok = true;
    return 0;
  }
  // A denormal source does not raise DE on an integer store (the host x87 agrees).
  Num x = unpack(a);
  if (x.exp >= bits) {  // |a| >= 2^bits: never fits
    env.exc |= kIE;
    return indefinite;
  }
  // Fixed point, binary point between bits 63 and 64 (x.exp < 64 here).
  u128 v = x.exp >= -64 ? (u128(x.sig) << 64) >> (63 - x.exp) : u128(1);
  uint64_t ip = uint64_t(v >> 64), fr = uint64_t(v);
  bool inc = false;
  if (fr) {
    switch (env.rc) {
      case kRoundNearest: inc = fr > (1ull << 63) || (fr == (1ull << 63) && (ip & 1)); break;
      case kRoundDown: inc = x.sign; break;
      case kRoundUp: inc = !x.sign; break;
      default: break;
    }
  }
  u128 mag = u128(ip) + inc;
  const u128 limit = (u128(1) << (bits - 1)) - (x.sign ? 0 : 1);
  if (mag > limit) {
    env.exc |= kIE;
    return indefinite;
  }
  if (fr) env.exc |= kPE;
  env.c1 = inc;
  *ok = true;
  uint64_t m = uint64_t(mag);
  return x.sign ? int64_t(0 - m) : int64_t(m);
}

namespace {

// A single/double (sign, biased exponent, fraction) to 80 bits.
F80 from_ieee(Env& env, bool s, int e, uint64_t frac, int fbits, int bias, int emax_biased) {
  if (e == emax_biased) {
    if (frac == 0) return f80_inf(s);
    return make_f80(s, 0x7FFF, kJ | (frac << (63 - fbits)));  // an SNaN stays signalling
  }
  if (e == 0) {
    if (frac == 0) return f80_zero(s);
    env.exc |= kDE;
    int z = __builtin_clzll(frac);  // value = frac * 2^(1 - bias - fbits)
    int32_t exp = 1 - bias - fbits + (63 - z);
    return make_f80(s, exp + kExpBias, frac << z);
  }
  return make_f80(s, e - bias + kExpBias, kJ | (frac << (63 - fbits)));
}

// 80 bits to a single/double; returns (sign, biased exponent, fraction) packed by the caller.
uint64_t to_ieee(Env& env, F80 a, const Format& f, int fbits, int bias) {
  const uint64_t sign = uint64_t(sign_of(a)) << (fbits + (fbits == 23 ? 8 : 11));
  const int ebits = fbits == 23 ? 8 : 11;
  const uint64_t emax_biased = (1u << ebits) - 1;
  const uint64_t fmask = (uint64_t(1) << fbits) - 1;
  const uint64_t qbit = uint64_t(1) << (fbits - 1);
  const uint64_t exp_inf = emax_biased << fbits;
  const Cls ca = classify(a);
  switch (ca) {
    case Cls::Unsupported:
      env.exc |= kIE;
      return (uint64_t(1) << (fbits + ebits)) | exp_inf | qbit;  // the real indefinite
    case Cls::QNaN:
    case Cls::SNaN:
      if (ca == Cls::SNaN) env.exc |= kIE;
      return sign | exp_inf | qbit | ((a.mant >> (63 - fbits)) & fmask);
    case Cls::Inf: return sign | exp_inf;
    case Cls::Zero: return sign;
    default: break;
  }
  // A denormal source does not raise DE on a store (the host x87 agrees).
  Num x = unpack(a);
  Rounded r = round_to(env, x.sign, x.exp, u128(x.sig) << 64, f, f.prec, 0);
  if (r.exp > f.emax) return sign | exp_inf;
  if (!(r.sig & kJ)) return sign | (r.sig >> (63 - fbits));
  return sign | (uint64_t(r.exp + bias) << fbits) | ((r.sig >> (63 - fbits)) & fmask);
}

}  // namespace

F80 from_f32(Env& env, uint32_t v) {
  return from_ieee(env, v >> 31, (v >> 23) & 0xFF, v & 0x7FFFFF, 23, 127, 0xFF);
}
F80 from_f64(Env& env, uint64_t v) {
  return from_ieee(env, v >> 63, int((v >> 52) & 0x7FF), v & ((uint64_t(1) << 52) - 1), 52, 1023,
                   0x7FF);
}
uint32_t to_f32(Env& env, F80 a) { return uint32_t(to_ieee(env, a, kSingle, 23, 127)); }
uint64_t to_f64(Env& env, F80 a) { return to_ieee(env, a, kDouble, 52, 1023); }

F80 from_bcd(const uint8_t bcd[10]) {
  uint64_t v = 0;
  for (int k = 8; k >= 0; --k) v = v * 100 + (bcd[k] >> 4) * 10 + (bcd[k] & 15);
  F80 r = from_int(int64_t(v));
  if (bcd[9] & 0x80) r.se |= 0x8000;
  return r;
}

void to_bcd(Env& env, F80 a, uint8_t out[10], bool* ok) {
  Env t = env;
  bool fits;
  int64_t v = to_int(t, a, 64, &fits);
  uint64_t m = v < 0 ? 0 - uint64_t(v) : uint64_t(v);
  *ok = fits && m <= 999999999999999999ull;
  if (!*ok) {
    env.exc |= kIE;
    for (int k = 0; k < 7; ++k) out[k] = 0;
    out[7] = 0xC0;
    out[8] = out[9] = 0xFF;
    return;
  }
  env = t;
  for (int k = 0; k < 9; ++k) {
    unsigned lo = unsigned(m % 10);
    m /= 10;
    unsigned hi = unsigned(m % 10);
    m /= 10;
    out[k] = uint8_t(hi << 4 | lo);
  }
  out[9] = sign_of(a) ? 0x80 : 0;
}

}  // namespace rz::fp
