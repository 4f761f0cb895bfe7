// devices/piix_ide.h: the IDE function of the Intel 82371SB PIIX3 (PCI 8086:7010, bus 0
// device 1 function 1; class 01h subclass 01h prog-if 80h: both channels in legacy
// ("compatibility") mode at 1F0h/3F6h IRQ14 and 170h/376h IRQ15, bus-master capable),
// by the 82371FB/SB data sheet (290550), chapter 2.5 and 2.7 (Bus Master IDE).
//
// Configuration registers beyond the header: IDETIM at 40h (primary) and 42h (secondary)
// with the IDE Decode Enable bit 15, SIDETIM at 44h.  The legacy ports of a channel are
// decoded while PCICMD I/O Space Enable and that channel's decode bit are both set;
// otherwise they float (all ones).  Power-on values are the data sheet's: decode off,
// so firmware (SeaBIOS writes 8000h to 40h and 42h) or firmware_setup() turns it on.
//
// Bus master IDE registers (BAR4, 16 I/O ports; primary at +0, secondary at +8):
//   +0 BMICOM: bit 0 Start/Stop, bit 3 direction (1 = the bus master writes memory)
//   +2 BMISTA: bit 0 Active (RO), 1 Error (R/WC), 2 Interrupt (R/WC), 5-6 drive DMA
//              capable (R/W), 7 simplex only (RO, 0)
//   +4 BMIDTP: descriptor table pointer (dword aligned)
// A physical region descriptor is 8 bytes: base address (bit 0 ignored), byte count in
// bits 15:1 (0 = 64 KiB), bit 31 End Of Table.  While Start is set and the selected
// device asserts DMARQ, data moves page by page between guest memory (PhysMem
// read_block/write_block) and the device.  Active clears when the EOT region is used
// up (or Start is cleared); Interrupt is latched on each rising edge of the channel's
// INTRQ.  A descriptor or region outside memory (nothing decodes it: a PCI master
// abort) sets Error and stops the engine, never touching host memory outside the
// guest's.  Bus Master Enable in PCICMD must be set for any transfer.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "devices/ide.h"
#include "devices/pci.h"
#include "mmu/phys.h"

namespace rz {

class PiixIde : public PciDevice, public IdeDmaHost {
 public:
  static constexpr unsigned kSlot = 1, kFunction = 1;
  static constexpr uint8_t kIdetim0 = 0x40, kIdetim1 = 0x42, kSidetim = 0x44;
  static constexpr uint8_t kBmStart = 0x01, kBmWrite = 0x08;
  static constexpr uint8_t kBmActive = 0x01, kBmError = 0x02, kBmIrq = 0x04;

  PiixIde(PhysMem& mem, Scheduler& sched);
  ~PiixIde() override;

  IdeChannel& channel(unsigned n) { return *ch_[n & 1]; }
  // Claim 1F0h-1F7h/3F6h and 170h-177h/376h (decoded per IDETIM and PCICMD).
  void map_legacy_ports(PortBus& bus);
  // The ISA interrupt inputs the channels drive (IRQ14, IRQ15).
  void connect_irqs(IrqSink* primary, IrqSink* secondary);
  // What a BIOS does for a boot without one: legacy decode on for both channels, I/O
  // space and bus mastering enabled.  BAR4 stays wherever it was assigned.
  void firmware_setup();

  void config_write(uint8_t off, unsigned size, uint32_t value) override;
  void reset() override;
  void serialize(Serializer& s) override;

  // IdeDmaHost.
  void dmarq_changed(unsigned channel) override;

  // The bus master registers (offset 0-15 in BAR4), for tests and the BAR handler.
  uint32_t bm_read(unsigned off, unsigned size);
  void bm_write(unsigned off, unsigned size, uint32_t value);

 private:
  struct BusMaster {
    uint8_t cmd = 0, status = 0;
    uint32_t prdt = 0;         // BMIDTP
    // Engine state while started.
    uint32_t next_prd = 0;     // address of the next descriptor to fetch
    uint32_t addr = 0, left = 0;  // current region
    bool have_region = false, last_region = false;
  };
  struct IrqTap : IrqSink {
    PiixIde* self = nullptr;
    unsigned ch = 0;
    IrqSink* out = nullptr;
    bool level = false;
    void set_level(bool high) override;
  };

  void update_decode();
  void run(unsigned ch);
  bool fetch_prd(BusMaster& b);
  void bm_write8(unsigned off, uint8_t v);
  uint8_t bm_read8(unsigned off) const;
  void master_abort(BusMaster& b);

  PhysMem& mem_;
  std::array<std::unique_ptr<IdeChannel>, 2> ch_;
  std::array<BusMaster, 2> bm_{};
  std::array<IrqTap, 2> tap_{};
  std::array<bool, 2> running_{};
  std::array<uint8_t, 4096> bounce_{};
};

}  // namespace rz
