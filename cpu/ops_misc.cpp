// cpu/ops_misc.cpp: NOP, HLT, flag instructions, CBW/CWD, LAHF/SAHF, XLAT, CPUID, RDTSC...
#include "cpu/table.h"

namespace rz {

namespace {

void nop(Cpu&, const Insn&) {}

void hlt(Cpu& c, const Insn& i) {
  if (c.cpl != 0) raise_gp0(c);
  c.eip += i.len;
  c.halted = true;
  c.stop_block = true;
}

}  // namespace

void register_ops_misc(OpTable& t) {
  t.add({.opcode = 0x90, .mnemonic = "NOP", .form = "", .hs = RZ_HS_1(nop)});
  t.add({.opcode = 0xF4, .mnemonic = "HLT", .form = "", .cls = InsnClass::Privileged, .attrs = kControl, .hs = RZ_HS_1(hlt)});
}

}  // namespace rz
