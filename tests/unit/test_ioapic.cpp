// tests/unit/test_ioapic.cpp: the 82093AA I/O APIC (devices/ioapic.*): register window and
// reset state, edge and level pins (Remote IRR, EOI, masking while asserted), message
// fields; and on the PC board: the PIT on pin 2 and the SCI on pin 9 through the I/O APIC
// and the local APIC, with the 8259A's INTR masked at LINT0.
#include <gtest/gtest.h>

#include <vector>

#include "devices/ioapic.h"
#include "devices/pc_board.h"

namespace rz {
namespace {

struct IoRig {
  PhysMem mem{16u << 20};
  IoApic io{&mem};
  std::vector<ApicMessage> sent;
  bool accept = true;
  IoRig() {
    io.set_delivery([this](const ApicMessage& m) {
      sent.push_back(m);
      return accept;
    });
  }
  uint32_t reg(uint8_t index) {
    mem.write(IoApic::kBase, 4, index);
    return mem.read(IoApic::kBase + 0x10, 4);
  }
  void set_reg(uint8_t index, uint32_t v) {
    mem.write(IoApic::kBase, 4, index);
    mem.write(IoApic::kBase + 0x10, 4, v);
  }
  void route(unsigned pin, uint32_t lo, uint32_t hi = 0) {
    set_reg(uint8_t(0x11 + 2 * pin), hi);
    set_reg(uint8_t(0x10 + 2 * pin), lo);
  }
};

TEST(IoApic, ResetStateAndRegisterWindow) {
  IoRig r;
  EXPECT_EQ(r.reg(0x01), 0x00170011u);  // 24 entries, version 11h
  EXPECT_EQ(r.reg(0x00), 0u);
  r.set_reg(0x00, 0xFFFFFFFFu);
  EXPECT_EQ(r.reg(0x00), 0x0F000000u);
  EXPECT_EQ(r.reg(0x02), 0x0F000000u);  // arbitration ID
  r.set_reg(0x01, 0);
  EXPECT_EQ(r.reg(0x01), 0x00170011u);  // read-only
  for (uint8_t i = 0x10; i < 0x40; i += 2) {
    EXPECT_EQ(r.reg(i), 0x10000u) << int(i);  // masked
    EXPECT_EQ(r.reg(uint8_t(i + 1)), 0u);
  }
  EXPECT_EQ(r.reg(0x40), 0u);  // past the table
  EXPECT_EQ(r.mem.read(IoApic::kBase, 4), 0x40u);  // IOREGSEL reads back
  r.set_reg(0x10, 0xFFFFFFFFu);
  EXPECT_EQ(r.reg(0x10), 0x1AFFFu);  // delivery status and Remote IRR are read-only
  r.set_reg(0x11, 0xFFFFFFFFu);
  EXPECT_EQ(r.reg(0x11), 0xFF000000u);
  // IOWIN takes only whole dwords; reads of a byte give that byte.
  r.mem.write(IoApic::kBase, 1, 0x01);
  EXPECT_EQ(r.mem.read(IoApic::kBase + 0x10, 1), 0x11u);
  EXPECT_EQ(r.mem.read(IoApic::kBase + 0x12, 1), 0x17u);
  r.mem.write(IoApic::kBase, 1, 0x12);
  r.mem.write(IoApic::kBase + 0x10, 2, 0xABCD);
  EXPECT_EQ(r.reg(0x12), 0x10000u);
  r.io.reset();
  EXPECT_EQ(r.reg(0x10), 0x10000u);
}

TEST(IoApic, EdgePinSendsOnRisingEdges) {
  IoRig r;
  r.route(4, 0x34, 0x01000000);
  r.io.input(4)->set_level(true);
  r.io.input(4)->set_level(true);
  ASSERT_EQ(r.sent.size(), 1u);
  EXPECT_EQ(r.sent[0].vector, 0x34);
  EXPECT_EQ(r.sent[0].dest, 1);
  EXPECT_FALSE(r.sent[0].level);
  EXPECT_FALSE(r.sent[0].logical);
  r.io.input(4)->set_level(false);
  r.io.input(4)->pulse();
  EXPECT_EQ(r.sent.size(), 2u);
  // An edge on a masked pin is lost.
  r.route(4, 0x10034);
  r.io.input(4)->pulse();
  r.route(4, 0x34);
  EXPECT_EQ(r.sent.size(), 2u);
  EXPECT_EQ(r.reg(0x18) & (1u << 14), 0u);  // no Remote IRR on edge pins
}

TEST(IoApic, LevelPinRemoteIrrAndEoi) {
  IoRig r;
  r.route(10, 0x8000 | 0x800 | 0x100 | 0x3A, 0x03000000);  // level, logical, lowest priority
  r.io.input(10)->set_level(true);
  ASSERT_EQ(r.sent.size(), 1u);
  EXPECT_TRUE(r.sent[0].level);
  EXPECT_TRUE(r.sent[0].logical);
  EXPECT_EQ(r.sent[0].mode, ApicMessage::LowestPriority);
  EXPECT_EQ(r.sent[0].dest, 3);
  EXPECT_TRUE(r.reg(0x24) & (1u << 14));  // Remote IRR
  r.io.input(10)->set_level(true);
  EXPECT_EQ(r.sent.size(), 1u);  // held until the EOI
  r.io.eoi(0x3B);
  EXPECT_EQ(r.sent.size(), 1u);  // another vector
  r.io.eoi(0x3A);
  EXPECT_EQ(r.sent.size(), 2u);  // still asserted: sent again
  EXPECT_TRUE(r.reg(0x24) & (1u << 14));
  r.io.input(10)->set_level(false);
  r.io.eoi(0x3A);
  EXPECT_EQ(r.sent.size(), 2u);
  EXPECT_FALSE(r.reg(0x24) & (1u << 14));
}

TEST(IoApic, MaskingWhileAssertedAndRejectedMessages) {
  IoRig r;
  r.route(9, 0x18000 | 0x49);  // level, masked
  r.io.input(9)->set_level(true);
  EXPECT_TRUE(r.sent.empty());
  r.route(9, 0x8000 | 0x49);  // unmasked while asserted: sent
  EXPECT_EQ(r.sent.size(), 1u);
  r.io.input(9)->set_level(false);
  r.io.eoi(0x49);
  r.accept = false;  // no local APIC takes it: Remote IRR stays clear
  r.io.input(9)->set_level(true);
  EXPECT_EQ(r.sent.size(), 2u);
  EXPECT_FALSE(r.reg(0x22) & (1u << 14));
  // Turning a level pin to edge clears Remote IRR.
  r.accept = true;
  r.io.input(9)->set_level(false);
  r.io.input(9)->set_level(true);
  EXPECT_TRUE(r.reg(0x22) & (1u << 14));
  r.route(9, 0x49);
  EXPECT_FALSE(r.reg(0x22) & (1u << 14));
}

// ---- on the PC board -----------------------------------------------------------------------

struct BoardApicRig {
  PortBus bus;
  Scheduler sched;
  PhysMem mem{16u << 20};
  PcBoard board{bus, sched, mem, PcBoardConfig{}};
  uint32_t lapic(uint32_t off) { return mem.read(0xFEE00000u + off, 4); }
  void set_lapic(uint32_t off, uint32_t v) { mem.write(0xFEE00000u + off, 4, v); }
  void set_io(uint8_t index, uint32_t v) {
    mem.write(IoApic::kBase, 4, index);
    mem.write(IoApic::kBase + 0x10, 4, v);
  }
  uint32_t io(uint8_t index) {
    mem.write(IoApic::kBase, 4, index);
    return mem.read(IoApic::kBase + 0x10, 4);
  }
  BoardApicRig() {
    // The PIC initialised and fully unmasked, but masked at LINT0: only the I/O APIC path
    // can interrupt.
    for (auto [p, v] : {std::pair{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01},
                        {0xA0, 0x11}, {0xA1, 0x70}, {0xA1, 0x02}, {0xA1, 0x01}, {0x21, 0x00},
                        {0xA1, 0x00}})
      bus.write(uint16_t(p), 1, uint8_t(v));
    set_lapic(0xF0, 0x1FF);
    set_lapic(0x350, 0x10700);
  }
};

TEST(IoApicBoard, PitReachesTheCpuThroughPin2) {
  BoardApicRig r;
  r.set_io(0x10 + 2 * 2, 0x30);  // pin 2: edge, fixed, vector 30h, physical dest 0
  r.bus.write(0x43, 1, 0x34);
  r.bus.write(0x40, 1, 0x00);
  r.bus.write(0x40, 1, 0x10);  // 4096 clocks: ~3.43 ms
  int ticks = 0;
  for (int64_t t = 0; t < 100000000; t += 100000) {
    r.sched.advance_to(t);
    if (r.board.intr()) {
      EXPECT_EQ(r.board.inta(), 0x30);
      r.set_lapic(0xB0, 0);
      ++ticks;
    }
  }
  EXPECT_EQ(ticks, 29);  // as through the PIC (test_dev_board)
  // Pin 0 is not wired: routing it instead gives nothing.
  r.set_io(0x10 + 2 * 2, 0x10030);
  r.set_io(0x10, 0x31);
  for (int64_t t = 100000000; t < 120000000; t += 100000) {
    r.sched.advance_to(t);
    EXPECT_FALSE(r.board.intr());
  }
}

TEST(IoApicBoard, SciIsLevelTriggeredOnPin9) {
  BoardApicRig r;
  r.set_io(0x10 + 2 * 9, 0x8000 | 0x49);  // level, vector 49h
  Piix4Pm& pm = r.board.power_management();
  pm.sci().raise();  // as the PM block would
  ASSERT_TRUE(r.board.intr());
  EXPECT_EQ(r.board.inta(), 0x49);
  EXPECT_TRUE(r.io(0x10 + 2 * 9) & (1u << 14));  // Remote IRR
  EXPECT_TRUE(r.lapic(0x180 + 0x20) & (1u << 9));  // TMR bit of 49h
  r.set_lapic(0xB0, 0);  // the EOI goes to the I/O APIC: the pin, still high, is sent again
  ASSERT_TRUE(r.board.intr());
  EXPECT_EQ(r.board.inta(), 0x49);
  pm.sci().lower();
  r.set_lapic(0xB0, 0);
  EXPECT_FALSE(r.board.intr());
  EXPECT_FALSE(r.io(0x10 + 2 * 9) & (1u << 14));
}

TEST(IoApicBoard, PicStillWorksThroughLint0AfterReset) {
  BoardApicRig r;
  r.set_lapic(0x350, 0x700);  // virtual wire again
  r.board.irq_input(1)->set_level(true);  // keyboard, IRQ1 -> vector 09h at the PIC
  ASSERT_TRUE(r.board.intr());
  EXPECT_EQ(r.board.inta(), 0x09);
}

}  // namespace
}  // namespace rz

namespace rz {
namespace {

TEST(IoApicBoard, SaveAndRestoreKeepsBothApics) {
  BoardApicRig a;
  a.set_io(0x10 + 2 * 2, 0x30);
  a.set_lapic(0x80, 0x10);
  a.set_lapic(0x3E0, 0xB);
  a.set_lapic(0x320, 0x20041);
  a.set_lapic(0x380, 1000);  // periodic, 15 us
  a.sched.advance_to(5000);
  Serializer save;
  a.board.serialize(save);
  BoardApicRig b;
  b.sched.advance_to(5000);
  Serializer load(save.data());
  b.board.serialize(load);
  ASSERT_TRUE(load.ok());
  EXPECT_EQ(b.io(0x10 + 2 * 2), 0x30u);
  EXPECT_EQ(b.lapic(0x80), 0x10u);
  EXPECT_EQ(b.lapic(0x390), a.lapic(0x390));
  b.sched.advance_to(15000);
  ASSERT_TRUE(b.board.intr());  // the timer event was armed again on load
  EXPECT_EQ(b.board.inta(), 0x41);
}

}  // namespace
}  // namespace rz
