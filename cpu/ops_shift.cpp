// cpu/ops_shift.cpp: group 2 shifts and rotates (C0/C1/D0/D1/D2/D3: ROL ROR RCL RCR SHL SHR
// SAL SAR) and the double shifts SHLD/SHRD (0F A4/A5/AC/AD).
//
// The count is masked to 5 bits.  A masked count of 0 changes nothing (memory operands are
// still checked for writing, as the locked read-modify-write of the hardware does).  RCL/RCR
// of 8/16-bit operands rotate through count mod 9/17 bits; when that is 0 the operand and
// the flags stay as they were.
//
// Flags and results the SDM leaves undefined get the values Intel processors produce (the
// unit tests compare every one of them with the host CPU when it is an Intel part; the
// P6's descendants keep its behaviour here).  Each row lists them in undef_flags:
//   * OF for counts other than 1 is the OF of the first 1-bit step, from the original
//     operand: ROL/RCL/SHL: MSB XOR next bit; ROR: MSB XOR LSB; RCR: MSB XOR CF-in; SHR: MSB;
//     SAR: 0; SHLD: MSB(dest) XOR next bit; SHRD: MSB(dest) XOR LSB(src);
//   * AF after SHL/SHR/SAR/SHLD/SHRD is 0; rotates leave SF/ZF/AF/PF alone (as defined);
//   * CF of SHL/SHR by a count >= the width of an 8/16-bit operand is the last bit the SDM
//     pseudo-code shifts out, i.e. 0 past the width;
//   * 16-bit SHLD/SHRD by more than 16 shift the 48-bit value dest:src:dest, so bits of the
//     destination come back in; CF is the last bit shifted out of that value.
#include "cpu/alu.h"
#include "cpu/table.h"

namespace rz {

namespace {

enum class Sh : uint8_t { Rol = 0, Ror, Rcl, Rcr, Shl, Shr, Sal, Sar };
enum class Count : uint8_t { One, Imm, CL };

template <typename T>
constexpr uint32_t msb(T v) { return uint32_t(v >> (bits_of<T>() - 1)) & 1; }

// ---- algorithms (count already masked to 1..31) ------------------------------------------

template <typename T>
T rotate(Cpu& c, Sh op, T v, unsigned count) {
  constexpr unsigned B = bits_of<T>();
  uint32_t cf, of;
  T r;
  switch (op) {
    case Sh::Rol: {
      const unsigned n = count % B;
      r = n ? T((v << n) | (v >> (B - n))) : v;
      cf = r & 1;
      of = msb(v) ^ (uint32_t(v >> (B - 2)) & 1);
      break;
    }
    case Sh::Ror: {
      const unsigned n = count % B;
      r = n ? T((v >> n) | (v << (B - n))) : v;
      cf = msb(r);
      of = msb(v) ^ (uint32_t(v) & 1);
      break;
    }
    default: {  // RCL/RCR: rotate the (B+1)-bit value CF:v
      const unsigned n = count % (B + 1);
      if (n == 0) return v;
      const uint64_t mask = (uint64_t(1) << (B + 1)) - 1;
      const uint32_t cf_in = get_cf(c) ? 1 : 0;
      const uint64_t w = (uint64_t(cf_in) << B) | v;
      const uint64_t x = op == Sh::Rcl ? ((w << n) | (w >> (B + 1 - n))) & mask
                                       : ((w >> n) | (w << (B + 1 - n))) & mask;
      r = T(x);
      cf = uint32_t(x >> B) & 1;
      of = op == Sh::Rcl ? (msb(v) ^ (uint32_t(v >> (B - 2)) & 1)) : (msb(v) ^ cf_in);
      break;
    }
  }
  set_flags_explicit(c, CF | OF, (cf ? uint32_t(CF) : 0u) | (of ? uint32_t(OF) : 0u));
  return r;
}

template <typename T>
T shift(Cpu& c, Sh op, T v, unsigned count) {
  constexpr unsigned B = bits_of<T>();
  uint32_t cf, of;
  T r;
  switch (op) {
    case Sh::Shl:
    case Sh::Sal: {
      const uint64_t w = uint64_t(v) << count;
      r = T(w);
      cf = uint32_t(w >> B) & 1;
      of = msb(v) ^ (uint32_t(v >> (B - 2)) & 1);
      break;
    }
    case Sh::Shr:
      r = T(uint32_t(v) >> count);
      cf = (uint32_t(v) >> (count - 1)) & 1;
      of = msb(v);
      break;
    default: {  // SAR
      const int64_t s = signed_of<T>(v);
      r = T(s >> count);
      cf = uint32_t(s >> (count - 1)) & 1;
      of = 0;
      break;
    }
  }
  set_szp_explicit<T>(c, r, (cf ? uint32_t(CF) : 0u) | (of ? uint32_t(OF) : 0u));
  return r;
}

template <typename T>
inline T group2(Cpu& c, Sh op, T v, unsigned count) {
  return op <= Sh::Rcr ? rotate<T>(c, op, v, count) : shift<T>(c, op, v, count);
}

// SHLD/SHRD of a 16- or 32-bit operand by 1..31.  The shifted value is dest:src for 32-bit
// operands and dest:src:dest (48 bits) for 16-bit ones, which gives the P6 result for
// counts above 16 and the architected one otherwise.
template <typename T>
T double_shift(Cpu& c, bool left, T dst, T src, unsigned count) {
  constexpr unsigned B = bits_of<T>();
  constexpr unsigned W = B == 32 ? 64 : 48;
  T r;
  uint32_t cf, of;
  if (left) {
    const uint64_t w = B == 32 ? (uint64_t(dst) << 32) | src
                               : (uint64_t(dst) << 32) | (uint64_t(src) << 16) | dst;
    r = T(w >> (W - B - count));
    cf = uint32_t(w >> (W - count)) & 1;
    of = msb(dst) ^ (uint32_t(dst >> (B - 2)) & 1);
  } else {
    const uint64_t w = B == 32 ? (uint64_t(src) << 32) | dst
                               : (uint64_t(dst) << 32) | (uint64_t(src) << 16) | dst;
    r = T(w >> count);
    cf = uint32_t(w >> (count - 1)) & 1;
    of = msb(dst) ^ (uint32_t(src) & 1);
  }
  set_szp_explicit<T>(c, r, (cf ? uint32_t(CF) : 0u) | (of ? uint32_t(OF) : 0u));
  return r;
}

// ---- operand forms ----------------------------------------------------------------------

template <Count K>
inline unsigned shift_count(const Cpu& c, const Insn& i) {
  if constexpr (K == Count::One) return 1;
  else if constexpr (K == Count::Imm) return i.imm & 0x1F;
  else return c.r[ECX] & 0x1F;
}

template <Sh Op, Count K, typename T, bool M>
void group2_E(Cpu& c, const Insn& i) {
  const unsigned n = shift_count<K>(c, i);
  if constexpr (M) {
    auto ref = ref_mem<T>(c, i.seg, ea(c, i));
    T v = load<T>(c, ref);
    if (n) store<T>(c, ref, group2<T>(c, Op, v, n));
  } else {
    if (n) set_reg<T>(c, i.m, group2<T>(c, Op, get_reg<T>(c, i.m), n));
  }
}

template <bool Left, Count K, typename T, bool M>
void shxd_E(Cpu& c, const Insn& i) {
  const unsigned n = shift_count<K>(c, i);
  const T src = read_G<T>(c, i);
  if constexpr (M) {
    auto ref = ref_mem<T>(c, i.seg, ea(c, i));
    T v = load<T>(c, ref);
    if (n) store<T>(c, ref, double_shift<T>(c, Left, v, src, n));
  } else {
    if (n) set_reg<T>(c, i.m, double_shift<T>(c, Left, get_reg<T>(c, i.m), src, n));
  }
}

template <Sh Op, Count K>
HandlerSet hs_group2(bool byte) {
  if (byte) return {{{group2_E<Op, K, uint8_t, false>, group2_E<Op, K, uint8_t, true>},
                     {group2_E<Op, K, uint8_t, false>, group2_E<Op, K, uint8_t, true>}}};
  return {{{group2_E<Op, K, uint16_t, false>, group2_E<Op, K, uint16_t, true>},
           {group2_E<Op, K, uint32_t, false>, group2_E<Op, K, uint32_t, true>}}};
}

template <bool Left, Count K>
HandlerSet hs_shxd() {
  return {{{shxd_E<Left, K, uint16_t, false>, shxd_E<Left, K, uint16_t, true>},
           {shxd_E<Left, K, uint32_t, false>, shxd_E<Left, K, uint32_t, true>}}};
}

constexpr const char* kGroup2Names[8] = {"ROL", "ROR", "RCL", "RCR", "SHL", "SHR", "SAL", "SAR"};

template <Sh Op>
void add_group2_rows(OpTable& t) {
  const int8_t reg = int8_t(Op);
  const char* nm = kGroup2Names[int(Op)];
  const bool rot = Op <= Sh::Rcr;
  // Rotates: OF undefined unless the count is 1.  Shifts: AF always, OF unless count 1.
  const uint32_t undef1 = rot ? 0u : AF;
  const uint32_t undefn = rot ? OF : (AF | OF);
  t.add({.opcode = 0xC0, .reg = reg, .mnemonic = nm, .form = "Eb,Ib", .undef_flags = undefn, .hs = hs_group2<Op, Count::Imm>(true)});
  t.add({.opcode = 0xC1, .reg = reg, .mnemonic = nm, .form = "Ev,Ib", .undef_flags = undefn, .hs = hs_group2<Op, Count::Imm>(false)});
  t.add({.opcode = 0xD0, .reg = reg, .mnemonic = nm, .form = "Eb,1", .undef_flags = undef1, .hs = hs_group2<Op, Count::One>(true)});
  t.add({.opcode = 0xD1, .reg = reg, .mnemonic = nm, .form = "Ev,1", .undef_flags = undef1, .hs = hs_group2<Op, Count::One>(false)});
  t.add({.opcode = 0xD2, .reg = reg, .mnemonic = nm, .form = "Eb,CL", .undef_flags = undefn, .hs = hs_group2<Op, Count::CL>(true)});
  t.add({.opcode = 0xD3, .reg = reg, .mnemonic = nm, .form = "Ev,CL", .undef_flags = undefn, .hs = hs_group2<Op, Count::CL>(false)});
}

}  // namespace

void register_ops_shift(OpTable& t) {
  add_group2_rows<Sh::Rol>(t);
  add_group2_rows<Sh::Ror>(t);
  add_group2_rows<Sh::Rcl>(t);
  add_group2_rows<Sh::Rcr>(t);
  add_group2_rows<Sh::Shl>(t);
  add_group2_rows<Sh::Shr>(t);
  add_group2_rows<Sh::Sal>(t);  // /6: undocumented alias of SHL on every Intel CPU
  add_group2_rows<Sh::Sar>(t);

  // SHLD/SHRD: AF always undefined, OF unless the count is 1 (and everything for 16-bit
  // operands shifted by more than 16, see the file comment).
  constexpr uint32_t kShxdUndef = AF | OF;
  t.add({.map = kMap0F, .opcode = 0xA4, .mnemonic = "SHLD", .form = "Ev,Gv,Ib", .undef_flags = kShxdUndef, .hs = hs_shxd<true, Count::Imm>()});
  t.add({.map = kMap0F, .opcode = 0xA5, .mnemonic = "SHLD", .form = "Ev,Gv,CL", .undef_flags = kShxdUndef, .hs = hs_shxd<true, Count::CL>()});
  t.add({.map = kMap0F, .opcode = 0xAC, .mnemonic = "SHRD", .form = "Ev,Gv,Ib", .undef_flags = kShxdUndef, .hs = hs_shxd<false, Count::Imm>()});
  t.add({.map = kMap0F, .opcode = 0xAD, .mnemonic = "SHRD", .form = "Ev,Gv,CL", .undef_flags = kShxdUndef, .hs = hs_shxd<false, Count::CL>()});
}

}  // namespace rz
