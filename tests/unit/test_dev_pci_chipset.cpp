// tests/unit/test_dev_pci_chipset.cpp: the i440FX host bridge (PAM shadowing, SMRAM
// register) and the PIIX3 ISA bridge (PIRQ routing into the PIC with the ELCR, the reset
// control register) on the PC board, through configuration mechanism #1 as firmware
// drives them.
#include <gtest/gtest.h>

#include <vector>

#include "devices/pc_board.h"

namespace rz {
namespace {

uint32_t cfg_addr(unsigned dev, unsigned fn, unsigned reg) {
  return 0x80000000u | dev << 11 | fn << 8 | (reg & 0xFC);
}

struct ChipsetRig {
  PortBus bus;
  Scheduler sched;
  PhysMem mem{16u << 20};
  PcBoard board;
  int resets = 0;
  ChipsetRig() : board(bus, sched, mem, PcBoardConfig{}) {
    board.on_reset([this] { ++resets; });
  }
  uint32_t rd(unsigned dev, unsigned fn, unsigned reg, unsigned size = 4) {
    bus.write(0xCF8, 4, cfg_addr(dev, fn, reg));
    return bus.read(uint16_t(0xCFC + (reg & 3)), size);
  }
  void wr(unsigned dev, unsigned fn, unsigned reg, uint32_t v, unsigned size = 4) {
    bus.write(0xCF8, 4, cfg_addr(dev, fn, reg));
    bus.write(uint16_t(0xCFC + (reg & 3)), size, v);
  }
  void pam(unsigned n, uint8_t v) { wr(0, 0, 0x59 + n, v, 1); }
  void init_pics() {
    for (auto [p, v] : {std::pair{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01},
                        {0xA0, 0x11}, {0xA1, 0x70}, {0xA1, 0x02}, {0xA1, 0x01}})
      bus.write(uint16_t(p), 1, uint8_t(v));
  }
};

// A PCI function with only INTA#, for interrupt routing.
struct IntDev : PciDevice {
  IntDev() : PciDevice(0x1AF4, 0x1000, 0x02, 0x00, 0x00, 0x00, "intdev") { set_interrupt_pin(1); }
};

// A recognisable ROM at 0xE0000-0xFFFFF (what the ISA side shows with PAM disabled).
uint8_t rom_byte(uint32_t addr) { return uint8_t(0xC0 ^ ((addr - 0xC0000) >> 14)); }
void map_test_rom(PhysMem& mem) {
  std::vector<uint8_t> rom(0x20000);
  for (uint32_t i = 0; i < rom.size(); ++i) rom[i] = rom_byte(0xE0000 + i);
  mem.map_rom(0xE0000, std::move(rom), "rom");
}

TEST(DevChipset, HostAndIsaBridgeIdentity) {
  ChipsetRig r;
  EXPECT_EQ(r.rd(0, 0, 0x00), 0x12378086u);
  EXPECT_EQ(r.rd(0, 0, 0x08), 0x06000002u);  // host bridge, revision 02
  EXPECT_EQ(r.rd(0, 0, 0x2C), 0x11001AF4u);  // the subsystem IDs SeaBIOS looks for
  EXPECT_EQ(r.rd(0, 0, 0x0E, 1), 0x00u);
  EXPECT_EQ(r.rd(1, 0, 0x00), 0x70008086u);
  EXPECT_EQ(r.rd(1, 0, 0x08), 0x06010000u);  // ISA bridge
  EXPECT_EQ(r.rd(1, 0, 0x0E, 1), 0x80u);     // multi-function: IDE sits at 01.1
  EXPECT_EQ(r.rd(1, 0, 0x04, 2), 0x0007u);
  EXPECT_EQ(r.rd(1, 0, 0x60), 0x80808080u);  // PIRQ routing off after reset
  EXPECT_EQ(r.rd(1, 0, 0x69, 1), 0x02u);     // TOM
  EXPECT_EQ(r.rd(1, 0, 0x4E, 2), 0x0003u);   // XBCS
  EXPECT_EQ(r.rd(2, 0, 0x00), 0xFFFFFFFFu);
  EXPECT_EQ(r.rd(0, 0, 0x72, 1), 0x02u);  // SMRAM: C_BASE_SEG = 010b
  EXPECT_EQ(r.rd(0, 0, 0x59), 0u);        // PAM0-PAM2
}

TEST(DevChipset, PamDisabledReadsRomAndDropsWrites) {
  ChipsetRig r;
  map_test_rom(r.mem);
  r.mem.ram()[0xF1000] = 0x11;
  r.mem.ram()[0xC8000] = 0x22;
  EXPECT_EQ(r.mem.read(0xF1000, 1), rom_byte(0xF1000));  // ROM, not the RAM below it
  r.mem.write(0xF1000, 1, 0x99);
  EXPECT_EQ(r.mem.ram()[0xF1000], 0x11);
  // No ROM at 0xC8000: with DRAM disabled nothing answers.
  EXPECT_EQ(r.mem.read(0xC8000, 1), 0xFFu);
  EXPECT_EQ(r.mem.page_for_read(0xC8000), nullptr);
  r.mem.write(0xC8000, 1, 0x33);
  EXPECT_EQ(r.mem.ram()[0xC8000], 0x22);
}

TEST(DevChipset, PamAttributesForTheFSegment) {
  ChipsetRig r;
  map_test_rom(r.mem);
  r.mem.ram()[0xF1000] = 0x11;
  r.pam(0, 0x10);  // read only: reads DRAM, writes go to ISA
  EXPECT_EQ(r.mem.read(0xF1000, 1), 0x11u);
  r.mem.write(0xF1000, 1, 0x99);
  EXPECT_EQ(r.mem.ram()[0xF1000], 0x11);
  r.pam(0, 0x20);  // write only: writes DRAM, reads the ROM
  r.mem.write(0xF1000, 1, 0x55);
  EXPECT_EQ(r.mem.ram()[0xF1000], 0x55);
  EXPECT_EQ(r.mem.read(0xF1000, 1), rom_byte(0xF1000));
  // The copy-to-shadow idiom: read ROM, write DRAM, then switch reads to DRAM.
  for (uint32_t a = 0xF0000; a < 0x100000; a += 4) r.mem.write(a, 4, r.mem.read(a, 4));
  r.pam(0, 0x30);
  EXPECT_EQ(r.mem.read(0xFFFF0, 1), rom_byte(0xFFFF0));
  r.mem.write(0xFFFF0, 1, 0xEA);
  EXPECT_EQ(r.mem.read(0xFFFF0, 1), 0xEAu);
  ASSERT_NE(r.mem.page_for_write(0xFF000), nullptr);
  EXPECT_EQ(r.mem.page_for_write(0xFF000), r.mem.ram() + 0xFF000);
  // PAM0's low nibble is reserved.
  r.pam(0, 0x33);
  EXPECT_EQ(r.rd(0, 0, 0x59, 1), 0x30u);
}

TEST(DevChipset, PamNibblesCover16KiBPieces) {
  ChipsetRig r;
  // Give every piece of 0xC0000-0xEFFFF a distinct RAM byte.
  for (unsigned p = 0; p < 12; ++p) r.mem.ram()[0xC0000 + p * 0x4000] = uint8_t(0x40 + p);
  for (unsigned p = 0; p < 12; ++p) {
    for (unsigned n = 1; n <= 6; ++n) r.pam(n, 0);
    // Read enable for piece p only: PAM(1 + p/2), low nibble for the lower address.
    r.pam(1 + p / 2, p & 1 ? 0x10 : 0x01);
    for (unsigned q = 0; q < 12; ++q) {
      uint32_t a = 0xC0000 + q * 0x4000;
      uint32_t want = q == p ? 0x40u + q : 0xFFu;  // no ROM here: disabled pieces float
      EXPECT_EQ(r.mem.read(a, 1), want) << "piece " << p << " address " << std::hex << a;
    }
    EXPECT_EQ(r.board.host_bridge().pam_attr(0xC0000 + p * 0x4000 + 0x3FFF), 1u);
  }
  // CE (bit 2) and the reserved bit 3 of each nibble: CE is stored, bit 3 is not.
  r.pam(3, 0xFF);
  EXPECT_EQ(r.rd(0, 0, 0x5C, 1), 0x77u);
}

TEST(DevChipset, SmramLockFreezesOpenAndEnable) {
  ChipsetRig r;
  r.wr(0, 0, 0x72, 0x4A, 1);  // D_OPEN | G_SMRAME
  EXPECT_EQ(r.rd(0, 0, 0x72, 1), 0x4Au);
  r.wr(0, 0, 0x72, 0xFF, 1);  // C_BASE_SEG stays 010b, bit 7 reserved, D_LCK clears D_OPEN
  EXPECT_EQ(r.rd(0, 0, 0x72, 1), 0x3Au);
  r.wr(0, 0, 0x72, 0x40, 1);  // locked: D_OPEN, D_LCK, G_SMRAME read only; D_CLS writable
  EXPECT_EQ(r.rd(0, 0, 0x72, 1), 0x1Au);
  r.wr(0, 0, 0x72, 0x20, 1);
  EXPECT_EQ(r.rd(0, 0, 0x72, 1), 0x3Au);
  // Only a reset unlocks it.
  r.board.pci().reset();
  EXPECT_EQ(r.rd(0, 0, 0x72, 1), 0x02u);
}

TEST(DevChipset, PirqRoutingReachesThePic) {
  ChipsetRig r;
  r.init_pics();
  IntDev dev;
  r.board.pci().plug(&dev, 2);  // INTA# of slot 2 -> PIRQC
  // SeaBIOS's set-up: PIRQA-D -> IRQ 10, 10, 11, 11, and ELCR level mode for 10 and 11.
  r.wr(1, 0, 0x60, 0x0B0B0A0A);
  r.bus.write(0x4D1, 1, 0x0C);
  EXPECT_EQ(r.bus.read(0x4D1, 1), 0x0Cu);
  EXPECT_EQ(r.board.isa_bridge().pirq_route(2), 11);
  EXPECT_FALSE(r.board.intr());
  dev.set_intx(true);
  EXPECT_TRUE(r.board.intr());
  EXPECT_EQ(r.board.inta(), 0x73);  // IRQ 11
  // Level triggered: still asserted after EOI, so it requests again.
  r.bus.write(0xA0, 1, 0x20);
  r.bus.write(0x20, 1, 0x20);
  EXPECT_TRUE(r.board.intr());
  dev.set_intx(false);
  EXPECT_FALSE(r.board.intr());
  // Re-routing moves an asserted line: PIRQC -> IRQ 5.
  dev.set_intx(true);
  EXPECT_EQ(r.board.isa_bridge().driven_irqs(), 1u << 11);
  r.wr(1, 0, 0x62, 0x05, 1);
  EXPECT_EQ(r.board.isa_bridge().driven_irqs(), 1u << 5);
  EXPECT_TRUE(r.board.intr());
  EXPECT_EQ(r.board.inta(), 0x0D);  // IRQ 5 (edge mode: latched)
}

TEST(DevChipset, PirqDisabledOrReservedRoutesNowhere) {
  ChipsetRig r;
  r.init_pics();
  IntDev dev;
  r.board.pci().plug(&dev, 4);  // INTA# of slot 4 -> PIRQA
  dev.set_intx(true);
  EXPECT_FALSE(r.board.intr());  // 0x80: routing disabled
  for (uint8_t code : {0x00, 0x01, 0x02, 0x08, 0x0D, 0x8B}) {
    r.wr(1, 0, 0x60, code, 1);
    EXPECT_EQ(r.board.isa_bridge().pirq_route(0), -1) << int(code);
    EXPECT_EQ(r.board.isa_bridge().driven_irqs(), 0u) << int(code);
  }
  // Bits 6:4 are reserved and read as zero.
  r.wr(1, 0, 0x60, 0x7B, 1);
  EXPECT_EQ(r.rd(1, 0, 0x60, 1), 0x0Bu);
  EXPECT_EQ(r.board.isa_bridge().driven_irqs(), 1u << 11);
}

TEST(DevChipset, TwoPirqsOnOneIrqAreWiredOr) {
  ChipsetRig r;
  IntDev a, b;
  r.board.pci().plug(&a, 4);  // PIRQA
  r.board.pci().plug(&b, 5);  // PIRQB
  r.wr(1, 0, 0x60, 0x80800A0A);
  a.set_intx(true);
  b.set_intx(true);
  a.set_intx(false);
  EXPECT_EQ(r.board.isa_bridge().driven_irqs(), 1u << 10);
  b.set_intx(false);
  EXPECT_EQ(r.board.isa_bridge().driven_irqs(), 0u);
}

TEST(DevChipset, ResetControlRegister) {
  ChipsetRig r;
  map_test_rom(r.mem);
  r.pam(0, 0x30);
  r.wr(1, 0, 0x60, 0x0A, 1);
  r.bus.write(0xCF9, 1, 0x02);  // select hard reset: nothing happens yet
  EXPECT_EQ(r.resets, 0);
  EXPECT_EQ(r.bus.read(0xCF9, 1), 0x02u);
  r.bus.write(0xCF9, 1, 0x06);  // RCPU 0 -> 1
  EXPECT_EQ(r.resets, 1);
  r.bus.write(0xCF9, 1, 0x06);  // no new transition
  EXPECT_EQ(r.resets, 1);
  // The owner carries the reset out: PCIRST# puts PAM and PIRQ routing back.
  EXPECT_EQ(r.rd(0, 0, 0x59, 1), 0x30u);
  r.board.complete_reset();
  EXPECT_EQ(r.rd(0, 0, 0x59, 1), 0x00u);
  EXPECT_EQ(r.rd(1, 0, 0x60, 1), 0x80u);
  EXPECT_EQ(r.bus.read(0xCF9, 1), 0x00u);
  EXPECT_EQ(r.mem.read(0xFFFF0, 1), rom_byte(0xFFFF0));
  // A soft reset (SRST = 0) restarts the CPU only.
  r.pam(0, 0x30);
  r.bus.write(0xCF9, 1, 0x04);
  EXPECT_EQ(r.resets, 2);
  r.board.complete_reset();
  EXPECT_EQ(r.rd(0, 0, 0x59, 1), 0x30u);
}

TEST(DevChipset, SaveAndRestore) {
  ChipsetRig a;
  a.pam(0, 0x30);
  a.pam(4, 0x13);
  a.wr(0, 0, 0x72, 0x0A, 1);
  a.wr(1, 0, 0x60, 0x0B0A0980);
  Serializer save;
  a.board.serialize(save);
  ChipsetRig b;
  Serializer load(save.data());
  b.board.serialize(load);
  ASSERT_TRUE(load.ok());
  EXPECT_EQ(b.rd(0, 0, 0x5D, 1), 0x13u);  // PAM4
  EXPECT_EQ(b.rd(0, 0, 0x72, 1), 0x0Au);
  EXPECT_EQ(b.rd(1, 0, 0x60), 0x0B0A0980u);
  // The restored PAM is applied to memory, not only stored.
  b.mem.ram()[0xF0000] = 0x77;
  EXPECT_EQ(b.mem.read(0xF0000, 1), 0x77u);
  EXPECT_EQ(b.board.host_bridge().pam_attr(0xDC000), 1u);  // PAM4 high nibble
  EXPECT_EQ(b.board.host_bridge().pam_attr(0xD8000), 3u);  // PAM4 low nibble
}

}  // namespace
}  // namespace rz
