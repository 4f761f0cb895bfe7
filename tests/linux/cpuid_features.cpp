// tests/linux/cpuid_features.cpp: print CPUID.1:EDX as ringzero's CPUID code computes it, so
// the Linux boot test derives the /proc/cpuinfo flags it expects from the emulator's own
// feature table (cpu/cpuid.cpp) rather than from a recorded run.  The PC machine's CPU has
// its local APIC globally enabled from RESET, so the APIC bit the CPUID handler adds at run
// time (kCpuidApic) is part of what the guest sees.
#include <cstdio>

#include "cpu/cpuid.h"

int main() {
  const rz::CpuidResult r = rz::cpuid_query(1);
  std::printf("%08x\n", r.edx | rz::kCpuidApic);
  return 0;
}
