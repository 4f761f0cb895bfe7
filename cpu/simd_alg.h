// cpu/simd_alg.h: the MMX / SSE2 integer algorithms, written once for 64-bit (MM) and
// 128-bit (XMM) operands (SDM vol. 2 "Operation" sections).  a is the destination operand's
// old value, b the source; every function returns the destination's new value.  Handlers
// (cpu/ops_mmx.cpp, cpu/ops_sse_int.cpp) only fetch operands and store results.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "cpu/simd_int.h"

namespace rz::simd::alg {

template <typename T, unsigned N, typename F>
inline Vec<N> lanes(const Vec<N>& a, const Vec<N>& b, F f) {
  Vec<N> r;
  for (unsigned k = 0; k < N / sizeof(T); ++k) r.template set<T>(k, T(f(a.template get<T>(k), b.template get<T>(k))));
  return r;
}

template <typename T>
inline T saturate(int64_t v) {
  if (v < int64_t(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
  if (v > int64_t(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  return T(v);
}

// ---- add / subtract: wrap-around, signed saturation, unsigned saturation ------------------
template <typename T, unsigned N>
Vec<N> add(const Vec<N>& a, const Vec<N>& b) { return lanes<T>(a, b, [](T x, T y) { return T(x + y); }); }
template <typename T, unsigned N>
Vec<N> sub(const Vec<N>& a, const Vec<N>& b) { return lanes<T>(a, b, [](T x, T y) { return T(x - y); }); }
// T is the signed or unsigned lane type: saturation follows it.
template <typename T, unsigned N>
Vec<N> adds(const Vec<N>& a, const Vec<N>& b) {
  return lanes<T>(a, b, [](T x, T y) { return saturate<T>(int64_t(x) + int64_t(y)); });
}
template <typename T, unsigned N>
Vec<N> subs(const Vec<N>& a, const Vec<N>& b) {
  return lanes<T>(a, b, [](T x, T y) { return saturate<T>(int64_t(x) - int64_t(y)); });
}

// ---- multiply ---------------------------------------------------------------------------------
template <unsigned N>
Vec<N> pmullw(const Vec<N>& a, const Vec<N>& b) {
  return lanes<uint16_t>(a, b, [](uint16_t x, uint16_t y) { return uint16_t(uint32_t(x) * y); });
}
template <unsigned N>
Vec<N> pmulhw(const Vec<N>& a, const Vec<N>& b) {
  return lanes<int16_t>(a, b, [](int16_t x, int16_t y) { return int16_t((int32_t(x) * y) >> 16); });
}
template <unsigned N>
Vec<N> pmulhuw(const Vec<N>& a, const Vec<N>& b) {
  return lanes<uint16_t>(a, b, [](uint16_t x, uint16_t y) { return uint16_t((uint32_t(x) * y) >> 16); });
}
// PMADDWD: each dword = x0*y0 + x1*y1 of its signed word pair (wraps only for all 8000H).
template <unsigned N>
Vec<N> pmaddwd(const Vec<N>& a, const Vec<N>& b) {
  Vec<N> r;
  for (unsigned k = 0; k < N / 4; ++k) {
    int64_t s = int64_t(a.template get<int16_t>(2 * k)) * b.template get<int16_t>(2 * k) +
                int64_t(a.template get<int16_t>(2 * k + 1)) * b.template get<int16_t>(2 * k + 1);
    r.template set<uint32_t>(k, uint32_t(s));
  }
  return r;
}
// PMULUDQ: the low dword of each qword, unsigned, into a 64-bit product.
template <unsigned N>
Vec<N> pmuludq(const Vec<N>& a, const Vec<N>& b) {
  Vec<N> r;
  for (unsigned k = 0; k < N / 8; ++k)
    r.template set<uint64_t>(k, uint64_t(a.template get<uint32_t>(2 * k)) * b.template get<uint32_t>(2 * k));
  return r;
}

// ---- compare, min/max, average, sum of absolute differences --------------------------------
template <typename T, unsigned N>
Vec<N> cmpeq(const Vec<N>& a, const Vec<N>& b) { return lanes<T>(a, b, [](T x, T y) { return x == y ? T(~T(0)) : T(0); }); }
template <typename T, unsigned N>  // T signed
Vec<N> cmpgt(const Vec<N>& a, const Vec<N>& b) { return lanes<T>(a, b, [](T x, T y) { return x > y ? T(~T(0)) : T(0); }); }
template <typename T, unsigned N>
Vec<N> max(const Vec<N>& a, const Vec<N>& b) { return lanes<T>(a, b, [](T x, T y) { return x > y ? x : y; }); }
template <typename T, unsigned N>
Vec<N> min(const Vec<N>& a, const Vec<N>& b) { return lanes<T>(a, b, [](T x, T y) { return x < y ? x : y; }); }
template <typename T, unsigned N>  // T unsigned: (x + y + 1) >> 1 without overflow
Vec<N> avg(const Vec<N>& a, const Vec<N>& b) {
  return lanes<T>(a, b, [](T x, T y) { return T((uint32_t(x) + y + 1) >> 1); });
}
template <unsigned N>
Vec<N> psadbw(const Vec<N>& a, const Vec<N>& b) {
  Vec<N> r{};
  for (unsigned q = 0; q < N / 8; ++q) {
    uint32_t s = 0;
    for (unsigned k = 0; k < 8; ++k) {
      int d = int(a.b[8 * q + k]) - int(b.b[8 * q + k]);
      s += uint32_t(d < 0 ? -d : d);
    }
    r.template set<uint64_t>(q, s);
  }
  return r;
}

// ---- logic ----------------------------------------------------------------------------------
template <unsigned N>
Vec<N> pand(const Vec<N>& a, const Vec<N>& b) { return lanes<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x & y; }); }
template <unsigned N>
Vec<N> pandn(const Vec<N>& a, const Vec<N>& b) { return lanes<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return ~x & y; }); }
template <unsigned N>
Vec<N> por(const Vec<N>& a, const Vec<N>& b) { return lanes<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x | y; }); }
template <unsigned N>
Vec<N> pxor(const Vec<N>& a, const Vec<N>& b) { return lanes<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x ^ y; }); }

// ---- pack / unpack ----------------------------------------------------------------------------
// Narrow every lane of a, then of b, with saturation to D (PACKSSWB/PACKSSDW/PACKUSWB).
template <typename S, typename D, unsigned N>
Vec<N> pack(const Vec<N>& a, const Vec<N>& b) {
  Vec<N> r;
  constexpr unsigned n = N / sizeof(S);
  for (unsigned k = 0; k < n; ++k) {
    r.template set<D>(k, saturate<D>(a.template get<S>(k)));
    r.template set<D>(n + k, saturate<D>(b.template get<S>(k)));
  }
  return r;
}
// Interleave the low (High = false) or high halves' lanes: a0 b0 a1 b1 ...
template <typename T, bool High, unsigned N>
Vec<N> unpack(const Vec<N>& a, const Vec<N>& b) {
  Vec<N> r;
  constexpr unsigned half = N / sizeof(T) / 2;
  const unsigned base = High ? half : 0;
  for (unsigned k = 0; k < half; ++k) {
    r.template set<T>(2 * k, a.template get<T>(base + k));
    r.template set<T>(2 * k + 1, b.template get<T>(base + k));
  }
  return r;
}

// ---- shifts: count is the full 64-bit count (register/memory forms) or imm8 -----------------
template <typename T, unsigned N>
Vec<N> shl(const Vec<N>& a, uint64_t count) {
  Vec<N> r;
  for (unsigned k = 0; k < N / sizeof(T); ++k)
    r.template set<T>(k, count >= 8 * sizeof(T) ? T(0) : T(a.template get<T>(k) << count));
  return r;
}
template <typename T, unsigned N>
Vec<N> shr(const Vec<N>& a, uint64_t count) {
  Vec<N> r;
  for (unsigned k = 0; k < N / sizeof(T); ++k)
    r.template set<T>(k, count >= 8 * sizeof(T) ? T(0) : T(a.template get<T>(k) >> count));
  return r;
}
template <typename T, unsigned N>  // T signed: counts beyond the width fill with the sign
Vec<N> sar(const Vec<N>& a, uint64_t count) {
  Vec<N> r;
  const unsigned s = count >= 8 * sizeof(T) ? 8 * sizeof(T) - 1 : unsigned(count);
  for (unsigned k = 0; k < N / sizeof(T); ++k) r.template set<T>(k, T(a.template get<T>(k) >> s));
  return r;
}
// PSLLDQ / PSRLDQ: whole-register byte shifts.
inline V128 byte_shl(const V128& a, uint64_t count) {
  V128 r{};
  for (unsigned k = 0; k < 16; ++k) r.b[k] = count <= k ? a.b[k - count] : 0;
  return r;
}
inline V128 byte_shr(const V128& a, uint64_t count) {
  V128 r{};
  for (unsigned k = 0; k < 16; ++k) r.b[k] = count < 16 - k ? a.b[k + count] : 0;
  return r;
}

// ---- shuffles ---------------------------------------------------------------------------------
// PSHUFW / PSHUFD / PSHUFLW / PSHUFHW: 4 lanes of T starting at lane `first` of the result
// come from b's lanes [first + imm field]; the other lanes are b's own.
template <typename T, unsigned First, unsigned N>
Vec<N> pshuf(const Vec<N>& b, unsigned imm) {
  Vec<N> r = b;
  for (unsigned k = 0; k < 4; ++k) r.template set<T>(First + k, b.template get<T>(First + ((imm >> (2 * k)) & 3)));
  return r;
}

template <unsigned N>
uint32_t pmovmskb(const Vec<N>& a) {
  uint32_t m = 0;
  for (unsigned k = 0; k < N; ++k) m |= uint32_t(a.b[k] >> 7) << k;
  return m;
}

}  // namespace rz::simd::alg
