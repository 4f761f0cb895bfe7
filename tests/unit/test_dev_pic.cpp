// tests/unit/test_dev_pic.cpp: the 8259A pair through its ports, as a BIOS and an OS
// program it: initialisation, masks, priorities, EOIs, rotation, AEOI, special mask
// mode, poll mode, spurious IRQ7/15 and the ELCR.
#include <gtest/gtest.h>

#include "devices/bus.h"
#include "devices/pic.h"

namespace rz {
namespace {

struct PicRig {
  PortBus bus;
  DualPic pic;
  int out_changes = 0;
  PicRig() {
    pic.map_ports(bus);
    pic.on_output([this](bool) { ++out_changes; });
    init();
  }
  // The PC/AT programming: master vectors 0x08, slave 0x70, cascade on IR2.
  void init(uint8_t icw4 = 0x01) {
    bus.write(0x20, 1, 0x11);
    bus.write(0x21, 1, 0x08);
    bus.write(0x21, 1, 0x04);
    bus.write(0x21, 1, icw4);
    bus.write(0xA0, 1, 0x11);
    bus.write(0xA1, 1, 0x70);
    bus.write(0xA1, 1, 0x02);
    bus.write(0xA1, 1, icw4);
  }
  void set(unsigned irq, bool v) { pic.input(irq)->set_level(v); }
  uint8_t irr_master() {
    bus.write(0x20, 1, 0x0A);
    return uint8_t(bus.read(0x20, 1));
  }
  uint8_t isr_master() {
    bus.write(0x20, 1, 0x0B);
    return uint8_t(bus.read(0x20, 1));
  }
  uint8_t isr_slave() {
    bus.write(0xA0, 1, 0x0B);
    return uint8_t(bus.read(0xA0, 1));
  }
};

TEST(DevPic, InitClearsMaskAndDeliversEdge) {
  PicRig r;
  EXPECT_EQ(r.bus.read(0x21, 1), 0x00u);
  EXPECT_FALSE(r.pic.int_output());
  r.set(1, true);
  EXPECT_TRUE(r.pic.int_output());
  EXPECT_EQ(r.irr_master(), 0x02);
  EXPECT_EQ(r.pic.acknowledge(), 0x09);
  EXPECT_EQ(r.isr_master(), 0x02);
  EXPECT_EQ(r.irr_master(), 0x00);
  EXPECT_FALSE(r.pic.int_output());
  r.bus.write(0x20, 1, 0x20);  // non-specific EOI
  EXPECT_EQ(r.isr_master(), 0x00);
  // Still high in edge mode: no new request without a new edge.
  EXPECT_FALSE(r.pic.int_output());
  r.set(1, false);
  r.set(1, true);
  EXPECT_TRUE(r.pic.int_output());
}

TEST(DevPic, MaskBlocksAndUnmaskDelivers) {
  PicRig r;
  r.bus.write(0x21, 1, 0x01);
  r.set(0, true);
  EXPECT_FALSE(r.pic.int_output());
  EXPECT_EQ(r.irr_master(), 0x01);  // IRR is not masked
  r.bus.write(0x21, 1, 0x00);
  EXPECT_TRUE(r.pic.int_output());
  EXPECT_EQ(r.pic.acknowledge(), 0x08);
}

TEST(DevPic, FullyNestedPriority) {
  PicRig r;
  r.set(3, true);
  EXPECT_EQ(r.pic.acknowledge(), 0x0B);
  r.set(5, true);  // lower priority than the IR3 in service
  EXPECT_FALSE(r.pic.int_output());
  r.set(0, true);  // higher priority nests
  EXPECT_TRUE(r.pic.int_output());
  EXPECT_EQ(r.pic.acknowledge(), 0x08);
  EXPECT_EQ(r.isr_master(), 0x09);
  r.bus.write(0x20, 1, 0x20);  // clears IR0 (highest in service)
  EXPECT_EQ(r.isr_master(), 0x08);
  EXPECT_FALSE(r.pic.int_output());
  r.bus.write(0x20, 1, 0x63);  // specific EOI IR3
  EXPECT_TRUE(r.pic.int_output());
  EXPECT_EQ(r.pic.acknowledge(), 0x0D);
}

TEST(DevPic, CascadeAndSlaveVectors) {
  PicRig r;
  r.set(14, true);
  EXPECT_TRUE(r.pic.int_output());
  EXPECT_EQ(r.pic.acknowledge(), 0x76);
  EXPECT_EQ(r.isr_master(), 0x04);
  EXPECT_EQ(r.isr_slave(), 0x40);
  r.set(12, true);  // higher than 14 on the slave, but master IR2 is in service
  EXPECT_FALSE(r.pic.int_output());
  r.bus.write(0xA0, 1, 0x20);
  r.bus.write(0x20, 1, 0x20);
  EXPECT_TRUE(r.pic.int_output());
  EXPECT_EQ(r.pic.acknowledge(), 0x74);
}

TEST(DevPic, SpecialFullyNestedLetsSlaveNest) {
  PicRig r;
  r.init(0x11);  // SFNM
  r.set(14, true);
  EXPECT_EQ(r.pic.acknowledge(), 0x76);
  r.set(12, true);
  EXPECT_TRUE(r.pic.int_output());
  EXPECT_EQ(r.pic.acknowledge(), 0x74);
  EXPECT_EQ(r.isr_slave(), 0x50);
}

TEST(DevPic, SpuriousIrq7And15) {
  PicRig r;
  r.set(4, true);
  EXPECT_TRUE(r.pic.int_output());
  r.set(4, false);  // request withdrawn before INTA
  EXPECT_FALSE(r.pic.int_output());
  EXPECT_EQ(r.pic.acknowledge(), 0x0F);
  EXPECT_EQ(r.isr_master(), 0x00);
  // Slave request that goes away after the master has seen the cascade request: the
  // slave answers with its IR7 (IRQ15) vector; master ISR2 is set, slave ISR is not.
  r.set(10, true);
  r.pic.slave().write(1, 0x04);  // mask IR2 on the slave: withdraws its INT
  r.pic.master().set_input(2, true);  // force the master's view (the data sheet race)
  EXPECT_EQ(r.pic.acknowledge(), 0x77);
  EXPECT_EQ(r.isr_master(), 0x04);
  EXPECT_EQ(r.isr_slave(), 0x00);
}

TEST(DevPic, LevelTriggeredViaElcr) {
  PicRig r;
  r.bus.write(0x4D1, 1, 0xFF);
  EXPECT_EQ(r.bus.read(0x4D1, 1), 0xDEu);  // IRQ8 and IRQ13 stay edge
  r.bus.write(0x4D0, 1, 0xFF);
  EXPECT_EQ(r.bus.read(0x4D0, 1), 0xF8u);
  r.set(11, true);
  EXPECT_EQ(r.pic.acknowledge(), 0x73);
  r.bus.write(0xA0, 1, 0x20);
  r.bus.write(0x20, 1, 0x20);
  // Still high: a level input requests again after EOI.
  EXPECT_TRUE(r.pic.int_output());
  r.set(11, false);
  EXPECT_FALSE(r.pic.int_output());
}

TEST(DevPic, AutomaticRotation) {
  PicRig r;
  r.set(1, true);
  r.set(3, true);
  EXPECT_EQ(r.pic.acknowledge(), 0x09);
  r.bus.write(0x20, 1, 0xA0);  // rotate on non-specific EOI: IR1 becomes lowest
  r.set(1, false);
  r.set(1, true);
  // Now priority order is 2,3,...,7,0,1: IR3 wins over IR1.
  EXPECT_EQ(r.pic.acknowledge(), 0x0B);
}

TEST(DevPic, SpecificRotationSetPriority) {
  PicRig r;
  r.bus.write(0x20, 1, 0xC4);  // IR4 lowest: IR5 highest
  r.set(0, true);
  r.set(6, true);
  EXPECT_EQ(r.pic.acknowledge(), 0x0E);
  r.bus.write(0x20, 1, 0xE6);  // rotate on specific EOI 6: IR7 highest
  EXPECT_EQ(r.pic.acknowledge(), 0x08);
}

TEST(DevPic, AutoEoi) {
  PicRig r;
  r.init(0x03);  // AEOI
  r.set(5, true);
  EXPECT_EQ(r.pic.acknowledge(), 0x0D);
  EXPECT_EQ(r.isr_master(), 0x00);
  r.set(6, true);
  EXPECT_TRUE(r.pic.int_output());  // nothing in service blocks IR6
}

TEST(DevPic, SpecialMaskMode) {
  PicRig r;
  r.set(2, false);
  r.set(3, true);
  EXPECT_EQ(r.pic.acknowledge(), 0x0B);
  r.set(6, true);
  EXPECT_FALSE(r.pic.int_output());
  r.bus.write(0x21, 1, 0x08);  // mask the level in service
  r.bus.write(0x20, 1, 0x68);  // OCW3: set special mask mode
  EXPECT_TRUE(r.pic.int_output());  // lower levels are now enabled
  EXPECT_EQ(r.pic.acknowledge(), 0x0E);
  r.bus.write(0x20, 1, 0x20);  // non-specific EOI skips the masked IR3
  EXPECT_EQ(r.isr_master(), 0x08);
  r.bus.write(0x20, 1, 0x48);  // reset special mask mode
  r.bus.write(0x20, 1, 0x63);
  EXPECT_EQ(r.isr_master(), 0x00);
}

TEST(DevPic, PollMode) {
  PicRig r;
  r.set(5, true);
  r.bus.write(0x20, 1, 0x0C);  // OCW3 poll
  EXPECT_EQ(r.bus.read(0x20, 1), 0x85u);
  EXPECT_EQ(r.isr_master(), 0x20);  // the poll read acts as INTA
  r.bus.write(0x20, 1, 0x20);
  r.bus.write(0x20, 1, 0x0C);
  EXPECT_EQ(r.bus.read(0x20, 1), 0x00u);  // nothing pending
  // The poll is one-shot: the next read is IRR again (IRR/ISR selection kept as ISR).
  EXPECT_EQ(r.bus.read(0x20, 1), 0x00u);
}

TEST(DevPic, IcwSequenceSingleModeNoIcw3) {
  PortBus bus;
  DualPic pic;
  pic.map_ports(bus);
  bus.write(0x20, 1, 0x13);  // single, IC4
  bus.write(0x21, 1, 0x50);
  bus.write(0x21, 1, 0x01);  // ICW4 (no ICW3 in single mode)
  bus.write(0x21, 1, 0xFB);  // now OCW1
  EXPECT_EQ(bus.read(0x21, 1), 0xFBu);
  pic.input(2)->set_level(true);
  EXPECT_EQ(pic.acknowledge(), 0x52);  // IR2 is a plain input in single mode
}

TEST(DevPic, PulseIsLatchedOnEdgeInput) {
  PicRig r;
  IrqLine line;
  line.connect(r.pic.input(4));
  line.pulse();
  EXPECT_TRUE(r.pic.int_output());
  EXPECT_EQ(r.pic.acknowledge(), 0x0C);
}

TEST(DevPic, GarbageNeverCrashesAndSerializes) {
  PicRig r;
  for (unsigned k = 0; k < 4096; ++k) {
    r.bus.write(uint16_t(k & 1 ? 0x21 : 0x20), 1, (k * 2654435761u) >> 13);
    r.bus.write(uint16_t(k & 2 ? 0xA1 : 0xA0), 1, (k * 40503u) >> 3);
    r.set(k % 16, (k / 16) & 1);
    if (r.pic.int_output()) r.pic.acknowledge();
  }
  Serializer save;
  r.pic.serialize(save);
  DualPic copy;
  Serializer load(save.data());
  copy.serialize(load);
  EXPECT_TRUE(load.ok());
  EXPECT_EQ(copy.master().state().isr, r.pic.master().state().isr);
  EXPECT_EQ(copy.slave().state().imr, r.pic.slave().state().imr);
}

}  // namespace
}  // namespace rz
