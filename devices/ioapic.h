// devices/ioapic.h: the Intel 82093AA I/O APIC (data sheet 290566) at FEC00000h, as on
// PIIX-era boards and QEMU's "pc" machine: 24 interrupt input pins, each with a 64-bit
// redirection entry that turns an input into a message to the local APIC(s).
//
// Registers, through IOREGSEL (offset 00h, bits 7:0 select) and IOWIN (offset 10h):
//   00h IOAPICID (bits 27:24), 01h IOAPICVER 00170011h (24 entries, version 11h, read-only),
//   02h IOAPICARB (bits 27:24; the arbitration ID, loaded from the ID as after reset),
//   10h-3Fh the redirection table, two dwords per pin: vector (7:0), delivery mode (10:8),
//   destination mode (11), delivery status (12, RO), polarity (13), Remote IRR (14, RO),
//   trigger mode (15), mask (16), destination (63:56).  Reset: every pin masked.
// Other indices read 0 and ignore writes.  Widths (data sheet: dword accesses): reads of
// any width return the bytes of IOREGSEL or of the selected register; IOREGSEL takes a
// write of any width (its low byte), IOWIN only a 4-byte write at 10h.
//
// Pins: edge-triggered pins send a message on each rising edge while unmasked (edges on a
// masked pin are lost, as the data sheet says).  Level-triggered pins send while asserted
// and Remote IRR is clear; Remote IRR is set when the local APIC accepts the message and
// cleared by an EOI message for the entry's vector (from the local APIC's EOI of a
// level-triggered vector), after which a still-asserted pin sends again; unmasking an
// asserted level pin sends it.  Messages are delivered at once, so delivery status always
// reads idle.
// Polarity: the board's IRQ lines carry logical levels (high = interrupt requested), as
// QEMU's do, so the polarity bit is kept for software but does not invert the input: PCI
// links that the ACPI tables describe as active low are already "asserted" when high.
// Fixed and lowest-priority (to our one CPU) and NMI messages are delivered; SMI, INIT and
// ExtINT entries send messages nobody accepts (not modelled).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "devices/irq.h"
#include "devices/lapic.h"
#include "devices/serialize.h"
#include "mmu/phys.h"

namespace rz {

struct IoApicState {
  uint32_t regsel = 0;
  uint32_t id = 0;  // bits 27:24
  std::array<uint64_t, 24> redir{};
  uint32_t pins = 0;  // input levels, bit per pin
};

class IoApic {
 public:
  static constexpr uint32_t kBase = 0xFEC00000u, kVersion = 0x00170011u;
  static constexpr unsigned kPins = 24;
  static constexpr uint64_t kMask = 1u << 16, kLevel = 1u << 15, kRemoteIrr = 1u << 14;

  // Maps the registers at kBase in `mem` (nullptr: not mapped, for tests).
  explicit IoApic(PhysMem* mem);
  IoApic(const IoApic&) = delete;
  IoApic& operator=(const IoApic&) = delete;
  ~IoApic();

  void reset();  // every entry masked; the ID and pin levels stay
  // Input pin n (0-23), for IrqLine::connect.
  IrqSink* input(unsigned n) { return &in_[n < kPins ? n : kPins - 1]; }
  // Where messages go; returns whether a local APIC accepted the message.
  void set_delivery(std::function<bool(const ApicMessage&)> f) { deliver_ = std::move(f); }
  // An EOI message for `vector` (from the local APIC).
  void eoi(uint8_t vector);

  uint32_t read(uint32_t off, unsigned size);
  void write(uint32_t off, unsigned size, uint32_t v);
  uint32_t read_register(uint8_t index) const;
  void write_register(uint8_t index, uint32_t v);

  const IoApicState& state() const { return s_; }
  void serialize(Serializer& s);

 private:
  struct Pin : IrqSink {
    IoApic* owner = nullptr;
    unsigned n = 0;
    void set_level(bool high) override { owner->pin_changed(n, high); }
  };
  void pin_changed(unsigned pin, bool high);
  bool send(unsigned pin);
  void service_level(unsigned pin);

  PhysMem* mem_;
  IoApicState s_;
  std::array<Pin, kPins> in_{};
  std::function<bool(const ApicMessage&)> deliver_;
};

}  // namespace rz
