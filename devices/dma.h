// devices/dma.h: the PC/AT's two Intel 8237A DMA controllers (DMA1: 8-bit channels 0-3
// at ports 0x00-0x0F; DMA2: 16-bit channels 4-7 at 0xC0-0xDE, cascaded through channel 4)
// and the 74LS612 page register file (ports 0x81-0x8F; 0x80 is the POST port).
//
// Devices transfer through write_memory()/read_memory(): the controller walks the
// channel's current address and count exactly as the 8237A does (increment or
// decrement, wrap inside the 64 KiB (8-bit) or 128 KiB (16-bit, word-addressed) window
// without carrying into the page, terminal count sets the status bit and either
// auto-initialises or masks the channel) and moves the bytes with PhysMem block
// accesses.  A channel whose mode's transfer type does not match the device's direction
// (or is verify) advances its counters without touching memory, as a verify transfer.
// Not modelled: memory-to-memory transfers (command bit 0), cycle timing (the bytes move
// when the device asks), DACK/EOP polarity bits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "devices/bus.h"
#include "devices/serialize.h"
#include "mmu/phys.h"

namespace rz {

struct Dma8237Channel {
  uint16_t base_addr = 0, cur_addr = 0, base_count = 0, cur_count = 0;
  uint8_t mode = 0;
};

struct Dma8237State {
  std::array<Dma8237Channel, 4> ch{};
  uint8_t command = 0, status = 0, mask = 0x0F, request = 0, temp = 0, dreq = 0;
  bool flipflop = false;
};

class Dma8237 {
 public:
  uint8_t read(unsigned reg);
  void write(unsigned reg, uint8_t v);
  void master_clear();
  Dma8237State& state() { return s_; }
  const Dma8237State& state() const { return s_; }
  void serialize(Serializer& s) { s(s_); }

 private:
  Dma8237State s_;
};

class DmaController {
 public:
  explicit DmaController(PhysMem& mem) : mem_(mem) {}
  void map_ports(PortBus& bus);

  // Hardware request line of channel 0-7 (shown in the status register).
  void set_dreq(unsigned ch, bool active);
  // Unmasked, controller enabled, not a cascade channel, and (for 0-3) the cascade open.
  bool ready(unsigned ch) const;
  // Device -> memory ("write" transfer type).  Returns bytes taken from `src`; stops at
  // terminal count.  16-bit channels move whole words (len is rounded down).
  size_t write_memory(unsigned ch, const void* src, size_t len);
  // Memory -> device ("read" transfer type).  Returns bytes stored to `dst`.
  size_t read_memory(unsigned ch, void* dst, size_t len);
  // Terminal count reached since the status register was last read.
  bool terminal_count(unsigned ch) const;
  // Bytes left before terminal count.
  size_t remaining(unsigned ch) const;

  uint8_t page(unsigned ch) const { return pages_[kPageIndex[ch & 7]]; }
  Dma8237& controller(unsigned n) { return n ? dma2_ : dma1_; }
  void serialize(Serializer& s);

 private:
  static constexpr uint8_t kPageIndex[8] = {7, 3, 1, 2, 0xF, 0xB, 9, 0xA};  // port - 0x80
  size_t transfer(unsigned ch, uint8_t* buf, size_t len, uint8_t want_type);
  uint32_t unit_address(unsigned ch) const;

  PhysMem& mem_;
  Dma8237 dma1_, dma2_;
  std::array<uint8_t, 16> pages_{};
};

}  // namespace rz
