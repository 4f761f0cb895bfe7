// cpu/alu.h: flag-producing ALU algorithms, templated on width (style.md practice 3).
// Handlers in cpu/ops_*.cpp only fetch and store operands and call these.
#pragma once

#include <type_traits>

#include "cpu/cpu.h"

namespace rz {

enum class AluOp : uint8_t { Add = 0, Or, Adc, Sbb, And, Sub, Xor, Cmp };

template <typename T>
inline T alu(Cpu& c, AluOp op, T a, T b) {
  T r;
  switch (op) {
    case AluOp::Add: r = T(a + b); set_lazy<T>(c, FlagKind::Add, r, a, b); return r;
    case AluOp::Or: r = T(a | b); set_lazy<T>(c, FlagKind::Logic, r, 0, 0); return r;
    case AluOp::Adc: {
      T cf = get_cf(c) ? 1 : 0;
      r = T(a + b + cf);
      set_lazy<T>(c, FlagKind::Adc, r, a, b);
      return r;
    }
    case AluOp::Sbb: {
      T cf = get_cf(c) ? 1 : 0;
      r = T(a - b - cf);
      set_lazy<T>(c, FlagKind::Sbb, r, a, b);
      return r;
    }
    case AluOp::And: r = T(a & b); set_lazy<T>(c, FlagKind::Logic, r, 0, 0); return r;
    case AluOp::Sub:
    case AluOp::Cmp: r = T(a - b); set_lazy<T>(c, FlagKind::Sub, r, a, b); return r;
    case AluOp::Xor: r = T(a ^ b); set_lazy<T>(c, FlagKind::Logic, r, 0, 0); return r;
  }
  __builtin_unreachable();
}

template <typename T>
inline T alu_inc(Cpu& c, T a) {
  T r = T(a + 1);
  set_lazy<T>(c, FlagKind::Add, r, a, 1, kArithFlags & ~CF);
  return r;
}
template <typename T>
inline T alu_dec(Cpu& c, T a) {
  T r = T(a - 1);
  set_lazy<T>(c, FlagKind::Sub, r, a, 1, kArithFlags & ~CF);
  return r;
}
template <typename T>
inline T alu_neg(Cpu& c, T a) {
  T r = T(0 - a);
  set_lazy<T>(c, FlagKind::Sub, r, 0, a);
  return r;
}

// Set SF/ZF/PF from `res` lazily and CF/OF/AF explicitly.
template <typename T>
inline void set_szp_explicit(Cpu& c, T res, uint32_t cf_of_af) {
  set_lazy<T>(c, FlagKind::Logic, res, 0, 0, SF | ZF | PF);
  set_flags_explicit(c, CF | OF | AF, cf_of_af);
}

template <typename T>
constexpr unsigned bits_of() { return sizeof(T) * 8; }
template <typename T>
using signed_of = std::make_signed_t<T>;

}  // namespace rz
