// tests/unit/test_fpu_core.cpp: the soft-float library (cpu/fpu/softfloat.h) on values whose
// results are known from the manuals or from first principles.  Host independent: these run
// on every host, including those without an x87 to compare against.
#include <gtest/gtest.h>

#include "cpu/fpu/softfloat.h"

namespace rz::fp {
namespace {

F80 v(uint16_t se, uint64_t m) { return F80{m, se}; }
void expect_f80(F80 got, uint16_t se, uint64_t m) {
  EXPECT_EQ(got.se, se) << std::hex << got.se << ":" << got.mant;
  EXPECT_EQ(got.mant, m) << std::hex << got.se << ":" << got.mant;
}
Env env(uint8_t rc = kRoundNearest, uint8_t prec = 64, uint16_t masks = 0x3F) {
  Env e;
  e.rc = rc;
  e.prec = prec;
  e.masks = masks;
  return e;
}

TEST(FpuCore, Classify) {
  EXPECT_EQ(classify(v(0, 0)), Cls::Zero);
  EXPECT_EQ(classify(v(0x3FFF, kJ)), Cls::Normal);
  EXPECT_EQ(classify(v(0x3FFF, 0x4000000000000000)), Cls::Unsupported);  // unnormal
  EXPECT_EQ(classify(v(0, 1)), Cls::Denormal);
  EXPECT_EQ(classify(v(0, kJ)), Cls::Denormal);                           // pseudo-denormal
  EXPECT_EQ(classify(v(0x7FFF, kJ)), Cls::Inf);
  EXPECT_EQ(classify(v(0x7FFF, 0)), Cls::Unsupported);                    // pseudo-infinity
  EXPECT_EQ(classify(v(0x7FFF, 1)), Cls::Unsupported);                    // pseudo-NaN
  EXPECT_EQ(classify(v(0x7FFF, kJ | 1)), Cls::SNaN);
  EXPECT_EQ(classify(v(0xFFFF, 0xC000000000000000)), Cls::QNaN);
}

TEST(FpuCore, AddExactAndSignedZero) {
  Env e = env();
  expect_f80(add(e, f80_one(), f80_one()), 0x4000, kJ);
  EXPECT_EQ(e.exc, 0);
  e = env();
  expect_f80(sub(e, f80_one(), f80_one()), 0x0000, 0);  // +0 in nearest
  e = env(kRoundDown);
  expect_f80(sub(e, f80_one(), f80_one()), 0x8000, 0);  // -0 rounding down
  e = env();
  expect_f80(add(e, f80_zero(true), f80_zero(true)), 0x8000, 0);
}

TEST(FpuCore, DivisionRoundingModesAndPrecision) {
  // 1/3 = 0.AAAA...: 64 bits rounds down in nearest, up in +inf mode.
  const F80 three = from_int(3);
  Env e = env();
  expect_f80(div(e, f80_one(), three), 0x3FFD, 0xAAAAAAAAAAAAAAABull);
  EXPECT_EQ(e.exc, kPE);
  EXPECT_TRUE(e.c1);  // rounded up
  e = env(kRoundZero);
  expect_f80(div(e, f80_one(), three), 0x3FFD, 0xAAAAAAAAAAAAAAAAull);
  EXPECT_FALSE(e.c1);
  e = env(kRoundNearest, 24);
  expect_f80(div(e, f80_one(), three), 0x3FFD, 0xAAAAAB0000000000ull);
  e = env(kRoundNearest, 53);
  expect_f80(div(e, f80_one(), three), 0x3FFD, 0xAAAAAAAAAAAAA800ull);
}

TEST(FpuCore, DivideByZeroAndInvalid) {
  Env e = env();
  expect_f80(div(e, f80_one(true), f80_zero(false)), 0xFFFF, kJ);
  EXPECT_EQ(e.exc, kZE);
  e = env();
  expect_f80(div(e, f80_zero(false), f80_zero(false)), 0xFFFF, 0xC000000000000000ull);
  EXPECT_EQ(e.exc, kIE);
  e = env();
  expect_f80(sub(e, f80_inf(false), f80_inf(false)), 0xFFFF, 0xC000000000000000ull);
  EXPECT_EQ(e.exc, kIE);
  e = env();
  add(e, v(0x3FFF, 0x4000000000000000), f80_one());  // unnormal operand
  EXPECT_EQ(e.exc, kIE);
}

TEST(FpuCore, NanPropagation) {
  const F80 snan = v(0x7FFF, kJ | 5), qnan_small = v(0x7FFF, 0xC000000000000001ull);
  Env e = env();
  F80 r = add(e, snan, f80_one());
  expect_f80(r, 0x7FFF, kJ | kQuiet | 5);  // quieted
  EXPECT_EQ(e.exc, kIE);
  e = env();
  r = add(e, v(0x7FFF, kJ | 0x3FFFFFFFFFFFFFFFull), qnan_small);  // QNaN beats a larger SNaN
  expect_f80(r, 0x7FFF, 0xC000000000000001ull);
  EXPECT_EQ(e.exc, kIE);
  e = env();
  r = mul(e, v(0x7FFF, 0xC000000000000009ull), v(0xFFFF, 0xC000000000000003ull));
  expect_f80(r, 0x7FFF, 0xC000000000000009ull);  // larger significand
  EXPECT_EQ(e.exc, 0);
}

TEST(FpuCore, DenormalsAndUnderflow) {
  // Smallest normal / 2 is an exact denormal: no UE when masked, DE not raised (operands
  // are normal).
  Env e = env();
  F80 r = div(e, v(0x0001, kJ), from_int(2));
  expect_f80(r, 0x0000, 0x4000000000000000ull);
  EXPECT_EQ(e.exc, 0);
  // A pseudo-denormal operand raises DE and counts with exponent 1.
  e = env();
  r = add(e, v(0x0000, kJ), f80_zero(false));
  expect_f80(r, 0x0001, kJ);
  EXPECT_EQ(e.exc, kDE);
  // Inexact tiny result: UE and PE.
  e = env();
  div(e, v(0x0001, kJ | 2), from_int(3));  // ((2^63 + 1) / 3 would be exact)
  EXPECT_EQ(e.exc, kUE | kPE);
  // Tininess after rounding: 24-bit precision, the exact difference lies just below 2^-16382
  // and rounds up to it - no UE (a host x87 case from the long run).
  e = env(kRoundNearest, 24);
  r = sub(e, v(0x0003, 0xA51F9B29E95B5EFFull), v(0x0003, 0x851F9B29E9DB5EFFull));
  expect_f80(r, 0x0001, kJ);
  EXPECT_EQ(e.exc, kPE);
  EXPECT_TRUE(e.c1);
  // Unmasked UE: the exponent is wrapped by +24576.
  e = env(kRoundNearest, 64, 0x3F & ~kUE);
  r = mul(e, v(0x0010, kJ), v(0x0010, kJ));
  EXPECT_EQ(e.exc & kUE, kUE);
  EXPECT_EQ(r.se, 0x0010 + 0x0010 - 0x3FFF + 24576);
}

TEST(FpuCore, OverflowResponses) {
  const F80 big = v(0x7FFE, kJ);
  Env e = env();
  expect_f80(mul(e, big, from_int(2)), 0x7FFF, kJ);
  EXPECT_EQ(e.exc, kOE | kPE);
  e = env(kRoundZero);
  expect_f80(mul(e, big, from_int(2)), 0x7FFE, ~uint64_t(0));  // largest finite
  e = env(kRoundZero, 24);
  expect_f80(mul(e, big, from_int(2)), 0x7FFE, 0xFFFFFF0000000000ull);
  e = env(kRoundNearest, 64, 0x3F & ~kOE);  // unmasked: wrapped by -24576
  F80 r = mul(e, big, from_int(2));
  EXPECT_EQ(r.se, 0x7FFF - 24576);
}

TEST(FpuCore, SqrtAndRoundToInt) {
  Env e = env();
  expect_f80(sqrt(e, from_int(2)), 0x3FFF, 0xB504F333F9DE6484ull);  // sqrt(2) = 1.6A09E667F3BCC908B2...
  EXPECT_EQ(e.exc, kPE);
  e = env();
  expect_f80(sqrt(e, from_int(144)), 0x4002, 0xC000000000000000ull);
  EXPECT_EQ(e.exc, 0);
  e = env();
  sqrt(e, f80_one(true));
  EXPECT_EQ(e.exc, kIE);
  e = env();
  expect_f80(sqrt(e, f80_zero(true)), 0x8000, 0);
  const F80 two_and_half = v(0x4000, 0xA000000000000000ull);
  e = env();
  expect_f80(round_to_int(e, two_and_half), 0x4000, kJ);  // ties to even
  e = env(kRoundUp);
  expect_f80(round_to_int(e, two_and_half), 0x4000, 0xC000000000000000ull);
  EXPECT_TRUE(e.c1);
  e = env(kRoundDown);
  expect_f80(round_to_int(e, v(0xBFFE, kJ)), 0xBFFF, kJ);  // -0.5 -> -1
}

TEST(FpuCore, IntegerConversions) {
  Env e = env();
  bool ok;
  EXPECT_EQ(to_int(e, from_int(-32768), 16, &ok), -32768);
  EXPECT_TRUE(ok);
  e = env();
  EXPECT_EQ(uint16_t(to_int(e, from_int(32768), 16, &ok)), 0x8000);  // integer indefinite
  EXPECT_FALSE(ok);
  EXPECT_EQ(e.exc, kIE);
  e = env();
  EXPECT_EQ(to_int(e, v(0x3FFF, 0xC000000000000000ull), 32, &ok), 2);  // 1.5 -> 2
  EXPECT_EQ(e.exc, kPE);
  e = env(kRoundZero);
  EXPECT_EQ(to_int(e, v(0xBFFF, 0xC000000000000000ull), 32, &ok), -1);
  e = env();
  EXPECT_EQ(to_int(e, from_int(INT64_MIN), 64, &ok), INT64_MIN);
  EXPECT_TRUE(ok);
  e = env();
  to_int(e, f80_indefinite(), 64, &ok);
  EXPECT_FALSE(ok);
}

TEST(FpuCore, RealConversions) {
  Env e = env();
  EXPECT_EQ(to_f32(e, div(e, f80_one(), from_int(3))), 0x3EAAAAABu);
  e = env();
  EXPECT_EQ(to_f64(e, f80_one(true)), 0xBFF0000000000000ull);
  EXPECT_EQ(e.exc, 0);
  e = env();
  EXPECT_EQ(to_f32(e, v(0x7FFF, kJ | 1)), 0x7FC00000u);  // SNaN -> quiet, payload truncated
  EXPECT_EQ(e.exc, kIE);
  e = env();
  EXPECT_EQ(to_f32(e, v(0x3FFF + 200, kJ)), 0x7F800000u);  // overflow
  EXPECT_EQ(e.exc, kOE | kPE);
  e = env();
  EXPECT_EQ(to_f32(e, v(0x3FFF - 149, kJ)), 1u);  // smallest single denormal, exact
  EXPECT_EQ(e.exc, 0);
  e = env();
  F80 d = from_f64(e, 1);  // smallest double denormal = 2^-1074
  expect_f80(d, 0x3FFF - 1074, kJ);
  EXPECT_EQ(e.exc, kDE);
  e = env();
  F80 s = from_f32(e, 0x7F800001u);  // SNaN stays signalling for the arithmetic rules
  EXPECT_EQ(classify(s), Cls::SNaN);
}

TEST(FpuCore, Bcd) {
  uint8_t b[10] = {0x21, 0x43, 0x65, 0x87, 0x09, 0, 0, 0, 0, 0x80};
  F80 x = from_bcd(b);
  Env e = env();
  bool ok;
  EXPECT_EQ(to_int(e, x, 64, &ok), -987654321);
  uint8_t out[10];
  to_bcd(e, x, out, &ok);
  EXPECT_TRUE(ok);
  for (int k = 0; k < 10; ++k) EXPECT_EQ(out[k], b[k]) << k;
  e = env();
  to_bcd(e, from_int(1000000000000000000ll), out, &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(out[9], 0xFF);
  EXPECT_EQ(out[8], 0xFF);
  EXPECT_EQ(out[7], 0xC0);
}

TEST(FpuCore, CompareAndRemainder) {
  Env e = env();
  EXPECT_EQ(compare(e, f80_zero(true), f80_zero(false), false), Rel::Equal);
  EXPECT_EQ(compare(e, f80_one(true), f80_one(), false), Rel::Less);
  EXPECT_EQ(e.exc, 0);
  EXPECT_EQ(compare(e, f80_indefinite(), f80_one(), true), Rel::Unordered);
  EXPECT_EQ(e.exc, 0);  // FUCOM: a QNaN is not invalid
  EXPECT_EQ(compare(e, f80_indefinite(), f80_one(), false), Rel::Unordered);
  EXPECT_EQ(e.exc, kIE);
  // 17 rem 5 = 2, quotient 3; FPREM1: 17 - 5*3 = 2 (3.4 rounds to 3).
  unsigned q;
  bool partial;
  e = env();
  expect_f80(partial_remainder(e, from_int(17), from_int(5), false, &q, &partial), 0x4000, kJ);
  EXPECT_EQ(q, 3u);
  EXPECT_FALSE(partial);
  // 18 rem1 5: 3.6 rounds to 4 -> -2.
  expect_f80(partial_remainder(e, from_int(18), from_int(5), true, &q, &partial), 0xC000, kJ);
  EXPECT_EQ(q, 4u);
  // Exponent difference >= 64: partial.
  partial_remainder(e, v(0x3FFF + 100, kJ | 12345), from_int(3), false, &q, &partial);
  EXPECT_TRUE(partial);
}

TEST(FpuCore, ConstantsFollowRounding) {
  expect_f80(load_constant(Const::Pi, kRoundNearest), 0x4000, 0xC90FDAA22168C235ull);
  expect_f80(load_constant(Const::Pi, kRoundDown), 0x4000, 0xC90FDAA22168C234ull);
  expect_f80(load_constant(Const::L2T, kRoundNearest), 0x4000, 0xD49A784BCD1B8AFEull);
  expect_f80(load_constant(Const::L2T, kRoundUp), 0x4000, 0xD49A784BCD1B8AFFull);
  expect_f80(load_constant(Const::LN2, kRoundNearest), 0x3FFE, 0xB17217F7D1CF79ACull);
  expect_f80(load_constant(Const::LG2, kRoundNearest), 0x3FFD, 0x9A209A84FBCFF799ull);
  expect_f80(load_constant(Const::L2E, kRoundZero), 0x3FFF, 0xB8AA3B295C17F0BBull);
}

TEST(FpuCore, Transcendentals) {
  Env e = env();
  // F2XM1(1) = 1, F2XM1(-1) = -0.5, F2XM1(0.5) = sqrt(2) - 1 = 0.6A09E667F3BCC908B2...
  expect_f80(f2xm1(e, f80_one()), 0x3FFF, kJ);
  expect_f80(f2xm1(e, f80_one(true)), 0xBFFE, kJ);
  expect_f80(f2xm1(e, v(0x3FFE, kJ)), 0x3FFD, 0xD413CCCFE7799211ull);
  // FYL2X: 3 * log2(8) = 9 exactly; log2(0) -> ZE.
  e = env();
  expect_f80(fyl2x(e, from_int(8), from_int(3)), 0x4002, 0x9000000000000000ull);
  e = env();
  expect_f80(fyl2x(e, f80_zero(false), f80_one()), 0xFFFF, kJ);
  EXPECT_EQ(e.exc, kZE);
  e = env();
  fyl2x(e, f80_one(true), f80_one());
  EXPECT_EQ(e.exc, kIE);
  // FPATAN(1, 1) = pi/4; FPATAN(+0, -1) = pi.
  e = env();
  expect_f80(fpatan(e, f80_one(), f80_one()), 0x3FFE, 0xC90FDAA22168C235ull);
  expect_f80(fpatan(e, f80_zero(false), f80_one(true)), 0x4000, 0xC90FDAA22168C235ull);
  // sin(pi/6) is not exact in binary; sin(0) = 0, cos(0) = 1; C2 for |x| >= 2^63.
  F80 s, c;
  e = env();
  EXPECT_TRUE(fsincos(e, f80_zero(true), &s, &c, true, true));
  expect_f80(s, 0x8000, 0);
  expect_f80(c, 0x3FFF, kJ);
  EXPECT_FALSE(fsincos(e, v(0x3FFF + 63, kJ), &s, &c, true, true));
  // sin(1) = 0.D76AA47848677020C6E9E909C50F3C3289...
  e = env();
  fsincos(e, f80_one(), &s, &c, true, true);
  expect_f80(s, 0x3FFE, 0xD76AA47848677021ull);
  // tan(pi/4 as a 64-bit value) is 1 - 2^-64-ish: within an ulp of 1.
  F80 t;
  e = env();
  EXPECT_TRUE(fptan(e, v(0x3FFE, 0xC90FDAA22168C235ull), &t));
  EXPECT_TRUE(t.se == 0x3FFF || t.se == 0x3FFE);
}

}  // namespace
}  // namespace rz::fp
