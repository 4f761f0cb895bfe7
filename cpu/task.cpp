// cpu/task.cpp: the hardware task switch (SDM vol. 3 7.3) for 32-bit and 16-bit TSSs,
// started by JMP/CALL to a TSS or task gate, by an interrupt through a task gate, or by
// IRET with EFLAGS.NT.  Everything that can fault in the old context (new TSS limit and
// reads, old TSS writes, busy bits, back link) happens first; after the commit point
// (TR, registers, EIP and selectors of the new task are in place) a failing segment load
// raises #TS/#NP/#SS in the context of the new task, as on hardware.
#include "cpu/debug.h"
#include "cpu/descriptor.h"
#include "cpu/segments.h"
#include "cpu/stack.h"

namespace rz {

namespace {

struct TaskImage {
  uint32_t cr3 = 0, eip = 0, eflags = 0;
  uint32_t regs[8] = {};
  uint16_t segs[kNumSegs] = {};
  uint16_t ldt = 0;
  bool trap = false;
};

// TSS offsets of ES, CS, SS, DS, FS, GS (our SegReg order), 32-bit and 16-bit layouts.
constexpr uint32_t kSegOff32[kNumSegs] = {0x48, 0x4C, 0x50, 0x54, 0x58, 0x5C};
constexpr uint32_t kSegOff16[kNumSegs] = {0x22, 0x24, 0x26, 0x28, 0, 0};

void read_image(Cpu& c, uint32_t b, bool is32, TaskImage& t) {
  if (is32) {
    t.cr3 = read_sys<uint32_t>(c, b + 0x1C);
    t.eip = read_sys<uint32_t>(c, b + 0x20);
    t.eflags = read_sys<uint32_t>(c, b + 0x24);
    for (unsigned k = 0; k < 8; ++k) t.regs[k] = read_sys<uint32_t>(c, b + 0x28 + 4 * k);
    for (unsigned s = 0; s < kNumSegs; ++s) t.segs[s] = read_sys<uint16_t>(c, b + kSegOff32[s]);
    t.ldt = read_sys<uint16_t>(c, b + 0x60);
    t.trap = read_sys<uint16_t>(c, b + 0x64) & 1;
  } else {
    t.eip = read_sys<uint16_t>(c, b + 0x0E);
    t.eflags = read_sys<uint16_t>(c, b + 0x10);
    // The upper halves of the registers read as ones after a switch to a 16-bit task.
    for (unsigned k = 0; k < 8; ++k)
      t.regs[k] = 0xFFFF0000u | read_sys<uint16_t>(c, b + 0x12 + 2 * k);
    for (unsigned s = 0; s < 4; ++s) t.segs[s] = read_sys<uint16_t>(c, b + kSegOff16[s]);
    t.ldt = read_sys<uint16_t>(c, b + 0x2A);
  }
}

void save_image(Cpu& c, uint32_t b, bool is32, uint32_t eip, uint32_t flags) {
  if (is32) {
    write_sys<uint32_t>(c, b + 0x20, eip);
    write_sys<uint32_t>(c, b + 0x24, flags);
    for (unsigned k = 0; k < 8; ++k) write_sys<uint32_t>(c, b + 0x28 + 4 * k, c.r[k]);
    for (unsigned s = 0; s < kNumSegs; ++s) write_sys<uint16_t>(c, b + kSegOff32[s], c.seg[s].sel);
  } else {
    write_sys<uint16_t>(c, b + 0x0E, uint16_t(eip));
    write_sys<uint16_t>(c, b + 0x10, uint16_t(flags));
    for (unsigned k = 0; k < 8; ++k) write_sys<uint16_t>(c, b + 0x12 + 2 * k, uint16_t(c.r[k]));
    for (unsigned s = 0; s < 4; ++s) write_sys<uint16_t>(c, b + kSegOff16[s], c.seg[s].sel);
  }
}

void load_task_ldt(Cpu& c, uint16_t sel, uint32_t ext) {
  if (sel_null(sel)) {
    c.ldtr.sel = sel;
    c.ldtr.ar &= ~0x80;
    return;
  }
  Descriptor d;
  if ((sel & 4) || !read_descriptor(c, sel, d)) raise_fault(c, kTS, sel_error(sel, ext));
  if (d.s() || d.type() != kLdt || !d.present()) raise_fault(c, kTS, sel_error(sel, ext));
  c.ldtr = segment_from(sel, d);
}

void load_task_cs(Cpu& c, uint16_t sel, uint32_t ext) {
  if (sel_null(sel)) raise_fault(c, kTS, ext & 1);
  Descriptor d;
  fetch_descriptor(c, sel, d, kTS, ext);
  if (!d.is_code()) raise_fault(c, kTS, sel_error(sel, ext));
  if (d.conforming() ? d.dpl() > sel_rpl(sel) : d.dpl() != sel_rpl(sel))
    raise_fault(c, kTS, sel_error(sel, ext));
  if (!d.present()) raise_fault(c, kNP, sel_error(sel, ext));
  load_cs_protected(c, sel, d, sel_rpl(sel));
}

}  // namespace

void task_switch(Cpu& c, uint16_t tss_sel, Descriptor nd, TaskSwitch why, uint32_t ret_eip,
                 uint32_t ext, bool has_err, uint32_t err) {
  const bool new32 = nd.type() & 8;
  const uint32_t nbase = nd.base();
  if (nd.limit() < (new32 ? 0x67u : 0x2Bu)) raise_fault(c, kTS, sel_error(tss_sel, ext));
  const bool old32 = c.tr.ar & 8;
  const uint32_t obase = c.tr.base;
  if (c.tr.limit < (old32 ? 0x5Fu : 0x29u)) raise_fault(c, kTS, sel_error(c.tr.sel, ext));

  // Everything below may #PF in the old task; nothing architectural has changed yet.
  TaskImage t;
  read_image(c, nbase, new32, t);
  uint32_t flags = get_eflags(c);
  if (why == TaskSwitch::Iret) flags &= ~NT;
  save_image(c, obase, old32, ret_eip, flags);
  if (why == TaskSwitch::Call || why == TaskSwitch::Int) {
    write_sys<uint16_t>(c, nbase, c.tr.sel);
    t.eflags |= NT;
  }
  if (why == TaskSwitch::Jmp || why == TaskSwitch::Iret) set_tss_busy(c, c.tr.sel, false);
  if (why != TaskSwitch::Iret) set_tss_busy(c, tss_sel, true);

  // Commit: the new task's TR, control state, registers and raw selectors.
  c.tr = segment_from(tss_sel, nd);
  c.tr.ar |= 2;  // busy
  c.cr0 |= CR0_TS;
  if (new32 && (c.cr0 & CR0_PG)) {
    c.cr3 = t.cr3;
    c.mmu->set_cr3(c.cr3);
  }
  c.eflags = (t.eflags & (new32 ? 0x003F7FD5u : 0x7FD5u)) | 2;
  c.lazy = 0;
  c.eip = t.eip;
  for (unsigned k = 0; k < 8; ++k) c.r[k] = t.regs[k];
  c.dr[7] &= ~0x155u;  // L0-L3 and LE are cleared by a task switch
  update_breakpoints(c);
  for (unsigned s = 0; s < kNumSegs; ++s) {
    c.seg[s].sel = t.segs[s];
    c.seg[s].ar &= ~0x80;  // descriptors not loaded yet
  }
  c.stop_block = true;

  // Descriptor loads in the context of the new task.
  load_task_ldt(c, t.ldt, ext);
  if (c.eflags & VM) {
    for (unsigned s = 0; s < kNumSegs; ++s) load_seg_real(c, s, t.segs[s]);
    c.cpl = 3;
  } else {
    c.cpl = sel_rpl(t.segs[CS]);
    refresh_all_segments(c);
    load_task_cs(c, t.segs[CS], ext);
    load_data_seg_checked(c, SS, t.segs[SS], true, ext);
    static constexpr unsigned kData[] = {ES, DS, FS, GS};
    for (unsigned s : kData) load_data_seg_checked(c, s, t.segs[s], true, ext);
  }
  refresh_all_segments(c);
  if (has_err) {
    if (new32) push<uint32_t>(c, err);
    else push<uint16_t>(c, uint16_t(err));
  }
  if (c.eip > c.seg[CS].limit) raise_fault(c, kGP, ext & 1);
  if (t.trap) {
    c.dr[6] |= 0x8000;  // BT: task-switch debug trap
    raise_fault(c, kDB);
  }
}

}  // namespace rz
