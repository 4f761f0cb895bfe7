// cpu/ops_branch.cpp: near Jcc, JMP, CALL, RET, LOOP/LOOPcc, JCXZ/JECXZ.
//
// Far forms live with the segment code.  All rows here are kControl: the handler sets EIP.
// A 16-bit operand size truncates the target to 16 bits; a target beyond the CS limit
// raises #GP(0) before anything (stack, counter) has changed (SDM vol. 2 "JMP", "CALL",
// "RET", "LOOP/LOOPcc", "Jcc").
#include "cpu/stack.h"
#include "cpu/table.h"

namespace rz {

namespace {

// The checked, truncated target of a near transfer (raises #GP(0) when outside CS).
inline uint32_t near_target(Cpu& c, uint32_t target, unsigned osz) {
  if (osz == 2) target &= 0xFFFF;
  if (target > c.seg[CS].limit) raise_gp0(c);
  return target;
}

template <typename T>
void jcc(Cpu& c, const Insn& i) {
  uint32_t next = next_eip(c, i);
  if (test_cc(c, i.opcode & 0xF)) c.eip = near_target(c, next + i.imm, sizeof(T));
  else c.eip = next;
}

template <typename T>
void jmp_rel(Cpu& c, const Insn& i) { c.eip = near_target(c, next_eip(c, i) + i.imm, sizeof(T)); }

// JMP r/m (FF /4): the operand is the absolute offset.
template <typename T, bool M>
void jmp_E(Cpu& c, const Insn& i) { c.eip = near_target(c, read_E<T, M>(c, i), sizeof(T)); }

template <typename T>
void call_rel(Cpu& c, const Insn& i) {
  uint32_t next = next_eip(c, i);
  uint32_t target = near_target(c, next + i.imm, sizeof(T));
  push<T>(c, T(next));
  c.eip = target;
}

// CALL r/m (FF /2).  The operand is read (with ESP before the push) before anything else.
template <typename T, bool M>
void call_E(Cpu& c, const Insn& i) {
  uint32_t target = near_target(c, read_E<T, M>(c, i), sizeof(T));
  push<T>(c, T(next_eip(c, i)));
  c.eip = target;
}

// RET / RET imm16: pop the return offset, then release imm16 more bytes of stack.
template <typename T>
void ret_near(Cpu& c, const Insn& i) {
  uint32_t target = near_target(c, stack_peek<T>(c), sizeof(T));
  set_sp(c, c.r[ESP] + sizeof(T) + (i.imm & 0xFFFF));
  c.eip = target;
}
template <typename T>
void ret_near0(Cpu& c, const Insn&) {
  uint32_t target = near_target(c, stack_peek<T>(c), sizeof(T));
  set_sp(c, c.r[ESP] + sizeof(T));
  c.eip = target;
}

// LOOP/LOOPE/LOOPNE (E2/E1/E0): the address size selects CX or ECX.  The counter is
// decremented without touching the flags; the branch is taken if it is non-zero and, for
// LOOPE/LOOPNE, ZF is 1/0.
template <typename T>
void loop(Cpu& c, const Insn& i) {
  const uint32_t amask = i.amask;
  const uint32_t count = (c.r[ECX] - 1) & amask;
  bool take = count != 0;
  if (i.opcode == 0xE1) take = take && get_flag(c, ZF);
  else if (i.opcode == 0xE0) take = take && !get_flag(c, ZF);
  uint32_t next = next_eip(c, i);
  if (take) next = near_target(c, next + i.imm, sizeof(T));
  c.r[ECX] = (c.r[ECX] & ~amask) | count;
  c.eip = next;
}

// JCXZ/JECXZ (E3): the address size selects CX or ECX.
template <typename T>
void jcxz(Cpu& c, const Insn& i) {
  uint32_t next = next_eip(c, i);
  if ((c.r[ECX] & i.amask) == 0) c.eip = near_target(c, next + i.imm, sizeof(T));
  else c.eip = next;
}

}  // namespace

void register_ops_branch(OpTable& t) {
  for (int cc = 0; cc < 16; ++cc) {
    t.add({.opcode = uint8_t(0x70 + cc), .mnemonic = "Jcc", .form = "Jb", .attrs = kControl, .hs = RZ_HS_VN(jcc)});
    t.add({.map = kMap0F, .opcode = uint8_t(0x80 + cc), .mnemonic = "Jcc", .form = "Jz", .attrs = kControl, .hs = RZ_HS_VN(jcc)});
  }
  t.add({.opcode = 0xEB, .mnemonic = "JMP", .form = "Jb", .attrs = kControl, .hs = RZ_HS_VN(jmp_rel)});
  t.add({.opcode = 0xE9, .mnemonic = "JMP", .form = "Jz", .attrs = kControl, .hs = RZ_HS_VN(jmp_rel)});
  t.add({.opcode = 0xFF, .reg = 4, .mnemonic = "JMP", .form = "Ev", .attrs = kControl, .hs = RZ_HS_V(jmp_E)});
  t.add({.opcode = 0xE8, .mnemonic = "CALL", .form = "Jz", .attrs = kControl, .hs = RZ_HS_VN(call_rel)});
  t.add({.opcode = 0xFF, .reg = 2, .mnemonic = "CALL", .form = "Ev", .attrs = kControl, .hs = RZ_HS_V(call_E)});
  t.add({.opcode = 0xC3, .mnemonic = "RET", .form = "", .attrs = kControl, .hs = RZ_HS_VN(ret_near0)});
  t.add({.opcode = 0xC2, .mnemonic = "RET", .form = "Iw", .attrs = kControl, .hs = RZ_HS_VN(ret_near)});
  t.add({.opcode = 0xE0, .mnemonic = "LOOPNE", .form = "Jb", .attrs = kControl, .hs = RZ_HS_VN(loop)});
  t.add({.opcode = 0xE1, .mnemonic = "LOOPE", .form = "Jb", .attrs = kControl, .hs = RZ_HS_VN(loop)});
  t.add({.opcode = 0xE2, .mnemonic = "LOOP", .form = "Jb", .attrs = kControl, .hs = RZ_HS_VN(loop)});
  t.add({.opcode = 0xE3, .mnemonic = "JCXZ", .form = "Jb", .attrs = kControl, .hs = RZ_HS_VN(jcxz)});
}

}  // namespace rz
