// devices/i440fx.h: the 82441FX PCI and Memory Controller (PMC) of the Intel 440FX
// PCIset, the host bridge at PCI 00.0 (8086:1237), as its data sheet (Intel 290549)
// describes the registers firmware uses:
//   - PAM0-PAM6 (0x59-0x5F): the Programmable Attribute Map of the legacy area.  PAM0
//     bits 5:4 cover 0xF0000-0xFFFFF (64 KiB; bits 3:0 are reserved); PAM1-PAM6 give
//     each 16 KiB piece of 0xC0000-0xEFFFF a nibble (low nibble = lower address).  In a
//     nibble, bit 0 is RE and bit 1 WE: 00 DRAM disabled (reads go to the ROM/ISA side,
//     writes to ISA), 01 read only (reads DRAM, writes go to ISA), 10 write only (writes
//     DRAM, reads ROM/ISA), 11 read/write DRAM.  Bit 2 (CE, cacheable) is stored only.
//     Applied to PhysMem::set_shadow.
//   - SMRAM (0x72): C_BASE_SEG (2:0, fixed 010b = 0xA0000), G_SMRAME (3), D_LCK (4),
//     D_CLS (5), D_OPEN (6).  Setting D_LCK clears D_OPEN and makes D_LCK, D_OPEN and
//     G_SMRAME read only until a power-on reset.  SMM itself is not modelled: the
//     register holds these values but 0xA0000-0xBFFFF always stays on the PCI/VGA side.
//   - the other device-specific registers (PMCCFG, DRAM control, DRB, error registers)
//     are plain read/write storage with their reset values.
//
// SeaBIOS recognises QEMU's machine by the host bridge's subsystem IDs (1AF4:1100),
// which QEMU gives all its devices; we use the same IDs so Debian's SeaBIOS, built for
// QEMU, takes its QEMU code paths (fw_cfg, PCI set-up).
#pragma once

#include <cstdint>

#include "devices/pci.h"
#include "mmu/phys.h"

namespace rz {

class I440fx : public PciDevice {
 public:
  static constexpr uint8_t kPam0 = 0x59, kSmram = 0x72;
  static constexpr uint8_t kSmramGSmrame = 0x08, kSmramDLck = 0x10, kSmramDCls = 0x20,
                           kSmramDOpen = 0x40, kSmramCBaseSeg = 0x02;

  explicit I440fx(PhysMem& mem);

  void config_write(uint8_t off, unsigned size, uint32_t value) override;
  void reset() override;
  void serialize(Serializer& s) override;

  // The attribute of one 16 KiB piece (or the 64 KiB F segment): bit 0 RE, bit 1 WE.
  unsigned pam_attr(uint32_t addr) const;

 private:
  void apply_pam();
  void write_smram(uint8_t v);

  PhysMem& mem_;
};

}  // namespace rz
