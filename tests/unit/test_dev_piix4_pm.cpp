// tests/unit/test_dev_piix4_pm.cpp: the PIIX4 power management function (devices/
// piix4_pm.h) on the PC board: its PCI identity at 01.3, PMBA/PMIOSE decoding, the PM
// timer on the virtual clock, TMROF and the SCI into IRQ9 (wired-OR with the PIIX3's PIRQ
// routing), the ACPI enable command on the APM port, soft off and reset.
#include <gtest/gtest.h>

#include "devices/pc_board.h"

namespace rz {
namespace {

uint32_t cfg_addr(unsigned dev, unsigned fn, unsigned reg) {
  return 0x80000000u | dev << 11 | fn << 8 | (reg & 0xFC);
}

struct PmRig {
  PortBus bus;
  Scheduler sched;
  PhysMem mem{16u << 20};
  PcBoard board;
  int power_offs = 0;
  static constexpr uint16_t kBase = 0x600;
  PmRig() : board(bus, sched, mem, PcBoardConfig{}) {
    board.on_power_off([this] { ++power_offs; });
  }
  uint32_t rd(unsigned reg, unsigned size = 4) {
    bus.write(0xCF8, 4, cfg_addr(1, 3, reg));
    return bus.read(uint16_t(0xCFC + (reg & 3)), size);
  }
  void wr(unsigned reg, uint32_t v, unsigned size = 4) {
    bus.write(0xCF8, 4, cfg_addr(1, 3, reg));
    bus.write(uint16_t(0xCFC + (reg & 3)), size, v);
  }
  void enable() {
    wr(0x40, kBase);
    wr(0x80, 1, 1);
  }
  bool irq9() { return board.pic().slave().state().input & 0x02; }
};

// A PCI function with only INTA#.
struct IntDev : PciDevice {
  IntDev() : PciDevice(0x1AF4, 0x1000, 0x02, 0x00, 0x00, 0x00, "intdev") { set_interrupt_pin(1); }
};

TEST(DevPiix4Pm, IdentityAndPmbaDecoding) {
  PmRig r;
  EXPECT_EQ(r.rd(0x00), 0x71138086u);
  EXPECT_EQ(r.rd(0x08) >> 8, 0x068000u);  // bridge, other
  EXPECT_EQ(r.rd(0x3C) >> 8 & 0xFF, 1u);  // INTA#
  EXPECT_EQ(r.rd(0x40), 1u);              // PMBA: only the I/O-space bit
  // DEVACTB.APMC_EN is set and stays set (no SMM to set up).
  EXPECT_EQ(r.rd(0x58), 1u << 25);
  r.wr(0x58, 0);
  EXPECT_EQ(r.rd(0x58), 1u << 25);
  r.wr(0x58, 0xFFFFFFFF);
  EXPECT_EQ(r.rd(0x58), 0xFFFFFFFFu);
  r.wr(0x40, 0xFFFFFFFF);
  EXPECT_EQ(r.rd(0x40), 0x0000FFC1u);     // bits 15:6 writable
  r.wr(0x40, 0x0000B03F);
  EXPECT_EQ(r.rd(0x40), 0x0000B001u);
  // Not decoded until PMREGMISC.PMIOSE.
  EXPECT_EQ(r.bus.read(0xB008, 4), 0xFFFFFFFFu);
  r.wr(0x80, 0xFF, 1);
  EXPECT_EQ(r.rd(0x80, 1), 1u);
  EXPECT_EQ(r.board.power_management().io_base(), 0xB000);
  EXPECT_EQ(r.bus.read(0xB008, 4) >> 24, 0u);  // PMTMR: 24 bits
  // Moving the block moves the decoding.
  r.wr(0x40, PmRig::kBase);
  EXPECT_EQ(r.bus.read(0xB004, 2), 0xFFFFu);
  EXPECT_EQ(r.bus.read(PmRig::kBase + 4, 2), 0u);
  r.wr(0x80, 0, 1);
  EXPECT_EQ(r.bus.read(PmRig::kBase + 4, 2), 0xFFFFu);
}

TEST(DevPiix4Pm, TimerCountsAt3579545HzOnTheVirtualClock) {
  PmRig r;
  r.enable();
  const uint16_t tmr = PmRig::kBase + 8;
  EXPECT_EQ(r.bus.read(tmr, 4), 0u);
  r.sched.advance_to(1'000'000'000);  // one second
  EXPECT_EQ(r.bus.read(tmr, 4), 3579545u);
  r.sched.advance_to(2'000'000'279);  // 2 s + 1 tick (279.4 ns) is not yet reached
  EXPECT_EQ(r.bus.read(tmr, 4), 7159090u);
  r.sched.advance_to(2'000'000'280);
  EXPECT_EQ(r.bus.read(tmr, 4), 7159091u);
  // Byte and word reads see the same counter.
  r.sched.advance_to(3'000'000'000);
  uint32_t full = r.bus.read(tmr, 4);
  EXPECT_EQ(full, (3579545u * 3) & 0xFFFFFF);
  EXPECT_EQ(r.bus.read(tmr, 2), full & 0xFFFF);
  EXPECT_EQ(r.bus.read(tmr + 2, 1), full >> 16 & 0xFF);
  EXPECT_EQ(r.bus.read(tmr + 3, 1), 0u);
  // It wraps at 2^24 (4.687 s): 10 s -> 35795450 mod 2^24.
  r.sched.advance_to(10'000'000'000);
  EXPECT_EQ(r.bus.read(tmr, 4), 35795450u & 0xFFFFFF);
  // Writes do not change it.
  r.bus.write(tmr, 4, 0);
  EXPECT_EQ(r.bus.read(tmr, 4), 35795450u & 0xFFFFFF);
}

TEST(DevPiix4Pm, OverflowStatusAndSciOnIrq9) {
  PmRig r;
  r.enable();
  const uint16_t sts = PmRig::kBase, en = PmRig::kBase + 2, cnt = PmRig::kBase + 4;
  // Bit 23 first changes at tick 2^23.
  const int64_t t23 = Piix4Pm::time_of_tick(1u << 23);
  EXPECT_EQ(Piix4Pm::ticks(t23), 1u << 23);
  EXPECT_EQ(Piix4Pm::ticks(t23 - 1), (1u << 23) - 1);
  r.sched.advance_to(t23 - 1);
  EXPECT_EQ(r.bus.read(sts, 2) & 1, 0u);
  r.sched.advance_to(t23);
  EXPECT_EQ(r.bus.read(sts, 2) & 1, 1u);
  // No SCI: TMROF_EN and SCI_EN are clear.
  EXPECT_FALSE(r.irq9());
  r.bus.write(en, 2, 0x0001);
  EXPECT_FALSE(r.irq9());  // SCI_EN still clear (the event would be an SMI)
  // The FADT's ACPI_ENABLE command on the APM control port sets SCI_EN.
  r.bus.write(0xB2, 1, 0xF1);
  EXPECT_EQ(r.bus.read(cnt, 2) & 1, 1u);
  EXPECT_EQ(r.bus.read(0xB2, 1), 0xF1u);
  EXPECT_TRUE(r.irq9());
  // Write 1 to clear; writing 0 changes nothing.
  r.bus.write(sts, 2, 0x0000);
  EXPECT_TRUE(r.irq9());
  r.bus.write(sts, 2, 0x0001);
  EXPECT_EQ(r.bus.read(sts, 2) & 1, 0u);
  EXPECT_FALSE(r.irq9());
  // The next change of bit 23 (tick 2^24: the counter wraps) sets it again.
  r.sched.advance_to(Piix4Pm::time_of_tick(1u << 24));
  EXPECT_TRUE(r.irq9());
  // ACPI_DISABLE clears SCI_EN and with it the SCI.
  r.bus.write(0xB2, 1, 0xF0);
  EXPECT_FALSE(r.irq9());
}

TEST(DevPiix4Pm, SciSharesIrq9WithPirqRouting) {
  PmRig r;
  r.enable();
  r.board.power_management().press_power_button();
  r.bus.write(PmRig::kBase + 2, 2, 0x0100);  // PWRBTN_EN
  r.bus.write(PmRig::kBase + 4, 2, 0x0001);  // SCI_EN
  EXPECT_EQ(r.bus.read(PmRig::kBase, 2) & 0x0100, 0x0100u);
  EXPECT_TRUE(r.irq9());
  // A PCI function's INTA# at slot 5 reaches PIRQB; route PIRQB to IRQ9.  Its line
  // falling must not pull the shared IRQ9 down while the SCI is active.
  IntDev dev;
  r.board.pci().plug(&dev, 5);
  r.bus.write(0xCF8, 4, cfg_addr(1, 0, 0x60));
  r.bus.write(0xCFD, 1, 9);
  dev.set_intx(true);
  EXPECT_TRUE(r.irq9());
  dev.set_intx(false);
  EXPECT_TRUE(r.irq9());
  r.bus.write(PmRig::kBase, 2, 0x0100);  // clear PWRBTN_STS: the SCI goes away
  EXPECT_FALSE(r.irq9());
  dev.set_intx(true);
  EXPECT_TRUE(r.irq9());
  dev.set_intx(false);
  EXPECT_FALSE(r.irq9());
  r.board.pci().unplug(&dev);
}

TEST(DevPiix4Pm, SoftOffAndOtherSleepTypes) {
  PmRig r;
  r.enable();
  const uint16_t cnt = PmRig::kBase + 4;
  // SLP_TYP 1 (suspend to RAM) is not modelled: nothing happens.
  r.bus.write(cnt, 2, 1u << 10 | 0x2000);
  EXPECT_EQ(r.power_offs, 0);
  EXPECT_EQ(r.bus.read(cnt, 2), 1u << 10);  // SUS_EN reads 0, SUS_TYP holds
  // SLP_TYP 0 without SLP_EN: nothing; with it: soft off.
  r.bus.write(cnt, 2, 0x0001);
  EXPECT_EQ(r.power_offs, 0);
  r.bus.write(cnt, 2, 0x2001);
  EXPECT_EQ(r.power_offs, 1);
  // Byte writes: the high byte holds SUS_TYP and SUS_EN together.
  r.bus.write(cnt + 1, 1, 0x20);
  EXPECT_EQ(r.power_offs, 2);
}

TEST(DevPiix4Pm, PciResetDisablesTheBlock) {
  PmRig r;
  r.enable();
  r.bus.write(PmRig::kBase + 4, 2, 0x0001);
  r.board.pci().reset();
  EXPECT_EQ(r.rd(0x40), 1u);
  EXPECT_EQ(r.board.power_management().io_base(), 0);
  EXPECT_EQ(r.board.power_management().pm1_control(), 0);
  r.enable();
  EXPECT_EQ(r.bus.read(PmRig::kBase + 4, 2), 0u);
}

}  // namespace
}  // namespace rz
