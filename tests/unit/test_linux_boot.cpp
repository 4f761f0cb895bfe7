// tests/unit/test_linux_boot.cpp: parsing bzImages and laying out a direct Linux boot.
#include <gtest/gtest.h>

#include <cstring>

#include "bios/fw_cfg.h"
#include "bios/linux_boot.h"

namespace rz {
namespace {

// A synthetic bzImage: 4 setup sectors + boot sector, protocol `ver`, then `kbytes` of kernel.
std::vector<uint8_t> fake_bzimage(uint16_t ver, size_t kbytes, uint32_t initrd_max = 0x37FFFFFF) {
  std::vector<uint8_t> f(5 * 512 + kbytes, 0xCC);
  f[0x1F1] = 4;
  f[0x1FE] = 0x55;
  f[0x1FF] = 0xAA;
  std::memcpy(&f[0x202], "HdrS", 4);
  f[0x206] = uint8_t(ver);
  f[0x207] = uint8_t(ver >> 8);
  f[0x211] = 1;  // LOADED_HIGH
  std::memcpy(&f[0x22C], &initrd_max, 4);
  uint32_t cls = 2048;
  std::memcpy(&f[0x238], &cls, 4);
  return f;
}

uint32_t rd32(PhysMem& m, uint32_t a) { return m.read(a, 4); }

TEST(LinuxBoot, RejectsNonKernels) {
  std::vector<uint8_t> junk(8192, 0);
  EXPECT_THROW(parse_bzimage(junk, "x.img"), std::runtime_error);
  try {
    parse_bzimage(junk, "x.img");
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("x.img"), std::string::npos);
  }
  EXPECT_THROW(parse_bzimage(fake_bzimage(0x0201, 4096), "old"), std::runtime_error);
  std::vector<uint8_t> small(100, 0);
  EXPECT_THROW(parse_bzimage(small, "tiny"), std::runtime_error);
}

TEST(LinuxBoot, DirectLayout) {
  PhysMem mem(64u << 20);
  BzImage img = parse_bzimage(fake_bzimage(0x020F, 0x3000, 0x02FFFFFF), "k");
  EXPECT_EQ(img.setup.size(), 5u * 512);
  EXPECT_EQ(img.kernel.size(), 0x3000u);
  EXPECT_EQ(img.initrd_addr_max, 0x02FFFFFFu);
  std::vector<uint8_t> initrd(10000, 0x5A);
  LinuxDirectBoot b = load_linux_direct(mem, img, initrd, "console=ttyS0", "initrd");
  // initrd: page aligned, ends at or below min(RAM, initrd_addr_max + 1) = 48 MiB.
  EXPECT_EQ(b.initrd % 4096, 0u);
  EXPECT_LE(b.initrd + b.initrd_size, 0x03000000u);
  EXPECT_GT(b.initrd, 0x02000000u);
  EXPECT_EQ(rd32(mem, b.zero_page + 0x218), b.initrd);
  EXPECT_EQ(rd32(mem, b.zero_page + 0x21C), 10000u);
  EXPECT_EQ(rd32(mem, b.zero_page + 0x228), b.cmdline);
  EXPECT_EQ(mem.read(b.zero_page + 0x210, 1), 0xFFu);  // type_of_loader
  char cl[32] = {};
  mem.read_block(b.cmdline, cl, sizeof(cl));
  EXPECT_STREQ(cl, "console=ttyS0");
  // e820: last usable range ends at the top of RAM.
  unsigned n = mem.read(b.zero_page + 0x1E8, 1);
  ASSERT_EQ(n, 5u);
  uint32_t e = b.zero_page + 0x2D0 + 20 * 3;
  EXPECT_EQ(rd32(mem, e), 0x100000u);
  EXPECT_EQ(rd32(mem, e + 8), (64u << 20) - 0x100000u);
  EXPECT_EQ(rd32(mem, e + 16), 1u);
  EXPECT_EQ(mem.read(b.kernel, 1), 0xCCu);
  EXPECT_EQ(mem.read(b.initrd, 1), 0x5Au);
}

TEST(LinuxBoot, InitrdTooBigIsAClearError) {
  PhysMem mem(8u << 20);
  BzImage img = parse_bzimage(fake_bzimage(0x020F, 0x1000), "k");
  std::vector<uint8_t> initrd(16u << 20, 1);
  EXPECT_THROW(load_linux_direct(mem, img, initrd, "", "big.cpio"), std::runtime_error);
}

TEST(LinuxBoot, FwCfgItemsForSeaBios) {
  PortBus bus;
  PhysMem mem(32u << 20);
  FwCfg cfg(bus, mem);
  BzImage img = parse_bzimage(fake_bzimage(0x020F, 0x2000), "k");
  publish_linux_fw_cfg(cfg, img, std::vector<uint8_t>(5000, 7), "quiet", 32u << 20);
  ASSERT_NE(cfg.item(FwCfg::kKernelData), nullptr);
  EXPECT_EQ(cfg.item(FwCfg::kKernelData)->size(), 0x2000u);
  EXPECT_EQ(cfg.item(FwCfg::kSetupData)->size(), 5u * 512);
  EXPECT_EQ(cfg.item(FwCfg::kInitrdData)->size(), 5000u);
  const auto* cl = cfg.item(FwCfg::kCmdlineData);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(cl->data())), "quiet");
}

}  // namespace
}  // namespace rz
