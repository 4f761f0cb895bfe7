// cpu/fpu/xf.cpp: arithmetic of the 128-bit working format (cpu/fpu/xf.h) and its constants.
#include "cpu/fpu/xf.h"

namespace rz::fp {

XF xf_mul(const XF& a, const XF& b) {
  if (a.zero() || b.zero()) return XF{a.s != b.s, 0, 0};
  const uint64_t a1 = uint64_t(a.m >> 64), a0 = uint64_t(a.m);
  const uint64_t b1 = uint64_t(b.m >> 64), b0 = uint64_t(b.m);
  const u128 lo = u128(a0) * b0, m1 = u128(a1) * b0, m2 = u128(a0) * b1;
  const u128 t = (lo >> 64) + uint64_t(m1) + uint64_t(m2);
  u128 hi = u128(a1) * b1 + (m1 >> 64) + (m2 >> 64) + (t >> 64);
  int32_t e = a.e + b.e + 1;
  if (!(hi >> 127)) {
    hi = (hi << 1) | ((t >> 63) & 1);
    --e;
  }
  // Sticky: any nonzero bit below keeps the result off an exact value.
  if (uint64_t(t) || uint64_t(lo)) hi |= 1;
  return XF{a.s != b.s, e, hi};
}

int xf_cmp_abs(const XF& a, const XF& b) {
  if (a.zero() || b.zero()) return int(!a.zero()) - int(!b.zero());
  if (a.e != b.e) return a.e > b.e ? 1 : -1;
  return a.m == b.m ? 0 : a.m > b.m ? 1 : -1;
}

XF xf_add(const XF& a, const XF& b) {
  if (a.zero()) return b;
  if (b.zero()) return a;
  const XF& x = xf_cmp_abs(a, b) >= 0 ? a : b;
  const XF& y = &x == &a ? b : a;
  const int d = x.e - y.e;
  const u128 vx = x.m >> 1;
  // The smaller operand keeps a sticky bit, so a term far below the result's last bit
  // still moves it off an exact value in the right direction (sin x just below x).
  const u128 vy = shift_right_sticky(y.m >> 1, d);
  if (x.s == y.s) return xf_norm(x.s, x.e + 1, vx + vy);
  return xf_norm(x.s, x.e + 1, vx - vy);
}

XF xf_div(const XF& a, const XF& b) {
  if (a.zero()) return XF{a.s != b.s, 0, 0};
  const u128 d = b.m >> 1;
  u128 r = a.m >> 1, q = 0;
  for (int k = 0; k < 128; ++k) {
    bool bit = r >= d;
    if (bit) r -= d;
    q = (q << 1) | bit;
    r <<= 1;
  }
  return xf_norm(a.s != b.s, a.e - b.e, q | (r != 0));  // sticky remainder
}

XF xf_div_small(const XF& a, uint32_t k) {
  if (a.zero() || k == 1) return a;
  u128 q = a.m / k;
  uint64_t r = uint64_t(a.m % k);
  const int s = clz128(q);  // at most 32: refill the vacated low bits from the remainder
  const u128 rs = u128(r) << s;
  q = (q << s) | (rs / k);
  const bool sticky = (rs % k) != 0;
  return XF{a.s, a.e - s, q | sticky};
}

// One Newton step from the 64-bit square root: s' = (s + a/s) / 2.
XF xf_sqrt(const XF& a) {
  if (a.zero()) return a;
  Env env;
  // The 64-bit estimate: take the top 64 bits of a as an 80-bit value (exponent clamped
  // into range through an even shift that is undone afterwards).
  const int32_t k = (a.e / 2) * 2;
  F80 top = make_f80(false, kExpBias + (a.e - k), uint64_t(a.m >> 64));
  XF s = xf_ldexp(xf_from(sqrt(env, top)), k / 2);
  s = xf_ldexp(xf_add(s, xf_div(a, s)), -1);  // 64 -> ~126 good bits
  return s;
}

// pi = 3.243F6A8885A308D313198A2E03707344A4... (hexadecimal).
const XF& xf_pi() {
  static const XF pi{false, 1,
                     (u128(3) << 126) |
                         ((u128(0x243F6A8885A308D3ull) << 64 | 0x13198A2E03707344ull) >> 2)};
  return pi;
}

// ln 2 = 2 atanh(1/3) = 2 * sum (1/3)^(2k+1) / (2k+1).
const XF& xf_ln2() {
  static const XF ln2 = [] {
    const XF third = xf_div(xf_int(1), xf_int(3));
    const XF ninth = xf_mul(third, third);
    XF pw = third, sum = third;
    for (int k = 1; k < 45; ++k) {
      pw = xf_mul(pw, ninth);
      sum = xf_add(sum, xf_div_small(pw, uint32_t(2 * k + 1)));
    }
    return xf_ldexp(sum, 1);
  }();
  return ln2;
}

}  // namespace rz::fp

namespace rz::fp {

const XF& xf_log2e() {
  static const XF v = xf_div(xf_int(1), xf_ln2());
  return v;
}

}  // namespace rz::fp
