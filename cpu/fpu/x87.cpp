// cpu/fpu/x87.cpp: x87 stack faults, exception merging, availability checks (#NM, #MF,
// FERR#) and the instruction/operand pointers.
#include "cpu/fpu/x87.h"

#include "cpu/insn.h"

namespace rz::x87 {

void assert_ferr(Cpu& c) {
  if (c.ferr_asserted) return;
  c.ferr_asserted = true;
  if (c.ferr) c.ferr(c.ferr_ctx, true);
  c.stop_block = true;  // the interrupt it may raise is taken after this instruction
}

void update_es(Cpu& c) {
  FpuState& f = c.fpu;
  if (f.fsw & ~f.fcw & 0x3F) {
    f.fsw |= SW_ES | SW_B;
    // P6: in MS-DOS compatibility mode FERR# is asserted as soon as the instruction that
    // caused the exception completes (SDM vol. 3 "Assertion of the FERR# Pin").
    if (!(c.cr0 & CR0_NE)) assert_ferr(c);
  } else {
    f.fsw &= uint16_t(~(SW_ES | SW_B));
    if (c.ferr_asserted) {
      c.ferr_asserted = false;
      if (c.ferr) c.ferr(c.ferr_ctx, false);
    }
  }
}

void raise(Cpu& c, const fp::Env& e) {
  c.fpu.fsw |= e.exc & 0x3F;
  set_c1(c.fpu, e.c1 && (e.exc & fp::kPE));
  update_es(c);
}

bool stack_underflow(Cpu& c) {
  FpuState& f = c.fpu;
  f.fsw |= SW_IE | SW_SF;
  set_c1(f, false);
  update_es(c);
  return f.fcw & SW_IE;
}

bool stack_overflow(Cpu& c) {
  FpuState& f = c.fpu;
  f.fsw |= SW_IE | SW_SF;
  set_c1(f, true);
  update_es(c);
  return f.fcw & SW_IE;
}

void pending_error(Cpu& c) {
  if (!(c.fpu.fsw & SW_ES)) return;
  if (c.cr0 & CR0_NE) raise_fault(c, kMF);
  // MS-DOS compatibility mode (SDM vol. 3 2.5 CR0.NE, vol. 1 D.2): with IGNNE# deasserted
  // the processor freezes just before this instruction, FERR# asserted, until an interrupt
  // (IRQ13 on a PC) comes; the interrupt returns here.  With IGNNE# asserted the error is
  // ignored and the instruction runs.
  assert_ferr(c);
  if (!c.ignne) raise_freeze(c);
}

void check_available(Cpu& c, bool waits) {
  if (c.cr0 & (CR0_EM | CR0_TS)) raise_fault(c, kNM);
  if (waits) pending_error(c);
}

void note_ip(Cpu& c, const Insn& i) {
  FpuState& f = c.fpu;
  f.fip = c.eip;
  f.fcs = c.seg[CS].sel;
  f.fop = uint16_t(((i.opcode & 7) << 8) | i.modrm);
  if (i.is_mem) {
    f.fdp = ea(c, i);
    f.fds = c.seg[i.seg].sel;
  }
}

void reset_state(FpuState& f) {
  f.fcw = 0x037F;
  f.fsw = 0;
  f.ftw = 0xFFFF;
  f.fop = 0;
  f.fip = f.fdp = 0;
  f.fcs = f.fds = 0;
}

void power_on_state(FpuState& f) {
  reset_state(f);
  f.fcw = 0x0040;
  f.ftw = 0x5555;
  for (F80& r : f.st) r = F80{};
}

uint16_t full_tag_word(const FpuState& f) {
  uint16_t w = 0;
  for (unsigned p = 0; p < 8; ++p) {
    unsigned t = tag_of(f, p) == kTagEmpty ? unsigned(kTagEmpty) : tag_for(f.st[p]);
    w = uint16_t(w | (t << (2 * p)));
  }
  return w;
}

}  // namespace rz::x87
