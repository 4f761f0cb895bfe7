// cpu/ops_move.cpp: MOV forms, LEA, XCHG, MOVZX/MOVSX, CMOVcc, BSWAP, XADD, CMPXCHG(8B).
#include "cpu/alu.h"
#include "cpu/table.h"

namespace rz {

namespace {

template <typename T, bool M>
void mov_EG(Cpu& c, const Insn& i) { write_E<T, M>(c, i, read_G<T>(c, i)); }
template <typename T, bool M>
void mov_GE(Cpu& c, const Insn& i) { write_G<T>(c, i, read_E<T, M>(c, i)); }
template <typename T, bool M>
void mov_EI(Cpu& c, const Insn& i) { write_E<T, M>(c, i, T(i.imm)); }
template <typename T>
void mov_ZI(Cpu& c, const Insn& i) { set_reg<T>(c, i.r, T(i.imm)); }
// MOV AL/eAX, moffs and back: the decoder put the offset in disp (base/index none).
template <typename T>
void mov_A_O(Cpu& c, const Insn& i) { set_reg<T>(c, 0, read_mem<T>(c, i.seg, ea(c, i))); }
template <typename T>
void mov_O_A(Cpu& c, const Insn& i) { write_mem<T>(c, i.seg, ea(c, i), get_reg<T>(c, 0)); }

template <typename T>
void lea(Cpu& c, const Insn& i) { write_G<T>(c, i, T(ea(c, i))); }

}  // namespace

void register_ops_move(OpTable& t) {
  t.add({.opcode = 0x88, .mnemonic = "MOV", .form = "Eb,Gb", .hs = RZ_HS_B(mov_EG)});
  t.add({.opcode = 0x89, .mnemonic = "MOV", .form = "Ev,Gv", .hs = RZ_HS_V(mov_EG)});
  t.add({.opcode = 0x8A, .mnemonic = "MOV", .form = "Gb,Eb", .hs = RZ_HS_B(mov_GE)});
  t.add({.opcode = 0x8B, .mnemonic = "MOV", .form = "Gv,Ev", .hs = RZ_HS_V(mov_GE)});
  t.add({.opcode = 0xC6, .reg = 0, .mnemonic = "MOV", .form = "Eb,Ib", .hs = RZ_HS_B(mov_EI)});
  t.add({.opcode = 0xC7, .reg = 0, .mnemonic = "MOV", .form = "Ev,Iz", .hs = RZ_HS_V(mov_EI)});
  for (int r = 0; r < 8; ++r) {
    t.add({.opcode = uint8_t(0xB0 + r), .mnemonic = "MOV", .form = "Zb,Ib", .hs = RZ_HS_BN(mov_ZI)});
    t.add({.opcode = uint8_t(0xB8 + r), .mnemonic = "MOV", .form = "Zv,Iv", .hs = RZ_HS_VN(mov_ZI)});
  }
  t.add({.opcode = 0xA0, .mnemonic = "MOV", .form = "AL,Ob", .hs = RZ_HS_BN(mov_A_O)});
  t.add({.opcode = 0xA1, .mnemonic = "MOV", .form = "eAX,Ov", .hs = RZ_HS_VN(mov_A_O)});
  t.add({.opcode = 0xA2, .mnemonic = "MOV", .form = "Ob,AL", .hs = RZ_HS_BN(mov_O_A)});
  t.add({.opcode = 0xA3, .mnemonic = "MOV", .form = "Ov,eAX", .hs = RZ_HS_VN(mov_O_A)});
  t.add({.opcode = 0x8D, .mnemonic = "LEA", .form = "Gv,M", .hs = RZ_HS_M(lea)});
}

}  // namespace rz
