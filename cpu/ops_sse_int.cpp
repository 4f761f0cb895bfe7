// cpu/ops_sse_int.cpp: the SSE2 integer instructions on XMM registers (66 0F 60-7F, D1-FE:
// the 128-bit twins of the MMX rows, from add_shared_int_rows in cpu/simd_handlers.h) and
// the SSE2-only forms: MOVDQA/MOVDQU, MOVQ xmm (F3 0F 7E, 66 0F D6), MOVQ2DQ/MOVDQ2Q,
// PSHUFD/PSHUFHW/PSHUFLW, PSLLDQ/PSRLDQ, PUNPCKLQDQ/PUNPCKHQDQ and MOVNTI.  The bit-level
// SSE data movement rows are registered from here too (cpu/simd_move.cpp).
//
// 128-bit memory operands must be 16-byte aligned (#GP(0)) except for MOVDQU and
// MASKMOVDQU; the 64-bit MOVQ forms have no alignment requirement.
#include "cpu/simd_handlers.h"

namespace rz {

namespace {

using namespace simd;

// MOVQ Vq,Wq (F3 0F 7E): dst = zero-extended low quadword of xmm/m64.
void movq_load(Cpu& c, const Insn& i) {
  Xmm::check(c);
  const V128 s = source<Xmm, 8, false>(c, i);
  V128 r{};
  r.set<uint64_t>(0, s.q(0));
  Xmm::put(c, i.modrm_reg, r);
}
// MOVQ Wq,Vq (66 0F D6): m64 = low quadword, or xmm = zero-extended low quadword.
void movq_store(Cpu& c, const Insn& i) {
  Xmm::check(c);
  const V128 s = Xmm::get(c, i.modrm_reg);
  if (i.is_mem) {
    store_op<8, false>(c, i, s.b);
    return;
  }
  V128 r{};
  r.set<uint64_t>(0, s.q(0));
  Xmm::put(c, i.modrm_rm, r);
}
// MOVQ2DQ Vdq,Nq (F3 0F D6) and MOVDQ2Q Pq,Uq (F2 0F D6): SSE2 availability plus a pending
// x87 exception (#MF); both make the MMX state transition.
void mmx_sse_check(Cpu& c) {
  sse_prologue(c);
  x87::check_available(c, true);
}
void movq2dq(Cpu& c, const Insn& i) {
  mmx_sse_check(c);
  V128 r{};
  r.set<uint64_t>(0, get_mm(c, i.modrm_rm));
  Xmm::put(c, i.modrm_reg, r);
  Mmx::touch(c);
}
void movdq2q(Cpu& c, const Insn& i) {
  mmx_sse_check(c);
  V64 r;
  const uint64_t v = Xmm::get(c, i.modrm_rm).q(0);
  std::memcpy(r.b, &v, 8);
  Mmx::put(c, i.modrm_reg, r);
}
// MOVNTI Md,Gd (0F C3): a plain dword store (the non-temporal hint has no visible effect).
// It uses no SIMD state, so none of the CR0/CR4 checks apply.
void movnti(Cpu& c, const Insn& i) { write_mem<uint32_t>(c, i.seg, ea(c, i), c.r[i.modrm_reg]); }

}  // namespace

void register_ops_sse_int(OpTable& t) {
  using namespace alg;
  add_shared_int_rows<Xmm>(t, kXmmForms);
  simd_row(t, 0x6C, 0x66, "PUNPCKLQDQ", "Vdq,Wdq", binop<Xmm, 16, true, unpack<uint64_t, false, 16>>);
  simd_row(t, 0x6D, 0x66, "PUNPCKHQDQ", "Vdq,Wdq", binop<Xmm, 16, true, unpack<uint64_t, true, 16>>);
  simd_row(t, 0x6F, 0x66, "MOVDQA", "Vdq,Wdq", move_load<Xmm, true>);
  simd_row(t, 0x6F, 0xF3, "MOVDQU", "Vdq,Wdq", move_load<Xmm, false>);
  simd_row(t, 0x7F, 0x66, "MOVDQA", "Wdq,Vdq", move_store<Xmm, true>);
  simd_row(t, 0x7F, 0xF3, "MOVDQU", "Wdq,Vdq", move_store<Xmm, false>);
  simd_row(t, 0x70, 0x66, "PSHUFD", "Vdq,Wdq,Ib", shuffle<Xmm, 16, true, pshuf<uint32_t, 0, 16>>);
  simd_row(t, 0x70, 0xF3, "PSHUFHW", "Vdq,Wdq,Ib", shuffle<Xmm, 16, true, pshuf<uint16_t, 4, 16>>);
  simd_row(t, 0x70, 0xF2, "PSHUFLW", "Vdq,Wdq,Ib", shuffle<Xmm, 16, true, pshuf<uint16_t, 0, 16>>);
  simd_row(t, 0x73, 0x66, "PSRLDQ", "Udq,Ib", shift_by_imm<Xmm, byte_shr>, 3, 3);
  simd_row(t, 0x73, 0x66, "PSLLDQ", "Udq,Ib", shift_by_imm<Xmm, byte_shl>, 7, 3);
  simd_row(t, 0x7E, 0xF3, "MOVQ", "Vq,Wq", movq_load);
  simd_row(t, 0xD6, 0x66, "MOVQ", "Wq,Vq", movq_store);
  simd_row(t, 0xD6, 0xF3, "MOVQ2DQ", "Vdq,Nq", movq2dq, kAny, 3);
  simd_row(t, 0xD6, 0xF2, "MOVDQ2Q", "Pq,Uq", movdq2q, kAny, 3);
  simd_row(t, 0xC3, kPfxNone, "MOVNTI", "Md,Gd", movnti, kAny, 0);
  register_sse_move(t);
}

}  // namespace rz
