// devices/bus.cpp: port dispatch.
#include "devices/bus.h"

#include <stdexcept>

namespace rz {

PortBus::PortBus() : port_map_(0x10000, -1) {}

void PortBus::map(uint16_t base, uint16_t count, PortHandler h, const std::string& name) {
  for (uint32_t p = base; p < uint32_t(base) + count; ++p) {
    if (p > 0xFFFF) throw std::invalid_argument(name + ": port range past 0xFFFF");
    if (port_map_[p] >= 0)
      throw std::invalid_argument(name + ": port " + std::to_string(p) + " already used by " +
                                  entries_[port_map_[p]].name);
  }
  entries_.push_back(Entry{std::move(h), base, count, name});
  for (uint32_t p = base; p < uint32_t(base) + count; ++p) port_map_[p] = int32_t(entries_.size() - 1);
}

void PortBus::unmap(uint16_t base, uint16_t count) {
  for (uint32_t p = base; p < uint32_t(base) + count && p <= 0xFFFF; ++p) port_map_[p] = -1;
}

uint32_t PortBus::read(uint16_t port, unsigned size) {
  int32_t e = port_map_[port];
  if (e >= 0 && (entries_[e].h.widths & size) && entries_[e].h.read)
    return entries_[e].h.read(port, size);
  if (size == 1) return (e >= 0 && entries_[e].h.read) ? entries_[e].h.read(port, 1) & 0xFF : 0xFF;
  uint32_t v = 0;
  for (unsigned k = 0; k < size; ++k) v |= (read(uint16_t(port + k), 1) & 0xFF) << (8 * k);
  return v;
}

void PortBus::write(uint16_t port, unsigned size, uint32_t value) {
  int32_t e = port_map_[port];
  if (e >= 0 && (entries_[e].h.widths & size) && entries_[e].h.write)
    return entries_[e].h.write(port, size, value);
  if (size == 1) {
    if (e >= 0 && entries_[e].h.write) entries_[e].h.write(port, 1, value & 0xFF);
    return;
  }
  for (unsigned k = 0; k < size; ++k) write(uint16_t(port + k), 1, (value >> (8 * k)) & 0xFF);
}

const std::string& PortBus::owner(uint16_t port) const {
  static const std::string none;
  int32_t e = port_map_[port];
  return e >= 0 ? entries_[e].name : none;
}

}  // namespace rz
