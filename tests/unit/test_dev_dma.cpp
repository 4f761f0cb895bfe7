// tests/unit/test_dev_dma.cpp: the 8237A pair and page registers as a floppy or sound
// driver programs them, transfers into and out of guest memory, terminal count,
// auto-initialise, decrement, 16-bit channels; port 0x92 and the POST port.
#include <gtest/gtest.h>

#include <cstring>

#include "devices/bus.h"
#include "devices/dma.h"
#include "devices/sysctl.h"
#include "mmu/phys.h"

namespace rz {
namespace {

struct DmaRig {
  PhysMem mem{4u << 20};
  PortBus bus;
  DmaController dma{mem};
  DmaRig() { dma.map_ports(bus); }
  // Program 8-bit channel `ch` like a BIOS floppy read: mode, address, page, count.
  void setup8(unsigned ch, uint8_t mode, uint32_t addr, uint16_t count_minus_1) {
    static const uint16_t kPage[4] = {0x87, 0x83, 0x81, 0x82};
    bus.write(0x0A, 1, 0x04 | ch);  // mask
    bus.write(0x0C, 1, 0);          // clear flip-flop
    bus.write(0x0B, 1, mode | ch);
    bus.write(uint16_t(ch * 2), 1, addr & 0xFF);
    bus.write(uint16_t(ch * 2), 1, (addr >> 8) & 0xFF);
    bus.write(kPage[ch], 1, (addr >> 16) & 0xFF);
    bus.write(uint16_t(ch * 2 + 1), 1, count_minus_1 & 0xFF);
    bus.write(uint16_t(ch * 2 + 1), 1, count_minus_1 >> 8);
    bus.write(0x0A, 1, ch);  // unmask
  }
};

TEST(DevDma, RegistersReadBackThroughFlipFlop) {
  DmaRig r;
  r.bus.write(0x0C, 1, 0);
  r.bus.write(0x04, 1, 0x34);
  r.bus.write(0x04, 1, 0x12);
  r.bus.write(0x0C, 1, 0);
  EXPECT_EQ(r.bus.read(0x04, 1), 0x34u);
  EXPECT_EQ(r.bus.read(0x04, 1), 0x12u);
  r.bus.write(0x81, 1, 0x0A);
  EXPECT_EQ(r.dma.page(2), 0x0A);
  EXPECT_EQ(r.bus.read(0x81, 1), 0x0Au);
  EXPECT_EQ(r.bus.read(0x0F, 1), 0xFFu);  // all masked after reset
  r.bus.write(0x0E, 1, 0);
  EXPECT_EQ(r.bus.read(0x0F, 1), 0xF0u);
  r.bus.write(0x0D, 1, 0);  // master clear
  EXPECT_EQ(r.bus.read(0x0F, 1), 0xFFu);
}

TEST(DevDma, Channel2WriteToMemoryWithTerminalCount) {
  DmaRig r;
  r.bus.write(0xD4, 1, 0x00);  // unmask cascade channel 4
  r.setup8(2, 0x44, 0x12340, 511);  // single, write (device -> memory), increment
  EXPECT_TRUE(r.dma.ready(2));
  uint8_t sector[600];
  for (unsigned k = 0; k < sizeof sector; ++k) sector[k] = uint8_t(k * 7);
  EXPECT_EQ(r.dma.write_memory(2, sector, 100), 100u);
  EXPECT_FALSE(r.dma.terminal_count(2));
  EXPECT_EQ(r.dma.remaining(2), 412u);
  EXPECT_EQ(r.dma.write_memory(2, sector + 100, 500), 412u);  // stops at TC
  EXPECT_TRUE(r.dma.terminal_count(2));
  EXPECT_EQ(std::memcmp(r.mem.ram() + 0x12340, sector, 512), 0);
  EXPECT_EQ(r.mem.ram()[0x12340 + 512], 0);
  EXPECT_FALSE(r.dma.ready(2));  // masked at TC without auto-init
  EXPECT_EQ(r.bus.read(0x08, 1) & 0x04, 0x04u);
  EXPECT_EQ(r.bus.read(0x08, 1) & 0x04, 0x00u);  // cleared by the read
}

TEST(DevDma, AutoInitDecrementAndRead) {
  DmaRig r;
  r.bus.write(0xD4, 1, 0x00);
  for (unsigned k = 0; k < 4; ++k) r.mem.ram()[0x2000 + k] = uint8_t(0xA0 + k);
  r.setup8(1, 0x58 | 0x20, 0x2003, 3);  // single, read, auto-init, decrement
  uint8_t out[8];
  EXPECT_EQ(r.dma.read_memory(1, out, 8), 4u);
  EXPECT_EQ(out[0], 0xA3);
  EXPECT_EQ(out[3], 0xA0);
  EXPECT_TRUE(r.dma.ready(1));  // auto-init: still running
  EXPECT_EQ(r.dma.read_memory(1, out, 2), 2u);
  EXPECT_EQ(out[0], 0xA3);  // reloaded address
}

TEST(DevDma, SixteenBitChannelWordAddressing) {
  DmaRig r;
  r.bus.write(0xD4, 1, 0x05);   // mask ch5
  r.bus.write(0xD6, 1, 0x45);   // ch5: single, write
  r.bus.write(0xD8, 1, 0);      // flip-flop
  r.bus.write(0xC4, 1, 0x00);   // word address 0x8000 -> byte 0x10000 in page
  r.bus.write(0xC4, 1, 0x80);
  r.bus.write(0x8B, 1, 0x02);   // page 2: 0x20000
  r.bus.write(0xC6, 1, 1);      // 2 words
  r.bus.write(0xC6, 1, 0);
  r.bus.write(0xD4, 1, 0x01);   // unmask ch5
  const uint8_t data[5] = {1, 2, 3, 4, 5};
  EXPECT_EQ(r.dma.write_memory(5, data, 5), 4u);
  EXPECT_EQ(r.mem.ram()[0x30000], 1);
  EXPECT_EQ(r.mem.ram()[0x30003], 4);
  EXPECT_TRUE(r.dma.terminal_count(5));
}

TEST(DevDma, MaskedCascadeBlocksDma1AndMismatchIsVerify) {
  DmaRig r;
  r.setup8(2, 0x44, 0x1000, 3);
  EXPECT_FALSE(r.dma.ready(2));  // channel 4 (the cascade) still masked
  r.bus.write(0xD4, 1, 0x00);
  r.mem.ram()[0x1000] = 0x5A;
  uint8_t buf[4];
  EXPECT_EQ(r.dma.read_memory(2, buf, 1), 1u);  // mode says write: verify, no access
  EXPECT_EQ(buf[0], 0xFF);
  EXPECT_EQ(r.mem.ram()[0x1000], 0x5A);
}

TEST(DevDma, GarbageNeverCrashes) {
  DmaRig r;
  uint8_t buf[64] = {};
  for (unsigned k = 0; k < 20000; ++k) {
    uint16_t port = uint16_t(k % 3 == 0 ? (k * 13) % 16 : k % 3 == 1 ? 0xC0 + (k * 7) % 32 : 0x81 + k % 15);
    r.bus.write(port, 1, (k * 2654435761u) >> 9);
    r.bus.read(port, 1);
    unsigned ch = k % 8;
    if (k & 1) r.dma.write_memory(ch, buf, sizeof buf);
    else r.dma.read_memory(ch, buf, sizeof buf);
  }
  SUCCEED();
}

TEST(DevSysctl, Port92FastA20AndReset) {
  PortBus bus;
  SystemControlA p92;
  p92.map_ports(bus);
  bool a20 = false;
  int resets = 0;
  p92.on_a20([&](bool on) { a20 = on; });
  p92.on_reset([&] { ++resets; });
  bus.write(0x92, 1, 0x02);
  EXPECT_TRUE(a20);
  EXPECT_EQ(bus.read(0x92, 1), 0x02u);
  bus.write(0x92, 1, 0x03);
  EXPECT_EQ(resets, 1);
  EXPECT_EQ(bus.read(0x92, 1), 0x02u);
  bus.write(0x92, 1, 0x08);
  EXPECT_FALSE(a20);
  bus.write(0x92, 1, 0x00);
  EXPECT_EQ(bus.read(0x92, 1), 0x08u);  // password lock stays
}

TEST(DevSysctl, PostPortRecords) {
  PortBus bus;
  PostPort post;
  post.map_ports(bus);
  for (unsigned k = 0; k < 5000; ++k) bus.write(0x80, 1, k & 0xFF);
  EXPECT_EQ(bus.read(0x80, 1), uint32_t(4999 & 0xFF));
  EXPECT_LE(post.history().size(), PostPort::kHistory);
  EXPECT_EQ(post.history().back(), 4999 & 0xFF);
  EXPECT_EQ(post.history()[post.history().size() - 2], 4998 & 0xFF);
}

}  // namespace
}  // namespace rz
