// bios/mptable.h: an Intel MultiProcessor Specification 1.4 table (floating pointer and
// configuration table) for direct boot, where no firmware writes one.  Linux reads it when
// ACPI is off (acpi=off); SeaBIOS builds its own on QEMU's machine, and so it does on ours.
// Contents, as SeaBIOS's for QEMU's "pc" machine: processor 0 (BSP, local APIC version 11h),
// an ISA bus, the I/O APIC (ID 1, FEC00000h), ISA IRQs 0-15 except the cascade on INTIN
// with IRQ0 on INTIN2 (the board's wiring), ExtINT on LINT0 of APIC 0 and NMI on LINT1 of
// every local APIC.  Virtual wire mode (no IMCR).
#pragma once

#include <cstdint>
#include <vector>

#include "mmu/phys.h"

namespace rz {

struct MpTableConfig {
  uint32_t cpu_signature = 0;  // CPUID.1:EAX
  uint32_t cpu_features = 0;   // CPUID.1:EDX
  uint8_t ioapic_id = 1;
};

// Where install_mp_table puts it: the last KiB of base memory (639 KiB), which Linux scans
// for the floating pointer and the direct-boot e820 map reserves.
inline constexpr uint32_t kMpTableBase = 0x9FC00;

// The floating pointer (16 bytes) followed by the configuration table, linked for `base`.
std::vector<uint8_t> build_mp_table(const MpTableConfig& cfg, uint32_t base);
void install_mp_table(PhysMem& mem, const MpTableConfig& cfg, uint32_t base = kMpTableBase);

}  // namespace rz
