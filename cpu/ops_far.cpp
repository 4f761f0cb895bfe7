// cpu/ops_far.cpp: far JMP/CALL/RET, IRET and INT n/INT3/INTO/INT1 in real, protected and
// virtual-8086 mode (SDM vol. 2 pseudo-code of each instruction; vol. 3 5.8 call gates,
// 6.12 interrupt frames, 7.3 task switches, 20.2 V86).  Every check and every stack
// access precedes the first change of CS, EIP, ESP, SS, EFLAGS or CPL.
#include "cpu/descriptor.h"
#include "cpu/segments.h"
#include "cpu/stack.h"
#include "cpu/table.h"

namespace rz {

namespace {

bool real_like(const Cpu& c) { return !c.pe() || c.v86(); }

// ---- task gates and TSS descriptors as JMP/CALL targets --------------------------------

void far_to_task(Cpu& c, uint16_t sel, const Descriptor& d, TaskSwitch why, uint32_t ret) {
  if (d.dpl() < c.cpl || sel_rpl(sel) > d.dpl()) raise_fault(c, kGP, sel_error(sel, 0));
  if (!d.present()) raise_fault(c, kNP, sel_error(sel, 0));
  uint16_t tss = sel;
  Descriptor td = d;
  if (d.type() == kTaskGate) {
    tss = d.gate_selector();
    if ((tss & 4) || !read_descriptor(c, tss, td)) raise_fault(c, kGP, sel_error(tss, 0));
    if (td.s() || (td.type() != kTss16Avail && td.type() != kTss32Avail))
      raise_fault(c, kGP, sel_error(tss, 0));
    if (!td.present()) raise_fault(c, kNP, sel_error(tss, 0));
  } else if (sel & 4) {
    raise_fault(c, kGP, sel_error(sel, 0));  // a TSS descriptor must be in the GDT
  }
  task_switch(c, tss, td, why, ret, 0);
}

// Checks shared by JMP and CALL to a code segment named directly (not via a gate).
void check_direct_code(Cpu& c, uint16_t sel, const Descriptor& d) {
  if (d.conforming() ? d.dpl() > c.cpl : (sel_rpl(sel) > c.cpl || d.dpl() != c.cpl))
    raise_fault(c, kGP, sel_error(sel, 0));
  if (!d.present()) raise_fault(c, kNP, sel_error(sel, 0));
}

// Target code segment of a call gate: returns its descriptor.
Descriptor gate_target(Cpu& c, const Descriptor& g) {
  const uint16_t tsel = g.gate_selector();
  if (sel_null(tsel)) raise_gp0(c);
  Descriptor cd;
  fetch_descriptor(c, tsel, cd, kGP, 0);
  if (!cd.is_code() || cd.dpl() > c.cpl) raise_fault(c, kGP, sel_error(tsel, 0));
  if (!cd.present()) raise_fault(c, kNP, sel_error(tsel, 0));
  return cd;
}

void check_gate(Cpu& c, uint16_t sel, const Descriptor& g) {
  if (g.dpl() < c.cpl || sel_rpl(sel) > g.dpl()) raise_fault(c, kGP, sel_error(sel, 0));
  if (!g.present()) raise_fault(c, kNP, sel_error(sel, 0));
}

// ---- JMP ptr / JMP m16:xx ------------------------------------------------------------------

void jmp_far(Cpu& c, uint16_t sel, uint32_t off, unsigned osz, uint32_t next) {
  if (osz == 2) off &= 0xFFFF;
  if (real_like(c)) {
    if (off > c.seg[CS].limit) raise_gp0(c);
    load_seg_real(c, CS, sel);
    c.eip = off;
    return;
  }
  if (sel_null(sel)) raise_gp0(c);
  Descriptor d;
  fetch_descriptor(c, sel, d, kGP, 0);
  if (d.is_code()) {
    check_direct_code(c, sel, d);
    if (off > d.limit()) raise_gp0(c);
    load_cs_protected(c, sel, d, c.cpl);
    c.eip = off;
    return;
  }
  switch (d.s() ? 0xFF : d.type()) {
    case kCallGate16:
    case kCallGate32: {
      check_gate(c, sel, d);
      Descriptor cd = gate_target(c, d);
      if (cd.conforming() ? false : cd.dpl() != c.cpl)
        raise_fault(c, kGP, sel_error(d.gate_selector(), 0));
      const uint32_t target = d.gate32() ? d.gate_offset() : (d.gate_offset() & 0xFFFF);
      if (target > cd.limit()) raise_gp0(c);
      load_cs_protected(c, d.gate_selector(), cd, c.cpl);
      c.eip = target;
      return;
    }
    case kTaskGate:
    case kTss16Avail:
    case kTss32Avail:
      return far_to_task(c, sel, d, TaskSwitch::Jmp, next);
    default:
      raise_fault(c, kGP, sel_error(sel, 0));
  }
}

// ---- CALL ptr / CALL m16:xx ----------------------------------------------------------------

void call_gate_inner(Cpu& c, const Descriptor& g, const Descriptor& cd, uint32_t next) {
  const uint8_t dpl = cd.dpl();
  const bool g32 = g.gate32();
  const unsigned w = g32 ? 4 : 2;
  const unsigned params = g.gate_params();
  uint16_t ss;
  uint32_t tss_esp;
  tss_stack(c, dpl, ss, tss_esp, 0);
  Descriptor sd;
  check_inner_stack(c, ss, dpl, sd, 0);
  const Segment new_ss = segment_from(ss, sd);
  StackWriter sw(c, new_ss, tss_esp, dpl == 3, sel_error(ss, 0));
  sw.check_room((4 + params) * w);
  const uint32_t target = g32 ? g.gate_offset() : (g.gate_offset() & 0xFFFF);
  if (target > cd.limit()) raise_gp0(c);
  sw.push(c.seg[SS].sel, g32);
  sw.push(c.r[ESP], g32);
  for (unsigned k = params; k-- > 0;) {
    uint32_t v = g32 ? stack_peek<uint32_t>(c, k * 4) : stack_peek<uint16_t>(c, k * 2);
    sw.push(v, g32);
  }
  sw.push(c.seg[CS].sel, g32);
  sw.push(next, g32);
  Descriptor sdd = sd;
  set_accessed(c, ss, sdd);
  // Commit.
  c.seg[SS] = segment_from(ss, sdd);
  c.r[ESP] = sw.esp_from(tss_esp);
  load_cs_protected(c, g.gate_selector(), cd, dpl);
  refresh_all_segments(c);
  c.eip = target;
}

void call_far(Cpu& c, uint16_t sel, uint32_t off, unsigned osz, uint32_t next) {
  if (osz == 2) off &= 0xFFFF;
  if (real_like(c)) {
    StackWriter sw(c, c.seg[SS], c.r[ESP], c.user(), 0);
    sw.push(c.seg[CS].sel, osz == 4);
    sw.push(next, osz == 4);
    if (off > c.seg[CS].limit) raise_gp0(c);
    c.r[ESP] = sw.esp_from(c.r[ESP]);
    load_seg_real(c, CS, sel);
    c.eip = off;
    return;
  }
  if (sel_null(sel)) raise_gp0(c);
  Descriptor d;
  fetch_descriptor(c, sel, d, kGP, 0);
  if (d.is_code()) {
    check_direct_code(c, sel, d);
    StackWriter sw(c, c.seg[SS], c.r[ESP], c.user(), 0);
    sw.check_room(2 * osz);
    if (off > d.limit()) raise_gp0(c);
    sw.push(c.seg[CS].sel, osz == 4);
    sw.push(next, osz == 4);
    c.r[ESP] = sw.esp_from(c.r[ESP]);
    load_cs_protected(c, sel, d, c.cpl);
    c.eip = off;
    return;
  }
  switch (d.s() ? 0xFF : d.type()) {
    case kCallGate16:
    case kCallGate32: {
      check_gate(c, sel, d);
      Descriptor cd = gate_target(c, d);
      if (!cd.conforming() && cd.dpl() < c.cpl) return call_gate_inner(c, d, cd, next);
      const bool g32 = d.gate32();
      const uint32_t target = g32 ? d.gate_offset() : (d.gate_offset() & 0xFFFF);
      StackWriter sw(c, c.seg[SS], c.r[ESP], c.user(), 0);
      sw.check_room(g32 ? 8 : 4);
      if (target > cd.limit()) raise_gp0(c);
      sw.push(c.seg[CS].sel, g32);
      sw.push(next, g32);
      c.r[ESP] = sw.esp_from(c.r[ESP]);
      load_cs_protected(c, d.gate_selector(), cd, c.cpl);
      c.eip = target;
      return;
    }
    case kTaskGate:
    case kTss16Avail:
    case kTss32Avail:
      return far_to_task(c, sel, d, TaskSwitch::Call, next);
    default:
      raise_fault(c, kGP, sel_error(sel, 0));
  }
}

// ---- RET far / IRET -----------------------------------------------------------------------

template <typename T>
uint32_t peek(Cpu& c, uint32_t skip) { return stack_peek<T>(c, skip); }

uint32_t peek_w(Cpu& c, uint32_t skip, unsigned w) {
  return w == 4 ? peek<uint32_t>(c, skip) : peek<uint16_t>(c, skip);
}

// The checks on the CS popped by RET far and IRET in protected mode.
Descriptor check_return_cs(Cpu& c, uint16_t cs) {
  if (sel_null(cs)) raise_gp0(c);
  Descriptor d;
  fetch_descriptor(c, cs, d, kGP, 0);
  if (!d.is_code() || sel_rpl(cs) < c.cpl) raise_fault(c, kGP, sel_error(cs, 0));
  if (d.conforming() ? d.dpl() > sel_rpl(cs) : d.dpl() != sel_rpl(cs))
    raise_fault(c, kGP, sel_error(cs, 0));
  if (!d.present()) raise_fault(c, kNP, sel_error(cs, 0));
  return d;
}

// The checks on the SS popped when returning to an outer level.
Descriptor check_return_ss(Cpu& c, uint16_t ss, uint16_t cs) {
  if (sel_null(ss)) raise_gp0(c);
  Descriptor d;
  fetch_descriptor(c, ss, d, kGP, 0);
  if (sel_rpl(ss) != sel_rpl(cs) || !d.writable() || d.dpl() != sel_rpl(cs))
    raise_fault(c, kGP, sel_error(ss, 0));
  if (!d.present()) raise_fault(c, kSS, sel_error(ss, 0));
  return d;
}

// Return to an outer privilege level: commit CS:EIP, SS:ESP, CPL, null data segments.
void commit_outer_return(Cpu& c, uint16_t cs, const Descriptor& cd, uint32_t eip, uint16_t ss,
                         const Descriptor& sd, uint32_t esp) {
  Descriptor sdd = sd;
  set_accessed(c, ss, sdd);
  load_cs_protected(c, cs, cd, sel_rpl(cs));
  c.seg[SS] = segment_from(ss, sdd);
  seg_refresh(c, c.seg[SS], SS);
  if (c.seg[SS].big()) c.r[ESP] = esp;
  else c.r[ESP] = (c.r[ESP] & 0xFFFF0000u) | (esp & 0xFFFF);
  c.eip = eip;
  null_inaccessible_segments(c);
}

void ret_far(Cpu& c, unsigned w, uint16_t imm) {
  const uint32_t eip = peek_w(c, 0, w);
  const uint16_t cs = peek<uint16_t>(c, w);
  if (real_like(c)) {
    if (eip > c.seg[CS].limit) raise_gp0(c);
    set_sp(c, c.r[ESP] + 2 * w + imm);
    load_seg_real(c, CS, cs);
    c.eip = eip;
    return;
  }
  const Descriptor cd = check_return_cs(c, cs);
  if (sel_rpl(cs) == c.cpl) {
    if (eip > cd.limit()) raise_gp0(c);
    set_sp(c, c.r[ESP] + 2 * w + imm);
    load_cs_protected(c, cs, cd, c.cpl);
    c.eip = eip;
    return;
  }
  const uint32_t esp = peek_w(c, 2 * w + imm, w);
  const uint16_t ss = peek<uint16_t>(c, 3 * w + imm);
  const Descriptor sd = check_return_ss(c, ss, cs);
  if (eip > cd.limit()) raise_gp0(c);
  commit_outer_return(c, cs, cd, eip, ss, sd, esp + imm);
}

// EFLAGS written by IRET in protected mode, by the old CPL and IOPL.
void iret_set_flags(Cpu& c, uint32_t v, unsigned w, uint8_t old_cpl) {
  const uint32_t old = get_eflags(c);
  uint32_t mask = kArithFlags | TF | DF | NT | RF | AC | ID;
  if (old_cpl <= ((old & IOPL) >> 12)) mask |= IF;
  if (old_cpl == 0) mask |= IOPL | VIF | VIP;
  if (w == 2) mask &= 0xFFFF;
  c.eflags = (old & ~mask) | (v & mask) | 2;
  c.lazy = 0;
}

void iret_real(Cpu& c, unsigned w) {
  const uint32_t eip = peek_w(c, 0, w);
  const uint16_t cs = peek<uint16_t>(c, w);
  const uint32_t fl = peek_w(c, 2 * w, w);
  if (eip > c.seg[CS].limit) raise_gp0(c);
  const uint32_t old = get_eflags(c);
  uint32_t nf;
  if (c.v86()) {  // IOPL = 3 here; IOPL, VM, VIF and VIP are not changed
    const uint32_t keep = IOPL | VM | VIF | VIP;
    nf = w == 4 ? (fl & ~keep & 0x3F7FD5u) | (old & keep)
                : (old & 0xFFFF0000u) | (fl & 0x7FD5 & ~IOPL) | (old & IOPL);
  } else {
    nf = w == 4 ? (fl & 0x257FD5u) | (old & 0x1A0000u) : (old & 0xFFFF0000u) | (fl & 0x7FD5);
  }
  set_sp(c, c.r[ESP] + 3 * w);
  c.eflags = nf | 2;
  c.lazy = 0;
  load_seg_real(c, CS, cs);
  c.eip = eip;
}

void iret_task_return(Cpu& c, uint32_t next) {
  const uint16_t link = read_sys<uint16_t>(c, c.tr.base);
  Descriptor d;
  if ((link & 4) || !read_descriptor(c, link, d)) raise_fault(c, kTS, sel_error(link, 0));
  if (d.s() || (d.type() != kTss16Busy && d.type() != kTss32Busy))
    raise_fault(c, kTS, sel_error(link, 0));
  if (!d.present()) raise_fault(c, kNP, sel_error(link, 0));
  task_switch(c, link, d, TaskSwitch::Iret, next, 0);
}

void iret_to_v86(Cpu& c, uint32_t eip, uint16_t cs, uint32_t fl) {
  const uint32_t esp = peek<uint32_t>(c, 12);
  const uint16_t ss = peek<uint16_t>(c, 16);
  const uint16_t es = peek<uint16_t>(c, 20), ds = peek<uint16_t>(c, 24);
  const uint16_t fs = peek<uint16_t>(c, 28), gs = peek<uint16_t>(c, 32);
  c.eflags = (fl & 0x3F7FD5u) | 2;
  c.lazy = 0;
  c.cpl = 3;
  load_seg_real(c, CS, cs);
  load_seg_real(c, SS, ss);
  load_seg_real(c, ES, es);
  load_seg_real(c, DS, ds);
  load_seg_real(c, FS, fs);
  load_seg_real(c, GS, gs);
  c.r[ESP] = esp;
  c.eip = eip & 0xFFFF;
  refresh_all_segments(c);
}

void iret(Cpu& c, unsigned w, uint32_t next) {
  if (!c.pe()) return iret_real(c, w);
  if (c.v86()) {
    if (((c.eflags & IOPL) >> 12) != 3) raise_gp0(c);
    return iret_real(c, w);
  }
  if (c.eflags & NT) return iret_task_return(c, next);
  const uint32_t eip = peek_w(c, 0, w);
  const uint16_t cs = peek<uint16_t>(c, w);
  const uint32_t fl = peek_w(c, 2 * w, w);
  if (w == 4 && (fl & VM) && c.cpl == 0) return iret_to_v86(c, eip, cs, fl);
  const Descriptor cd = check_return_cs(c, cs);
  const uint8_t old_cpl = c.cpl;
  if (sel_rpl(cs) == c.cpl) {
    if (eip > cd.limit()) raise_gp0(c);
    set_sp(c, c.r[ESP] + 3 * w);
    load_cs_protected(c, cs, cd, c.cpl);
    c.eip = eip;
    iret_set_flags(c, fl, w, old_cpl);
    return;
  }
  const uint32_t esp = peek_w(c, 3 * w, w);
  const uint16_t ss = peek<uint16_t>(c, 4 * w);
  const Descriptor sd = check_return_ss(c, ss, cs);
  if (eip > cd.limit()) raise_gp0(c);
  commit_outer_return(c, cs, cd, eip, ss, sd, esp);
  iret_set_flags(c, fl, w, old_cpl);
}

// ---- handlers ---------------------------------------------------------------------------

template <typename T>
void op_jmp_ptr(Cpu& c, const Insn& i) {
  jmp_far(c, uint16_t(i.imm2), i.imm, sizeof(T), next_eip(c, i));
}
template <typename T>
void op_call_ptr(Cpu& c, const Insn& i) {
  call_far(c, uint16_t(i.imm2), i.imm, sizeof(T), next_eip(c, i));
}
template <typename T>
void op_jmp_mem(Cpu& c, const Insn& i) {
  const uint32_t a = ea(c, i);
  const uint32_t off = read_mem<T>(c, i.seg, a);
  const uint16_t sel = read_mem<uint16_t>(c, i.seg, (a + sizeof(T)) & i.amask);
  jmp_far(c, sel, off, sizeof(T), next_eip(c, i));
}
template <typename T>
void op_call_mem(Cpu& c, const Insn& i) {
  const uint32_t a = ea(c, i);
  const uint32_t off = read_mem<T>(c, i.seg, a);
  const uint16_t sel = read_mem<uint16_t>(c, i.seg, (a + sizeof(T)) & i.amask);
  call_far(c, sel, off, sizeof(T), next_eip(c, i));
}
template <typename T>
void op_retf(Cpu& c, const Insn& i) { ret_far(c, sizeof(T), 0); }
template <typename T>
void op_retf_imm(Cpu& c, const Insn& i) { ret_far(c, sizeof(T), uint16_t(i.imm)); }
template <typename T>
void op_iret(Cpu& c, const Insn& i) { iret(c, sizeof(T), next_eip(c, i)); }

void op_int(Cpu& c, const Insn& i) {
  // Without CR4.VME (not reported by CPUID), INT n in V86 mode needs IOPL 3.
  if (c.v86() && ((c.eflags & IOPL) >> 12) != 3) raise_gp0(c);
  deliver_interrupt(c, uint8_t(i.imm), IntSource::Software, false, 0, next_eip(c, i));
}
void op_int3(Cpu& c, const Insn& i) {
  deliver_interrupt(c, kBP, IntSource::SoftwareException, false, 0, next_eip(c, i));
}
void op_into(Cpu& c, const Insn& i) {
  if (get_flag(c, OF)) deliver_interrupt(c, kOF, IntSource::SoftwareException, false, 0, next_eip(c, i));
  else c.eip = next_eip(c, i);
}
void op_int1(Cpu& c, const Insn& i) {
  deliver_interrupt(c, kDB, IntSource::Icebp, false, 0, next_eip(c, i));
}

}  // namespace

void register_ops_far(OpTable& t) {
  constexpr auto SU = InsnClass::SensitiveUnprivileged;
  t.add({.opcode = 0xEA, .mnemonic = "JMP", .form = "Ap", .cls = SU, .attrs = kControl, .hs = RZ_HS_VN(op_jmp_ptr)});
  t.add({.opcode = 0x9A, .mnemonic = "CALL", .form = "Ap", .cls = SU, .attrs = kControl, .hs = RZ_HS_VN(op_call_ptr)});
  t.add({.opcode = 0xFF, .reg = 3, .mod = 0, .mnemonic = "CALL", .form = "Mp", .cls = SU, .attrs = kControl, .hs = RZ_HS_M(op_call_mem)});
  t.add({.opcode = 0xFF, .reg = 5, .mod = 0, .mnemonic = "JMP", .form = "Mp", .cls = SU, .attrs = kControl, .hs = RZ_HS_M(op_jmp_mem)});
  t.add({.opcode = 0xCB, .mnemonic = "RETF", .form = "", .cls = SU, .attrs = kControl, .hs = RZ_HS_VN(op_retf)});
  t.add({.opcode = 0xCA, .mnemonic = "RETF", .form = "Iw", .cls = SU, .attrs = kControl, .hs = RZ_HS_VN(op_retf_imm)});
  t.add({.opcode = 0xCF, .mnemonic = "IRET", .form = "", .cls = SU, .attrs = kControl, .hs = RZ_HS_VN(op_iret)});
  t.add({.opcode = 0xCD, .mnemonic = "INT", .form = "Ib", .cls = SU, .attrs = kControl, .hs = RZ_HS_1(op_int)});
  t.add({.opcode = 0xCC, .mnemonic = "INT3", .form = "", .cls = SU, .attrs = kControl, .hs = RZ_HS_1(op_int3)});
  t.add({.opcode = 0xCE, .mnemonic = "INTO", .form = "", .cls = SU, .attrs = kControl, .hs = RZ_HS_1(op_into)});
  t.add({.opcode = 0xF1, .mnemonic = "INT1", .form = "", .cls = SU, .attrs = kControl, .hs = RZ_HS_1(op_int1)});
}

}  // namespace rz
