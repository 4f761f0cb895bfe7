// tests/unit/test_dev_ide_rig.h: a primary IDE channel on its ports with an interrupt
// probe, driven the way a BIOS or driver does (port I/O, status polling on the virtual
// clock), shared by the ATA, ATAPI and PIIX tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <memory>
#include <vector>

#include "devices/atapi.h"
#include "devices/block.h"
#include "devices/bus.h"
#include "devices/ide.h"
#include "devices/ide_ata.h"
#include "devices/irq.h"
#include "devices/scheduler.h"

namespace rz::test {

// A disk image whose bytes are a function of their offset, so any read can be checked.
inline uint8_t image_byte(uint64_t off) { return uint8_t((off * 7) ^ (off >> 9) ^ (off >> 17)); }
inline std::vector<uint8_t> make_image(size_t bytes) {
  std::vector<uint8_t> v(bytes);
  for (size_t k = 0; k < bytes; ++k) v[k] = image_byte(k);
  return v;
}

// A block device that counts flushes and can fail reads or writes from some offset on.
class ProbeBlockDevice : public MemoryBlockDevice {
 public:
  using MemoryBlockDevice::MemoryBlockDevice;
  bool read(uint64_t off, void* dst, size_t n) override {
    if (off + n > fail_from) return false;
    return MemoryBlockDevice::read(off, dst, n);
  }
  bool write(uint64_t off, const void* src, size_t n) override {
    if (off + n > fail_from) return false;
    return MemoryBlockDevice::write(off, src, n);
  }
  bool flush() override {
    ++flushes;
    return true;
  }
  uint64_t fail_from = ~uint64_t(0);
  int flushes = 0;
};

// A device of any size that reads zeros (large media without the memory).
class ZeroBlockDevice : public BlockDevice {
 public:
  explicit ZeroBlockDevice(uint64_t bytes, bool ro = true) : size_(bytes), ro_(ro) {}
  uint64_t size() const override { return size_; }
  bool read_only() const override { return ro_; }
  bool read(uint64_t off, void* dst, size_t n) override {
    if (off > size_ || n > size_ - off) return false;
    std::memset(dst, 0, n);
    return true;
  }
  bool write(uint64_t off, const void*, size_t n) override { return !ro_ && off <= size_ && n <= size_ - off; }
  bool flush() override { return true; }
  const std::string& name() const override { return name_; }

 private:
  uint64_t size_;
  bool ro_;
  std::string name_ = "zero";
};

struct IdeRig {
  Scheduler sched;
  PortBus bus;
  IdeChannel ch{sched, 0};
  int irq_edges = 0;
  FnIrqSink probe{[this](bool high) {
    if (high) ++irq_edges;
  }};
  static constexpr uint16_t kBase = 0x1F0, kCtl = 0x3F6;

  IdeRig() {
    ch.map_ports(bus, kBase, kCtl);
    ch.irq().connect(&probe);
  }

  uint8_t in(unsigned reg) { return uint8_t(bus.read(uint16_t(kBase + reg), 1)); }
  void out(unsigned reg, uint8_t v) { bus.write(uint16_t(kBase + reg), 1, v); }
  uint8_t alt() { return uint8_t(bus.read(kCtl, 1)); }
  void devctl(uint8_t v) { bus.write(kCtl, 1, v); }
  uint16_t in16() { return uint16_t(bus.read(kBase, 2)); }
  uint32_t in32() { return bus.read(kBase, 4); }
  void out16(uint16_t v) { bus.write(kBase, 2, v); }
  void out32(uint32_t v) { bus.write(kBase, 4, v); }
  bool irq() { return ch.irq().level(); }

  void step(int64_t ns) { sched.advance_to(sched.now() + ns); }
  // Poll the alternate status (1 us per poll, like port I/O) until BSY clears.
  uint8_t wait_not_busy(int64_t limit_ns = 100'000'000) {
    for (int64_t t = 0; t < limit_ns; t += 1000) {
      uint8_t s = alt();
      if (!(s & ata::kBsy)) return s;
      step(1000);
    }
    ADD_FAILURE() << "device stayed busy";
    return alt();
  }
  void select(unsigned unit, uint8_t extra = 0) { out(ata::kRegSelect, uint8_t(0xA0 | (unit << 4) | extra)); }
  void command(uint8_t cmd) { out(ata::kRegCommand, cmd); }
  // LBA28 task file.
  void lba28(unsigned unit, uint32_t lba, uint8_t count, uint8_t feature = 0) {
    out(ata::kRegFeature, feature);
    out(ata::kRegNsect, count);
    out(ata::kRegSector, uint8_t(lba));
    out(ata::kRegLcyl, uint8_t(lba >> 8));
    out(ata::kRegHcyl, uint8_t(lba >> 16));
    select(unit, uint8_t(ata::kLba | ((lba >> 24) & 0x0F)));
  }
  // LBA48 task file: high bytes first, then low (the HOB FIFO).
  void lba48(unsigned unit, uint64_t lba, uint16_t count) {
    out(ata::kRegNsect, uint8_t(count >> 8));
    out(ata::kRegSector, uint8_t(lba >> 24));
    out(ata::kRegLcyl, uint8_t(lba >> 32));
    out(ata::kRegHcyl, uint8_t(lba >> 40));
    out(ata::kRegNsect, uint8_t(count));
    out(ata::kRegSector, uint8_t(lba));
    out(ata::kRegLcyl, uint8_t(lba >> 8));
    out(ata::kRegHcyl, uint8_t(lba >> 16));
    select(unit, ata::kLba);
  }
  // Read `words` 16-bit words from the data port.
  std::vector<uint8_t> read_data(size_t bytes, bool use32 = false) {
    std::vector<uint8_t> v;
    for (size_t k = 0; k < bytes; k += use32 ? 4 : 2) {
      uint32_t w = use32 ? in32() : in16();
      for (unsigned b = 0; b < (use32 ? 4u : 2u); ++b) v.push_back(uint8_t(w >> (8 * b)));
    }
    return v;
  }
  void write_data(const uint8_t* p, size_t bytes) {
    for (size_t k = 0; k < bytes; k += 2) out16(uint16_t(p[k] | p[k + 1] << 8));
  }
  // Issue IDENTIFY (DEVICE or PACKET DEVICE) and return the 256 words.
  std::vector<uint16_t> identify(unsigned unit, uint8_t cmd = 0xEC) {
    select(unit);
    command(cmd);
    uint8_t s = wait_not_busy();
    std::vector<uint16_t> w;
    if (!(s & ata::kDrq)) return w;
    for (int k = 0; k < 256; ++k) w.push_back(in16());
    return w;
  }
};

}  // namespace rz::test
