// devices/bus.h: the I/O port bus.  Devices register port ranges with the access widths
// they accept; overlapping registrations fail loudly; unmapped ports read all ones and
// ignore writes (style.md practice 7).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rz {

struct PortHandler {
  std::function<uint32_t(uint16_t port, unsigned size)> read;
  std::function<void(uint16_t port, unsigned size, uint32_t value)> write;
  // Widths (bitmask of 1, 2, 4) the device handles itself; other widths are split into
  // byte accesses by the bus.
  unsigned widths = 1;
};

class PortBus {
 public:
  PortBus();
  // Map ports [base, base+count).  Throws std::invalid_argument on overlap.
  void map(uint16_t base, uint16_t count, PortHandler h, const std::string& name);
  void unmap(uint16_t base, uint16_t count);
  uint32_t read(uint16_t port, unsigned size);
  void write(uint16_t port, unsigned size, uint32_t value);
  // Name of the device at a port ("" if none), for traces and errors.
  const std::string& owner(uint16_t port) const;

 private:
  struct Entry {
    PortHandler h;
    uint16_t base, count;
    std::string name;
  };
  std::vector<Entry> entries_;
  std::vector<int32_t> port_map_;  // port -> entry index or -1
};

}  // namespace rz
