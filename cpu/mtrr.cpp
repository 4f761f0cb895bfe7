// cpu/mtrr.cpp: P6 memory-type range registers (see cpu/mtrr.h).
#include "cpu/mtrr.h"

#include "cpu/cpu.h"

namespace rz {

namespace {

constexpr uint32_t kMsrMtrrCap = 0xFE, kMsrMtrrDefType = 0x2FF, kMsrPhysBase0 = 0x200;
// VCNT 8 variable ranges, FIX (fixed ranges), WC (write-combining type); no SMRR.
constexpr uint64_t kMtrrCap = 0x508;
// P6 physical addresses have 36 bits: PHYSBASE/PHYSMASK hold address bits 35:12.
constexpr uint64_t kAddrBits = 0x0000000FFFFFF000ull;
constexpr uint64_t kDefTypeBits = 0xCFF;  // type 7:0, FE 10, E 11
constexpr uint64_t kMaskValid = 1u << 11;

// Memory types: UC 0, WC 1, WT 4, WP 5, WB 6; 2, 3 and 7-FFh are reserved (#GP).
bool valid_type(uint8_t t) { return t == 0 || t == 1 || t == 4 || t == 5 || t == 6; }

// Index into CpuState::mtrr_fix of a fixed-range MSR, or -1.
int fixed_index(uint32_t msr) {
  if (msr == 0x250) return 0;                       // FIX64K_00000
  if (msr == 0x258 || msr == 0x259) return int(msr - 0x258 + 1);  // FIX16K_80000/A0000
  if (msr >= 0x268 && msr <= 0x26F) return int(msr - 0x268 + 3);  // FIX4K_C0000..F8000
  return -1;
}

}  // namespace

bool mtrr_rdmsr(const Cpu& c, uint32_t msr, uint64_t& v) {
  if (msr == kMsrMtrrCap) {
    v = kMtrrCap;
    return true;
  }
  if (msr == kMsrMtrrDefType) {
    v = c.mtrr_def_type;
    return true;
  }
  if (msr >= kMsrPhysBase0 && msr < kMsrPhysBase0 + 2 * CpuState::kMtrrVar) {
    v = c.mtrr_var[msr - kMsrPhysBase0];
    return true;
  }
  const int f = fixed_index(msr);
  if (f < 0) return false;
  v = c.mtrr_fix[f];
  return true;
}

bool mtrr_wrmsr(Cpu& c, uint32_t msr, uint64_t v) {
  if (msr == kMsrMtrrCap) raise_gp0(c);  // read-only
  if (msr == kMsrMtrrDefType) {
    if ((v & ~kDefTypeBits) || !valid_type(uint8_t(v))) raise_gp0(c);
    c.mtrr_def_type = v;
    return true;
  }
  if (msr >= kMsrPhysBase0 && msr < kMsrPhysBase0 + 2 * CpuState::kMtrrVar) {
    const unsigned k = msr - kMsrPhysBase0;
    if (k % 2 == 0) {  // PHYSBASE: type 7:0, base 35:12
      if ((v & ~(kAddrBits | 0xFF)) || !valid_type(uint8_t(v))) raise_gp0(c);
    } else if (v & ~(kAddrBits | kMaskValid)) {  // PHYSMASK: valid 11, mask 35:12
      raise_gp0(c);
    }
    c.mtrr_var[k] = v;
    return true;
  }
  const int f = fixed_index(msr);
  if (f < 0) return false;
  for (unsigned b = 0; b < 8; ++b)  // eight ranges, one type per byte
    if (!valid_type(uint8_t(v >> (8 * b)))) raise_gp0(c);
  c.mtrr_fix[f] = v;
  return true;
}

void mtrr_bios_defaults(Cpu& c) {
  constexpr uint64_t kWb = 0x0606060606060606ull, kWp = 0x0505050505050505ull;
  c.mtrr_fix[0] = kWb;  // 00000-7FFFF
  c.mtrr_fix[1] = kWb;  // 80000-9FFFF
  c.mtrr_fix[2] = 0;    // A0000-BFFFF: VGA memory, uncached
  for (unsigned k = 3; k < CpuState::kMtrrFix; ++k) c.mtrr_fix[k] = kWp;  // C0000-FFFFF ROM
  for (uint64_t& r : c.mtrr_var) r = 0;
  constexpr uint64_t kUcBase = 0xE0000000, kUcSize = 0x20000000;  // 3.5 GiB to 4 GiB
  c.mtrr_var[0] = kUcBase | 0;  // UC
  c.mtrr_var[1] = (~(kUcSize - 1) & kAddrBits) | kMaskValid;
  c.mtrr_def_type = 0xC00 | 6;  // E, FE, default write-back
}

}  // namespace rz
