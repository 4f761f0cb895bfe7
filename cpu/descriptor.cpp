// cpu/descriptor.cpp: reading GDT/LDT descriptors, accessed/busy bits, segment caches
// built from descriptors, TSS stack pointers and off-stack pushes (SDM vol. 3 ch. 3, 5, 6).
#include "cpu/descriptor.h"

#include "cpu/segments.h"

namespace rz {

bool descriptor_address(const Cpu& c, uint16_t sel, uint32_t& lin) {
  const uint32_t off = sel & 0xFFF8u;
  if (sel & 4) {
    if (sel_null(c.ldtr.sel) || !c.ldtr.present()) return false;
    if (off + 7 > c.ldtr.limit) return false;
    lin = c.ldtr.base + off;
  } else {
    if (off + 7 > c.gdtr.limit) return false;
    lin = c.gdtr.base + off;
  }
  return true;
}

bool read_descriptor(Cpu& c, uint16_t sel, Descriptor& d) {
  uint32_t lin;
  if (!descriptor_address(c, sel, lin)) return false;
  d.lo = read_sys<uint32_t>(c, lin);
  d.hi = read_sys<uint32_t>(c, lin + 4);
  return true;
}

void fetch_descriptor(Cpu& c, uint16_t sel, Descriptor& d, uint8_t vec, uint32_t ext) {
  if (!read_descriptor(c, sel, d)) raise_fault(c, vec, sel_error(sel, ext));
}

void set_accessed(Cpu& c, uint16_t sel, Descriptor& d) {
  if (!d.s() || d.accessed()) return;
  uint32_t lin;
  if (!descriptor_address(c, sel, lin)) return;
  d.hi |= 0x100;
  write_sys<uint8_t>(c, lin + 5, uint8_t(d.hi >> 8));
}

void set_tss_busy(Cpu& c, uint16_t sel, bool busy) {
  uint32_t lin;
  if (!descriptor_address(c, sel, lin)) return;
  uint8_t b = read_sys<uint8_t>(c, lin + 5);
  b = busy ? (b | 2) : (b & ~2);
  write_sys<uint8_t>(c, lin + 5, b);
}

Segment segment_from(uint16_t sel, const Descriptor& d) {
  Segment s;
  s.sel = sel;
  s.base = d.base();
  s.limit = d.limit();
  s.ar = d.ar();
  return s;
}

void load_cs_protected(Cpu& c, uint16_t sel, const Descriptor& d, uint8_t cpl) {
  Descriptor dd = d;
  set_accessed(c, sel, dd);
  c.seg[CS] = segment_from(uint16_t((sel & 0xFFFC) | cpl), dd);
  c.cpl = cpl;
  seg_refresh(c, c.seg[CS], CS);
  c.stop_block = true;
}

void load_seg_cache(Cpu& c, unsigned which, uint16_t sel, const Descriptor& d) {
  Descriptor dd = d;
  set_accessed(c, sel, dd);
  c.seg[which] = segment_from(sel, dd);
  seg_refresh(c, c.seg[which], which);
}

void null_inaccessible_segments(Cpu& c) {
  static constexpr unsigned kSegs[] = {ES, DS, FS, GS};
  for (unsigned w : kSegs) {
    Segment& s = c.seg[w];
    const bool code = s.ar & 0x08, conforming = code && (s.ar & 0x04);
    // Null selectors stay as they are; data and non-conforming code below CPL become null.
    if (sel_null(s.sel)) continue;
    if ((!code || !conforming) && s.dpl() < c.cpl) {
      s.sel = 0;
      s.ar &= ~0x80;  // the cache is marked invalid
      seg_refresh(c, s, w);
    }
  }
}

void tss_stack(Cpu& c, uint8_t dpl, uint16_t& ss, uint32_t& esp, uint32_t ext) {
  const uint8_t type = c.tr.ar & 0xF;
  if (type == kTss32Busy || type == kTss32Avail) {
    const uint32_t off = 4 + 8u * dpl;
    if (off + 5 > c.tr.limit) raise_fault(c, kTS, sel_error(c.tr.sel, ext));
    esp = read_sys<uint32_t>(c, c.tr.base + off);
    ss = read_sys<uint16_t>(c, c.tr.base + off + 4);
  } else {
    const uint32_t off = 2 + 4u * dpl;
    if (off + 3 > c.tr.limit) raise_fault(c, kTS, sel_error(c.tr.sel, ext));
    esp = read_sys<uint16_t>(c, c.tr.base + off);
    ss = read_sys<uint16_t>(c, c.tr.base + off + 2);
  }
}

void check_inner_stack(Cpu& c, uint16_t ss, uint8_t dpl, Descriptor& d, uint32_t ext) {
  if (sel_null(ss)) raise_fault(c, kTS, ext & 1);
  fetch_descriptor(c, ss, d, kTS, ext);
  if (sel_rpl(ss) != dpl || d.dpl() != dpl || !d.writable())
    raise_fault(c, kTS, sel_error(ss, ext));
  if (!d.present()) raise_fault(c, kSS, sel_error(ss, ext));
}

StackWriter::StackWriter(Cpu& cpu, const Segment& seg, uint32_t esp, bool user_, uint32_t err)
    : c(cpu), s(seg), sp(esp), mask(seg.big() ? 0xFFFFFFFFu : 0xFFFFu), user(user_),
      fault_err(err) {
  seg_refresh(c, s, SS);
}

void StackWriter::check_room(uint32_t n) {
  if (!n) return;
  const uint32_t low = (sp - n) & mask, high = (sp - 1) & mask;
  if (!seg_ok<1>(s, low, s.wspan) || !seg_ok<1>(s, high, s.wspan))
    raise_fault(c, kSS, fault_err);
}

void StackWriter::push16(uint16_t v) {
  const uint32_t nsp = (sp - 2) & mask;
  if (!seg_ok<2>(s, nsp, s.wspan)) raise_fault(c, kSS, fault_err);
  write_lin<uint16_t>(c, s.base + nsp, v, user);
  sp = nsp;
}

void StackWriter::push32(uint32_t v) {
  const uint32_t nsp = (sp - 4) & mask;
  if (!seg_ok<4>(s, nsp, s.wspan)) raise_fault(c, kSS, fault_err);
  write_lin<uint32_t>(c, s.base + nsp, v, user);
  sp = nsp;
}

}  // namespace rz
