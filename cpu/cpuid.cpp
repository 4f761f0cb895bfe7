// cpu/cpuid.cpp: the CPUID leaves of a Pentium II (SDM vol. 2 "CPUID"; Intel AP-485).
//
// The EDX feature list is one table with a reason per bit, so turning a feature on when
// its implementation lands is a one-line change.
#include "cpu/cpuid.h"

#include "cpu/cpu.h"

namespace rz {

namespace {

struct Feature {
  uint8_t bit;
  bool on;
  const char* name;  // and why it is on or off
};

constexpr Feature kFeaturesEdx[] = {
    {0, true, "FPU: x87 in software, bit-exact (cpu/fpu/)"},
    {1, false, "VME: virtual-8086 mode extensions (CR4.VME/PVI) not implemented"},
    {2, true, "DE: debug extensions, CR4.DE and I/O breakpoints"},
    {3, true, "PSE: 4 MiB pages (mmu/)"},
    {4, true, "TSC: RDTSC and the time-stamp counter MSR"},
    {5, true, "MSR: RDMSR/WRMSR"},
    {6, false, "PAE: physical address extension not implemented"},
    {7, true, "MCE: CR4.MCE and #MC (no error source raises one)"},
    {8, true, "CX8: CMPXCHG8B (cpu/ops_move.cpp)"},
    {9, false, "APIC: added by the CPUID handler while a local APIC is attached and enabled "
               "(IA32_APIC_BASE[11]; devices/lapic.*), see kCpuidApic"},
    // bit 10 reserved
    {11, true, "SEP: SYSENTER/SYSEXIT (model 3 stepping 3 is past the PPro erratum)"},
    {12, true, "MTRR: 8 variable and 11 fixed ranges, checked and kept (cpu/mtrr.cpp)"},
    {13, true, "PGE: global pages (CR4.PGE)"},
    {14, true, "MCA: MCG_CAP/STATUS/CTL and 5 MCi banks (cpu/ops_sysregs.cpp)"},
    {15, true, "CMOV: CMOVcc (cpu/ops_move.cpp) and FCMOVcc (cpu/ops_fpu.cpp)"},
    {16, false, "PAT: a Pentium III feature"},
    {17, false, "PSE-36: a Pentium III feature"},
    {19, true, "CLFSH: CLFLUSH (cpu/simd_move.cpp); line size in leaf 1 EBX[15:8]"},
    {23, true, "MMX: every MMX row, bit-exact against the host (cpu/ops_mmx.cpp)"},
    {24, true, "FXSR: FXSAVE/FXRSTOR and CR4.OSFXSR (cpu/fpu/env.cpp)"},
    {25, true, "SSE: integer, moves and floating point with MXCSR/#XM (cpu/ops_sse_*.cpp)"},
    {26, true, "SSE2: as SSE, in soft IEEE binary32/binary64 (cpu/sse/)"},
};

constexpr uint32_t features_edx() {
  uint32_t v = 0;
  for (const Feature& f : kFeaturesEdx)
    if (f.on) v |= 1u << f.bit;
  return v;
}

// Leaf 2 of a Pentium II with 512 KiB L2: AL = 1 (one CPUID(2) call suffices), then the
// descriptors 01h (ITLB 4K, 32 entries), 02h (ITLB 4M, 2 entries), 03h (DTLB 4K, 64
// entries), 43h (L2 512 KiB, 4-way, 32-byte lines), 08h (L1 I 16 KiB), 04h (DTLB 4M, 8
// entries), 0Ch (L1 D 16 KiB).  EBX and ECX hold no descriptors (null bytes).
constexpr CpuidResult kLeaf2 = {0x03020101u, 0, 0, 0x0C040843u};

// "GenuineIntel" in EBX, EDX, ECX order.
constexpr CpuidResult kLeaf0 = {kCpuidMaxLeaf, 0x756E6547u /*Genu*/, 0x6C65746Eu /*ntel*/,
                                0x49656E69u /*ineI*/};

}  // namespace

uint32_t cpuid_features_edx() { return features_edx(); }

CpuidResult cpuid_query(uint32_t leaf) {
  switch (leaf) {
    case 0: return kLeaf0;
    // EBX[15:8]: CLFLUSH line size in 8-byte units (32-byte lines, as leaf 2 says).
    case 1: return {kCpuidSignature, 4u << 8, 0, features_edx()};
    default: return kLeaf2;  // leaf 2, and every leaf beyond the highest basic one
  }
}

CpuidResult cpuid_of(const Cpu& c, uint32_t leaf) {
  CpuidResult r = cpuid_query(leaf);
  // CPUID.1:EDX.APIC (bit 9): a local APIC is attached and globally enabled (P6: the flag
  // follows IA32_APIC_BASE[11]).
  if (leaf == 1 && c.apic && (c.apic_base & kApicBaseEnable)) r.edx |= kCpuidApic;
  return r;
}

}  // namespace rz
