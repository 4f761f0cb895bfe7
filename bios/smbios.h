// bios/smbios.h: SMBIOS 2.4 tables (DMTF DSP0134) for boots without firmware, where a PC
// BIOS would have left them: a 31-byte "_SM_" entry point on a 16-byte boundary in
// 0xF0000-0xFFFFF (where an OS scans for it) and the structure table after it.  The
// structures describe ringzero's machine: BIOS (type 0), system (1), chassis (3), the
// Pentium II processor with its CPUID signature and features (4), the RAM as one memory
// array, device and mapped range (16, 17, 19), system boot information (32) and the end
// marker (127).  With SeaBIOS as the firmware they go through fw_cfg instead, as QEMU
// hands over its own: "etc/smbios/smbios-anchor" and "etc/smbios/smbios-tables" without a
// type 0 structure, which SeaBIOS then adds for itself (its name, version and date).
#pragma once

#include <cstdint>
#include <vector>

#include "mmu/phys.h"

namespace rz {

class FwCfg;

struct SmbiosConfig {
  uint32_t ram_bytes = 0;       // RAM below 4 GiB
  uint32_t cpuid_signature = 0;  // CPUID.1:EAX
  uint32_t cpuid_features = 0;   // CPUID.1:EDX
  uint16_t cpu_mhz = 1000;       // the TSC's rate
  bool bios_info = true;         // a type 0 structure (false: the firmware adds its own)
};

struct SmbiosTables {
  std::vector<uint8_t> entry;  // the entry point; its table-address field is set on install
  std::vector<uint8_t> table;  // the structures
};

SmbiosTables build_smbios(const SmbiosConfig& cfg);

// Where install_smbios puts them (the e820 map reserves 0xE0000-0xFFFFF).
inline constexpr uint32_t kSmbiosEntryAt = 0xF0000, kSmbiosTableAt = 0xF0020;
// Point the entry at the table, compute both checksums and write them.
void install_smbios(PhysMem& mem, SmbiosTables t);
// The fw_cfg files SeaBIOS reads them from (it places them, links and checksums them).
void publish_smbios_fw_cfg(FwCfg& cfg, const SmbiosTables& t);

}  // namespace rz
