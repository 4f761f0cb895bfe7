// tests/unit/test_dev_vga_vbe.cpp: the Bochs VBE DISPI registers (ID, GETCAPS, memory
// size, mode set with and without clearing, bank window), pixels through the PCI linear
// framebuffer BAR in 32/16/8 bpp, LFB change detection per line, the PCI header and the
// SeaVGABIOS image on the expansion ROM BAR, and a screendump PNG read back.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "devices/pci.h"
#include "frontend/screendump.h"
#include "tests/unit/test_dev_vga_rig.h"

namespace rz::test {
namespace {

using namespace rz::dispi;

struct PciVgaRig : VgaRig {
  PciBus bus{ports, mem};
  static constexpr uint32_t kLfb = 0xE0000000u;
  PciVgaRig() {
    bus.plug(&vga, 2);
    bus.config_write(2 << 3, pci::kBar0, 4, kLfb);
    bus.config_write(2 << 3, pci::kCommand, 2, pci::kCmdIo | pci::kCmdMem);
  }
  void set_vbe(uint16_t w, uint16_t h, uint16_t bpp, uint16_t flags = kLfbEnabled) {
    dispi(kEnable, 0);
    dispi(kXres, w);
    dispi(kYres, h);
    dispi(kBpp, bpp);
    dispi(kEnable, uint16_t(kEnabled | flags));
  }
};

uint32_t px(const DisplayFrame& f, uint32_t x, uint32_t y) { return f.pixels[size_t(y) * f.width + x]; }

TEST(DevVgaVbe, IdCapabilitiesAndMemorySize) {
  VgaRig r;
  EXPECT_EQ(r.dispi(kId), kId0);
  r.dispi(kId, kId5);
  EXPECT_EQ(r.dispi(kId), kId5);
  r.dispi(kId, 0x1234);  // not an interface version: ignored
  EXPECT_EQ(r.dispi(kId), kId5);
  EXPECT_EQ(r.dispi(kVideoMemory64K), 256);  // 16 MiB
  r.dispi(kXres, 800);
  r.dispi(kEnable, kGetCaps);
  EXPECT_EQ(r.dispi(kXres), kMaxXres);
  EXPECT_EQ(r.dispi(kYres), kMaxYres);
  EXPECT_EQ(r.dispi(kBpp), 32);
  r.dispi(kEnable, 0);
  EXPECT_EQ(r.dispi(kXres), 800);
}

TEST(DevVgaVbe, ModeSetClearsMemoryUnlessNoClearMem) {
  PciVgaRig r;
  r.vga.vram()[100] = 0x5A;
  r.set_vbe(640, 480, 32, kLfbEnabled | kNoClearMem);
  EXPECT_EQ(r.vga.vram()[100], 0x5A);
  EXPECT_EQ(r.dispi(kVirtWidth), 640);
  EXPECT_EQ(r.dispi(kVirtHeight), (16u << 20) / (640 * 4));
  r.set_vbe(640, 480, 32);
  EXPECT_EQ(r.vga.vram()[100], 0x00);
}

TEST(DevVgaVbe, LfbPixelAt1280x1024x32) {
  PciVgaRig r;
  r.set_vbe(1280, 1024, 32);
  uint32_t off = (1000 * 1280 + 1234) * 4;
  r.mem.write(PciVgaRig::kLfb + off, 4, 0x00123456);
  EXPECT_EQ(r.vga.vram()[off], 0x56);
  DisplayFrame f;
  ASSERT_TRUE(r.vga.render(f));
  ASSERT_EQ(f.width, 1280u);
  ASSERT_EQ(f.height, 1024u);
  EXPECT_EQ(px(f, 1234, 1000), 0x123456u);
  EXPECT_EQ(px(f, 1233, 1000), 0u);
  // The LFB bypasses the device: the next render finds the changed line by comparison.
  EXPECT_FALSE(r.vga.render(f));
  r.mem.write(PciVgaRig::kLfb + (77 * 1280 + 5) * 4, 4, 0x00ABCDEF);
  ASSERT_TRUE(r.vga.render(f));
  EXPECT_EQ(f.dirty_top, 77u);
  EXPECT_EQ(f.dirty_bottom, 78u);
  EXPECT_EQ(px(f, 5, 77), 0xABCDEFu);
  // Panning through the Y offset.
  r.dispi(kYOffset, 1);
  r.vga.render(f);
  EXPECT_EQ(px(f, 5, 76), 0xABCDEFu);
}

TEST(DevVgaVbe, SixteenAndFifteenBitPixels) {
  PciVgaRig r;
  r.set_vbe(320, 200, 16);
  r.mem.write(PciVgaRig::kLfb + 2 * 3, 2, 0xF800);  // pure red in 5:6:5
  r.mem.write(PciVgaRig::kLfb + 2 * 4, 2, 0x07E0);  // pure green
  DisplayFrame f;
  r.vga.render(f);
  EXPECT_EQ(px(f, 3, 0), 0xFF0000u);
  EXPECT_EQ(px(f, 4, 0), 0x00FF00u);
  r.set_vbe(320, 200, 15);
  r.mem.write(PciVgaRig::kLfb + 2 * 3, 2, 0x001F);  // pure blue in 1:5:5:5
  r.mem.write(PciVgaRig::kLfb + 2 * 4, 2, 0x03E0);  // pure green
  r.vga.render(f);
  EXPECT_EQ(px(f, 3, 0), 0x0000FFu);
  EXPECT_EQ(px(f, 4, 0), 0x00FF00u);
}

TEST(DevVgaVbe, EightBitModeUsesTheDacAndItsEightBitFormat) {
  PciVgaRig r;
  r.set_vbe(640, 480, 8);
  r.mem.write(PciVgaRig::kLfb + 10, 1, 7);
  r.dac(7, 0x3F, 0x00, 0x10);
  DisplayFrame f;
  r.vga.render(f);
  EXPECT_EQ(px(f, 10, 0), 0xFF0041u);
  r.dispi(kEnable, kEnabled | kLfbEnabled | kNoClearMem | k8BitDac);
  r.dac(7, 0x80, 0x40, 0xFF);
  r.vga.render(f);
  EXPECT_EQ(px(f, 10, 0), 0x8040FFu);
}

TEST(DevVgaVbe, BankedWindowAtA0000) {
  PciVgaRig r;
  r.set_vbe(800, 600, 32);
  r.dispi(kBank, 3);
  EXPECT_EQ(r.dispi(kBank), 3);
  r.mem.write(0xA0010, 1, 0x99);
  EXPECT_EQ(r.vga.vram()[3 * 0x10000 + 0x10], 0x99);
  EXPECT_EQ(r.mem.read(0xA0010, 1), 0x99u);
  EXPECT_EQ(r.mem.read(PciVgaRig::kLfb + 3 * 0x10000 + 0x10, 1), 0x99u);
  r.dispi(kEnable, 0);  // back to VGA: the bank no longer applies
  EXPECT_EQ(r.dispi(kBank), 0);
}

TEST(DevVgaVbe, PciHeaderAndBars) {
  PciVgaRig r;
  unsigned devfn = 2 << 3;
  EXPECT_EQ(r.bus.config_read(devfn, pci::kVendorId, 4), 0x11111234u);
  EXPECT_EQ(r.bus.config_read(devfn, pci::kClass, 1), 0x03u);
  EXPECT_EQ(r.bus.config_read(devfn, pci::kSubclass, 1), 0x00u);
  // BAR0 sizing: 16 MiB, prefetchable memory.
  r.bus.config_write(devfn, pci::kBar0, 4, 0xFFFFFFFFu);
  EXPECT_EQ(r.bus.config_read(devfn, pci::kBar0, 4), 0xFF000008u);
  r.bus.config_write(devfn, pci::kBar0, 4, 0xF0000000u);
  r.mem.write(0xF0000000u + 0x42, 1, 0x24);
  EXPECT_EQ(r.vga.vram()[0x42], 0x24);
}

TEST(DevVgaVbe, MmioBarReachesVgaAndDispiRegisters) {
  PciVgaRig r;
  unsigned devfn = 2 << 3;
  r.bus.config_write(devfn, pci::kBar0 + 8, 4, 0xFFFFFFFFu);
  EXPECT_EQ(r.bus.config_read(devfn, pci::kBar0 + 8, 4), 0xFFFFF000u);  // 4 KiB, memory
  r.bus.config_write(devfn, pci::kBar0 + 8, 4, 0xFEBF0000u);
  const uint32_t base = 0xFEBF0000u;
  r.mem.write(base + 0x500 + 2 * kXres, 2, 1024);
  r.mem.write(base + 0x500 + 2 * kYres, 2, 768);
  r.mem.write(base + 0x500 + 2 * kBpp, 2, 32);
  r.mem.write(base + 0x500 + 2 * kEnable, 2, kEnabled | kLfbEnabled);
  EXPECT_EQ(r.vga.dispi_reg(kXres), 1024);
  EXPECT_EQ(r.dispi(kYres), 768);
  EXPECT_EQ(r.mem.read(base + 0x500 + 2 * kVideoMemory64K, 2), 256u);
  r.mem.write(base + 0x400 + (0x3C8 - 0x3C0), 1, 9);  // DAC write index through MMIO
  EXPECT_EQ(r.in(0x3C8), 9);
  EXPECT_EQ(r.mem.read(base + 0x600, 4), 8u);
}

TEST(DevVgaVbe, SeaVgaBiosOnTheRomBar) {
  std::ifstream in("/usr/share/seabios/vgabios-stdvga.bin", std::ios::binary);
  ASSERT_TRUE(in) << "the Debian seabios package provides vgabios-stdvga.bin";
  std::vector<uint8_t> rom((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(rom.size(), 512u);
  Scheduler sched;
  PortBus ports;
  PhysMem mem(2u << 20);
  VgaConfig cfg;
  cfg.rom = rom;
  StdVga vga(sched, cfg);
  PciBus bus(ports, mem);
  bus.plug(&vga, 2);
  unsigned devfn = 2 << 3;
  bus.config_write(devfn, pci::kRomBar, 4, 0xFFFFFFFFu);
  uint32_t mask = bus.config_read(devfn, pci::kRomBar, 4);
  uint32_t size = ~(mask & ~0x7FFu) + 1;
  EXPECT_GE(size, rom.size());
  bus.config_write(devfn, pci::kRomBar, 4, 0xFEB00000u | 1);
  bus.config_write(devfn, pci::kCommand, 2, pci::kCmdMem);
  EXPECT_EQ(mem.read(0xFEB00000u, 2), 0xAA55u);
  EXPECT_EQ(mem.read(0xFEB00000u + 2, 1), rom[2]);  // length in 512-byte blocks
}

TEST(DevVgaVbe, SaveAndLoadKeepRegistersMemoryAndPicture) {
  VgaRig a;
  a.set_mode(kMode13);
  a.dac(4, 0x10, 0x20, 0x30);
  a.wr(0xA0000 + 1234, 4);
  a.dispi(kId, kId5);
  Serializer save;
  a.vga.serialize(save);
  VgaRig b;
  Serializer load(save.data());
  b.vga.serialize(load);
  ASSERT_TRUE(load.ok());
  EXPECT_EQ(b.vga.dispi_reg(kId), kId5);
  EXPECT_EQ(b.rd(0xA0000 + 1234), 4);
  DisplayFrame fa, fb;
  a.vga.render(fa);
  b.vga.render(fb);
  EXPECT_EQ(fb.width, 320u);
  EXPECT_EQ(fa.pixels, fb.pixels);
  Serializer truncated(std::vector<uint8_t>(save.data().begin(), save.data().begin() + 100));
  VgaRig c;
  c.vga.serialize(truncated);
  EXPECT_FALSE(truncated.ok());
}

TEST(DevVgaVbe, ScreendumpPngRoundTrip) {
  VgaRig r;
  r.set_mode(kMode13);
  r.dac(1, 0x3F, 0, 0);
  r.dac(2, 0, 0x3F, 0);
  for (unsigned x = 0; x < 320; ++x) r.wr(0xA0000 + 100 * 320 + x, uint8_t(1 + (x & 1)));
  std::string path = testing::TempDir() + "rz_vga_dump_" + std::to_string(getpid()) + ".png";
  screendump(r.vga, path);
  DisplayFrame back = read_png(path);
  std::remove(path.c_str());
  ASSERT_EQ(back.width, 320u);
  ASSERT_EQ(back.height, 200u);
  EXPECT_EQ(px(back, 0, 100), 0xFF0000u);
  EXPECT_EQ(px(back, 1, 100), 0x00FF00u);
  EXPECT_EQ(px(back, 0, 99), 0u);
  DisplayFrame f;
  r.vga.render(f);
  EXPECT_EQ(back.pixels, f.pixels);
}

TEST(DevVgaVbe, ScreendumpToAnUnwritablePathNamesTheFile) {
  VgaRig r;
  r.set_mode(kMode13);
  try {
    screendump(r.vga, "/nonexistent-dir/x.png");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.png"), std::string::npos);
  }
}

}  // namespace
}  // namespace rz::test
