// devices/i8042.h: the Intel 8042 keyboard controller of the PC/AT and PS/2 (ports 0x60
// data, 0x64 status/command), with a PS/2 keyboard on its first port (IRQ1) and a PS/2
// mouse on its auxiliary port (IRQ12).
//
// One output buffer is shared by controller replies, keyboard and mouse bytes; when it
// is empty the controller refills it (controller replies first, then the keyboard if
// its interface is enabled, then the mouse).  Keyboard bytes pass through the set 2 ->
// set 1 translation when command byte bit 6 is set.  The IRQ lines follow "output
// buffer full" (from keyboard or mouse) gated by command byte bits 0/1, as the output
// port's IRQ pins do.  The output port's A20 and reset bits, 0xD1 writes, the 0xDD/0xDF
// A20 commands and the 0xF0-0xFF pulse commands drive board callbacks.
#pragma once

#include <cstdint>
#include <functional>

#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/ps2.h"
#include "devices/scheduler.h"
#include "devices/serialize.h"

namespace rz {

struct I8042State {
  uint8_t cmd = 0x00;       // controller command byte (RAM 0)
  std::array<uint8_t, 32> ram{};
  uint8_t out = 0;          // output buffer
  bool obf = false, obf_aux = false;
  bool a2 = false;          // last write went to 0x64
  uint8_t pending = 0;      // controller command awaiting its data byte
  uint8_t outport = 0xCF;   // reset high (inactive), A20 enabled, clock/data high
  bool xlat_break = false;  // translation: an F0 prefix was seen
  Ps2Queue replies;         // controller replies, delivered as keyboard bytes
  Ps2Queue aux_replies;     // 0xD3 bytes, delivered as mouse bytes
};

class I8042 {
 public:
  explicit I8042(Scheduler& sched);
  I8042(const I8042&) = delete;
  I8042& operator=(const I8042&) = delete;

  void map_ports(PortBus& bus);
  IrqLine& irq1() { return irq1_; }
  IrqLine& irq12() { return irq12_; }
  Ps2Keyboard& keyboard() { return kbd_; }
  Ps2Mouse& mouse() { return mouse_; }

  // Board callbacks: A20 gate level and CPU reset requests.
  void on_a20(std::function<void(bool)> f) { a20_cb_ = std::move(f); }
  void on_reset(std::function<void()> f) { reset_cb_ = std::move(f); }
  bool a20() const { return s_.outport & 0x02; }

  uint8_t read_data();
  uint8_t read_status() const;
  void write_data(uint8_t v);
  void write_command(uint8_t v);

  void serialize(Serializer& s);

 private:
  void reply(uint8_t v, bool aux = false);
  void service();
  void update_irq();
  void set_outport(uint8_t v);
  bool kbd_enabled() const { return !(s_.cmd & 0x10); }
  bool aux_enabled() const { return !(s_.cmd & 0x20); }

  Ps2Keyboard kbd_;
  Ps2Mouse mouse_;
  I8042State s_;
  IrqLine irq1_, irq12_;
  std::function<void(bool)> a20_cb_;
  std::function<void()> reset_cb_;
  bool in_service_ = false;
};

}  // namespace rz
