// cpu/fpu/xf.h: a 128-bit-significand working format for the transcendentals.
//
// The transcendental instructions are evaluated in this wider format (about 126 good bits)
// and rounded once into the 80-bit result, so their error stays well under one ulp of the
// 64-bit significand.  Integer arithmetic only.  value = m * 2^(e - 127), bit 127 of m set,
// or m == 0 for zero.  Operations truncate; the guard bits absorb it.
#pragma once

#include "cpu/fpu/softfloat.h"

namespace rz::fp {

struct XF {
  bool s = false;
  int32_t e = 0;
  u128 m = 0;
  bool zero() const { return m == 0; }
};

inline XF xf_norm(bool s, int32_t e, u128 m) {
  if (m == 0) return XF{s, 0, 0};
  int z = clz128(m);
  return XF{s, e - z, m << z};
}
inline XF xf_from(F80 a) {  // a finite
  if (classify(a) == Cls::Zero) return XF{sign_of(a), 0, 0};
  Num n = unpack(a);
  return XF{n.sign, n.exp, u128(n.sig) << 64};
}
inline XF xf_int(int64_t v) {
  bool s = v < 0;
  uint64_t m = s ? 0 - uint64_t(v) : uint64_t(v);
  return xf_norm(s, 127, u128(m));
}
inline XF xf_neg(XF a) {
  a.s = !a.s;
  return a;
}
inline XF xf_abs(XF a) {
  a.s = false;
  return a;
}
inline XF xf_ldexp(XF a, int n) {
  if (!a.zero()) a.e += n;
  return a;
}
// Round to the destination with the env's rounding control and 64-bit precision.
inline F80 xf_round(Env& env, const XF& a) {
  if (a.zero()) return f80_zero(a.s);
  Env e2 = env;
  e2.prec = 64;
  F80 r = round_f80(e2, a.s, a.e, a.m);
  env.exc |= e2.exc;
  env.c1 = e2.c1;
  return r;
}

XF xf_mul(const XF& a, const XF& b);
XF xf_add(const XF& a, const XF& b);
inline XF xf_sub(const XF& a, const XF& b) { return xf_add(a, xf_neg(b)); }
XF xf_div(const XF& a, const XF& b);
XF xf_div_small(const XF& a, uint32_t k);  // a / k for a small positive integer k (fast)
XF xf_sqrt(const XF& a);
int xf_cmp_abs(const XF& a, const XF& b);

const XF& xf_pi();
const XF& xf_ln2();
const XF& xf_log2e();  // 1 / ln 2

}  // namespace rz::fp
