// cpu/ops_stack.cpp: general-purpose PUSH/POP forms, PUSHA/POPA, PUSHF/POPF, ENTER/LEAVE.
//
// The operand size picks the width pushed or popped; the stack-address size comes from
// SS.D (cpu/stack.h), so a 16-bit stack wraps SP inside its 64 KiB.  Every handler does its
// memory accesses (which may fault) before changing a register, so a fault leaves the
// instruction restartable.  Segment-register PUSH/POP live with the segment code.
#include "cpu/stack.h"
#include "cpu/table.h"

namespace rz {

namespace {

// ---- PUSH / POP -------------------------------------------------------------------------

// PUSH r (50+r).  PUSH eSP pushes the value ESP had before the instruction.
template <typename T>
void push_Z(Cpu& c, const Insn& i) { push<T>(c, get_reg<T>(c, i.r)); }

// PUSH r/m (FF /6).  A memory operand based on ESP is addressed with ESP before the push.
template <typename T, bool M>
void push_E(Cpu& c, const Insn& i) { push<T>(c, read_E<T, M>(c, i)); }

// PUSH imm (68 Iz, 6A Ib sign-extended by the decoder).
template <typename T>
void push_I(Cpu& c, const Insn& i) { push<T>(c, T(i.imm)); }

// POP r (58+r).  POP eSP leaves the popped value in eSP (the increment is overwritten).
template <typename T>
void pop_Z(Cpu& c, const Insn& i) {
  T v = pop<T>(c);
  set_reg<T>(c, i.r, v);
}

// POP r/m (8F /0).  A memory operand that uses ESP as a base is addressed with the value
// ESP has after the pop (SDM vol. 2 "POP"); ESP changes only once the store succeeded.
template <typename T, bool M>
void pop_E(Cpu& c, const Insn& i) {
  T v = stack_peek<T>(c);
  if constexpr (M) {
    const uint32_t old = c.r[ESP];
    set_sp(c, old + sizeof(T));
    const uint32_t off = ea(c, i);
    c.r[ESP] = old;
    write_mem<T>(c, i.seg, off, v);
    set_sp(c, old + sizeof(T));
  } else {
    set_sp(c, c.r[ESP] + sizeof(T));
    set_reg<T>(c, i.m, v);
  }
}

// ---- PUSHA / POPA -----------------------------------------------------------------------

// Push EAX, ECX, EDX, EBX, original ESP, EBP, ESI, EDI.  ESP is written last, so a fault
// part way leaves every register unchanged.
template <typename T>
void pusha(Cpu& c, const Insn&) {
  const uint32_t mask = stack_mask(c);
  const uint32_t sp = c.r[ESP];
  // Check the segment for all eight slots first (#SS(0) before any byte is written).
  for (unsigned k = 1; k <= 8; ++k) lin_write<sizeof(T)>(c, SS, (sp - k * sizeof(T)) & mask);
  for (unsigned k = 0; k < 8; ++k)
    write_mem<T>(c, SS, (sp - (k + 1) * sizeof(T)) & mask, get_reg<T>(c, reg_offset(k)));
  set_sp(c, sp - 8 * sizeof(T));
}

// Pop EDI, ESI, EBP, (skip), EBX, EDX, ECX, EAX; the slot of ESP is read and discarded.
template <typename T>
void popa(Cpu& c, const Insn&) {
  T v[8];
  for (unsigned k = 0; k < 8; ++k) v[k] = stack_peek<T>(c, k * sizeof(T));
  for (unsigned k = 0; k < 8; ++k) {
    unsigned reg = 7 - k;
    if (reg != ESP) set_reg<T>(c, reg_offset(reg), v[k]);
  }
  set_sp(c, c.r[ESP] + 8 * sizeof(T));
}

// ---- PUSHF / POPF -----------------------------------------------------------------------

// EFLAGS bits a P6 can hold at all: the arithmetic flags, TF IF DF IOPL NT RF VM AC VIF VIP
// ID, plus bit 1 which always reads as 1.
constexpr uint32_t kEflagsWritable = kArithFlags | TF | IF | DF | IOPL | NT | AC | ID;

inline unsigned iopl(const Cpu& c) { return (c.eflags >> 12) & 3; }

// PUSHF: in V86 mode with IOPL < 3, #GP(0) (no VME on this CPU).  The image has VM and RF
// cleared.
template <typename T>
void pushf(Cpu& c, const Insn&) {
  if (c.v86() && iopl(c) < 3) raise_gp0(c);
  push<T>(c, T(get_eflags(c) & ~(VM | RF)));
}

// POPF, SDM vol. 2 "POPF": which bits the popped image may change depends on the mode.
//   real mode or CPL 0:   everything writable except VM, VIF, VIP;
//   CPL <= IOPL:          not IOPL either;
//   CPL > IOPL:           not IOPL and not IF (silently kept, no fault);
//   V86 with IOPL = 3:    not IOPL (IF is writable: CPL 3 <= IOPL 3);
//   V86 with IOPL < 3:    #GP(0).
// RF is cleared in every case.  A 16-bit POPF changes only the low word.
template <typename T>
void popf(Cpu& c, const Insn&) {
  if (c.v86() && iopl(c) < 3) raise_gp0(c);
  const uint32_t v = pop<T>(c);
  uint32_t mask = kEflagsWritable;
  if (c.pe() && c.cpl > 0) {
    mask &= ~IOPL;
    if (c.cpl > iopl(c)) mask &= ~IF;
  }
  if constexpr (sizeof(T) == 2) mask &= 0xFFFFu;
  materialize_flags(c);
  c.eflags = ((c.eflags & ~mask) | (v & mask) | 2u) & ~RF;
}

// ---- ENTER / LEAVE ----------------------------------------------------------------------

// ENTER imm16, imm8 (SDM vol. 2 "ENTER"): push eBP, copy level-1 frame pointers from the
// old frame, push the new frame pointer, then reserve imm16 bytes.  The nesting level is
// taken mod 32.  Every write is done at precomputed addresses and eBP/eSP change only at
// the end, so a fault leaves the registers as they were.
template <typename T>
void enter(Cpu& c, const Insn& i) {
  const uint32_t mask = stack_mask(c);
  const uint32_t size = i.imm & 0xFFFF;
  const unsigned level = i.imm2 & 31;
  uint32_t sp = c.r[ESP] & mask;
  uint32_t bp = c.r[EBP] & mask;
  sp = (sp - sizeof(T)) & mask;
  write_mem<T>(c, SS, sp, get_reg<T>(c, reg_offset(EBP)));
  const uint32_t frame = sp;
  if (level > 0) {
    for (unsigned k = 1; k < level; ++k) {
      bp = (bp - sizeof(T)) & mask;
      T link = read_mem<T>(c, SS, bp);
      sp = (sp - sizeof(T)) & mask;
      write_mem<T>(c, SS, sp, link);
    }
    sp = (sp - sizeof(T)) & mask;
    write_mem<T>(c, SS, sp, T(frame));
  }
  const uint32_t new_sp = (sp - size) & mask;
  // #SS(0) if the new stack pointer is outside the stack segment.
  lin_write<1>(c, SS, new_sp);
  set_reg<T>(c, reg_offset(EBP), T(frame));
  set_sp(c, new_sp);
}

// LEAVE: eSP = eBP (by the stack size), then pop eBP (by the operand size).
template <typename T>
void leave(Cpu& c, const Insn&) {
  const uint32_t mask = stack_mask(c);
  const uint32_t sp = c.r[EBP] & mask;
  T v = read_mem<T>(c, SS, sp);
  set_sp(c, sp + sizeof(T));
  set_reg<T>(c, reg_offset(EBP), v);
}

}  // namespace

void register_ops_stack(OpTable& t) {
  for (int r = 0; r < 8; ++r) {
    t.add({.opcode = uint8_t(0x50 + r), .mnemonic = "PUSH", .form = "Zv", .hs = RZ_HS_VN(push_Z)});
    t.add({.opcode = uint8_t(0x58 + r), .mnemonic = "POP", .form = "Zv", .hs = RZ_HS_VN(pop_Z)});
  }
  t.add({.opcode = 0xFF, .reg = 6, .mnemonic = "PUSH", .form = "Ev", .hs = RZ_HS_V(push_E)});
  t.add({.opcode = 0x8F, .reg = 0, .mnemonic = "POP", .form = "Ev", .hs = RZ_HS_V(pop_E)});
  t.add({.opcode = 0x68, .mnemonic = "PUSH", .form = "Iz", .hs = RZ_HS_VN(push_I)});
  t.add({.opcode = 0x6A, .mnemonic = "PUSH", .form = "Ib", .hs = RZ_HS_VN(push_I)});
  t.add({.opcode = 0x60, .mnemonic = "PUSHA", .form = "", .hs = RZ_HS_VN(pusha)});
  t.add({.opcode = 0x61, .mnemonic = "POPA", .form = "", .hs = RZ_HS_VN(popa)});
  t.add({.opcode = 0x9C, .mnemonic = "PUSHF", .form = "", .cls = InsnClass::SensitiveUnprivileged,
         .hs = RZ_HS_VN(pushf)});
  // POPF can change IF, TF, IOPL and AC: the block ends after it.
  t.add({.opcode = 0x9D, .mnemonic = "POPF", .form = "", .cls = InsnClass::SensitiveUnprivileged,
         .attrs = kEndsBlock, .hs = RZ_HS_VN(popf)});
  t.add({.opcode = 0xC8, .mnemonic = "ENTER", .form = "Iw,Ib", .hs = RZ_HS_VN(enter)});
  t.add({.opcode = 0xC9, .mnemonic = "LEAVE", .form = "", .hs = RZ_HS_VN(leave)});
}

}  // namespace rz
