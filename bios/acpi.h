// bios/acpi.h: the ACPI tables of ringzero's PC (ACPI 6.x chapter 5): RSDP (revision 0,
// pointing at an RSDT), RSDT, FADT (revision 3: the PIIX4 power management blocks, SCI on
// IRQ9, SMI_CMD 0xB2 with QEMU's ACPI enable/disable values, the reset register 0xCF9 = 6,
// an i8042 and legacy devices), FACS, a DSDT (bios/acpi_dsdt.cpp) and a MADT (local APIC,
// I/O APIC, the IRQ0 and PCI/SCI interrupt source overrides, LINT1 NMI).  No HPET.
//
// The tables are built once as position-independent blobs: pointer fields hold offsets
// within the "tables" blob, and the blob lists which fields are pointers and which bytes
// are checksums.  Two ways to deliver them:
//   - direct boot (no firmware): install_acpi_tables() copies them to a fixed address in
//     the BIOS area (RSDP on a 16-byte boundary in 0xE0000-0xFFFFF, where an OS looks for
//     it), adds the base to every pointer and computes the checksums;
//   - SeaBIOS: publish_acpi_fw_cfg() publishes "etc/acpi/tables", "etc/acpi/rsdp" and
//     "etc/table-loader" (ALLOCATE / ADD_POINTER / ADD_CHECKSUM commands) through fw_cfg,
//     as QEMU does; SeaBIOS allocates, links and checksums them itself.
#pragma once

#include <cstdint>
#include <vector>

#include "mmu/phys.h"

namespace rz {

class FwCfg;

struct AcpiConfig {
  uint32_t ram_bytes = 0;      // RAM below 4 GiB: the PCI memory window starts above it
  uint16_t pm_base = 0x600;    // PIIX4 PMBA, where SeaBIOS puts it
  bool com1 = true, com2 = true;
  uint8_t ioapic_id = 1;       // the I/O APIC's ID in the MADT (the CPU's local APIC is 0)
};

struct AcpiTables {
  struct Pointer {
    bool in_rsdp;     // the field is in the RSDP blob (else in `tables`)
    uint32_t offset;  // of the field
    uint8_t size;     // 4 or 8 bytes
  };
  struct Checksum {
    bool in_rsdp;
    uint32_t start, length;  // the bytes that must sum to 0
    uint32_t offset;         // the checksum byte
  };
  std::vector<uint8_t> tables;  // FACS (64-byte aligned, first), DSDT, FADT, MADT, RSDT
  std::vector<uint8_t> rsdp;
  std::vector<Pointer> pointers;    // each holds an offset into `tables`
  std::vector<Checksum> checksums;  // to compute after the pointers are linked
  uint32_t facs = 0, dsdt = 0, fadt = 0, madt = 0, rsdt = 0;  // offsets in `tables`
};

AcpiTables build_acpi_tables(const AcpiConfig& cfg);
// The DSDT (bios/acpi_dsdt.cpp), checksum byte left 0.
std::vector<uint8_t> build_dsdt(const AcpiConfig& cfg);

// Where install_acpi_tables puts them (and the e820 map reserves): 0xE0000-0xEFFFF.
inline constexpr uint32_t kAcpiDirectBase = 0xE0000, kAcpiDirectSize = 0x10000;
// Link the tables at `base` and write them (RSDP after them, 16-byte aligned).  Returns
// the RSDP's address.
uint32_t install_acpi_tables(PhysMem& mem, const AcpiTables& t, uint32_t base);
// The fw_cfg files QEMU's firmware interface uses for ACPI.
void publish_acpi_fw_cfg(FwCfg& cfg, const AcpiTables& t);

// Byte sum that makes `data[start, start+len)` sum to 0 when stored at `data[at]`.
void acpi_fix_checksum(std::vector<uint8_t>& data, uint32_t start, uint32_t len, uint32_t at);

}  // namespace rz
