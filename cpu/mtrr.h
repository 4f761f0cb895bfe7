// cpu/mtrr.h: the memory-type range registers of a P6 (SDM vol. 3 11.11): IA32_MTRRCAP
// (FEh), IA32_MTRR_DEF_TYPE (2FFh), eight variable ranges (IA32_MTRR_PHYSBASE0/PHYSMASK0 at
// 200h/201h ... 20Eh/20Fh) and the eleven fixed-range registers (250h, 258h, 259h,
// 268h-26Fh).  ringzero has no caches, so the types change nothing about how memory
// behaves; what software writes is checked as the processor checks it (#GP(0) for reserved
// bits and undefined memory types) and read back.
#pragma once

#include <cstdint>

namespace rz {

class Cpu;

// RDMSR of an MTRR: true with the value in `v`, false if `msr` is not one.
bool mtrr_rdmsr(const Cpu& c, uint32_t msr, uint64_t& v);
// WRMSR of an MTRR: true if `msr` is one (raising #GP(0) for a value the processor
// rejects), false if it is not.
bool mtrr_wrmsr(Cpu& c, uint32_t msr, uint64_t v);

// What a PC BIOS leaves for an operating system, as SeaBIOS does: write-back by default
// with MTRRs and fixed ranges enabled; the fixed ranges write-back below A0000h, uncached
// for the legacy VGA window A0000h-BFFFFh and write-protected for C0000h-FFFFFh (ROM); one
// variable range making 3.5-4 GiB (PCI memory, the APICs, the firmware ROM) uncached.  For
// a boot without firmware.
void mtrr_bios_defaults(Cpu& c);

}  // namespace rz
