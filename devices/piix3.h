// devices/piix3.h: the 82371SB PIIX3 PCI-to-ISA bridge, function 0 (8086:7000 at PCI
// 01.0), as its data sheet (Intel 290550) describes the registers PC firmware uses:
//   - PIRQRC[A:D] (0x60-0x63): PCI interrupt routing.  Bit 7 (IRQROUTEN) set = not
//     routed; bits 3:0 name the ISA IRQ (3-7, 9-12, 14, 15; the other codes are
//     reserved and route nowhere).  The PCI bus's PIRQ lines (after the slot swizzle)
//     drive the PIC inputs through these registers; several PIRQs routed to one IRQ are
//     wire-ORed.  PCI interrupts are level triggered and shared: the firmware must set
//     the matching ELCR bits (ports 0x4D0/0x4D1, modelled by DualPic).
//   - RC, the reset control register (I/O port 0xCF9): bit 1 SRST selects a hard reset
//     (PCIRST# and CPU RESET) or a soft one (INIT); a 0->1 transition of bit 2 (RCPU)
//     starts it.  The board turns both into a CPU reset; a hard one also resets every
//     PCI device (PAM back to ROM, BARs cleared).
//   - TOM (0x69), XBCS (0x4E), IORT (0x4C), MBIRQ0/1 (0x70/0x71), MBDMA (0x76/0x77),
//     PCSC (0x78), APICBASE (0x80), DLC (0x82) and the SMI registers (0xA0-0xAF) hold
//     their values with their reset defaults; what they would steer (ISA forwarding,
//     X-bus chip selects, motherboard IRQ/DMA pins, SMI sources) is not modelled.
// The header type has the multi-function bit set: the IDE function (01.1) sits beside it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "devices/irq.h"
#include "devices/pci.h"

namespace rz {

class Piix3 : public PciDevice {
 public:
  static constexpr uint8_t kPirqrc = 0x60, kTom = 0x69, kXbcs = 0x4E;
  static constexpr uint16_t kPortRc = 0xCF9;

  // `isa_irq(n)` is the PIC input for ISA IRQ n.
  explicit Piix3(std::function<IrqSink*(unsigned)> isa_irq);
  ~Piix3() override;

  // Plug in at 01.0 and take over the PIRQ lines and port 0xCF9.
  void attach(PciBus& bus);
  // A reset requested through RC: `hard` for SRST = 1.
  void on_reset_request(std::function<void(bool hard)> f) { reset_cb_ = std::move(f); }

  void config_write(uint8_t off, unsigned size, uint32_t value) override;
  void reset() override;
  void serialize(Serializer& s) override;

  uint8_t reset_control() const { return rc_; }
  void write_reset_control(uint8_t v);
  // The ISA IRQ PIRQ n goes to, or -1 when it is not routed.
  int pirq_route(unsigned n) const;
  // ISA IRQs this bridge currently drives high.
  uint16_t driven_irqs() const { return driven_; }

 private:
  struct PirqIn : IrqSink {
    Piix3* owner = nullptr;
    unsigned n = 0;
    void set_level(bool high) override { owner->pirq_changed(n, high); }
  };
  void pirq_changed(unsigned n, bool high);
  void update_routing();

  std::function<IrqSink*(unsigned)> isa_irq_;
  std::function<void(bool)> reset_cb_;
  std::array<PirqIn, 4> pirq_in_{};
  std::array<bool, 4> pirq_level_{};
  uint16_t driven_ = 0;
  uint8_t rc_ = 0;
};

}  // namespace rz
