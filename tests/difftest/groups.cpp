// tests/difftest/groups.cpp: named row groups for `rz_difftest --group NAME`.
//
// A group selects rows by what they are, so a run over "mmx" or "sse-fp" stays complete as
// rows are added to the table.  --group and --filter combine (both must match).
//   int       every covered row that is not SIMD (the original integer tester)
//   simd      every kind-Simd row
//   mmx       SIMD rows whose register operands are MMX only (P N Q), plus EMMS
//   sse-int   XMM rows of the SSE2 integer set: P* mnemonics on XMM, MOVD/MOVQ/MOVDQA/
//             MOVDQU/MOVQ2DQ/MOVDQ2Q/MASKMOVDQU/MOVNTDQ, and MOVNTI
//   sse-move  bit-level SSE/SSE2 data movement, logic and shuffles (MOVAPS..MOVLHPS,
//             MOVNTPS/PD, AND(N)/OR/XOR PS/PD, UNPCK*, SHUFPS/PD), fences, CLFLUSH, PREFETCHh
//   sse-fp    every other SIMD row: floating-point arithmetic, compares, conversions,
//             MXCSR, MOVMSKPS/PD (the ssefp rows)
#include <cstring>

#include "tests/difftest/difftest.h"

namespace rz::difftest {

namespace {

bool in(const char* m, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (std::strcmp(m, n) == 0) return true;
  return false;
}

bool is_mmx(const OpRow& r, const RowPlan& p) {
  return (p.fi.simd && !p.fi.xmm) || in(r.mnemonic, {"EMMS"});
}

bool is_sse_int(const OpRow& r, const RowPlan& p) {
  if (!p.fi.xmm && !in(r.mnemonic, {"MOVNTI"})) return false;
  return r.mnemonic[0] == 'P' ||
         in(r.mnemonic, {"MOVD", "MOVQ", "MOVDQA", "MOVDQU", "MOVQ2DQ", "MOVDQ2Q", "MASKMOVDQU",
                         "MOVNTDQ", "MOVNTI"});
}

bool is_sse_move(const OpRow& r) {
  return in(r.mnemonic,
            {"MOVAPS", "MOVUPS", "MOVAPD", "MOVUPD", "MOVSS", "MOVSD", "MOVHPS", "MOVLPS",
             "MOVHLPS", "MOVLHPS", "MOVHPD", "MOVLPD", "MOVNTPS", "MOVNTPD", "ANDPS", "ANDNPS",
             "ORPS", "XORPS", "ANDPD", "ANDNPD", "ORPD", "XORPD", "UNPCKLPS", "UNPCKHPS",
             "UNPCKLPD", "UNPCKHPD", "SHUFPS", "SHUFPD", "SFENCE", "LFENCE", "MFENCE",
             "CLFLUSH", "PREFETCHNTA", "PREFETCHT0", "PREFETCHT1", "PREFETCHT2"});
}

}  // namespace

const char* group_names() { return "int, simd, mmx, sse-int, sse-move, sse-fp"; }

bool group_has_row(const std::string& g, const OpRow& r, const RowPlan& p, bool* known) {
  *known = true;
  const bool simd = p.kind == Kind::Simd;
  if (g == "int") return !simd;
  if (g == "simd") return simd;
  if (g == "mmx") return simd && is_mmx(r, p);
  if (g == "sse-int") return simd && !is_mmx(r, p) && is_sse_int(r, p);
  if (g == "sse-move") return simd && !is_mmx(r, p) && is_sse_move(r);
  if (g == "sse-fp") return simd && !is_mmx(r, p) && !is_sse_int(r, p) && !is_sse_move(r);
  *known = false;
  return false;
}

}  // namespace rz::difftest
