// cpu/ops_alu.cpp: ADD/OR/ADC/SBB/AND/SUB/XOR/CMP, TEST, INC/DEC, NOT/NEG, MUL/IMUL/DIV/IDIV.
#include "cpu/alu.h"
#include "cpu/table.h"

namespace rz {

namespace {

// ---- two-operand ALU ------------------------------------------------------------------

template <AluOp Op, typename T, bool M>
void alu_EG(Cpu& c, const Insn& i) {
  T b = read_G<T>(c, i);
  if constexpr (M) {
    if constexpr (Op == AluOp::Cmp) {
      alu<T>(c, Op, read_mem<T>(c, i.seg, ea(c, i)), b);
    } else {
      auto ref = ref_mem<T>(c, i.seg, ea(c, i));
      store<T>(c, ref, alu<T>(c, Op, load<T>(c, ref), b));
    }
  } else {
    T r = alu<T>(c, Op, get_reg<T>(c, i.m), b);
    if constexpr (Op != AluOp::Cmp) set_reg<T>(c, i.m, r);
  }
}

template <AluOp Op, typename T, bool M>
void alu_GE(Cpu& c, const Insn& i) {
  T r = alu<T>(c, Op, read_G<T>(c, i), read_E<T, M>(c, i));
  if constexpr (Op != AluOp::Cmp) write_G<T>(c, i, r);
}

template <AluOp Op, typename T, bool M>
void alu_EI(Cpu& c, const Insn& i) {
  T b = T(i.imm);
  if constexpr (M) {
    if constexpr (Op == AluOp::Cmp) {
      alu<T>(c, Op, read_mem<T>(c, i.seg, ea(c, i)), b);
    } else {
      auto ref = ref_mem<T>(c, i.seg, ea(c, i));
      store<T>(c, ref, alu<T>(c, Op, load<T>(c, ref), b));
    }
  } else {
    T r = alu<T>(c, Op, get_reg<T>(c, i.m), b);
    if constexpr (Op != AluOp::Cmp) set_reg<T>(c, i.m, r);
  }
}

template <AluOp Op, typename T>
void alu_AI(Cpu& c, const Insn& i) {
  T r = alu<T>(c, Op, get_reg<T>(c, 0), T(i.imm));
  if constexpr (Op != AluOp::Cmp) set_reg<T>(c, 0, r);
}

template <typename T, bool M>
void test_EG(Cpu& c, const Insn& i) {
  T r = T(read_E<T, M>(c, i) & read_G<T>(c, i));
  set_lazy<T>(c, FlagKind::Logic, r, 0, 0);
}
template <typename T, bool M>
void test_EI(Cpu& c, const Insn& i) {
  T r = T(read_E<T, M>(c, i) & T(i.imm));
  set_lazy<T>(c, FlagKind::Logic, r, 0, 0);
}
template <typename T>
void test_AI(Cpu& c, const Insn& i) {
  T r = T(get_reg<T>(c, 0) & T(i.imm));
  set_lazy<T>(c, FlagKind::Logic, r, 0, 0);
}

// ---- one-operand --------------------------------------------------------------------------

enum class Unary { Inc, Dec, Not, Neg };

template <Unary U, typename T>
inline T unary(Cpu& c, T v) {
  switch (U) {
    case Unary::Inc: return alu_inc<T>(c, v);
    case Unary::Dec: return alu_dec<T>(c, v);
    case Unary::Not: return T(~v);
    case Unary::Neg: return alu_neg<T>(c, v);
  }
}

template <Unary U, typename T, bool M>
void unary_E(Cpu& c, const Insn& i) {
  if constexpr (M) {
    auto ref = ref_mem<T>(c, i.seg, ea(c, i));
    store<T>(c, ref, unary<U, T>(c, load<T>(c, ref)));
  } else {
    set_reg<T>(c, i.m, unary<U, T>(c, get_reg<T>(c, i.m)));
  }
}

template <Unary U, typename T>
void unary_Z(Cpu& c, const Insn& i) {
  set_reg<T>(c, i.r, unary<U, T>(c, get_reg<T>(c, i.r)));
}

// ---- multiply and divide --------------------------------------------------------------------

// MUL/IMUL (one operand): AX = AL*src, DX:AX = AX*src, EDX:EAX = EAX*src.
// CF=OF=(upper half significant); SF/ZF/PF/AF are undefined (set from the low half here).
template <bool Signed, typename T>
void mul_store(Cpu& c, T src) {
  constexpr unsigned B = bits_of<T>();
  uint64_t prod;
  bool high;
  T a = get_reg<T>(c, 0);
  if constexpr (Signed) {
    int64_t p = int64_t(signed_of<T>(a)) * int64_t(signed_of<T>(src));
    prod = uint64_t(p);
    high = p != int64_t(signed_of<T>(T(p)));
  } else {
    prod = uint64_t(a) * uint64_t(src);
    high = (prod >> B) != 0;
  }
  if constexpr (B == 8) {
    set_reg<uint16_t>(c, 0, uint16_t(prod));
  } else {
    set_reg<T>(c, 0, T(prod));
    set_reg<T>(c, 8, T(prod >> B));  // DX/EDX
  }
  set_szp_explicit<T>(c, T(prod), high ? (CF | OF) : 0);
}

template <bool Signed, typename T>
void div_store(Cpu& c, T src) {
  constexpr unsigned B = bits_of<T>();
  if (src == 0) raise_fault(c, kDE);
  uint64_t dividend = B == 8 ? get_reg<uint16_t>(c, 0)
                             : (uint64_t(get_reg<T>(c, 8)) << B) | get_reg<T>(c, 0);
  uint64_t q, rem;
  if constexpr (Signed) {
    int64_t d = B == 32 ? int64_t(dividend) : B == 16 ? int64_t(int32_t(dividend))
                                                      : int64_t(int16_t(dividend));
    int64_t s = signed_of<T>(src);
    if (B == 32 && d == INT64_MIN && s == -1) raise_fault(c, kDE);
    int64_t sq = d / s, sr = d % s;
    if (sq != int64_t(signed_of<T>(T(sq)))) raise_fault(c, kDE);
    q = uint64_t(sq);
    rem = uint64_t(sr);
  } else {
    q = dividend / src;
    rem = dividend % src;
    if (q >> B) raise_fault(c, kDE);
  }
  if constexpr (B == 8) {
    set_reg<uint8_t>(c, 0, uint8_t(q));
    set_reg<uint8_t>(c, 1, uint8_t(rem));
  } else {
    set_reg<T>(c, 0, T(q));
    set_reg<T>(c, 8, T(rem));
  }
  // All arithmetic flags are undefined after DIV/IDIV; they are left unchanged.
}

enum class MulDiv { Mul, Imul, Div, Idiv };

template <MulDiv K, typename T, bool M>
void muldiv_E(Cpu& c, const Insn& i) {
  T src = read_E<T, M>(c, i);
  switch (K) {
    case MulDiv::Mul: mul_store<false, T>(c, src); break;
    case MulDiv::Imul: mul_store<true, T>(c, src); break;
    case MulDiv::Div: div_store<false, T>(c, src); break;
    case MulDiv::Idiv: div_store<true, T>(c, src); break;
  }
}

// IMUL Gv,Ev[,imm]: truncated signed product; CF=OF=(product does not fit).
template <typename T>
inline T imul_trunc(Cpu& c, T a, T b) {
  int64_t p = int64_t(signed_of<T>(a)) * int64_t(signed_of<T>(b));
  T r = T(p);
  bool ovf = p != int64_t(signed_of<T>(r));
  set_szp_explicit<T>(c, r, ovf ? (CF | OF) : 0);
  return r;
}
template <typename T, bool M>
void imul_GE(Cpu& c, const Insn& i) {
  write_G<T>(c, i, imul_trunc<T>(c, read_G<T>(c, i), read_E<T, M>(c, i)));
}
template <typename T, bool M>
void imul_GEI(Cpu& c, const Insn& i) {
  write_G<T>(c, i, imul_trunc<T>(c, read_E<T, M>(c, i), T(i.imm)));
}

// ---- handler-set builders ----------------------------------------------------------------

template <AluOp Op>
HandlerSet hs_EG(bool byte) {
  if (byte) return {{{alu_EG<Op, uint8_t, false>, alu_EG<Op, uint8_t, true>},
                     {alu_EG<Op, uint8_t, false>, alu_EG<Op, uint8_t, true>}}};
  return {{{alu_EG<Op, uint16_t, false>, alu_EG<Op, uint16_t, true>},
           {alu_EG<Op, uint32_t, false>, alu_EG<Op, uint32_t, true>}}};
}
template <AluOp Op>
HandlerSet hs_GE(bool byte) {
  if (byte) return {{{alu_GE<Op, uint8_t, false>, alu_GE<Op, uint8_t, true>},
                     {alu_GE<Op, uint8_t, false>, alu_GE<Op, uint8_t, true>}}};
  return {{{alu_GE<Op, uint16_t, false>, alu_GE<Op, uint16_t, true>},
           {alu_GE<Op, uint32_t, false>, alu_GE<Op, uint32_t, true>}}};
}
template <AluOp Op>
HandlerSet hs_EI(bool byte) {
  if (byte) return {{{alu_EI<Op, uint8_t, false>, alu_EI<Op, uint8_t, true>},
                     {alu_EI<Op, uint8_t, false>, alu_EI<Op, uint8_t, true>}}};
  return {{{alu_EI<Op, uint16_t, false>, alu_EI<Op, uint16_t, true>},
           {alu_EI<Op, uint32_t, false>, alu_EI<Op, uint32_t, true>}}};
}
template <AluOp Op>
HandlerSet hs_AI(bool byte) {
  if (byte) return {{{alu_AI<Op, uint8_t>, alu_AI<Op, uint8_t>}, {alu_AI<Op, uint8_t>, alu_AI<Op, uint8_t>}}};
  return {{{alu_AI<Op, uint16_t>, alu_AI<Op, uint16_t>}, {alu_AI<Op, uint32_t>, alu_AI<Op, uint32_t>}}};
}
template <Unary U>
HandlerSet hs_unary(bool byte) {
  if (byte) return {{{unary_E<U, uint8_t, false>, unary_E<U, uint8_t, true>},
                     {unary_E<U, uint8_t, false>, unary_E<U, uint8_t, true>}}};
  return {{{unary_E<U, uint16_t, false>, unary_E<U, uint16_t, true>},
           {unary_E<U, uint32_t, false>, unary_E<U, uint32_t, true>}}};
}
template <MulDiv K>
HandlerSet hs_muldiv(bool byte) {
  if (byte) return {{{muldiv_E<K, uint8_t, false>, muldiv_E<K, uint8_t, true>},
                     {muldiv_E<K, uint8_t, false>, muldiv_E<K, uint8_t, true>}}};
  return {{{muldiv_E<K, uint16_t, false>, muldiv_E<K, uint16_t, true>},
           {muldiv_E<K, uint32_t, false>, muldiv_E<K, uint32_t, true>}}};
}

struct AluName {
  AluOp op;
  const char* name;
};
constexpr AluName kAluOps[8] = {{AluOp::Add, "ADD"}, {AluOp::Or, "OR"},   {AluOp::Adc, "ADC"},
                                {AluOp::Sbb, "SBB"}, {AluOp::And, "AND"}, {AluOp::Sub, "SUB"},
                                {AluOp::Xor, "XOR"}, {AluOp::Cmp, "CMP"}};

template <int N>
void add_alu_rows(OpTable& t) {
  constexpr AluOp op = kAluOps[N].op;
  const char* nm = kAluOps[N].name;
  const uint8_t base = uint8_t(N * 8);
  // Logic ops leave AF undefined.
  const uint32_t undef = (op == AluOp::Or || op == AluOp::And || op == AluOp::Xor) ? AF : 0;
  t.add({.opcode = uint8_t(base + 0), .mnemonic = nm, .form = "Eb,Gb", .undef_flags = undef, .hs = hs_EG<op>(true)});
  t.add({.opcode = uint8_t(base + 1), .mnemonic = nm, .form = "Ev,Gv", .undef_flags = undef, .hs = hs_EG<op>(false)});
  t.add({.opcode = uint8_t(base + 2), .mnemonic = nm, .form = "Gb,Eb", .undef_flags = undef, .hs = hs_GE<op>(true)});
  t.add({.opcode = uint8_t(base + 3), .mnemonic = nm, .form = "Gv,Ev", .undef_flags = undef, .hs = hs_GE<op>(false)});
  t.add({.opcode = uint8_t(base + 4), .mnemonic = nm, .form = "AL,Ib", .undef_flags = undef, .hs = hs_AI<op>(true)});
  t.add({.opcode = uint8_t(base + 5), .mnemonic = nm, .form = "eAX,Iz", .undef_flags = undef, .hs = hs_AI<op>(false)});
  t.add({.opcode = 0x80, .reg = int8_t(N), .mnemonic = nm, .form = "Eb,Ib", .undef_flags = undef, .hs = hs_EI<op>(true)});
  t.add({.opcode = 0x81, .reg = int8_t(N), .mnemonic = nm, .form = "Ev,Iz", .undef_flags = undef, .hs = hs_EI<op>(false)});
  t.add({.opcode = 0x82, .reg = int8_t(N), .mnemonic = nm, .form = "Eb,Ib", .undef_flags = undef, .hs = hs_EI<op>(true)});
  t.add({.opcode = 0x83, .reg = int8_t(N), .mnemonic = nm, .form = "Ev,Ib", .undef_flags = undef, .hs = hs_EI<op>(false)});
}

}  // namespace

void register_ops_alu(OpTable& t) {
  add_alu_rows<0>(t); add_alu_rows<1>(t); add_alu_rows<2>(t); add_alu_rows<3>(t);
  add_alu_rows<4>(t); add_alu_rows<5>(t); add_alu_rows<6>(t); add_alu_rows<7>(t);

  t.add({.opcode = 0x84, .mnemonic = "TEST", .form = "Eb,Gb", .undef_flags = AF, .hs = RZ_HS_B(test_EG)});
  t.add({.opcode = 0x85, .mnemonic = "TEST", .form = "Ev,Gv", .undef_flags = AF, .hs = RZ_HS_V(test_EG)});
  t.add({.opcode = 0xA8, .mnemonic = "TEST", .form = "AL,Ib", .undef_flags = AF, .hs = RZ_HS_BN(test_AI)});
  t.add({.opcode = 0xA9, .mnemonic = "TEST", .form = "eAX,Iz", .undef_flags = AF, .hs = RZ_HS_VN(test_AI)});

  for (int op = 0; op < 8; ++op) {
    t.add({.opcode = uint8_t(0x40 + op), .mnemonic = "INC", .form = "Zv",
           .hs = {{{unary_Z<Unary::Inc, uint16_t>, unary_Z<Unary::Inc, uint16_t>},
                   {unary_Z<Unary::Inc, uint32_t>, unary_Z<Unary::Inc, uint32_t>}}}});
    t.add({.opcode = uint8_t(0x48 + op), .mnemonic = "DEC", .form = "Zv",
           .hs = {{{unary_Z<Unary::Dec, uint16_t>, unary_Z<Unary::Dec, uint16_t>},
                   {unary_Z<Unary::Dec, uint32_t>, unary_Z<Unary::Dec, uint32_t>}}}});
  }
  t.add({.opcode = 0xFE, .reg = 0, .mnemonic = "INC", .form = "Eb", .hs = hs_unary<Unary::Inc>(true)});
  t.add({.opcode = 0xFE, .reg = 1, .mnemonic = "DEC", .form = "Eb", .hs = hs_unary<Unary::Dec>(true)});
  t.add({.opcode = 0xFF, .reg = 0, .mnemonic = "INC", .form = "Ev", .hs = hs_unary<Unary::Inc>(false)});
  t.add({.opcode = 0xFF, .reg = 1, .mnemonic = "DEC", .form = "Ev", .hs = hs_unary<Unary::Dec>(false)});

  // Group 3.  F6/F7 /1 is an undocumented alias of TEST on every Intel CPU.
  for (int r : {0, 1}) {
    t.add({.opcode = 0xF6, .reg = int8_t(r), .mnemonic = "TEST", .form = "Eb,Ib", .undef_flags = AF, .hs = RZ_HS_B(test_EI)});
    t.add({.opcode = 0xF7, .reg = int8_t(r), .mnemonic = "TEST", .form = "Ev,Iz", .undef_flags = AF, .hs = RZ_HS_V(test_EI)});
  }
  t.add({.opcode = 0xF6, .reg = 2, .mnemonic = "NOT", .form = "Eb", .hs = hs_unary<Unary::Not>(true)});
  t.add({.opcode = 0xF7, .reg = 2, .mnemonic = "NOT", .form = "Ev", .hs = hs_unary<Unary::Not>(false)});
  t.add({.opcode = 0xF6, .reg = 3, .mnemonic = "NEG", .form = "Eb", .hs = hs_unary<Unary::Neg>(true)});
  t.add({.opcode = 0xF7, .reg = 3, .mnemonic = "NEG", .form = "Ev", .hs = hs_unary<Unary::Neg>(false)});
  constexpr uint32_t kMulUndef = SF | ZF | AF | PF;
  constexpr uint32_t kDivUndef = kArithFlags;
  t.add({.opcode = 0xF6, .reg = 4, .mnemonic = "MUL", .form = "Eb", .undef_flags = kMulUndef, .hs = hs_muldiv<MulDiv::Mul>(true)});
  t.add({.opcode = 0xF7, .reg = 4, .mnemonic = "MUL", .form = "Ev", .undef_flags = kMulUndef, .hs = hs_muldiv<MulDiv::Mul>(false)});
  t.add({.opcode = 0xF6, .reg = 5, .mnemonic = "IMUL", .form = "Eb", .undef_flags = kMulUndef, .hs = hs_muldiv<MulDiv::Imul>(true)});
  t.add({.opcode = 0xF7, .reg = 5, .mnemonic = "IMUL", .form = "Ev", .undef_flags = kMulUndef, .hs = hs_muldiv<MulDiv::Imul>(false)});
  t.add({.opcode = 0xF6, .reg = 6, .mnemonic = "DIV", .form = "Eb", .undef_flags = kDivUndef, .hs = hs_muldiv<MulDiv::Div>(true)});
  t.add({.opcode = 0xF7, .reg = 6, .mnemonic = "DIV", .form = "Ev", .undef_flags = kDivUndef, .hs = hs_muldiv<MulDiv::Div>(false)});
  t.add({.opcode = 0xF6, .reg = 7, .mnemonic = "IDIV", .form = "Eb", .undef_flags = kDivUndef, .hs = hs_muldiv<MulDiv::Idiv>(true)});
  t.add({.opcode = 0xF7, .reg = 7, .mnemonic = "IDIV", .form = "Ev", .undef_flags = kDivUndef, .hs = hs_muldiv<MulDiv::Idiv>(false)});

  t.add({.opcode = 0x69, .mnemonic = "IMUL", .form = "Gv,Ev,Iz", .undef_flags = kMulUndef, .hs = RZ_HS_V(imul_GEI)});
  t.add({.opcode = 0x6B, .mnemonic = "IMUL", .form = "Gv,Ev,Ib", .undef_flags = kMulUndef, .hs = RZ_HS_V(imul_GEI)});
  t.add({.map = kMap0F, .opcode = 0xAF, .mnemonic = "IMUL", .form = "Gv,Ev", .undef_flags = kMulUndef, .hs = RZ_HS_V(imul_GE)});
}

}  // namespace rz
