// cpu/flags.h: lazy arithmetic flags.
//
// An ALU instruction records (operation, width, operands, result) in CpuState::lf and marks
// the flags it defines in CpuState::lazy; nothing is computed until a flag is read.  Flags an
// instruction leaves alone (CF for INC/DEC) are materialised into eflags first.  Shifts and
// the like compute CF/OF/AF themselves and leave SF/ZF/PF lazy through FlagOp::Logic.
#pragma once

#include <cstdint>

#include "cpu/state.h"

namespace rz {

enum class FlagKind : uint32_t { Add = 0, Adc, Sub, Sbb, Logic };

template <typename T>
constexpr uint32_t size_index() {
  return sizeof(T) == 1 ? 0 : sizeof(T) == 2 ? 1 : 2;
}
constexpr uint32_t flag_op(FlagKind k, uint32_t szi) { return uint32_t(k) * 3 + szi; }

inline uint32_t parity_flag(uint32_t v) {
  return (__builtin_parity(v & 0xFF) ? 0 : PF);
}

// Materialise all six arithmetic flags from the lazy record (ignores `lazy`).
uint32_t compute_arith_flags(const LazyFlags& lf);
// Only CF (returns CF or 0): INC/DEC preserve CF, so they need just this one.
uint32_t compute_cf(const LazyFlags& lf);

// Record an ALU result.  `defined` are the flags the instruction writes; any lazy flag it
// does not write is materialised first so it survives.
template <typename T>
inline void set_lazy(CpuState& s, FlagKind k, uint32_t res, uint32_t s1, uint32_t s2,
                     uint32_t defined = kArithFlags) {
  if (defined != kArithFlags && (s.lazy & ~defined)) {
    uint32_t keep = s.lazy & ~defined;
    uint32_t v = keep == CF ? compute_cf(s.lf) : compute_arith_flags(s.lf);
    s.eflags = (s.eflags & ~keep) | (v & keep);
  }
  s.lf.res = res;
  s.lf.src1 = s1;
  s.lf.src2 = s2;
  s.lf.op = flag_op(k, size_index<T>());
  s.lazy = defined;
}

// Full EFLAGS with lazy bits computed (does not change state).
inline uint32_t get_eflags(const CpuState& s) {
  if (!s.lazy) return s.eflags;
  return (s.eflags & ~s.lazy) | (compute_arith_flags(s.lf) & s.lazy);
}

// Materialise in place (before code that edits eflags bits directly).
inline void materialize_flags(CpuState& s) {
  if (s.lazy) {
    s.eflags = get_eflags(s);
    s.lazy = 0;
  }
}

// Overwrite the given arithmetic flags with explicit values.
inline void set_flags_explicit(CpuState& s, uint32_t mask, uint32_t values) {
  s.lazy &= ~mask;  // flags outside `mask` stay lazy: lf is untouched
  s.eflags = (s.eflags & ~mask) | (values & mask);
}

inline bool get_cf_slow(const CpuState& s) { return compute_cf(s.lf); }
inline bool get_cf(const CpuState& s) { return (s.lazy & CF) ? get_cf_slow(s) : (s.eflags & CF); }
inline bool get_flag(const CpuState& s, uint32_t f) { return get_eflags(s) & f; }

// Condition codes 0-15 as in Jcc/SETcc/CMOVcc.
bool test_cc(const CpuState& s, unsigned cc);

}  // namespace rz
