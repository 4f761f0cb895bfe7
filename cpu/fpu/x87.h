// cpu/fpu/x87.h: the x87 register stack, tag word, status word and exception bookkeeping
// shared by the instruction handlers (cpu/ops_fpu*.cpp).
//
// ST(i) is physical register (TOP + i) & 7.  The full 2-bit tag word is kept up to date on
// every register write (00 valid, 01 zero, 10 special, 11 empty).  Exception flags raised by
// an operation are merged with finish(), which also applies the "unmasked exception: no
// result" rule and recomputes ES/B.
#pragma once

#include "cpu/cpu.h"
#include "cpu/fpu/softfloat.h"

namespace rz::x87 {

enum : uint16_t {
  SW_IE = 0x1, SW_DE = 0x2, SW_ZE = 0x4, SW_OE = 0x8, SW_UE = 0x10, SW_PE = 0x20,
  SW_SF = 0x40, SW_ES = 0x80, SW_C0 = 0x100, SW_C1 = 0x200, SW_C2 = 0x400, SW_C3 = 0x4000,
  SW_B = 0x8000, SW_TOP = 0x3800, SW_CC = SW_C0 | SW_C1 | SW_C2 | SW_C3,
};
enum : uint8_t { kTagValid = 0, kTagZero = 1, kTagSpecial = 2, kTagEmpty = 3 };

inline unsigned top(const FpuState& f) { return (f.fsw >> 11) & 7; }
inline void set_top(FpuState& f, unsigned t) { f.fsw = uint16_t((f.fsw & ~SW_TOP) | ((t & 7) << 11)); }
inline unsigned phys(const FpuState& f, unsigned i) { return (top(f) + i) & 7; }
inline unsigned tag_of(const FpuState& f, unsigned p) { return (f.ftw >> (2 * p)) & 3; }
inline void set_tag(FpuState& f, unsigned p, unsigned t) {
  f.ftw = uint16_t((f.ftw & ~(3u << (2 * p))) | (t << (2 * p)));
}
inline bool empty(const FpuState& f, unsigned i) { return tag_of(f, phys(f, i)) == kTagEmpty; }
inline F80& st(FpuState& f, unsigned i) { return f.st[phys(f, i)]; }

inline unsigned tag_for(F80 v) {
  switch (fp::classify(v)) {
    case fp::Cls::Zero: return kTagZero;
    case fp::Cls::Normal: return kTagValid;
    default: return kTagSpecial;
  }
}
inline void write_st(FpuState& f, unsigned i, F80 v) {
  f.st[phys(f, i)] = v;
  set_tag(f, phys(f, i), tag_for(v));
}
inline void pop(FpuState& f) {
  set_tag(f, phys(f, 0), kTagEmpty);
  set_top(f, top(f) + 1);
}
inline void push(FpuState& f, F80 v) {
  set_top(f, top(f) - 1);
  write_st(f, 0, v);
}
inline void set_c1(FpuState& f, bool v) { f.fsw = uint16_t((f.fsw & ~SW_C1) | (v ? SW_C1 : 0)); }
inline void set_cc(FpuState& f, uint16_t cc) { f.fsw = uint16_t((f.fsw & ~SW_CC) | cc); }

// Recompute ES and B from the flags and masks; deassert FERR# when nothing is pending.
void update_es(Cpu& c);

// Environment for an operation: rc from FCW; prec from PC only for the operations precision
// control applies to (FADD/FSUB/FMUL/FDIV/FSQRT and their forms).
inline fp::Env env_of(const FpuState& f, bool use_pc) {
  fp::Env e;
  e.rc = (f.fcw >> 10) & 3;
  static constexpr uint8_t kPrec[4] = {24, 64, 53, 64};  // PC 01 is reserved: extended
  e.prec = use_pc ? kPrec[(f.fcw >> 8) & 3] : 64;
  e.masks = f.fcw & 0x3F;
  return e;
}
// Exceptions in e that are unmasked and stop the instruction before its result is stored.
inline bool blocked(const fp::Env& e, bool memory_dest = false) {
  uint16_t stop = fp::kIE | fp::kDE | fp::kZE | (memory_dest ? (fp::kOE | fp::kUE) : 0);
  return e.exc & ~e.masks & stop;
}
// Merge the exceptions of e into FSW and set C1 from its rounding report.
void raise(Cpu& c, const fp::Env& e);

// Stack faults (SDM vol. 1 8.5.1.1): IE + SF, C1 = 1 for overflow, 0 for underflow.
// Return true when IE is masked (the masked response should be carried out).
bool stack_underflow(Cpu& c);
bool stack_overflow(Cpu& c);

// Instruction prologue: #NM (CR0.EM/TS), then, for waiting instructions, a pending
// unmasked exception (pending_error).
void check_available(Cpu& c, bool waits);
// A pending unmasked exception met by a waiting instruction: #MF with CR0.NE; without NE,
// FERR# and a freeze before the instruction unless IGNNE# is asserted.
void pending_error(Cpu& c);
// Assert FERR# (once; it stays asserted until ES clears).
void assert_ferr(Cpu& c);
// Record FIP/FCS/FOP (and FDP/FDS for memory forms).
void note_ip(Cpu& c, const Insn& i);

// FINIT state.
void reset_state(FpuState& f);
// Power-up/RESET state (SDM vol. 3 table 9-1): FCW 0040H, FSW 0, FTW 5555H (every register
// +0.0, tagged zero), pointers 0.  INIT leaves the x87 state unchanged.
void power_on_state(FpuState& f);
// Full tag word from register contents and the empty bits.
uint16_t full_tag_word(const FpuState& f);

}  // namespace rz::x87
