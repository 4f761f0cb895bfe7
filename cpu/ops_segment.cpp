// cpu/ops_segment.cpp: segment-register moves: MOV Sreg,Ew / MOV Ew,Sreg, PUSH/POP of
// ES/CS/SS/DS/FS/GS, and LDS/LES/LSS/LFS/LGS (SDM vol. 2).  Loads go through load_seg()
// (cpu/segments.h), which applies the real/V86 rules or every protected-mode check.
// MOV SS and POP SS inhibit interrupts and debug traps until the next instruction ends.
#include "cpu/descriptor.h"
#include "cpu/segments.h"
#include "cpu/stack.h"
#include "cpu/table.h"

namespace rz {

namespace {

// inhibit_irq = 2: interrupts AND debug traps wait one instruction (translator/engine.cpp).
void after_ss_load(Cpu& c) {
  c.inhibit_irq = 2;
  c.stop_block = true;
}

// MOV Sreg, Ew (8E).  reg 1 (CS) and 6/7 are #UD.
template <typename T, bool Mem>
void mov_sreg_ew(Cpu& c, const Insn& i) {
  const unsigned s = i.modrm_reg;
  if (s == CS || s >= kNumSegs) raise_ud(c);
  const uint16_t sel = read_E<uint16_t, Mem>(c, i);
  load_seg(c, s, sel);
  if (s == SS) after_ss_load(c);
}

// MOV Ew, Sreg (8C): a memory destination is always 16 bits; a register destination with
// a 32-bit operand size is zero-extended (P6 and later).
template <typename T, bool Mem>
void mov_ew_sreg(Cpu& c, const Insn& i) {
  const unsigned s = i.modrm_reg;
  if (s >= kNumSegs) raise_ud(c);
  const uint16_t sel = c.seg[s].sel;
  if constexpr (Mem) write_mem<uint16_t>(c, i.seg, ea(c, i), sel);
  else set_reg<T>(c, i.m, T(sel));
}

// PUSH Sreg: with a 32-bit operand size ESP moves by 4 but only the selector's two bytes
// are written (the upper half of the slot is left alone, as P6 processors do).
template <unsigned S>
void push_sreg(Cpu& c, const Insn& i) {
  const uint16_t sel = c.seg[S].sel;
  if (i.osz == 4) {
    const uint32_t sp = (c.r[ESP] - 4) & stack_mask(c);
    const uint32_t lin = lin_write<4>(c, SS, sp);
    write_lin<uint16_t>(c, lin, sel, c.user());
    set_sp(c, sp);
  } else {
    push<uint16_t>(c, sel);
  }
}

template <unsigned S>
void pop_sreg(Cpu& c, const Insn& i) {
  const uint16_t sel = stack_peek<uint16_t>(c);
  if (i.osz == 4) (void)stack_peek<uint32_t>(c);  // the whole slot must be readable
  load_seg(c, S, sel);
  set_sp(c, c.r[ESP] + i.osz);
  if (S == SS) after_ss_load(c);
}

// LDS/LES/LSS/LFS/LGS Gv, Mp: offset then selector; the segment load (which may fault)
// happens before the register write.
template <unsigned S, typename T>
void load_far_ptr(Cpu& c, const Insn& i) {
  const uint32_t a = ea(c, i);
  const T off = read_mem<T>(c, i.seg, a);
  const uint16_t sel = read_mem<uint16_t>(c, i.seg, (a + sizeof(T)) & i.amask);
  load_seg(c, S, sel);
  write_G<T>(c, i, off);
  if (S == SS) c.stop_block = true;
}

template <unsigned S>
constexpr HandlerSet lxs_set() {
  return HandlerSet{{{nullptr, load_far_ptr<S, uint16_t>}, {nullptr, load_far_ptr<S, uint32_t>}}};
}

}  // namespace

void register_ops_segment(OpTable& t) {
  constexpr auto SU = InsnClass::SensitiveUnprivileged;
  // MOV Sreg,Ew: one row per target so that only SS loads end the block.
  for (int r = 0; r < 8; ++r) {
    const uint32_t attrs = (r == SS) ? kEndsBlock : 0;
    t.add({.opcode = 0x8E, .reg = int8_t(r), .mnemonic = "MOV", .form = "Sw,Ew", .cls = SU, .attrs = attrs, .hs = RZ_HS_V(mov_sreg_ew)});
  }
  t.add({.opcode = 0x8C, .mnemonic = "MOV", .form = "Ew,Sw", .cls = SU, .hs = RZ_HS_V(mov_ew_sreg)});
  t.add({.opcode = 0x06, .mnemonic = "PUSH", .form = "ES", .cls = SU, .hs = RZ_HS_1(push_sreg<ES>)});
  t.add({.opcode = 0x0E, .mnemonic = "PUSH", .form = "CS", .cls = SU, .hs = RZ_HS_1(push_sreg<CS>)});
  t.add({.opcode = 0x16, .mnemonic = "PUSH", .form = "SS", .cls = SU, .hs = RZ_HS_1(push_sreg<SS>)});
  t.add({.opcode = 0x1E, .mnemonic = "PUSH", .form = "DS", .cls = SU, .hs = RZ_HS_1(push_sreg<DS>)});
  t.add({.map = kMap0F, .opcode = 0xA0, .mnemonic = "PUSH", .form = "FS", .cls = SU, .hs = RZ_HS_1(push_sreg<FS>)});
  t.add({.map = kMap0F, .opcode = 0xA8, .mnemonic = "PUSH", .form = "GS", .cls = SU, .hs = RZ_HS_1(push_sreg<GS>)});
  t.add({.opcode = 0x07, .mnemonic = "POP", .form = "ES", .cls = SU, .hs = RZ_HS_1(pop_sreg<ES>)});
  t.add({.opcode = 0x17, .mnemonic = "POP", .form = "SS", .cls = SU, .attrs = kEndsBlock, .hs = RZ_HS_1(pop_sreg<SS>)});
  t.add({.opcode = 0x1F, .mnemonic = "POP", .form = "DS", .cls = SU, .hs = RZ_HS_1(pop_sreg<DS>)});
  t.add({.map = kMap0F, .opcode = 0xA1, .mnemonic = "POP", .form = "FS", .cls = SU, .hs = RZ_HS_1(pop_sreg<FS>)});
  t.add({.map = kMap0F, .opcode = 0xA9, .mnemonic = "POP", .form = "GS", .cls = SU, .hs = RZ_HS_1(pop_sreg<GS>)});
  t.add({.opcode = 0xC4, .mod = 0, .mnemonic = "LES", .form = "Gv,Mp", .cls = SU, .hs = lxs_set<ES>()});
  t.add({.opcode = 0xC5, .mod = 0, .mnemonic = "LDS", .form = "Gv,Mp", .cls = SU, .hs = lxs_set<DS>()});
  t.add({.map = kMap0F, .opcode = 0xB2, .mod = 0, .mnemonic = "LSS", .form = "Gv,Mp", .cls = SU, .attrs = kEndsBlock, .hs = lxs_set<SS>()});
  t.add({.map = kMap0F, .opcode = 0xB4, .mod = 0, .mnemonic = "LFS", .form = "Gv,Mp", .cls = SU, .hs = lxs_set<FS>()});
  t.add({.map = kMap0F, .opcode = 0xB5, .mod = 0, .mnemonic = "LGS", .form = "Gv,Mp", .cls = SU, .hs = lxs_set<GS>()});
}

}  // namespace rz
