// tests/unit/test_fw_cfg.cpp: the fw_cfg interface through its ports, as SeaBIOS uses it.
#include <gtest/gtest.h>

#include <cstring>

#include "bios/fw_cfg.h"

namespace rz {
namespace {

struct FwCfgTest : ::testing::Test {
  PortBus bus;
  PhysMem mem{1 << 20};
  FwCfg cfg{bus, mem};
  std::string read_item(uint16_t key, size_t n) {
    bus.write(FwCfg::kPortSelector, 2, key);
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(char(bus.read(FwCfg::kPortData, 1)));
    return s;
  }
  void put_be32(uint32_t addr, uint32_t v) {
    uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
    mem.write_block(addr, b, 4);
  }
  uint32_t get_be32(uint32_t addr) {
    uint8_t b[4];
    mem.read_block(addr, b, 4);
    return (uint32_t(b[0]) << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
  }
};

TEST_F(FwCfgTest, SignatureAndIdThroughDataPort) {
  EXPECT_EQ(read_item(FwCfg::kSignature, 4), "QEMU");
  std::string id = read_item(FwCfg::kId, 4);
  EXPECT_EQ(uint8_t(id[0]), 3);  // traditional + DMA
  // Reading past the end gives zeros.
  EXPECT_EQ(read_item(FwCfg::kSignature, 6).substr(4), std::string(2, '\0'));
}

TEST_F(FwCfgTest, DmaRegisterReadsSignature) {
  uint32_t hi = bus.read(FwCfg::kPortDma, 4), lo = bus.read(FwCfg::kPortDma + 4, 4);
  EXPECT_EQ(__builtin_bswap32(hi), 0x51454d55u);  // "QEMU"
  EXPECT_EQ(__builtin_bswap32(lo), 0x20434647u);  // " CFG"
}

TEST_F(FwCfgTest, FileDirectoryIsSortedAndBigEndian) {
  cfg.add_file("etc/zzz", {1, 2, 3});
  cfg.add_file("bootorder", {'a', 0});
  std::string dir = read_item(FwCfg::kFileDir, 4 + 2 * 64);
  auto be32 = [&](size_t o) {
    return (uint32_t(uint8_t(dir[o])) << 24) | (uint8_t(dir[o + 1]) << 16) |
           (uint8_t(dir[o + 2]) << 8) | uint8_t(dir[o + 3]);
  };
  EXPECT_EQ(be32(0), 2u);
  EXPECT_EQ(be32(4), 2u);  // "bootorder" first: size 2
  EXPECT_EQ(std::string(dir.c_str() + 4 + 8), "bootorder");
  EXPECT_EQ(be32(4 + 64), 3u);
  EXPECT_EQ(std::string(dir.c_str() + 4 + 64 + 8), "etc/zzz");
  uint16_t key = uint16_t((uint8_t(dir[4 + 64 + 4]) << 8) | uint8_t(dir[4 + 64 + 5]));
  EXPECT_EQ(read_item(key, 3), std::string("\x01\x02\x03", 3));
}

TEST_F(FwCfgTest, DmaSelectAndReadIntoGuestMemory) {
  cfg.add_file("etc/test", {9, 8, 7, 6, 5});
  uint16_t key = FwCfg::kFileFirst;  // first file
  // Descriptor at 0x1000: select + read 8 bytes to 0x2000.
  put_be32(0x1000, (uint32_t(key) << 16) | 0x08 | 0x02);
  put_be32(0x1004, 8);
  put_be32(0x1008, 0);
  put_be32(0x100C, 0x2000);
  std::memset(mem.ram() + 0x2000, 0xAA, 16);
  bus.write(FwCfg::kPortDma, 4, __builtin_bswap32(0));
  bus.write(FwCfg::kPortDma + 4, 4, __builtin_bswap32(0x1000));
  EXPECT_EQ(get_be32(0x1000), 0u);  // completed without error
  const uint8_t want[10] = {9, 8, 7, 6, 5, 0, 0, 0, 0xAA, 0xAA};
  EXPECT_EQ(std::memcmp(mem.ram() + 0x2000, want, 10), 0);
}

TEST_F(FwCfgTest, DmaWriteIsAnError) {
  put_be32(0x1000, (uint32_t(FwCfg::kSignature) << 16) | 0x08 | 0x10);
  put_be32(0x1004, 4);
  put_be32(0x1008, 0);
  put_be32(0x100C, 0x2000);
  bus.write(FwCfg::kPortDma + 4, 4, __builtin_bswap32(0x1000));
  EXPECT_EQ(get_be32(0x1000), 1u);
}

}  // namespace
}  // namespace rz
