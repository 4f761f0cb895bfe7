// cpu/sse/softfp.h: IEEE binary32/binary64 arithmetic for SSE/SSE2, in integers only.
//
// Every SSE/SSE2 floating-point instruction computes one lane at a time through these
// functions, so an AArch64 host gives the same bits as an x86-64 one (no host FPU, no host
// MXCSR).  They implement what the SDM says of the SSE unit (vol. 1 ch. 4.8, 4.9, 11.5):
//   - rounding by MXCSR.RC; tininess is detected after rounding; masked underflow is
//     flagged only when the tiny result is also inexact, unmasked underflow whenever tiny;
//   - DAZ: denormal sources read as zero of the same sign (no DE); FTZ (with UM set): a
//     tiny result becomes zero of the same sign with UE and PE;
//   - NaN results: an SNaN source raises IE; the first source's NaN wins over the second,
//     quieted; invalid operations return the QNaN indefinite (FFC00000 / FFF8000000000000);
//   - exception priority (vol. 3 table 6-8): SNaN/IE, QNaN operand, other IE and ZE,
//     then DE; a masked higher one lets lower ones be detected too.
// Each call reports its lane's flags in Env::exc (MXCSR bit positions); the caller merges
// lanes and applies the pre-/post-computation fault rules (cpu/ops_sse_fp.cpp).
#pragma once

#include <cstdint>

namespace rz::sse {

// MXCSR flag bits (also the Env::exc bits) and mask bits shifted down by 7.
enum : uint32_t { kIE = 1, kDE = 2, kZE = 4, kOE = 8, kUE = 16, kPE = 32 };
constexpr uint32_t kPreExc = kIE | kDE | kZE;   // detected before computing
constexpr uint32_t kPostExc = kOE | kUE | kPE;  // detected on the result
enum : uint8_t { kRoundNearest = 0, kRoundDown = 1, kRoundUp = 2, kRoundZero = 3 };

struct Env {
  uint8_t rc = kRoundNearest;
  bool daz = false;
  bool ftz = false;
  uint32_t masks = 0x3F;  // MXCSR bits 7-12 >> 7
  uint32_t exc = 0;       // raised (out)
  bool masked(uint32_t f) const { return (masks & f) == f; }
};
// The environment MXCSR describes.
inline Env env_of(uint32_t mxcsr) {
  Env e;
  e.rc = uint8_t((mxcsr >> 13) & 3);
  e.daz = mxcsr & (1u << 6);
  e.ftz = mxcsr & (1u << 15);
  e.masks = (mxcsr >> 7) & 0x3F;
  return e;
}

// Format descriptions.
struct F32 {
  using U = uint32_t;
  static constexpr int kFrac = 23, kBias = 127, kExpMax = 0xFF;
  static constexpr U kIndefinite = 0xFFC00000u;
};
struct F64 {
  using U = uint64_t;
  static constexpr int kFrac = 52, kBias = 1023, kExpMax = 0x7FF;
  static constexpr U kIndefinite = 0xFFF8000000000000ull;
};

// ---- arithmetic (cpu/sse/softfp_arith.cpp) -------------------------------------------------
template <class F> typename F::U add(Env& e, typename F::U a, typename F::U b);
template <class F> typename F::U sub(Env& e, typename F::U a, typename F::U b);
template <class F> typename F::U mul(Env& e, typename F::U a, typename F::U b);
template <class F> typename F::U div(Env& e, typename F::U a, typename F::U b);
template <class F> typename F::U sqrt(Env& e, typename F::U a);
// MINPS/MAXPS rules: the second operand when either is a NaN or both are zeros; IE for
// any NaN (QNaN too), DE for a denormal.
template <class F> typename F::U min(Env& e, typename F::U a, typename F::U b);
template <class F> typename F::U max(Env& e, typename F::U a, typename F::U b);

// ---- comparisons (cpu/sse/softfp_cmp.cpp) --------------------------------------------------
enum class Rel : uint8_t { Less, Equal, Greater, Unordered };
// signaling: any NaN raises IE (COMISS, CMPLT...); otherwise only an SNaN does.
template <class F> Rel compare(Env& e, typename F::U a, typename F::U b, bool signaling);
// CMPPS/CMPPD predicate 0-7 (EQ LT LE UNORD NEQ NLT NLE ORD): true or false.
template <class F> bool compare_predicate(Env& e, typename F::U a, typename F::U b, unsigned imm);

// ---- conversions (cpu/sse/softfp_cvt.cpp) --------------------------------------------------
uint64_t f32_to_f64(Env& e, uint32_t a);
uint32_t f64_to_f32(Env& e, uint64_t a);
template <class F> typename F::U from_i32(Env& e, int32_t v);
// To int32 with MXCSR.RC (truncate: toward zero); NaN, infinity and out of range raise IE
// and give the integer indefinite 80000000H.
template <class F> int32_t to_i32(Env& e, typename F::U a, bool truncate);

// ---- approximations (cpu/sse/softfp_approx.cpp) ----------------------------------------------
// RCPPS/RSQRTPS: no exceptions, no MXCSR effect (see the file for the algorithm).
uint32_t rcp14(uint32_t a);
uint32_t rsqrt14(uint32_t a);

// ---- classification helpers (the rest is private: cpu/sse/softfp_core.h) ---------------------
template <class F> constexpr bool is_nan(typename F::U a) {
  using U = typename F::U;
  return ((a >> F::kFrac) & F::kExpMax) == unsigned(F::kExpMax) && (a & ((U(1) << F::kFrac) - 1));
}
template <class F> constexpr bool is_snan(typename F::U a) {
  using U = typename F::U;
  return is_nan<F>(a) && !(a & (U(1) << (F::kFrac - 1)));
}
template <class F> constexpr bool is_denormal(typename F::U a) {
  using U = typename F::U;
  return ((a >> F::kFrac) & F::kExpMax) == 0 && (a & ((U(1) << F::kFrac) - 1));
}

}  // namespace rz::sse
