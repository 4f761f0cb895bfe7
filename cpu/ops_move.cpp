// cpu/ops_move.cpp: MOV forms, LEA, XCHG, MOVZX/MOVSX, CMOVcc, BSWAP, XADD, CMPXCHG(8B).
//
// Data movement between general registers and memory (SDM vol. 2).  Read-modify-write forms
// (XCHG m, XADD m, CMPXCHG m, CMPXCHG8B) take a write reference first (ref_mem), so the
// write that follows cannot fault after registers or flags have changed.  This is also what
// makes CMPXCHG fault on a read-only page even when the comparison fails: the P6 always
// writes the destination back (with its own value on failure), SDM vol. 2 "CMPXCHG".
#include "cpu/alu.h"
#include "cpu/table.h"

namespace rz {

namespace {

// ---- MOV --------------------------------------------------------------------------------

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

// LEA: the offset truncated to the operand size (SDM table 3-53 of LEA).
template <typename T>
void lea(Cpu& c, const Insn& i) { write_G<T>(c, i, T(ea(c, i))); }

// ---- XCHG -------------------------------------------------------------------------------

template <typename T, bool M>
void xchg_EG(Cpu& c, const Insn& i) {
  T g = read_G<T>(c, i);
  if constexpr (M) {
    auto ref = ref_mem<T>(c, i.seg, ea(c, i));
    T old = load<T>(c, ref);
    store<T>(c, ref, g);
    write_G<T>(c, i, old);
  } else {
    T e = get_reg<T>(c, i.m);
    set_reg<T>(c, i.m, g);
    set_reg<T>(c, i.r, e);
  }
}

// XCHG eAX, r (91-97; 90 is NOP in cpu/ops_misc.cpp).
template <typename T>
void xchg_ZA(Cpu& c, const Insn& i) {
  T a = get_reg<T>(c, 0);
  set_reg<T>(c, 0, get_reg<T>(c, i.r));
  set_reg<T>(c, i.r, a);
}

// ---- MOVZX / MOVSX ------------------------------------------------------------------------

template <typename S, bool Signed>
struct Extend {
  template <typename T, bool M>
  static void op(Cpu& c, const Insn& i) {
    S v = read_E<S, M>(c, i);
    if constexpr (Signed) write_G<T>(c, i, T(std::make_signed_t<T>(std::make_signed_t<S>(v))));
    else write_G<T>(c, i, T(v));
  }
};

// ---- CMOVcc -----------------------------------------------------------------------------
// The source is read (and may fault) whatever the condition; with a false condition the
// destination is left unchanged (in 32-bit code nothing is zero-extended).
template <typename T, bool M>
void cmovcc(Cpu& c, const Insn& i) {
  T v = read_E<T, M>(c, i);
  if (test_cc(c, i.opcode & 0xF)) write_G<T>(c, i, v);
}

// ---- BSWAP ------------------------------------------------------------------------------
// With a 16-bit operand the SDM leaves the result undefined.  P6-family hardware swaps the
// bytes of the 32-bit register's low word with the (absent) upper bytes, which leaves zero
// in the low word and the upper word unchanged; that is what we do.
template <typename T>
void bswap(Cpu& c, const Insn& i) {
  if constexpr (sizeof(T) == 4) set_reg<uint32_t>(c, i.r, __builtin_bswap32(get_reg<uint32_t>(c, i.r)));
  else set_reg<uint16_t>(c, i.r, 0);
}

// ---- XADD -------------------------------------------------------------------------------
// TEMP = SRC + DEST; SRC = DEST; DEST = TEMP (flags as ADD).  With the same register as
// both operands the destination is written last.
template <typename T, bool M>
void xadd(Cpu& c, const Insn& i) {
  T src = read_G<T>(c, i);
  if constexpr (M) {
    auto ref = ref_mem<T>(c, i.seg, ea(c, i));
    T dst = load<T>(c, ref);
    T sum = alu<T>(c, AluOp::Add, dst, src);
    store<T>(c, ref, sum);
    write_G<T>(c, i, dst);
  } else {
    T dst = get_reg<T>(c, i.m);
    T sum = alu<T>(c, AluOp::Add, dst, src);
    write_G<T>(c, i, dst);
    set_reg<T>(c, i.m, sum);
  }
}

// ---- CMPXCHG ----------------------------------------------------------------------------
// Flags as CMP accumulator, DEST.  Equal: DEST = SRC.  Not equal: accumulator = DEST, and
// a memory destination is written back with its own value.
template <typename T, bool M>
void cmpxchg(Cpu& c, const Insn& i) {
  T src = read_G<T>(c, i);
  T acc = get_reg<T>(c, 0);
  if constexpr (M) {
    auto ref = ref_mem<T>(c, i.seg, ea(c, i));
    T dst = load<T>(c, ref);
    alu<T>(c, AluOp::Cmp, acc, dst);
    if (acc == dst) {
      store<T>(c, ref, src);
    } else {
      store<T>(c, ref, dst);
      set_reg<T>(c, 0, dst);
    }
  } else {
    T dst = get_reg<T>(c, i.m);
    alu<T>(c, AluOp::Cmp, acc, dst);
    if (acc == dst) set_reg<T>(c, i.m, src);
    else set_reg<T>(c, 0, dst);
  }
}

// CMPXCHG8B m64: compare EDX:EAX with m64; equal: ZF=1, m64 = ECX:EBX; else ZF=0,
// EDX:EAX = m64 and m64 is written back unchanged.  Only ZF changes.  The operand size
// prefix does not matter; both halves are checked for writing before anything is read.
template <typename T>
void cmpxchg8b(Cpu& c, const Insn& i) {
  const uint32_t off = ea(c, i);
  const uint32_t lin = lin_write<8>(c, i.seg, off);
  const bool user = c.user();
  probe_write(c, lin, 8, user);
  uint32_t lo = read_lin<uint32_t>(c, lin, user);
  uint32_t hi = read_lin<uint32_t>(c, lin + 4, user);
  if (lo == c.r[EAX] && hi == c.r[EDX]) {
    write_lin<uint32_t>(c, lin, c.r[EBX], user);
    write_lin<uint32_t>(c, lin + 4, c.r[ECX], user);
    set_flags_explicit(c, ZF, ZF);
  } else {
    write_lin<uint32_t>(c, lin, lo, user);
    write_lin<uint32_t>(c, lin + 4, hi, user);
    c.r[EAX] = lo;
    c.r[EDX] = hi;
    set_flags_explicit(c, ZF, 0);
  }
}

template <typename S, bool Signed>
constexpr HandlerSet hs_extend() {
  using E = Extend<S, Signed>;
  return {{{E::template op<uint16_t, false>, E::template op<uint16_t, true>},
           {E::template op<uint32_t, false>, E::template op<uint32_t, true>}}};
}

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

  t.add({.opcode = 0x86, .mnemonic = "XCHG", .form = "Eb,Gb", .hs = RZ_HS_B(xchg_EG)});
  t.add({.opcode = 0x87, .mnemonic = "XCHG", .form = "Ev,Gv", .hs = RZ_HS_V(xchg_EG)});
  for (int r = 1; r < 8; ++r)
    t.add({.opcode = uint8_t(0x90 + r), .mnemonic = "XCHG", .form = "Zv,eAX", .hs = RZ_HS_VN(xchg_ZA)});

  t.add({.map = kMap0F, .opcode = 0xB6, .mnemonic = "MOVZX", .form = "Gv,Eb", .hs = hs_extend<uint8_t, false>()});
  t.add({.map = kMap0F, .opcode = 0xB7, .mnemonic = "MOVZX", .form = "Gv,Ew", .hs = hs_extend<uint16_t, false>()});
  t.add({.map = kMap0F, .opcode = 0xBE, .mnemonic = "MOVSX", .form = "Gv,Eb", .hs = hs_extend<uint8_t, true>()});
  t.add({.map = kMap0F, .opcode = 0xBF, .mnemonic = "MOVSX", .form = "Gv,Ew", .hs = hs_extend<uint16_t, true>()});

  for (int cc = 0; cc < 16; ++cc)
    t.add({.map = kMap0F, .opcode = uint8_t(0x40 + cc), .mnemonic = "CMOVcc", .form = "Gv,Ev", .hs = RZ_HS_V(cmovcc)});

  for (int r = 0; r < 8; ++r)
    t.add({.map = kMap0F, .opcode = uint8_t(0xC8 + r), .mnemonic = "BSWAP", .form = "Zv", .hs = RZ_HS_VN(bswap)});

  t.add({.map = kMap0F, .opcode = 0xC0, .mnemonic = "XADD", .form = "Eb,Gb", .hs = RZ_HS_B(xadd)});
  t.add({.map = kMap0F, .opcode = 0xC1, .mnemonic = "XADD", .form = "Ev,Gv", .hs = RZ_HS_V(xadd)});
  t.add({.map = kMap0F, .opcode = 0xB0, .mnemonic = "CMPXCHG", .form = "Eb,Gb", .hs = RZ_HS_B(cmpxchg)});
  t.add({.map = kMap0F, .opcode = 0xB1, .mnemonic = "CMPXCHG", .form = "Ev,Gv", .hs = RZ_HS_V(cmpxchg)});
  t.add({.map = kMap0F, .opcode = 0xC7, .reg = 1, .mnemonic = "CMPXCHG8B", .form = "Mq", .hs = RZ_HS_M(cmpxchg8b)});
}

}  // namespace rz
