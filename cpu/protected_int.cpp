// cpu/protected_int.cpp: interrupt and exception delivery through the IDT (SDM vol. 3
// ch. 6 and the INT n / INTO / INT3 pseudo-code in vol. 2): interrupt, trap and task gates,
// the stack switch through the TSS on a privilege change, the frame pushed when leaving
// virtual-8086 mode, error codes with EXT/IDT bits, and the EFLAGS bits cleared on entry.
// Every check and every push happens before any register changes, so a fault during
// delivery leaves the interrupted state intact for the next delivery attempt.
#include "cpu/descriptor.h"
#include "cpu/segments.h"
#include "cpu/stack.h"

namespace rz {

namespace {

// Fault-class exceptions push EFLAGS with RF set so that IRET restarts the instruction
// without re-triggering an instruction breakpoint (SDM vol. 3 17.3.1.1).
bool is_fault_vector(uint8_t v) {
  switch (v) {
    case kDE: case kBR: case kUD: case kNM: case kTS: case kNP: case kSS: case kGP:
    case kPF: case kMF: case kAC: case kXM:
      return true;
    default:
      return false;
  }
}

void real_interrupt(Cpu& c, uint8_t vec, uint32_t ret_eip) {
  const uint32_t off = uint32_t(vec) * 4;
  if (off + 3 > c.idtr.limit) raise_fault(c, kGP, off + 2);
  const uint16_t ip = read_sys<uint16_t>(c, c.idtr.base + off);
  const uint16_t cs = read_sys<uint16_t>(c, c.idtr.base + off + 2);
  const uint32_t flags = get_eflags(c);
  const uint32_t sp = c.r[ESP], m = stack_mask(c);
  write_mem<uint16_t>(c, SS, (sp - 2) & m, uint16_t(flags));
  write_mem<uint16_t>(c, SS, (sp - 4) & m, c.seg[CS].sel);
  write_mem<uint16_t>(c, SS, (sp - 6) & m, uint16_t(ret_eip));
  set_sp(c, sp - 6);
  c.eflags = flags & ~(IF | TF | AC | RF);
  c.lazy = 0;
  load_seg_real(c, CS, cs);
  c.eip = ip;
}

void make_null(Cpu& c, unsigned which) {
  Segment& s = c.seg[which];
  s.sel = 0;
  s.ar &= ~0x80;
}

void task_gate_interrupt(Cpu& c, const Descriptor& g, bool has_err, uint32_t err,
                         uint32_t ret_eip, uint32_t ext) {
  const uint16_t tss = g.gate_selector();
  Descriptor td;
  if ((tss & 4) || !read_descriptor(c, tss, td)) raise_fault(c, kGP, sel_error(tss, ext));
  if (td.s() || (td.type() != kTss16Avail && td.type() != kTss32Avail))
    raise_fault(c, kGP, sel_error(tss, ext));
  if (!td.present()) raise_fault(c, kNP, sel_error(tss, ext));
  task_switch(c, tss, td, TaskSwitch::Int, ret_eip, ext, has_err, err);
}

}  // namespace

void deliver_interrupt(Cpu& c, uint8_t vec, IntSource src, bool has_err, uint32_t err,
                       uint32_t ret_eip) {
  if (vec == kDB) c.dr[7] &= ~(1u << 13);  // GD is cleared on entry to the #DB handler
  if (!c.pe()) return real_interrupt(c, vec, ret_eip);
  const bool soft = src == IntSource::Software || src == IntSource::SoftwareException;
  const uint32_t ext = soft ? 0 : 1;
  const uint32_t idt_err = uint32_t(vec) * 8 + 2 + ext;

  if (uint32_t(vec) * 8 + 7 > c.idtr.limit) raise_fault(c, kGP, idt_err);
  Descriptor g;
  g.lo = read_sys<uint32_t>(c, c.idtr.base + vec * 8u);
  g.hi = read_sys<uint32_t>(c, c.idtr.base + vec * 8u + 4);
  const uint8_t type = g.type();
  if (g.s() || !(type == kTaskGate || type == kIntGate16 || type == kTrapGate16 ||
                 type == kIntGate32 || type == kTrapGate32))
    raise_fault(c, kGP, idt_err);
  if (soft && g.dpl() < c.cpl) raise_fault(c, kGP, uint32_t(vec) * 8 + 2);
  if (!g.present()) raise_fault(c, kNP, idt_err);
  if (type == kTaskGate) return task_gate_interrupt(c, g, has_err, err, ret_eip, ext);

  const uint16_t cs_sel = g.gate_selector();
  if (sel_null(cs_sel)) raise_fault(c, kGP, ext);
  Descriptor cd;
  fetch_descriptor(c, cs_sel, cd, kGP, ext);
  if (!cd.is_code() || cd.dpl() > c.cpl) raise_fault(c, kGP, sel_error(cs_sel, ext));
  if (!cd.present()) raise_fault(c, kNP, sel_error(cs_sel, ext));

  set_accessed(c, cs_sel, cd);
  const bool gate32 = g.gate32();
  const uint32_t target = gate32 ? g.gate_offset() : (g.gate_offset() & 0xFFFF);
  const bool from_v86 = c.v86();
  uint32_t flags = get_eflags(c);
  if (src == IntSource::Exception && is_fault_vector(vec)) flags |= RF;
  const unsigned w = gate32 ? 4 : 2;
  const uint32_t frame = (3 + (has_err ? 1 : 0)) * w;

  uint8_t new_cpl = c.cpl;
  bool switch_stack = false;
  Segment new_ss;
  uint32_t tss_esp = 0;
  if (!cd.conforming() && cd.dpl() < c.cpl) {
    if (from_v86 && cd.dpl() != 0) raise_fault(c, kGP, sel_error(cs_sel, ext));
    new_cpl = cd.dpl();
    switch_stack = true;
    uint16_t ss;
    tss_stack(c, new_cpl, ss, tss_esp, ext);
    Descriptor sd;
    check_inner_stack(c, ss, new_cpl, sd, ext);
    set_accessed(c, ss, sd);
    new_ss = segment_from(ss, sd);
  } else if (from_v86) {
    raise_fault(c, kGP, sel_error(cs_sel, ext));
  }

  if (switch_stack) {
    StackWriter sw(c, new_ss, tss_esp, new_cpl == 3, sel_error(new_ss.sel, ext));
    sw.check_room(frame + 2 * w + (from_v86 ? 4 * w : 0));
    if (target > cd.limit()) raise_fault(c, kGP, ext);
    if (from_v86) {
      sw.push(c.seg[GS].sel, gate32);
      sw.push(c.seg[FS].sel, gate32);
      sw.push(c.seg[DS].sel, gate32);
      sw.push(c.seg[ES].sel, gate32);
    }
    sw.push(c.seg[SS].sel, gate32);
    sw.push(c.r[ESP], gate32);
    sw.push(flags, gate32);
    sw.push(c.seg[CS].sel, gate32);
    sw.push(ret_eip, gate32);
    if (has_err) sw.push(err, gate32);
    // Commit.
    c.eflags = flags & ~(TF | NT | VM | RF | (type == kIntGate16 || type == kIntGate32 ? IF : 0));
    c.lazy = 0;
    if (from_v86) {
      make_null(c, GS);
      make_null(c, FS);
      make_null(c, DS);
      make_null(c, ES);
    }
    c.seg[SS] = new_ss;
    c.r[ESP] = sw.esp_from(tss_esp);
  } else {
    StackWriter sw(c, c.seg[SS], c.r[ESP], c.user(), ext);
    sw.check_room(frame);
    if (target > cd.limit()) raise_fault(c, kGP, ext);
    sw.push(flags, gate32);
    sw.push(c.seg[CS].sel, gate32);
    sw.push(ret_eip, gate32);
    if (has_err) sw.push(err, gate32);
    c.eflags = flags & ~(TF | NT | VM | RF | (type == kIntGate16 || type == kIntGate32 ? IF : 0));
    c.lazy = 0;
    c.r[ESP] = sw.esp_from(c.r[ESP]);
  }
  load_cs_protected(c, cs_sel, cd, new_cpl);
  refresh_all_segments(c);
  c.eip = target;
  c.stop_block = true;
}

void protected_mode_interrupt(Cpu& c, uint8_t vec, IntSource src, bool has_err, uint32_t err) {
  deliver_interrupt(c, vec, src, has_err, err, c.eip);
}

}  // namespace rz
