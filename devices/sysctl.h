// devices/sysctl.h: two small PC board registers.
//  - System control port A (0x92, "fast A20"): bit 0 pulses a CPU reset on a 0->1
//    write, bit 1 gates A20 (ORed with the keyboard controller's A20 line by the
//    board), bit 3 is the power-on password lock (stored); bits 6-7 drive the disk LED.
//  - The POST code port (0x80): firmware writes progress codes there; it is a byte of
//    the page register file, so it reads back the last value.  The recorder keeps a
//    bounded history for the monitor and for tests.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "devices/bus.h"
#include "devices/serialize.h"

namespace rz {

class SystemControlA {
 public:
  void map_ports(PortBus& bus);
  void on_a20(std::function<void(bool)> f) { a20_cb_ = std::move(f); }
  void on_reset(std::function<void()> f) { reset_cb_ = std::move(f); }
  uint8_t read() const { return value_; }
  void write(uint8_t v);
  bool a20() const { return value_ & 0x02; }
  void serialize(Serializer& s) { s(value_); }

 private:
  uint8_t value_ = 0;
  std::function<void(bool)> a20_cb_;
  std::function<void()> reset_cb_;
};

class PostPort {
 public:
  static constexpr size_t kHistory = 4096;
  void map_ports(PortBus& bus);
  uint8_t last() const { return last_; }
  const std::vector<uint8_t>& history() const { return history_; }
  void on_code(std::function<void(uint8_t)> f) { cb_ = std::move(f); }
  void write(uint8_t v);
  void serialize(Serializer& s) {
    s(last_);
    s.vec(history_, kHistory);
  }

 private:
  uint8_t last_ = 0;
  std::vector<uint8_t> history_;
  std::function<void(uint8_t)> cb_;
};

}  // namespace rz
