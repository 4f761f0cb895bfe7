// tests/unit/test_dev_vga_bios.cpp: the real SeaVGABIOS (Debian's vgabios-stdvga.bin) on
// this adapter.  A real-mode snippet calls the option ROM's init entry as SeaBIOS does
// (AX = the PCI bus/device/function), sets mode 3 as SeaBIOS's console set-up does, then prints through INT 10h teletype output and
// sets a VBE mode through INT 10h AX=4F02h; the text page and the DISPI registers show
// that the BIOS found the DISPI interface, programmed mode 3 with its font and drove the
// VBE mode set.
#include <fstream>
#include <iterator>

#include "devices/pci.h"
#include "devices/vga.h"
#include "tests/unit/harness.h"

namespace rz::test {
namespace {

std::vector<uint8_t> vgabios() {
  std::ifstream in("/usr/share/seabios/vgabios-stdvga.bin", std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct BiosRig {
  Snippet s;
  StdVga vga;
  PciBus bus;
  BiosRig(const std::vector<uint8_t>& code)
      : s(code, 8), vga(s.m->scheduler()), bus(s.m->ports(), s.m->mem()) {
    vga.map_legacy(s.m->ports(), s.m->mem());
    bus.plug(&vga, 2);
    bus.config_write(2 << 3, pci::kBar0, 4, 0x01000000);  // LFB at 16 MiB, above the 8 MiB of RAM
    bus.config_write(2 << 3, pci::kCommand, 2, pci::kCmdIo | pci::kCmdMem);
    std::vector<uint8_t> rom = vgabios();
    // SeaBIOS copies the option ROM to C0000 in shadow RAM, writable during init.
    std::memcpy(s.ram() + 0xC0000, rom.data(), rom.size());
    // Every interrupt vector points at an IRET until the BIOS installs its own.
    s.ram()[0x500] = 0xCF;
    for (unsigned v = 0; v < 256; ++v) {
      s.ram()[v * 4] = 0x00, s.ram()[v * 4 + 1] = 0x05;
      s.ram()[v * 4 + 2] = 0x00, s.ram()[v * 4 + 3] = 0x00;
    }
  }
  ~BiosRig() { vga.unmap_legacy(); }
};

// mov ax,0010h; call far C000:0003; INT 10h AX=0003h; then print the NUL-terminated message at `msg`
// with INT 10h AH=0Eh; `tail` runs before the final CLI; HLT.
std::vector<uint8_t> program(const std::string& msg, const std::vector<uint8_t>& tail) {
  std::vector<uint8_t> c = {0xB8, 0x10, 0x00, 0x9A, 0x03, 0x00, 0x00, 0xC0,
                            0xB8, 0x03, 0x00, 0xCD, 0x10};  // then mode 3, as SeaBIOS sets it
  size_t si_at = c.size() + 1;
  c.insert(c.end(), {0xBE, 0x00, 0x00});                    // mov si, msg
  c.insert(c.end(), {0xAC, 0x84, 0xC0, 0x74, 0x09, 0xB4, 0x0E, 0xBB, 0x07, 0x00, 0xCD, 0x10,
                     0xEB, 0xF2});                           // lodsb / test / jz / int 10h loop
  c.insert(c.end(), tail.begin(), tail.end());
  c.insert(c.end(), {0xFA, 0xF4});                           // cli; hlt
  uint16_t addr = uint16_t(0x1000 + c.size());
  c[si_at] = uint8_t(addr), c[si_at + 1] = uint8_t(addr >> 8);
  c.insert(c.end(), msg.begin(), msg.end());
  c.push_back(0);
  return c;
}

TEST(DevVgaBios, SeaVgaBiosInitAndTeletypeOutput) {
  ASSERT_GT(vgabios().size(), 512u) << "the Debian seabios package provides vgabios-stdvga.bin";
  BiosRig r(program("Hello from ringzero\r\nline two", {}));
  ASSERT_EQ(r.s.run(), StopReason::Halted);
  EXPECT_EQ(r.vga.dispi_reg(dispi::kId), dispi::kId5);  // the BIOS found the DISPI interface
  std::vector<std::string> lines;
  ASSERT_TRUE(r.vga.text_page(lines));
  ASSERT_EQ(lines.size(), 25u);
  EXPECT_EQ(lines[0], "Hello from ringzero");
  EXPECT_EQ(lines[1], "line two");
  // The picture: mode 3 (720x400) with the BIOS's 8x16 font in plane 2; 'H' has lit pixels.
  DisplayFrame f;
  ASSERT_TRUE(r.vga.render(f));
  EXPECT_EQ(f.width, 720u);
  EXPECT_EQ(f.height, 400u);
  unsigned lit = 0;
  for (unsigned y = 0; y < 16; ++y)
    for (unsigned x = 0; x < 9; ++x) lit += f.pixels[y * 720 + x] != 0;
  EXPECT_GT(lit, 15u);
  EXPECT_LT(lit, 9u * 16u);
}

TEST(DevVgaBios, VbeModeSetThroughInt10) {
  ASSERT_GT(vgabios().size(), 512u);
  // AX=4F02h BX=4118h: 1024x768x24 (SeaVGABIOS mode 118h) with the linear framebuffer.
  std::vector<uint8_t> tail = {0xB8, 0x02, 0x4F, 0xBB, 0x18, 0x41, 0xCD, 0x10,
                               0xA3, 0x00, 0x70};  // mov [7000h], ax (the VBE status)
  BiosRig r(program("", tail));
  ASSERT_EQ(r.s.run(), StopReason::Halted);
  EXPECT_EQ(r.s.ram()[0x7000] | r.s.ram()[0x7001] << 8, 0x004F);
  EXPECT_EQ(r.vga.dispi_reg(dispi::kXres), 1024);
  EXPECT_EQ(r.vga.dispi_reg(dispi::kYres), 768);
  EXPECT_EQ(r.vga.dispi_reg(dispi::kBpp), 24);
  EXPECT_TRUE(r.vga.dispi_reg(dispi::kEnable) & dispi::kLfbEnabled);
  r.s.m->mem().write(0x01000000 + (5 * 1024 + 7) * 3, 4, 0x00ABCDEF);
  DisplayFrame f;
  ASSERT_TRUE(r.vga.render(f));
  EXPECT_EQ(f.width, 1024u);
  EXPECT_EQ(f.pixels[5 * 1024 + 7], 0xABCDEFu);
}

}  // namespace
}  // namespace rz::test
