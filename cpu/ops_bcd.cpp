// cpu/ops_bcd.cpp: decimal and ASCII adjust: DAA, DAS, AAA, AAS, AAM imm8, AAD imm8.
//
// The algorithms are the SDM pseudo-code for P6 and later processors (AAA adds 106H to AX,
// AAS subtracts 6 from AX and 1 from AH).  Flags the SDM leaves undefined get these values
// (each row lists them in undef_flags):
//   * DAA/DAS: OF is the signed overflow of AL +/- the total adjustment;
//   * AAA/AAS: SF/ZF/PF follow the final AL, OF is cleared;
//   * AAM: CF/OF/AF are cleared (SF/ZF/PF follow AL);
//   * AAD: all six flags are those of the byte addition AL + AH*imm8 that forms the result,
//     which is what Intel hardware is reported to produce.
#include "cpu/alu.h"
#include "cpu/table.h"

namespace rz {

namespace {

inline uint8_t al(const Cpu& c) { return get_reg<uint8_t>(c, 0); }
inline uint8_t ah(const Cpu& c) { return get_reg<uint8_t>(c, 1); }

// SF/ZF/PF of `v` plus explicit CF/OF/AF, all materialised (BCD results are not lazy).
inline void set_bcd_flags(Cpu& c, uint8_t v, uint32_t cf_of_af) {
  set_szp_explicit<uint8_t>(c, v, cf_of_af);
}

void daa(Cpu& c, const Insn&) {
  const uint32_t f = get_eflags(c);
  const uint8_t old_al = al(c);
  const bool old_cf = f & CF;
  uint8_t v = old_al;
  uint32_t out = 0;
  if ((old_al & 0x0F) > 9 || (f & AF)) {
    v = uint8_t(v + 6);
    if (old_cf || old_al > 0xF9) out |= CF;
    out |= AF;
  }
  if (old_al > 0x99 || old_cf) {
    v = uint8_t(v + 0x60);
    out |= CF;
  } else {
    out &= ~CF;
  }
  const uint8_t adj = uint8_t(v - old_al);
  if ((~(old_al ^ adj) & (old_al ^ v)) & 0x80) out |= OF;
  set_reg<uint8_t>(c, 0, v);
  set_bcd_flags(c, v, out);
}

void das(Cpu& c, const Insn&) {
  const uint32_t f = get_eflags(c);
  const uint8_t old_al = al(c);
  const bool old_cf = f & CF;
  uint8_t v = old_al;
  uint32_t out = 0;
  if ((old_al & 0x0F) > 9 || (f & AF)) {
    v = uint8_t(v - 6);
    if (old_cf || old_al < 6) out |= CF;
    out |= AF;
  }
  if (old_al > 0x99 || old_cf) {
    v = uint8_t(v - 0x60);
    out |= CF;
  }
  const uint8_t adj = uint8_t(old_al - v);
  if (((old_al ^ adj) & (old_al ^ v)) & 0x80) out |= OF;
  set_reg<uint8_t>(c, 0, v);
  set_bcd_flags(c, v, out);
}

void aaa(Cpu& c, const Insn&) {
  const uint32_t f = get_eflags(c);
  uint16_t ax = get_reg<uint16_t>(c, 0);
  uint32_t out = 0;
  if ((ax & 0x0F) > 9 || (f & AF)) {
    ax = uint16_t(ax + 0x106);
    out = AF | CF;
  }
  ax &= 0xFF0F;
  set_reg<uint16_t>(c, 0, ax);
  set_bcd_flags(c, uint8_t(ax), out);
}

void aas(Cpu& c, const Insn&) {
  const uint32_t f = get_eflags(c);
  uint16_t ax = get_reg<uint16_t>(c, 0);
  uint32_t out = 0;
  if ((ax & 0x0F) > 9 || (f & AF)) {
    ax = uint16_t(ax - 6);
    ax = uint16_t(ax - 0x100);
    out = AF | CF;
  }
  ax &= 0xFF0F;
  set_reg<uint16_t>(c, 0, ax);
  set_bcd_flags(c, uint8_t(ax), out);
}

void aam(Cpu& c, const Insn& i) {
  const uint8_t base = uint8_t(i.imm);
  if (base == 0) raise_fault(c, kDE);
  const uint8_t a = al(c);
  const uint8_t q = uint8_t(a / base), r = uint8_t(a % base);
  set_reg<uint8_t>(c, 1, q);
  set_reg<uint8_t>(c, 0, r);
  set_bcd_flags(c, r, 0);
}

void aad(Cpu& c, const Insn& i) {
  const uint8_t base = uint8_t(i.imm);
  const uint8_t a = al(c), prod = uint8_t(ah(c) * base);
  const uint8_t r = uint8_t(a + prod);
  set_reg<uint16_t>(c, 0, r);
  set_lazy<uint8_t>(c, FlagKind::Add, r, a, prod);
}

}  // namespace

void register_ops_bcd(OpTable& t) {
  t.add({.opcode = 0x27, .mnemonic = "DAA", .form = "", .undef_flags = OF, .hs = RZ_HS_1(daa)});
  t.add({.opcode = 0x2F, .mnemonic = "DAS", .form = "", .undef_flags = OF, .hs = RZ_HS_1(das)});
  t.add({.opcode = 0x37, .mnemonic = "AAA", .form = "", .undef_flags = OF | SF | ZF | PF, .hs = RZ_HS_1(aaa)});
  t.add({.opcode = 0x3F, .mnemonic = "AAS", .form = "", .undef_flags = OF | SF | ZF | PF, .hs = RZ_HS_1(aas)});
  t.add({.opcode = 0xD4, .mnemonic = "AAM", .form = "Ib", .undef_flags = OF | AF | CF, .hs = RZ_HS_1(aam)});
  t.add({.opcode = 0xD5, .mnemonic = "AAD", .form = "Ib", .undef_flags = OF | AF | CF, .hs = RZ_HS_1(aad)});
}

}  // namespace rz
