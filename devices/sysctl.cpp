// devices/sysctl.cpp: port 0x92 and the POST port.  See sysctl.h.
#include "devices/sysctl.h"

namespace rz {

void SystemControlA::write(uint8_t v) {
  uint8_t old = value_;
  value_ = uint8_t(v & ~0x01);  // the reset bit reads back 0 after the pulse
  if (old & 0x08) value_ |= 0x08;  // the password lock can only be set until reset
  if (((old ^ v) & 0x02) && a20_cb_) a20_cb_(v & 0x02);
  if ((v & 0x01) && reset_cb_) reset_cb_();
}

void SystemControlA::map_ports(PortBus& bus) {
  PortHandler h;
  h.read = [this](uint16_t, unsigned) -> uint32_t { return read(); };
  h.write = [this](uint16_t, unsigned, uint32_t v) { write(uint8_t(v)); };
  bus.map(0x92, 1, h, "port92");
}

void PostPort::write(uint8_t v) {
  last_ = v;
  if (history_.size() >= kHistory) history_.erase(history_.begin(), history_.begin() + kHistory / 2);
  history_.push_back(v);
  if (cb_) cb_(v);
}

void PostPort::map_ports(PortBus& bus) {
  PortHandler h;
  h.read = [this](uint16_t, unsigned) -> uint32_t { return last_; };
  h.write = [this](uint16_t, unsigned, uint32_t v) { write(uint8_t(v)); };
  bus.map(0x80, 1, h, "post");
}

}  // namespace rz
