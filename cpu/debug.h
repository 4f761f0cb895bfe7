// cpu/debug.h: debug-register breakpoints (SDM vol. 3 17.2-17.3): instruction breakpoints
// (R/W = 00, fault before the instruction unless EFLAGS.RF) and data breakpoints (R/W = 01
// write, 11 read/write; trap after the instruction).  Watched pages are kept out of the
// TLB (Mmu::set_watch_pages) so that only slow-path accesses need the comparison.
#pragma once

#include "cpu/cpu.h"

namespace rz {

// Recompute the MMU's watched pages after DR0-DR3 or DR7 change.
void update_breakpoints(Cpu& c);
// Compare a completed data access with the enabled data breakpoints; hits are added to
// CpuState::pending_dbg (DR6 B0-B3) and delivered as a #DB trap after the instruction.
void check_data_breakpoints(Cpu& c, uint32_t lin, unsigned size, bool write);
// DR6 B0-B3 bits of the enabled instruction breakpoints at linear address `lin`.
uint32_t insn_breakpoint_hits(const Cpu& c, uint32_t lin);

}  // namespace rz
