// cpu/protected.cpp: protected-mode loads of SS, DS, ES, FS and GS with every descriptor
// check of the SDM (MOV/POP Sreg, LxS, task switches).  CS loads belong to the far-transfer
// code (cpu/ops_far.cpp), which has different rules per transfer kind.
#include "cpu/descriptor.h"
#include "cpu/segments.h"

namespace rz {

void load_data_seg_checked(Cpu& c, unsigned which, uint16_t sel, bool task, uint32_t ext) {
  const uint8_t bad = task ? kTS : kGP;
  const uint8_t rpl = sel_rpl(sel);
  Descriptor d;
  if (which == SS) {
    if (sel_null(sel)) raise_fault(c, bad, ext & 1);
    fetch_descriptor(c, sel, d, bad, ext);
    if (rpl != c.cpl || !d.writable() || d.dpl() != c.cpl)
      raise_fault(c, bad, sel_error(sel, ext));
    if (!d.present()) raise_fault(c, kSS, sel_error(sel, ext));
  } else {
    if (sel_null(sel)) {
      // A null selector may be loaded into a data segment register; using it faults.
      Segment& s = c.seg[which];
      s.sel = sel;
      s.ar &= ~0x80;
      seg_refresh(c, s, which);
      return;
    }
    fetch_descriptor(c, sel, d, bad, ext);
    if (!d.s() || (d.is_code() && !d.readable())) raise_fault(c, bad, sel_error(sel, ext));
    if (!d.conforming() && (rpl > d.dpl() || c.cpl > d.dpl()))
      raise_fault(c, bad, sel_error(sel, ext));
    if (!d.present()) raise_fault(c, kNP, sel_error(sel, ext));
  }
  load_seg_cache(c, which, sel, d);
}

void load_seg_protected(Cpu& c, unsigned which, uint16_t sel) {
  load_data_seg_checked(c, which, sel, false, 0);
}

}  // namespace rz
