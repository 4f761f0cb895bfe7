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
// Protected-mode data/stack segment load with full checks (cpu/protected.cpp).
void load_seg_protected(Cpu& c, unsigned which, uint16_t sel);

}  // namespace rz
