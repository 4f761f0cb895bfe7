// tests/difftest/pairs.cpp: two-instruction cases, a flag producer then a flag consumer.
//
// ringzero's arithmetic flags are lazy (cpu/flags.h): a single-instruction case starts
// with materialised flags and reads them back through get_eflags(), so it never exercises
// the consumer side: test_cc()'s fast paths for Jcc/SETcc/CMOVcc after SUB/CMP/logic ops,
// get_cf() for ADC/SBB/RCL/RCR/SALC/CMC, INC/DEC keeping a lazy CF, LAHF.  A pair case runs
// instance A of any Plain row, then B, a register-form consumer, straight after it (one
// host run; two Engine::step() calls).  B's own register set-up is discarded: it reads
// what A left.  A pair is only made when B reads none of the flags A leaves undefined.
#include <cstring>

#include "tests/difftest/difftest.h"

namespace rz::difftest {

namespace {

bool is(const OpRow& r, const char* m) { return std::strcmp(r.mnemonic, m) == 0; }

uint32_t cc_reads(unsigned cc) {
  static const uint32_t kReads[8] = {OF, CF, ZF, CF | ZF, SF, PF, SF | OF, ZF | SF | OF};
  return kReads[(cc >> 1) & 7];
}

}  // namespace

uint32_t consumer_reads(const OpRow& r, const RowPlan& p) {
  if (is(r, "Jcc") || is(r, "SETcc") || is(r, "CMOVcc")) return cc_reads(r.opcode & 0xF);
  if (is(r, "ADC") || is(r, "SBB") || is(r, "SALC") || is(r, "CMC")) return CF;
  if ((is(r, "RCL") || is(r, "RCR")) && !p.fi.cl) return CF;
  if (is(r, "LAHF")) return SF | ZF | AF | PF | CF;
  if (is(r, "INC") || is(r, "DEC")) return 0;  // reads nothing, keeps CF
  return ~0u;                                  // not a consumer
}

bool generate_pair(const OpTable& t, uint16_t a_row, const RowPlan& a_plan, uint16_t b_row,
                   const RowPlan& b_plan, Rng& rng, Case& out) {
  Case a, b;
  if (!generate(t, a_row, a_plan, rng, a)) return false;
  if (a.undef_flags & consumer_reads(t.rows()[b_row], b_plan)) return false;
  for (int attempt = 0;; ++attempt) {
    if (attempt == 8) return false;
    if (!generate(t, b_row, b_plan, rng, b)) continue;
    if (b.mem || b.in.len + a.in.len > sizeof a.in.code) continue;
    if (b_plan.fi.rel && b.in.len >= 2) {
      // B's branch displacement was made for B at the start of the window; moved behind A,
      // its target must still miss both instructions (or lie below 64 KiB).
      const unsigned size = b_plan.fi.rel == 1 ? 1 : b.osz;
      uint32_t disp = 0;
      std::memcpy(&disp, b.in.code + b.in.len - size, size);
      if (size == 1) disp = uint32_t(int32_t(int8_t(disp)));
      uint32_t end = DT_CODE_INSN + a.in.len + b.in.len;
      uint32_t target = end + disp;
      if (size == 2) target &= 0xFFFF;
      if (target >= DT_CODE_INSN && target < end) continue;
    }
    break;
  }
  out = a;
  std::memcpy(out.in.code + a.in.len, b.in.code, b.in.len);
  out.in.len = a.in.len + b.in.len;
  out.second_row = b_row;
  out.steps = 2;
  out.undef_flags = a.undef_flags | b.undef_flags;
  for (int k = 0; k < 8; ++k) out.reg_undef[k] |= b.reg_undef[k];
  return true;
}

}  // namespace rz::difftest
