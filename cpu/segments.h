// cpu/segments.h: segment-register loads and the precomputed access windows.
#pragma once

#include "cpu/cpu.h"

namespace rz {

// Recompute `lo/rspan/wspan` of one segment from its descriptor cache and the mode.
void seg_refresh(const Cpu& c, Segment& s, unsigned which);
// Recompute every segment (after CR0.PE or EFLAGS.VM changes).
void refresh_all_segments(Cpu& c);
// Real-mode / virtual-8086 segment load: base = sel << 4.  In real mode the limit and
// attributes are kept (so "unreal mode" works as on real hardware); in V86 mode they
// become a 64 KiB read/write data segment with DPL 3.
void load_seg_real(Cpu& c, unsigned which, uint16_t sel);
// Load a segment register as the current mode requires: real/V86 as above, protected mode
// with every descriptor check (cpu/protected.cpp).  Raises #GP/#SS/#NP/#TS as the SDM says.
void load_seg(Cpu& c, unsigned which, uint16_t sel);
// Flat 4 GiB 32-bit segments (base 0, G and D set, present, accessed) in every segment
// register: execute/read code in CS with `code_sel`, read/write data elsewhere with
// `data_sel`, at descriptor privilege `dpl`, which also becomes the CPL.  The caches only:
// boot protocols and tests that describe such segments in a GDT write the GDT themselves.
void load_flat_segments(Cpu& c, uint16_t code_sel, uint16_t data_sel, unsigned dpl = 0);
// Protected-mode data/stack segment load with full checks (cpu/protected.cpp).
void load_seg_protected(Cpu& c, unsigned which, uint16_t sel);

}  // namespace rz
