// cpu/cpuid.h: what CPUID reports.  ringzero presents itself as a Pentium II (P6 family);
// the feature bits say only what the emulator really implements (table in cpu/cpuid.cpp).
#pragma once

#include <cstdint>

namespace rz {

struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};

// Family 6, model 3, stepping 3: Pentium II "Klamath" (also the EDX value after RESET,
// set in Cpu::reset()).
constexpr uint32_t kCpuidSignature = 0x0633;
// Highest basic leaf of a Pentium II.
constexpr uint32_t kCpuidMaxLeaf = 2;

// The microcode update revision CPUID.1 loads into IA32_BIOS_SIGN_ID[63:32] (SDM vol. 3
// 10.11 "Microcode update facilities").  ringzero has no microcode to update: no update is
// ever loaded, and a processor without a loaded update reports revision 0.
constexpr uint32_t kMicrocodeRevision = 0;

// CPUID.1:EDX bit 9: set by the CPUID instruction at run time when the CPU has a local APIC
// that is globally enabled (IA32_APIC_BASE[11]); cpuid_query() never sets it.
constexpr uint32_t kCpuidApic = 1u << 9;

// CPUID.1:EDX, built from the feature table.
uint32_t cpuid_features_edx();

// The four registers CPUID returns for `leaf` (EAX input).  Leaves above the highest basic
// leaf (including 8000_0000h and up, which a Pentium II does not have) return the data of
// the highest basic leaf, as the SDM says P6-family processors do.
CpuidResult cpuid_query(uint32_t leaf);

class Cpu;
// What the CPUID instruction returns on `c`: cpuid_query() plus the flags that depend on the
// CPU's state (the APIC flag).  Firmware tables describing the processor use this too.
CpuidResult cpuid_of(const Cpu& c, uint32_t leaf);

}  // namespace rz
