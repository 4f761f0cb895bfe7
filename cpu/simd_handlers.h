// cpu/simd_handlers.h: handler shapes shared by the MMX rows (register file Mmx, no
// prefix, cpu/ops_mmx.cpp) and their SSE2 XMM twins (register file Xmm, 66 prefix,
// cpu/ops_sse_int.cpp), and the rows both sets have in common.  The operand form is the
// handler; the algorithm is a template argument from cpu/simd_alg.h.
//
// Fault order in every handler: availability (#UD/#NM/#MF), then alignment and the memory
// access, then the register write (which, for MMX, also applies TOP = 0 / tags valid).
// MMX stores are the exception: real processors set TOP = 0 before the store, so it stays
// even when the store faults, while the tags become valid only if it completes (measured
// on the host by rz_difftest: MOVQ/MOVD/MOVNTQ to a CS-overridden address give #GP with
// TOP already 0 and the tag word unchanged; a faulting MMX load leaves TOP and the tags
// as they were).  RF::pre_store does the early part.
#pragma once

#include "cpu/simd_alg.h"

namespace rz::simd {

template <unsigned N>
using BinOp = Vec<N> (*)(const Vec<N>&, const Vec<N>&);
template <unsigned N>
using ShiftOp = Vec<N> (*)(const Vec<N>&, uint64_t);

// The source operand: register ModRM.rm or MemBytes of memory (zero-extended).
template <class RF, unsigned MemBytes, bool Align>
inline Vec<RF::N> source(Cpu& c, const Insn& i) {
  if (i.is_mem) return load_op<RF::N, MemBytes, Align>(c, i);
  return RF::get(c, i.modrm_rm);
}

// dst = op(dst, src): P,Q / V,W forms.
template <class RF, unsigned MemBytes, bool Align, BinOp<RF::N> Op>
void binop(Cpu& c, const Insn& i) {
  RF::check(c);
  const Vec<RF::N> b = source<RF, MemBytes, Align>(c, i);
  RF::put(c, i.modrm_reg, Op(RF::get(c, i.modrm_reg), b));
}

// Shift dst by the 64-bit count in the low quadword of the source (PSLLW Pq,Qq ...).
template <class RF, unsigned MemBytes, bool Align, ShiftOp<RF::N> Op>
void shift_by_vec(Cpu& c, const Insn& i) {
  RF::check(c);
  const uint64_t count = source<RF, MemBytes, Align>(c, i).q(0);
  RF::put(c, i.modrm_reg, Op(RF::get(c, i.modrm_reg), count));
}

// Shift the ModRM.rm register by imm8 (groups 12, 13, 14: PSLLW Nq,Ib ...).
template <class RF, ShiftOp<RF::N> Op>
void shift_by_imm(Cpu& c, const Insn& i) {
  RF::check(c);
  RF::put(c, i.modrm_rm, Op(RF::get(c, i.modrm_rm), i.imm & 0xFF));
}

// dst = shuffle(src, imm8): PSHUFW / PSHUFD / PSHUFLW / PSHUFHW.
template <class RF, unsigned MemBytes, bool Align, Vec<RF::N> (*Op)(const Vec<RF::N>&, unsigned)>
void shuffle(Cpu& c, const Insn& i) {
  RF::check(c);
  const Vec<RF::N> b = source<RF, MemBytes, Align>(c, i);
  RF::put(c, i.modrm_reg, Op(b, i.imm & 0xFF));
}

// MOVQ Pq,Qq / MOVDQA / MOVDQU loads: dst = src.
template <class RF, bool Align>
void move_load(Cpu& c, const Insn& i) {
  RF::check(c);
  RF::put(c, i.modrm_reg, source<RF, RF::N, Align>(c, i));
}
// MOVQ Qq,Pq / MOVDQA / MOVDQU / MOVNTQ / MOVNTDQ stores: dst (rm) = src (reg).
template <class RF, bool Align>
void move_store(Cpu& c, const Insn& i) {
  RF::check(c);
  const Vec<RF::N> v = RF::get(c, i.modrm_reg);
  if (i.is_mem) {
    RF::pre_store(c);
    store_op<RF::N, Align>(c, i, v.b);
    RF::touch(c);
  } else {
    RF::put(c, i.modrm_rm, v);
  }
}

// MOVD Pq,Ed / Vdq,Ed: zero-extended dword.
template <class RF>
void movd_load(Cpu& c, const Insn& i) {
  RF::check(c);
  const uint32_t v = i.is_mem ? read_mem<uint32_t>(c, i.seg, ea(c, i)) : c.r[i.modrm_rm];
  Vec<RF::N> r{};
  r.template set<uint32_t>(0, v);
  RF::put(c, i.modrm_reg, r);
}
// MOVD Ed,Pq / Ed,Vdq: the low dword.
template <class RF>
void movd_store(Cpu& c, const Insn& i) {
  RF::check(c);
  const uint32_t v = RF::get(c, i.modrm_reg).template get<uint32_t>(0);
  RF::pre_store(c);
  if (i.is_mem) write_mem<uint32_t>(c, i.seg, ea(c, i), v);
  else c.r[i.modrm_rm] = v;
  RF::touch(c);
}

// PINSRW Pq,Ew,Ib / Vdq,Ew,Ib: word imm8 mod lanes of dst = r32[15:0] or m16.
template <class RF>
void pinsrw(Cpu& c, const Insn& i) {
  RF::check(c);
  const uint16_t w = i.is_mem ? read_mem<uint16_t>(c, i.seg, ea(c, i)) : uint16_t(c.r[i.modrm_rm]);
  Vec<RF::N> v = RF::get(c, i.modrm_reg);
  v.template set<uint16_t>(i.imm & (RF::N / 2 - 1), w);
  RF::put(c, i.modrm_reg, v);
}
// PEXTRW Gd,Nq,Ib / Gd,Udq,Ib: r32 = zero-extended word imm8 mod lanes of src.
template <class RF>
void pextrw(Cpu& c, const Insn& i) {
  RF::check(c);
  c.r[i.modrm_reg] = RF::get(c, i.modrm_rm).template get<uint16_t>(i.imm & (RF::N / 2 - 1));
  RF::touch(c);
}
// PMOVMSKB Gd,Nq / Gd,Udq.
template <class RF>
void pmovmskb(Cpu& c, const Insn& i) {
  RF::check(c);
  c.r[i.modrm_reg] = alg::pmovmskb(RF::get(c, i.modrm_rm));
  RF::touch(c);
}
// MASKMOVQ Pq,Nq / MASKMOVDQU Vdq,Udq: store the bytes of dst whose mask byte (src) has
// its top bit set to DS:(E)DI (segment overridable).  The whole span is checked (segment
// and pages) before the first byte is written.
template <class RF>
void maskmov(Cpu& c, const Insn& i) {
  RF::check(c);
  const Vec<RF::N> v = RF::get(c, i.modrm_reg), mask = RF::get(c, i.modrm_rm);
  RF::touch(c);  // MASKMOVQ makes the whole transition first (TOP 0 and tags valid on #GP)
  const uint32_t lin = lin_write<RF::N>(c, i.seg, c.r[EDI] & i.amask);
  probe_write(c, lin, RF::N, c.user());
  for (unsigned k = 0; k < RF::N; ++k)
    if (mask.b[k] & 0x80) write_lin<uint8_t>(c, lin + k, v.b[k], c.user());
}

// ---- the rows MMX and SSE2 share (0F 60-7F, D1-FE) --------------------------------------------

struct Forms {
  uint8_t prefix;
  const char *pq, *pqd, *nib, *ped, *edp, *gdnib, *pewib, *gdn, *mp, *pn;
};
inline constexpr Forms kMmxForms{kPfxNone, "Pq,Qq", "Pq,Qd", "Nq,Ib", "Pq,Ed", "Ed,Pq",
                                 "Gd,Nq,Ib", "Pq,Ew,Ib", "Gd,Nq", "Mq,Pq", "Pq,Nq"};
inline constexpr Forms kXmmForms{0x66, "Vdq,Wdq", "Vdq,Wdq", "Udq,Ib", "Vdq,Ed", "Ed,Vdq",
                                 "Gd,Udq,Ib", "Vdq,Ew,Ib", "Gd,Udq", "Mdq,Vdq", "Vdq,Udq"};

inline void simd_row(OpTable& t, uint8_t op, uint8_t prefix, const char* mn, const char* form,
                     Handler h, int8_t reg = kAny, int8_t mod = kAny) {
  t.add({.map = kMap0F, .opcode = op, .reg = reg, .mod = mod, .prefix = prefix, .mnemonic = mn,
         .form = form, .hs = mod == 3 ? hs_reg(h) : mod == 0 ? hs_mem(h) : hs_any(h)});
}

template <class RF>
void add_shared_int_rows(OpTable& t, const Forms& f) {
  using namespace alg;
  constexpr unsigned N = RF::N;
  constexpr bool A = N == 16;                 // 128-bit memory operands must be aligned
  constexpr unsigned LowHalf = N == 8 ? 4 : 16;  // PUNPCKL on MMX reads m32
  const uint8_t p = f.prefix;
  auto row = [&](uint8_t op, const char* mn, const char* form, Handler h) { simd_row(t, op, p, mn, form, h); };

  row(0x60, "PUNPCKLBW", f.pqd, binop<RF, LowHalf, A, unpack<uint8_t, false, N>>);
  row(0x61, "PUNPCKLWD", f.pqd, binop<RF, LowHalf, A, unpack<uint16_t, false, N>>);
  row(0x62, "PUNPCKLDQ", f.pqd, binop<RF, LowHalf, A, unpack<uint32_t, false, N>>);
  row(0x63, "PACKSSWB", f.pq, binop<RF, N, A, pack<int16_t, int8_t, N>>);
  row(0x64, "PCMPGTB", f.pq, binop<RF, N, A, cmpgt<int8_t, N>>);
  row(0x65, "PCMPGTW", f.pq, binop<RF, N, A, cmpgt<int16_t, N>>);
  row(0x66, "PCMPGTD", f.pq, binop<RF, N, A, cmpgt<int32_t, N>>);
  row(0x67, "PACKUSWB", f.pq, binop<RF, N, A, pack<int16_t, uint8_t, N>>);
  row(0x68, "PUNPCKHBW", f.pq, binop<RF, N, A, unpack<uint8_t, true, N>>);
  row(0x69, "PUNPCKHWD", f.pq, binop<RF, N, A, unpack<uint16_t, true, N>>);
  row(0x6A, "PUNPCKHDQ", f.pq, binop<RF, N, A, unpack<uint32_t, true, N>>);
  row(0x6B, "PACKSSDW", f.pq, binop<RF, N, A, pack<int32_t, int16_t, N>>);
  row(0x6E, "MOVD", f.ped, movd_load<RF>);
  row(0x7E, "MOVD", f.edp, movd_store<RF>);
  row(0x74, "PCMPEQB", f.pq, binop<RF, N, A, cmpeq<uint8_t, N>>);
  row(0x75, "PCMPEQW", f.pq, binop<RF, N, A, cmpeq<uint16_t, N>>);
  row(0x76, "PCMPEQD", f.pq, binop<RF, N, A, cmpeq<uint32_t, N>>);

  // Groups 12-14: shifts by imm8 (register forms only).
  auto grp = [&](uint8_t op, int8_t reg, const char* mn, Handler h) { simd_row(t, op, p, mn, f.nib, h, reg, 3); };
  grp(0x71, 2, "PSRLW", shift_by_imm<RF, shr<uint16_t, N>>);
  grp(0x71, 4, "PSRAW", shift_by_imm<RF, sar<int16_t, N>>);
  grp(0x71, 6, "PSLLW", shift_by_imm<RF, shl<uint16_t, N>>);
  grp(0x72, 2, "PSRLD", shift_by_imm<RF, shr<uint32_t, N>>);
  grp(0x72, 4, "PSRAD", shift_by_imm<RF, sar<int32_t, N>>);
  grp(0x72, 6, "PSLLD", shift_by_imm<RF, shl<uint32_t, N>>);
  grp(0x73, 2, "PSRLQ", shift_by_imm<RF, shr<uint64_t, N>>);
  grp(0x73, 6, "PSLLQ", shift_by_imm<RF, shl<uint64_t, N>>);

  row(0xC4, "PINSRW", f.pewib, pinsrw<RF>);
  simd_row(t, 0xC5, p, "PEXTRW", f.gdnib, pextrw<RF>, kAny, 3);
  row(0xD1, "PSRLW", f.pq, shift_by_vec<RF, N, A, shr<uint16_t, N>>);
  row(0xD2, "PSRLD", f.pq, shift_by_vec<RF, N, A, shr<uint32_t, N>>);
  row(0xD3, "PSRLQ", f.pq, shift_by_vec<RF, N, A, shr<uint64_t, N>>);
  row(0xD4, "PADDQ", f.pq, binop<RF, N, A, add<uint64_t, N>>);
  row(0xD5, "PMULLW", f.pq, binop<RF, N, A, pmullw<N>>);
  simd_row(t, 0xD7, p, "PMOVMSKB", f.gdn, pmovmskb<RF>, kAny, 3);
  row(0xD8, "PSUBUSB", f.pq, binop<RF, N, A, subs<uint8_t, N>>);
  row(0xD9, "PSUBUSW", f.pq, binop<RF, N, A, subs<uint16_t, N>>);
  row(0xDA, "PMINUB", f.pq, binop<RF, N, A, min<uint8_t, N>>);
  row(0xDB, "PAND", f.pq, binop<RF, N, A, pand<N>>);
  row(0xDC, "PADDUSB", f.pq, binop<RF, N, A, adds<uint8_t, N>>);
  row(0xDD, "PADDUSW", f.pq, binop<RF, N, A, adds<uint16_t, N>>);
  row(0xDE, "PMAXUB", f.pq, binop<RF, N, A, max<uint8_t, N>>);
  row(0xDF, "PANDN", f.pq, binop<RF, N, A, pandn<N>>);
  row(0xE0, "PAVGB", f.pq, binop<RF, N, A, avg<uint8_t, N>>);
  row(0xE1, "PSRAW", f.pq, shift_by_vec<RF, N, A, sar<int16_t, N>>);
  row(0xE2, "PSRAD", f.pq, shift_by_vec<RF, N, A, sar<int32_t, N>>);
  row(0xE3, "PAVGW", f.pq, binop<RF, N, A, avg<uint16_t, N>>);
  row(0xE4, "PMULHUW", f.pq, binop<RF, N, A, pmulhuw<N>>);
  row(0xE5, "PMULHW", f.pq, binop<RF, N, A, pmulhw<N>>);
  simd_row(t, 0xE7, p, N == 8 ? "MOVNTQ" : "MOVNTDQ", f.mp, move_store<RF, A>, kAny, 0);
  row(0xE8, "PSUBSB", f.pq, binop<RF, N, A, subs<int8_t, N>>);
  row(0xE9, "PSUBSW", f.pq, binop<RF, N, A, subs<int16_t, N>>);
  row(0xEA, "PMINSW", f.pq, binop<RF, N, A, min<int16_t, N>>);
  row(0xEB, "POR", f.pq, binop<RF, N, A, por<N>>);
  row(0xEC, "PADDSB", f.pq, binop<RF, N, A, adds<int8_t, N>>);
  row(0xED, "PADDSW", f.pq, binop<RF, N, A, adds<int16_t, N>>);
  row(0xEE, "PMAXSW", f.pq, binop<RF, N, A, max<int16_t, N>>);
  row(0xEF, "PXOR", f.pq, binop<RF, N, A, pxor<N>>);
  row(0xF1, "PSLLW", f.pq, shift_by_vec<RF, N, A, shl<uint16_t, N>>);
  row(0xF2, "PSLLD", f.pq, shift_by_vec<RF, N, A, shl<uint32_t, N>>);
  row(0xF3, "PSLLQ", f.pq, shift_by_vec<RF, N, A, shl<uint64_t, N>>);
  row(0xF4, "PMULUDQ", f.pq, binop<RF, N, A, pmuludq<N>>);
  row(0xF5, "PMADDWD", f.pq, binop<RF, N, A, pmaddwd<N>>);
  row(0xF6, "PSADBW", f.pq, binop<RF, N, A, psadbw<N>>);
  simd_row(t, 0xF7, p, N == 8 ? "MASKMOVQ" : "MASKMOVDQU", f.pn, maskmov<RF>, kAny, 3);
  row(0xF8, "PSUBB", f.pq, binop<RF, N, A, sub<uint8_t, N>>);
  row(0xF9, "PSUBW", f.pq, binop<RF, N, A, sub<uint16_t, N>>);
  row(0xFA, "PSUBD", f.pq, binop<RF, N, A, sub<uint32_t, N>>);
  row(0xFB, "PSUBQ", f.pq, binop<RF, N, A, sub<uint64_t, N>>);
  row(0xFC, "PADDB", f.pq, binop<RF, N, A, add<uint8_t, N>>);
  row(0xFD, "PADDW", f.pq, binop<RF, N, A, add<uint16_t, N>>);
  row(0xFE, "PADDD", f.pq, binop<RF, N, A, add<uint32_t, N>>);
}

}  // namespace rz::simd
