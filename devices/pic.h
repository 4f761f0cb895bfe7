// devices/pic.h: the Intel 8259A programmable interrupt controller, and the PC/AT pair
// of them (master at 0x20/0x21, slave at 0xA0/0xA1 cascaded on master IR2) with the
// PIIX edge/level control registers (ELCR, ports 0x4D0/0x4D1).
//
// Modelled from the 8259A data sheet: ICW1-ICW4, OCW1-OCW3, fully nested and special
// fully nested modes, automatic and specific rotation, non-specific and specific EOI,
// automatic EOI (with rotation), special mask mode, poll mode, IRR/ISR reads and the
// default IR7 (spurious) vector when a request goes away before INTA.  The request
// latch follows the data sheet's priority cell: in edge mode a rising edge sets IRR and
// the bit stays set while the input stays high; an input that falls before the
// acknowledge removes the request (hence spurious IR7).  The 8080/8085 call mode
// (ICW4 uPM=0) is not modelled: the chip always answers INTA with an 8086 vector.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/serialize.h"

namespace rz {

struct Pic8259State {
  uint8_t irr = 0, isr = 0, imr = 0xFF;  // undefined until ICW1; kept quiet (masked)
  uint8_t input = 0;      // current levels of IR0-7
  uint8_t level_mode = 0;  // per input: 1 = level triggered (ELCR or ICW1 LTIM)
  uint8_t elcr = 0;        // PIIX ELCR bits for this chip
  uint8_t icw1 = 0, icw2 = 0, icw3 = 0, icw4 = 0;
  uint8_t init_step = 0;   // 0 = operational; 2,3,4 = expecting that ICW
  uint8_t lowest = 7;      // IR with the lowest priority (rotation)
  bool read_isr = false;   // OCW3 RIS
  bool special_mask = false;
  bool poll = false;
  bool rotate_on_aeoi = false;
  bool int_out = false;
};

class Pic8259 {
 public:
  explicit Pic8259(bool master) : master_(master) {}

  // Port access: a0 = address line A0 (0 for 0x20/0xA0, 1 for 0x21/0xA1).
  uint8_t read(unsigned a0);
  void write(unsigned a0, uint8_t v);
  void set_input(unsigned ir, bool high);
  void pulse_input(unsigned ir);
  void set_elcr(uint8_t v);
  uint8_t elcr() const { return s_.elcr; }

  bool int_output() const { return s_.int_out; }
  // The INTA sequence for this chip: returns the IR acknowledged (0-7), 7 with
  // `spurious` set when no request is left.  Sets ISR (unless AEOI) and clears IRR.
  unsigned acknowledge(bool& spurious);
  uint8_t vector_base() const { return s_.icw2 & 0xF8; }
  // Called whenever INT changes.
  void on_output(std::function<void(bool)> f) { out_cb_ = std::move(f); }

  const Pic8259State& state() const { return s_; }
  void serialize(Serializer& s);

 private:
  int priority_of(uint8_t mask) const;  // 0 = highest, 8 = none
  unsigned ir_at(int prio) const { return (s_.lowest + 1 + prio) & 7; }
  int winning_request() const;
  void update();
  void eoi_nonspecific(bool rotate);
  uint8_t poll_read();

  bool master_;
  Pic8259State s_;
  std::function<void(bool)> out_cb_;
};

class DualPic {
 public:
  DualPic();
  DualPic(const DualPic&) = delete;
  DualPic& operator=(const DualPic&) = delete;

  void map_ports(PortBus& bus);
  // The input end of IRQ n (0-15), for IrqLine::connect.
  IrqSink* input(unsigned irq) { return &inputs_[irq & 15]; }

  bool int_output() const { return master_.int_output(); }
  // INTA cycle: returns the vector to dispatch.
  uint8_t acknowledge();
  void on_output(std::function<void(bool)> f) { out_cb_ = std::move(f); }

  Pic8259& master() { return master_; }
  Pic8259& slave() { return slave_; }
  void serialize(Serializer& s);

 private:
  struct Input : IrqSink {
    DualPic* pic = nullptr;
    unsigned irq = 0;
    void set_level(bool high) override;
    void pulse() override;
  };
  Pic8259 master_{true}, slave_{false};
  std::array<Input, 16> inputs_;
  std::function<void(bool)> out_cb_;
};

}  // namespace rz
