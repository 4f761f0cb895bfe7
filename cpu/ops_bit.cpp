// cpu/ops_bit.cpp: BT/BTS/BTR/BTC (0F A3/AB/B3/BB with a register bit offset, 0F BA /4-/7
// with an immediate one), BSF/BSR (0F BC/BD) and SETcc (0F 90-9F).
//
// Bit offsets from a register address a bit string when the operand is in memory: the
// offset is signed, and the operand-sized word accessed is at EA + (offset >> 4) * 2 or
// EA + (offset >> 5) * 4 (an arithmetic shift), wrapped to the address size; the low 4/5
// bits pick the bit.  With a register operand, or with an immediate offset, the offset is
// taken modulo the operand width.
//
// Flags.  BT*: CF is the selected bit; ZF is unaffected; OF/SF/AF/PF are undefined and are
// left unchanged, as Intel processors do.  BSF/BSR: ZF=1 and the destination unchanged when
// the source is 0 (as P6 hardware does); CF/OF/SF/AF/PF are undefined and get the Intel
// values: CF=OF=SF=AF=0 and PF from the bit index (from 0 when the source is 0).  The unit
// tests compare these with the host CPU when it is an Intel part.
#include "cpu/alu.h"
#include "cpu/table.h"

namespace rz {

namespace {

enum class BitOp : uint8_t { Bt = 4, Bts = 5, Btr = 6, Btc = 7 };  // = 0F BA ModRM.reg

template <typename T>
constexpr unsigned log2_bits() { return sizeof(T) == 2 ? 4 : 5; }

// Apply the operation to `v` for bit `bit`; CF receives the old bit.
template <BitOp Op, typename T>
inline T bit_apply(Cpu& c, T v, unsigned bit) {
  const T mask = T(T(1) << bit);
  set_flags_explicit(c, CF, (v & mask) ? uint32_t(CF) : 0u);
  switch (Op) {
    case BitOp::Bt: return v;
    case BitOp::Bts: return T(v | mask);
    case BitOp::Btr: return T(v & ~mask);
    case BitOp::Btc: return T(v ^ mask);
  }
  __builtin_unreachable();
}

// Memory operand at `off` (already adjusted), bit `bit`.
template <BitOp Op, typename T>
inline void bit_mem(Cpu& c, const Insn& i, uint32_t off, unsigned bit) {
  if constexpr (Op == BitOp::Bt) {
    bit_apply<Op, T>(c, read_mem<T>(c, i.seg, off), bit);
  } else {
    auto ref = ref_mem<T>(c, i.seg, off);
    store<T>(c, ref, bit_apply<Op, T>(c, load<T>(c, ref), bit));
  }
}

template <BitOp Op, typename T, bool M>
void bt_EG(Cpu& c, const Insn& i) {
  const T off = read_G<T>(c, i);
  const unsigned bit = off & (bits_of<T>() - 1);
  if constexpr (M) {
    const int32_t soff = signed_of<T>(off);
    const uint32_t disp = uint32_t(soff >> log2_bits<T>()) * sizeof(T);
    bit_mem<Op, T>(c, i, (ea(c, i) + disp) & i.amask, bit);
  } else {
    T r = bit_apply<Op, T>(c, get_reg<T>(c, i.m), bit);
    if constexpr (Op != BitOp::Bt) set_reg<T>(c, i.m, r);
  }
}

template <BitOp Op, typename T, bool M>
void bt_EI(Cpu& c, const Insn& i) {
  const unsigned bit = i.imm & (bits_of<T>() - 1);
  if constexpr (M) {
    bit_mem<Op, T>(c, i, ea(c, i), bit);
  } else {
    T r = bit_apply<Op, T>(c, get_reg<T>(c, i.m), bit);
    if constexpr (Op != BitOp::Bt) set_reg<T>(c, i.m, r);
  }
}

// ---- BSF / BSR -------------------------------------------------------------------------

template <bool Reverse, typename T, bool M>
void bitscan(Cpu& c, const Insn& i) {
  const T src = read_E<T, M>(c, i);
  if (src == 0) {
    set_flags_explicit(c, kArithFlags, ZF | PF);
    return;
  }
  const unsigned idx = Reverse ? 31u - unsigned(__builtin_clz(uint32_t(src)))
                               : unsigned(__builtin_ctz(uint32_t(src)));
  write_G<T>(c, i, T(idx));
  set_flags_explicit(c, kArithFlags, parity_flag(idx));
}
template <typename T, bool M>
void bsf(Cpu& c, const Insn& i) { bitscan<false, T, M>(c, i); }
template <typename T, bool M>
void bsr(Cpu& c, const Insn& i) { bitscan<true, T, M>(c, i); }

// ---- SETcc ------------------------------------------------------------------------------

template <typename T, bool M>
void setcc(Cpu& c, const Insn& i) {
  write_E<uint8_t, M>(c, i, test_cc(c, i.opcode & 0xF) ? 1 : 0);
}

template <BitOp Op>
HandlerSet hs_bt_EG() {
  return {{{bt_EG<Op, uint16_t, false>, bt_EG<Op, uint16_t, true>},
           {bt_EG<Op, uint32_t, false>, bt_EG<Op, uint32_t, true>}}};
}
template <BitOp Op>
HandlerSet hs_bt_EI() {
  return {{{bt_EI<Op, uint16_t, false>, bt_EI<Op, uint16_t, true>},
           {bt_EI<Op, uint32_t, false>, bt_EI<Op, uint32_t, true>}}};
}

}  // namespace

void register_ops_bit(OpTable& t) {
  constexpr uint32_t kBtUndef = OF | SF | AF | PF;
  t.add({.map = kMap0F, .opcode = 0xA3, .mnemonic = "BT", .form = "Ev,Gv", .undef_flags = kBtUndef, .hs = hs_bt_EG<BitOp::Bt>()});
  t.add({.map = kMap0F, .opcode = 0xAB, .mnemonic = "BTS", .form = "Ev,Gv", .undef_flags = kBtUndef, .hs = hs_bt_EG<BitOp::Bts>()});
  t.add({.map = kMap0F, .opcode = 0xB3, .mnemonic = "BTR", .form = "Ev,Gv", .undef_flags = kBtUndef, .hs = hs_bt_EG<BitOp::Btr>()});
  t.add({.map = kMap0F, .opcode = 0xBB, .mnemonic = "BTC", .form = "Ev,Gv", .undef_flags = kBtUndef, .hs = hs_bt_EG<BitOp::Btc>()});
  t.add({.map = kMap0F, .opcode = 0xBA, .reg = 4, .mnemonic = "BT", .form = "Ev,Ib", .undef_flags = kBtUndef, .hs = hs_bt_EI<BitOp::Bt>()});
  t.add({.map = kMap0F, .opcode = 0xBA, .reg = 5, .mnemonic = "BTS", .form = "Ev,Ib", .undef_flags = kBtUndef, .hs = hs_bt_EI<BitOp::Bts>()});
  t.add({.map = kMap0F, .opcode = 0xBA, .reg = 6, .mnemonic = "BTR", .form = "Ev,Ib", .undef_flags = kBtUndef, .hs = hs_bt_EI<BitOp::Btr>()});
  t.add({.map = kMap0F, .opcode = 0xBA, .reg = 7, .mnemonic = "BTC", .form = "Ev,Ib", .undef_flags = kBtUndef, .hs = hs_bt_EI<BitOp::Btc>()});

  constexpr uint32_t kScanUndef = CF | OF | SF | AF | PF;
  t.add({.map = kMap0F, .opcode = 0xBC, .mnemonic = "BSF", .form = "Gv,Ev", .undef_flags = kScanUndef, .hs = RZ_HS_V(bsf)});
  t.add({.map = kMap0F, .opcode = 0xBD, .mnemonic = "BSR", .form = "Gv,Ev", .undef_flags = kScanUndef, .hs = RZ_HS_V(bsr)});

  for (int cc = 0; cc < 16; ++cc)
    t.add({.map = kMap0F, .opcode = uint8_t(0x90 + cc), .mnemonic = "SETcc", .form = "Eb", .hs = RZ_HS_B(setcc)});
}

}  // namespace rz
