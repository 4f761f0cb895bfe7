// tests/difftest/masks.cpp: what is left undefined by one instance of an instruction.
//
// The row's `undef_flags` (written beside the instruction in the table) is the starting
// point.  Where the SDM makes definedness depend on the operands, it is refined here:
//  * shifts and rotates: a masked count of 0 changes no flag (all compared); OF is defined
//    only for a count of 1; AF is undefined for SHL/SHR/SAR with a non-zero count; rotates
//    leave SF ZF AF PF unchanged (compared); CF is undefined for SHL/SHR when the count is
//    at least the operand width;
//  * SHLD/SHRD: count 0 changes nothing; OF only for count 1; AF always undefined; a count
//    above the operand size (16-bit forms) leaves the result and every flag undefined;
//  * BSF/BSR: the destination is undefined when the source is zero;
//  * BSWAP with a 16-bit operand: the result is undefined.
#include <cstring>

#include "tests/difftest/difftest.h"

namespace rz::difftest {

namespace {

bool is(const OpRow& r, const char* m) { return std::strcmp(r.mnemonic, m) == 0; }

uint32_t window_value(const Case& c, unsigned size) {
  uint32_t v = 0;
  for (unsigned k = 0; k < size && c.win_off + k < DT_WIN_SIZE; ++k)
    v |= uint32_t(c.in.mem[c.win_off + k]) << (8 * k);
  return v;
}

}  // namespace

void refine_undefined(const OpRow& r, const RowPlan& p, Case& c) {
  c.undef_flags = r.undef_flags;
  const bool byte = r.form[0] == 'E' && r.form[1] == 'b';
  const unsigned width = byte ? 8 : c.osz * 8;
  const uint32_t wmask = width == 32 ? 0xFFFFFFFFu : (1u << width) - 1;

  const bool rotate = is(r, "ROL") || is(r, "ROR") || is(r, "RCL") || is(r, "RCR");
  const bool shift = is(r, "SHL") || is(r, "SAL") || is(r, "SHR") || is(r, "SAR");
  const bool dshift = is(r, "SHLD") || is(r, "SHRD");
  if (rotate || shift || dshift) {
    uint32_t count = p.fi.one ? 1 : p.fi.cl ? (c.in.regs[ECX] & 0xFF) : c.imm;
    count &= 0x1F;
    if (count == 0) {
      c.undef_flags = 0;
      return;
    }
    uint32_t u = c.undef_flags;
    if (count == 1) u &= ~OF;
    else u |= OF;
    if (rotate) u &= ~(SF | ZF | AF | PF);
    if (shift || dshift) u |= AF;
    if ((is(r, "SHL") || is(r, "SAL") || is(r, "SHR")) && count >= width) u |= CF;
    if (dshift && count > width) {
      u = kArithFlags;
      if (c.mem) {
        c.mem_undef_lo = c.win_off;
        c.mem_undef_hi = c.win_off + width / 8;
      } else {
        c.reg_undef[c.rm] |= wmask;
      }
    }
    c.undef_flags = u;
    return;
  }
  if (is(r, "BSF") || is(r, "BSR")) {
    uint32_t src = c.mem ? window_value(c, c.osz) : c.in.regs[c.rm];
    if ((src & wmask) == 0) c.reg_undef[c.reg] |= wmask;
    return;
  }
  if (is(r, "BSWAP") && c.osz == 2) c.reg_undef[r.opcode & 7] |= 0xFFFF;
}

}  // namespace rz::difftest
