// cpu/fpu/softfloat.h: 80-bit extended-precision arithmetic in plain integers.
//
// The x87 arithmetic core, written with 64/128-bit integer operations only, so an AArch64
// host produces the same bits as an x86-64 one (no host long double, no host FPU state).
// Every operation takes an Env carrying the x87 control bits it needs (rounding control,
// precision control, exception masks) and returns the raised exception flags and C1 (set
// when the rounded result is larger in magnitude than the exact one) in it.  The masked
// responses of the SDM vol. 1 chapter 4.9 / 8.5 are built in; for unmasked IE/DE/ZE the
// caller must not store the returned value; for unmasked OE/UE with a register destination
// the returned value is the exponent-wrapped result (bias adjust 24576) the x87 delivers.
#pragma once

#include <cstdint>

#include "cpu/fpu_state.h"

namespace rz::fp {

using u128 = unsigned __int128;

// Exception flags, as in the FSW/FCW low bits.
enum : uint16_t { kIE = 1, kDE = 2, kZE = 4, kOE = 8, kUE = 0x10, kPE = 0x20 };
enum : uint8_t { kRoundNearest = 0, kRoundDown = 1, kRoundUp = 2, kRoundZero = 3 };

struct Env {
  uint8_t rc = kRoundNearest;
  uint8_t prec = 64;       // significand bits: 24, 53 or 64 (x87 precision control)
  uint16_t masks = 0x3F;   // FCW exception masks
  uint16_t exc = 0;        // raised exceptions (out)
  bool c1 = false;         // rounded up (out)
  bool masked(uint16_t f) const { return masks & f; }
};

// Operand classes (SDM vol. 1 table 8-7 plus the unsupported encodings).
enum class Cls : uint8_t { Zero, Normal, Denormal, Inf, QNaN, SNaN, Unsupported };

constexpr uint64_t kJ = 1ull << 63;          // explicit integer bit
constexpr uint64_t kQuiet = 1ull << 62;      // quiet bit of a NaN
constexpr int kExpBias = 16383;
constexpr int kWrap = 24576;                 // unmasked OE/UE bias adjust

inline bool sign_of(F80 a) { return a.se >> 15; }
inline int biased_exp(F80 a) { return a.se & 0x7FFF; }
inline F80 make_f80(bool s, int bexp, uint64_t m) { return F80{m, uint16_t((s ? 0x8000 : 0) | bexp)}; }
inline F80 f80_zero(bool s) { return make_f80(s, 0, 0); }
inline F80 f80_inf(bool s) { return make_f80(s, 0x7FFF, kJ); }
inline F80 f80_indefinite() { return make_f80(true, 0x7FFF, 0xC000000000000000ull); }
inline F80 f80_one(bool s = false) { return make_f80(s, kExpBias, kJ); }
inline bool same_bits(F80 a, F80 b) { return a.mant == b.mant && a.se == b.se; }

Cls classify(F80 a);
inline bool is_nan(Cls c) { return c == Cls::QNaN || c == Cls::SNaN; }
// True for classes that raise #D when used as arithmetic operands.
inline bool is_denormal(F80 a) { return classify(a) == Cls::Denormal; }

// A finite nonzero value as sign, unbiased exponent and normalised significand:
// value = sig * 2^(exp - 63), bit 63 of sig set.
struct Num {
  bool sign;
  int32_t exp;
  uint64_t sig;
};
Num unpack(F80 a);  // a must be Normal or Denormal

// Destination formats for rounding.
struct Format {
  int prec;   // significand bits
  int emin;   // smallest normal unbiased exponent
  int emax;   // largest
};
constexpr Format kExtended{64, -16382, 16383};
constexpr Format kDouble{53, -1022, 1023};
constexpr Format kSingle{24, -126, 127};

// Rounded result before packing: sig has the format's leading bit at bit 63 (zero for a
// denormal), exp is the unbiased exponent (emin for denormals, emax+1 for infinity).
struct Rounded {
  bool sign;
  int32_t exp;
  uint64_t sig;
};

// Round v * 2^(e - 127) (v != 0, bit 127 set) to `prec` bits in format f.  `wrap` is the
// bias adjust used for unmasked OE/UE (24576 for register results; 0 for memory results,
// which the caller then does not store).  Raises UE/OE/PE and sets C1.
Rounded round_to(Env& env, bool sign, int32_t e, u128 v, const Format& f, int prec, int wrap);
F80 pack_f80(const Rounded& r);
// Round an exact value to extended precision with the env's precision (prec) and pack.
F80 round_f80(Env& env, bool sign, int32_t e, u128 v);
// Normalise an arbitrary nonzero 128-bit magnitude with exponent of bit 127 = e.
F80 round_f80_any(Env& env, bool sign, int32_t e, u128 v);

// NaN results: raises IE for an SNaN and returns the quieted NaN the x87 delivers.
F80 propagate_nan(Env& env, F80 a, F80 b);
F80 propagate_nan(Env& env, F80 a);
// The masked response to an invalid operation.
F80 invalid(Env& env);

// ---- arithmetic (cpu/fpu/arith.cpp) --------------------------------------------------------
F80 add(Env& env, F80 a, F80 b);
F80 sub(Env& env, F80 a, F80 b);
F80 mul(Env& env, F80 a, F80 b);
F80 div(Env& env, F80 a, F80 b);
F80 sqrt(Env& env, F80 a);
F80 round_to_int(Env& env, F80 a);   // FRNDINT (always 64-bit precision)
F80 scale(Env& env, F80 a, F80 b);   // FSCALE: a * 2^trunc(b)
// FXTRACT: returns the significand; *exponent receives the unbiased exponent.
F80 extract(Env& env, F80 a, F80* exponent);
// FPREM (round = false) / FPREM1 (round = true).  *quot receives the low three quotient
// bits and *partial whether the reduction is incomplete (C2).
F80 partial_remainder(Env& env, F80 a, F80 b, bool round, unsigned* quot, bool* partial);

enum class Rel : uint8_t { Less, Equal, Greater, Unordered };
// quiet: FUCOM rules (IE only for SNaN); otherwise any NaN raises IE.
Rel compare(Env& env, F80 a, F80 b, bool quiet);

// ---- conversions (cpu/fpu/convert.cpp) -------------------------------------------------------
F80 from_int(int64_t v);
// Round to an integer of `bits` (16/32/64) with env.rc; out of range, NaN, infinity:
// IE and the integer indefinite (0x8000...).  *ok is false when IE was raised.
int64_t to_int(Env& env, F80 a, int bits, bool* ok);
// Exact widening; a denormal raises DE; an SNaN is returned still signalling.
F80 from_f32(Env& env, uint32_t v);
F80 from_f64(Env& env, uint64_t v);
uint32_t to_f32(Env& env, F80 a);
uint64_t to_f64(Env& env, F80 a);
// Packed BCD: 10 bytes, 18 digits + sign byte.
F80 from_bcd(const uint8_t bcd[10]);
// *ok false: IE (the BCD indefinite FFFF C000 0000 0000 0000 is written to out).
void to_bcd(Env& env, F80 a, uint8_t out[10], bool* ok);

// ---- transcendentals (cpu/fpu/transcend.cpp) ---------------------------------------------------
F80 f2xm1(Env& env, F80 a);
F80 fyl2x(Env& env, F80 x, F80 y);     // y * log2(x)
F80 fyl2xp1(Env& env, F80 x, F80 y);   // y * log2(x + 1)
F80 fpatan(Env& env, F80 y, F80 x);    // atan(y / x) with the quadrant of (x, y)
// FSIN/FCOS/FSINCOS/FPTAN: return false (C2 = 1, nothing changed) when |a| >= 2^63.
bool fsincos(Env& env, F80 a, F80* s, F80* c, bool want_sin, bool want_cos);
bool fptan(Env& env, F80 a, F80* t);

// The FLD constants rounded by rc (FLDPI, FLDL2E, FLDL2T, FLDLG2, FLDLN2).
enum class Const : uint8_t { Pi, L2E, L2T, LG2, LN2 };
F80 load_constant(Const k, uint8_t rc);

// Helpers shared by the files above.
inline int clz128(u128 v) {
  uint64_t hi = uint64_t(v >> 64);
  return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll(uint64_t(v));
}
inline u128 shift_right_sticky(u128 v, int n) {
  if (n <= 0) return v;
  if (n >= 128) return v != 0;
  return (v >> n) | u128((v & ((u128(1) << n) - 1)) != 0);
}

}  // namespace rz::fp
