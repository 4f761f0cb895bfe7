// devices/piix3.cpp: the PIIX3 ISA bridge: PIRQ routing and the reset control register.
// See piix3.h.
#include "devices/piix3.h"

namespace rz {

Piix3::Piix3(std::function<IrqSink*(unsigned)> isa_irq)
    : PciDevice(0x8086, 0x7000, 0x06, 0x01, 0x00, 0x00, "piix3"), isa_irq_(std::move(isa_irq)) {
  set_cfg16(pci::kCommand, 0x0007);  // I/O, memory and bus master are always on
  set_cfg16(pci::kStatus, 0x0200);   // medium DEVSEL
  set_cfg8(pci::kHeaderType, 0x80);  // multi-function
  set_cfg16(pci::kSubsysVendor, 0x1AF4);
  set_cfg16(pci::kSubsysId, 0x1100);
  set_writable(pci::kCommand, 2, 0x0108);  // special cycles, SERR
  set_writable(pci::kCacheLine, 1, 0);
  set_writable(pci::kLatency, 1, 0);
  set_writable(pci::kIntLine, 1, 0);

  // Reset values (data sheet, function 0 register table).
  set_cfg8(0x4C, 0x4D);     // IORT
  set_cfg16(kXbcs, 0x0003);  // RTC and keyboard controller chip selects on
  for (unsigned n = 0; n < 4; ++n) set_cfg8(uint8_t(kPirqrc + n), 0x80);
  set_cfg8(kTom, 0x02);
  set_cfg8(0x70, 0x80);  // MBIRQ0
  set_cfg8(0x71, 0x80);  // MBIRQ1
  set_cfg8(0x76, 0x0C);  // MBDMA0
  set_cfg8(0x77, 0x0C);  // MBDMA1
  set_cfg16(0x78, 0x0002);  // PCSC
  set_cfg8(0xA0, 0x08);  // SMICNTL
  set_cfg8(0xA8, 0x0F);  // FTMR

  set_writable(0x4C, 1, 0x7F);
  set_writable(kXbcs, 2, 0x03F7);
  set_writable(kPirqrc, 4, 0x8F8F8F8F);
  set_writable(kTom, 1, 0xFE);
  set_writable(0x6A, 2, 0x0004);  // MSTAT: ESS
  set_writable(0x70, 2, 0xCFCF);
  set_writable(0x76, 2, 0x8787);
  set_writable(0x78, 2, 0xFFF3);
  set_writable(0x80, 1, 0x7F);
  set_writable(0x82, 1, 0x0F);
  set_writable(0xA0, 1, 0x1F);
  set_writable(0xA2, 2, 0x00FF);
  set_writable(0xA4, 4, 0xFFFFFFFF);
  set_writable(0xA8, 1, 0xFF);
  set_writable(0xAA, 2, 0x01FF);
  set_writable(0xAC, 1, 0xFF);
  set_writable(0xAE, 1, 0xFF);

  for (unsigned n = 0; n < 4; ++n) {
    pirq_in_[n].owner = this;
    pirq_in_[n].n = n;
  }
}

Piix3::~Piix3() {
  PciBus* b = bus();
  if (!b) return;
  for (unsigned n = 0; n < 4; ++n) b->set_pirq_sink(n, nullptr);
  b->on_reset_control(nullptr, nullptr);
}

void Piix3::attach(PciBus& bus) {
  bus.plug(this, 1, 0);

  for (unsigned n = 0; n < 4; ++n) bus.set_pirq_sink(n, &pirq_in_[n]);
  bus.on_reset_control([this] { return reset_control(); },
                       [this](uint8_t v) { write_reset_control(v); });
}

int Piix3::pirq_route(unsigned n) const {
  if (n >= 4) return -1;
  uint8_t r = cfg8(uint8_t(kPirqrc + n));
  if (r & 0x80) return -1;
  unsigned irq = r & 0x0F;
  // Codes 0-2, 8 and 13 are reserved: the request goes nowhere.
  if (irq < 3 || irq == 8 || irq == 13) return -1;
  return int(irq);
}

void Piix3::pirq_changed(unsigned n, bool high) {
  pirq_level_[n] = high;
  update_routing();
}

void Piix3::update_routing() {
  uint16_t want = 0;
  for (unsigned n = 0; n < 4; ++n) {
    int irq = pirq_route(n);
    if (irq >= 0 && pirq_level_[n]) want |= uint16_t(1u << irq);
  }
  uint16_t diff = want ^ driven_;
  driven_ = want;
  for (unsigned irq = 0; irq < 16; ++irq)
    if (diff & (1u << irq))
      if (IrqSink* s = isa_irq_(irq)) s->set_level(want & (1u << irq));
}

void Piix3::config_write(uint8_t off, unsigned size, uint32_t value) {
  PciDevice::config_write(off, size, value);
  if (off < kPirqrc + 4 && off + size > kPirqrc) update_routing();
}

void Piix3::write_reset_control(uint8_t v) {
  uint8_t old = rc_;
  rc_ = uint8_t(v & 0x06);
  if ((rc_ & 0x04) && !(old & 0x04) && reset_cb_) reset_cb_((rc_ & 0x02) != 0);
}

void Piix3::reset() {
  PciDevice::reset();
  rc_ = 0;
  update_routing();
}

void Piix3::serialize(Serializer& s) {
  PciDevice::serialize(s);
  s(rc_);
  s(pirq_level_);
  s(driven_);
}

}  // namespace rz
