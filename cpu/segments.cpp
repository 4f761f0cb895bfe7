// cpu/segments.cpp: segment access windows, real-mode loads, CPU reset.
#include "cpu/segments.h"

#include "cpu/fpu/x87.h"

namespace rz {

void seg_refresh(const Cpu& c, Segment& s, unsigned which) {
  const bool prot = c.pe() && !c.v86();
  const uint16_t ar = s.ar;
  const bool code = ar & 0x08, s_bit = ar & 0x10;
  bool readable = true, writable = true;
  if (prot) {
    if (!s.present() || !s_bit) {
      readable = writable = false;
    } else if (code) {
      readable = ar & 0x02;
      writable = false;
    } else {
      writable = ar & 0x02;
    }
    // A null selector loaded in protected mode clears P in the cache (cpu/protected.cpp), so
    // caches left from real mode stay usable until reloaded, as on hardware.
  }
  const bool expand_down = !code && (ar & 0x04) && s_bit;
  int64_t span;
  if (expand_down) {
    uint32_t upper = s.big() ? 0xFFFFFFFFu : 0xFFFFu;
    s.lo = s.limit + 1;
    span = (s.limit >= upper) ? -1 : int64_t(upper) - int64_t(s.lo);
  } else {
    s.lo = 0;
    span = s.limit;
  }
  s.rspan = readable ? span : -1;
  s.wspan = writable ? span : -1;
}

void refresh_all_segments(Cpu& c) {
  for (unsigned i = 0; i < kNumSegs; ++i) seg_refresh(c, c.seg[i], i);
}

void load_seg_real(Cpu& c, unsigned which, uint16_t sel) {
  Segment& s = c.seg[which];
  s.sel = sel;
  s.base = uint32_t(sel) << 4;
  if (c.v86()) {
    s.limit = 0xFFFF;
    s.ar = which == CS ? 0xFB : 0xF3;
  } else if (which == CS) {
    // A real-mode CS load makes the segment a present, accessed, readable code segment
    // (its limit is kept).
    s.ar = (s.ar & ~0xFFu) | 0x9B;
  }
  seg_refresh(c, s, which);
}

void load_flat_segments(Cpu& c, uint16_t code_sel, uint16_t data_sel, unsigned dpl) {
  for (unsigned s = 0; s < kNumSegs; ++s) {
    Segment& g = c.seg[s];
    g.sel = s == CS ? code_sel : data_sel;
    g.base = 0;
    g.limit = 0xFFFFFFFFu;
    g.ar = uint16_t((s == CS ? 0x9B : 0x93) | ((dpl & 3) << 5) | 0xC000);
  }
  c.cpl = uint8_t(dpl & 3);
  refresh_all_segments(c);
}

void load_seg(Cpu& c, unsigned which, uint16_t sel) {
  if (!c.pe() || c.v86()) load_seg_real(c, which, sel);
  else load_seg_protected(c, which, sel);
}

void Cpu::reset() {
  CpuState& s = *this;
  s = CpuState{};
  x87::power_on_state(s.fpu);  // SDM vol. 3 table 9-1: FCW 0040H, FTW 5555H
  ferr_asserted = false;
  ignne = false;
  cr0 = CR0_ET | CR0_CD | CR0_NW;  // SDM vol. 3 table 9-1: 60000010H after RESET
  for (unsigned i = 0; i < kNumSegs; ++i) {
    seg[i] = Segment{};
    seg[i].ar = 0x93;
  }
  seg[CS].sel = 0xF000;
  seg[CS].base = 0xFFFF0000u;
  seg[CS].ar = 0x9B;
  eip = 0xFFF0;
  r[EDX] = 0x0633;  // family 6, model 3, stepping 3 (Pentium II "Klamath")
  ldtr = Segment{};
  ldtr.ar = 0x82;
  tr = Segment{};
  tr.ar = 0x8B;
  mmu->set_cr0(cr0);
  mmu->set_cr4(cr4);
  mmu->set_cr3(cr3);
  refresh_all_segments(*this);
  attach_apic(apic);  // IA32_APIC_BASE back to FEE00900h
}

}  // namespace rz
