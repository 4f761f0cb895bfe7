// cpu/ops_branch.cpp: Jcc, JMP, CALL, RET, LOOP/JCXZ (near); far forms in cpu/ops_far.cpp.
#include "cpu/stack.h"
#include "cpu/table.h"

namespace rz {

namespace {

// Near branch target: truncated to 16 bits with a 16-bit operand size; must lie within CS.
inline void near_jump(Cpu& c, uint32_t target, unsigned osz) {
  if (osz == 2) target &= 0xFFFF;
  if (target > c.seg[CS].limit) raise_gp0(c);
  c.eip = target;
}

template <typename T>
void jcc(Cpu& c, const Insn& i) {
  uint32_t next = next_eip(c, i);
  if (test_cc(c, i.opcode & 0xF)) near_jump(c, next + i.imm, sizeof(T));
  else c.eip = next;
}

template <typename T>
void jmp_rel(Cpu& c, const Insn& i) { near_jump(c, next_eip(c, i) + i.imm, sizeof(T)); }

template <typename T>
void call_rel(Cpu& c, const Insn& i) {
  uint32_t next = next_eip(c, i);
  uint32_t target = next + i.imm;
  if (sizeof(T) == 2) target &= 0xFFFF;
  if (target > c.seg[CS].limit) raise_gp0(c);
  push<T>(c, T(next));
  c.eip = target;
}

}  // namespace

void register_ops_branch(OpTable& t) {
  for (int cc = 0; cc < 16; ++cc) {
    t.add({.opcode = uint8_t(0x70 + cc), .mnemonic = "Jcc", .form = "Jb", .attrs = kControl, .hs = RZ_HS_VN(jcc)});
    t.add({.map = kMap0F, .opcode = uint8_t(0x80 + cc), .mnemonic = "Jcc", .form = "Jz", .attrs = kControl, .hs = RZ_HS_VN(jcc)});
  }
  t.add({.opcode = 0xEB, .mnemonic = "JMP", .form = "Jb", .attrs = kControl, .hs = RZ_HS_VN(jmp_rel)});
  t.add({.opcode = 0xE9, .mnemonic = "JMP", .form = "Jz", .attrs = kControl, .hs = RZ_HS_VN(jmp_rel)});
  t.add({.opcode = 0xE8, .mnemonic = "CALL", .form = "Jz", .attrs = kControl, .hs = RZ_HS_VN(call_rel)});
}

}  // namespace rz
