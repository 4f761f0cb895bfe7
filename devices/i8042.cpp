// devices/i8042.cpp: 8042 command set, output buffer arbitration, translation and the
// output port.  See i8042.h.
#include "devices/i8042.h"

namespace rz {

namespace {
constexpr uint8_t kCmdKbdIrq = 0x01, kCmdAuxIrq = 0x02, kCmdSys = 0x04, kCmdXlat = 0x40;
// Input port: keyboard not inhibited (bit 7), no manufacturing jumper (bit 5), colour
// display (bit 6 clear).
constexpr uint8_t kInputPort = 0xA0;
}  // namespace

I8042::I8042(Scheduler& sched) : kbd_(sched) {
  kbd_.on_data([this] { service(); });
  mouse_.on_data([this] { service(); });
}

void I8042::reply(uint8_t v, bool aux) {
  (aux ? s_.aux_replies : s_.replies).push(v);
}

void I8042::update_irq() {
  irq1_.set(s_.obf && !s_.obf_aux && (s_.cmd & kCmdKbdIrq));
  irq12_.set(s_.obf && s_.obf_aux && (s_.cmd & kCmdAuxIrq));
}

// Refill an empty output buffer.
void I8042::service() {
  if (in_service_) return;
  in_service_ = true;
  while (!s_.obf) {
    uint8_t b;
    if (s_.replies.pop(b)) {
      s_.out = b;
      s_.obf = true;
      s_.obf_aux = false;
    } else if (s_.aux_replies.pop(b)) {
      s_.out = b;
      s_.obf = s_.obf_aux = true;
    } else if (kbd_enabled() && kbd_.pop(b)) {
      if (s_.cmd & kCmdXlat) {
        if (b == 0xF0) {
          s_.xlat_break = true;
          continue;
        }
        b = uint8_t(ps2_translate_set2(b) | (s_.xlat_break ? 0x80 : 0));
        s_.xlat_break = false;
      }
      s_.out = b;
      s_.obf = true;
      s_.obf_aux = false;
    } else if (aux_enabled() && mouse_.pop(b)) {
      s_.out = b;
      s_.obf = s_.obf_aux = true;
    } else {
      break;
    }
  }
  in_service_ = false;
  update_irq();
}

uint8_t I8042::read_status() const {
  return uint8_t((s_.obf ? 0x01 : 0) | (s_.cmd & kCmdSys) | (s_.a2 ? 0x08 : 0) | 0x10 |
                 (s_.obf && s_.obf_aux ? 0x20 : 0));
}

uint8_t I8042::read_data() {
  uint8_t v = s_.out;
  if (s_.obf) {
    s_.obf = false;
    update_irq();  // the IRQ pin falls before the next byte can raise it again
    service();
  }
  return v;
}

void I8042::set_outport(uint8_t v) {
  uint8_t old = s_.outport;
  s_.outport = uint8_t(v | 0x01);  // the reset line is pulsed, not held
  if (((old ^ v) & 0x02) && a20_cb_) a20_cb_(v & 0x02);
  if (!(v & 0x01) && reset_cb_) reset_cb_();
}

void I8042::write_command(uint8_t v) {
  s_.a2 = true;
  s_.pending = 0;
  if (v >= 0x20 && v <= 0x3F) {
    reply(v == 0x20 ? s_.cmd : s_.ram[v & 0x1F]);
  } else if ((v >= 0x60 && v <= 0x7F) || (v >= 0xD1 && v <= 0xD4)) {
    s_.pending = v;
  } else if (v >= 0xF0) {
    if (!(v & 0x01) && reset_cb_) reset_cb_();  // pulse output port bit 0: CPU reset
  } else {
    switch (v) {
      case 0xA4: reply(0xF1); break;  // no password installed
      case 0xA7: s_.cmd |= 0x20; break;
      case 0xA8: s_.cmd &= ~0x20; break;
      case 0xA9: reply(0x00); break;  // auxiliary interface test passed
      case 0xAA: reply(0x55); break;  // self-test passed
      case 0xAB: reply(0x00); break;  // keyboard interface test passed
      case 0xAD: s_.cmd |= 0x10; break;
      case 0xAE: s_.cmd &= ~0x10; break;
      case 0xC0: reply(kInputPort); break;
      case 0xD0: {
        uint8_t p = uint8_t(s_.outport & 0xCF);
        if (s_.obf) p |= s_.obf_aux ? 0x20 : 0x10;
        reply(p);
        break;
      }
      case 0xDD: set_outport(s_.outport & ~0x02); break;
      case 0xDF: set_outport(s_.outport | 0x02); break;
      case 0xE0: reply(0x00); break;  // test inputs
      default: break;                 // unknown commands are ignored
    }
  }
  service();
}

void I8042::write_data(uint8_t v) {
  s_.a2 = false;
  uint8_t p = s_.pending;
  s_.pending = 0;
  if (p >= 0x60 && p <= 0x7F) {
    if (p == 0x60) s_.cmd = v & 0x7F;
    else s_.ram[p & 0x1F] = v;
  } else if (p == 0xD1) {
    set_outport(v);
  } else if (p == 0xD2) {
    reply(v);
  } else if (p == 0xD3) {
    reply(v, true);
  } else if (p == 0xD4) {
    mouse_.write(v);
  } else {
    kbd_.write(v);
  }
  service();
}

void I8042::map_ports(PortBus& bus) {
  PortHandler d;
  d.read = [this](uint16_t, unsigned) -> uint32_t { return read_data(); };
  d.write = [this](uint16_t, unsigned, uint32_t v) { write_data(uint8_t(v)); };
  bus.map(0x60, 1, d, "i8042-data");
  PortHandler c;
  c.read = [this](uint16_t, unsigned) -> uint32_t { return read_status(); };
  c.write = [this](uint16_t, unsigned, uint32_t v) { write_command(uint8_t(v)); };
  bus.map(0x64, 1, c, "i8042-cmd");
}

void I8042::serialize(Serializer& s) {
  s(s_);
  kbd_.serialize(s);
  mouse_.serialize(s);
  if (s.loading()) {
    s_.replies.sanitize();
    s_.aux_replies.sanitize();
    update_irq();
  }
}

}  // namespace rz
