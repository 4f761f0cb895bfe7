// tests/unit/test_dev_fdc_rig.h: an 82077AA on a port bus with the 8237A pair, guest RAM, a
// scheduler and an IRQ6 probe, plus the steps a floppy driver takes (reset and its four
// SENSE INTERRUPTs, sending a command while RQM says so, reading the result phase,
// programming DMA channel 2).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/block.h"
#include "devices/bus.h"
#include "devices/dma.h"
#include "devices/fdc.h"
#include "devices/irq.h"
#include "devices/scheduler.h"
#include "mmu/phys.h"

namespace rz {

constexpr uint64_t k144M = 1474560;

// A recognisable byte for every image offset (sectors differ from each other).
inline uint8_t fdc_pattern(uint64_t off) {
  return uint8_t((off * 7) ^ (off >> 9) * 29 ^ (off >> 17));
}

inline std::vector<uint8_t> fdc_image(uint64_t bytes) {
  std::vector<uint8_t> v(bytes);
  for (uint64_t k = 0; k < bytes; ++k) v[k] = fdc_pattern(k);
  return v;
}

struct FdcRig {
  static constexpr uint16_t kBase = 0x3F0;
  Scheduler sched;
  PortBus bus;
  PhysMem mem{4u << 20};
  DmaController dma{mem};
  Fdc82077 fdc{sched, &dma};
  std::unique_ptr<MemoryBlockDevice> disk;
  bool irq = false;
  unsigned edges = 0;
  FnIrqSink probe{[this](bool level) {
    if (level && !irq) ++edges;
    irq = level;
  }};

  explicit FdcRig(uint64_t bytes = k144M, bool read_only = false) {
    dma.map_ports(bus);
    fdc.map_ports(bus);
    fdc.irq().connect(&probe);
    if (bytes) {
      disk = std::make_unique<MemoryBlockDevice>(fdc_image(bytes), read_only, "a.img");
      std::string err;
      EXPECT_TRUE(fdc.attach(0, disk.get(), err)) << err;
    }
    bus.write(0xD4, 1, 0x00);  // open the cascade channel 4
  }

  uint8_t in(unsigned off) { return uint8_t(bus.read(uint16_t(kBase + off), 1)); }
  void out(unsigned off, uint8_t v) { bus.write(uint16_t(kBase + off), 1, v); }
  uint8_t msr() { return in(4); }
  void after(int64_t ns) { sched.advance_to(sched.now() + ns); }
  // Let every armed event of the controller run.
  void settle() {
    for (int k = 0; k < 10000 && sched.next_event() != INT64_MAX; ++k)
      sched.advance_to(sched.next_event());
  }

  // The command phase, checking RQM/DIO before each byte as a driver does.
  void cmd(std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) {
      uint8_t m = msr();
      EXPECT_EQ(m & 0xC0, 0x80) << "MSR " << int(m) << " before command byte " << int(b);
      out(5, b);
    }
  }
  // Read the result phase (until RQM|DIO drops).
  std::vector<uint8_t> results() {
    std::vector<uint8_t> r;
    while ((msr() & 0xD0) == 0xD0 && r.size() < 32) r.push_back(in(5));
    return r;
  }
  std::vector<uint8_t> run(std::initializer_list<uint8_t> bytes) {
    cmd(bytes);
    settle();
    return results();
  }

  // DOR reset pulse with DMA gate and drive 0's motor, then the four SENSE INTERRUPTs.
  void reset() {
    out(2, 0x00);
    out(2, 0x1C);
    settle();
    for (int k = 0; k < 4; ++k) run({0x08});
  }
  void specify(bool non_dma) { cmd({0x03, 0xAF, uint8_t(0x02 | (non_dma ? 1 : 0))}); }

  // DMA channel 2: mode 0x46 (single, device -> memory) or 0x4A (memory -> device).
  void dma2(uint8_t mode, uint32_t addr, uint32_t bytes) {
    bus.write(0x0A, 1, 0x06);
    bus.write(0x0C, 1, 0);
    bus.write(0x0B, 1, mode);
    bus.write(0x04, 1, addr & 0xFF);
    bus.write(0x04, 1, (addr >> 8) & 0xFF);
    bus.write(0x81, 1, (addr >> 16) & 0xFF);
    bus.write(0x05, 1, (bytes - 1) & 0xFF);
    bus.write(0x05, 1, ((bytes - 1) >> 8) & 0xFF);
    bus.write(0x0A, 1, 0x02);
  }
  static uint64_t chs(unsigned c, unsigned h, unsigned s, unsigned heads = 2, unsigned spt = 18) {
    return ((uint64_t(c) * heads + h) * spt + (s - 1)) * 512;
  }
};

}  // namespace rz
