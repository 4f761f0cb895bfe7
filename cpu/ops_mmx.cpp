// cpu/ops_mmx.cpp: the MMX instructions (0F 60-7F, D1-FE with no prefix), the SSE/SSE2
// additions that operate on MM registers (PAVGB/W, PEXTRW, PINSRW, PMAXSW/UB, PMINSW/UB,
// PMOVMSKB, PMULHUW, PSADBW, PSHUFW, MASKMOVQ, MOVNTQ, PADDQ/PSUBQ/PMULUDQ) and EMMS.
//
// MMn is the significand of physical x87 register Rn (cpu/simd.h).  The rows shared with
// the SSE2 XMM forms come from add_shared_int_rows (cpu/simd_handlers.h); this file adds
// the forms that differ: MOVQ loads/stores, PSHUFW and EMMS.
#include "cpu/simd_handlers.h"

namespace rz {

namespace {

using namespace simd;

// EMMS (0F 77): every x87 register empty and TOP = 0 (SDM vol. 1 table 11-2; the host
// agrees).  Same availability checks as any MMX instruction.
void emms(Cpu& c, const Insn&) {
  Mmx::check(c);
  c.fpu.fsw &= uint16_t(~(7u << 11));
  c.fpu.ftw = 0xFFFF;
}

}  // namespace

void register_ops_mmx(OpTable& t) {
  add_shared_int_rows<Mmx>(t, kMmxForms);
  simd_row(t, 0x6F, kPfxNone, "MOVQ", "Pq,Qq", move_load<Mmx, false>);
  simd_row(t, 0x7F, kPfxNone, "MOVQ", "Qq,Pq", move_store<Mmx, false>);
  simd_row(t, 0x70, kPfxNone, "PSHUFW", "Pq,Qq,Ib", shuffle<Mmx, 8, false, alg::pshuf<uint16_t, 0, 8>>);
  simd_row(t, 0x77, kPfxNone, "EMMS", "", emms);
}

}  // namespace rz
