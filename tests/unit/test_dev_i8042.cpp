// tests/unit/test_dev_i8042.cpp: the 8042 controller with its PS/2 keyboard and mouse:
// controller commands, the command byte, translation, IRQ1/IRQ12, A20 and reset via the
// output port, keyboard commands and typematic repeat on the virtual clock, mouse
// packets and IntelliMouse detection.
#include <gtest/gtest.h>

#include <vector>

#include "devices/bus.h"
#include "devices/i8042.h"
#include "devices/scheduler.h"

namespace rz {
namespace {

struct KbcRig {
  Scheduler sched;
  PortBus bus;
  I8042 kbc{sched};
  bool a20 = true;
  int resets = 0;
  KbcRig() {
    kbc.map_ports(bus);
    kbc.on_a20([this](bool on) { a20 = on; });
    kbc.on_reset([this] { ++resets; });
  }
  void cmd(uint8_t v) { bus.write(0x64, 1, v); }
  void data(uint8_t v) { bus.write(0x60, 1, v); }
  uint8_t status() { return uint8_t(bus.read(0x64, 1)); }
  // Drain the output buffer.
  std::vector<uint8_t> drain() {
    std::vector<uint8_t> v;
    while (status() & 1) v.push_back(uint8_t(bus.read(0x60, 1)));
    return v;
  }
  using V = std::vector<uint8_t>;
};

TEST(DevI8042, SelfTestsAndCommandByte) {
  KbcRig r;
  r.cmd(0xAA);
  EXPECT_EQ(r.status() & 0x09, 0x09);  // OBF, last write was a command
  EXPECT_EQ(r.drain(), KbcRig::V{0x55});
  r.cmd(0xAB);
  r.cmd(0xA9);
  EXPECT_EQ(r.drain(), (KbcRig::V{0x00, 0x00}));
  r.cmd(0x60);
  r.data(0x47);  // IRQs, SYS, translation
  r.cmd(0x20);
  EXPECT_EQ(r.drain(), KbcRig::V{0x47});
  EXPECT_EQ(r.status() & 0x04, 0x04);  // SYS flag follows the command byte
  r.data(0xF4);  // to the keyboard: the last write is now a data write
  EXPECT_EQ(r.status() & 0x08, 0x00);
}

TEST(DevI8042, KeyboardResetAndIdentifyTranslated) {
  KbcRig r;
  r.cmd(0x60);
  r.data(0x41);  // translation, keyboard IRQ
  r.data(0xFF);
  EXPECT_TRUE(r.kbc.irq1().level());
  EXPECT_EQ(r.drain(), (KbcRig::V{0xFA, 0xAA}));
  EXPECT_FALSE(r.kbc.irq1().level());
  r.data(0xF2);
  EXPECT_EQ(r.drain(), (KbcRig::V{0xFA, 0xAB, 0x41}));  // 0x83 translated
  r.data(0xEE);
  EXPECT_EQ(r.drain(), KbcRig::V{0xEE});
  r.data(0xF0);
  r.data(0x00);
  EXPECT_EQ(r.drain(), (KbcRig::V{0xFA, 0xFA, 0x41}));  // set 2, seen through translation
}

TEST(DevI8042, KeysTranslatedAndRaw) {
  KbcRig r;
  r.cmd(0x60);
  r.data(0x41);
  r.kbc.keyboard().key_set2(0x1C, false, true);   // 'A' make
  r.kbc.keyboard().key_set2(0x1C, false, false);  // 'A' break: F0 1C
  r.kbc.keyboard().key_set2(0x75, true, true);    // Up arrow: E0 75
  EXPECT_EQ(r.drain(), (KbcRig::V{0x1E, 0x9E, 0xE0, 0x48}));
  r.cmd(0x60);
  r.data(0x01);  // no translation
  r.kbc.keyboard().key_set1(0x9C, false);  // Enter break given in set 1
  EXPECT_EQ(r.drain(), (KbcRig::V{0xF0, 0x5A}));
}

TEST(DevI8042, LedsAndScancodeSet1) {
  KbcRig r;
  r.cmd(0x60);
  r.data(0x01);
  r.data(0xED);
  r.data(0x05);
  EXPECT_EQ(r.drain(), (KbcRig::V{0xFA, 0xFA}));
  EXPECT_EQ(r.kbc.keyboard().leds(), 5);
  r.data(0xF0);
  r.data(0x01);
  r.drain();
  r.kbc.keyboard().key_set2(0x1C, false, false);
  EXPECT_EQ(r.drain(), KbcRig::V{0x9E});
  r.data(0x42);  // unknown command
  EXPECT_EQ(r.drain(), KbcRig::V{0xFE});
}

TEST(DevI8042, TypematicRepeatOnVirtualClock) {
  KbcRig r;
  r.cmd(0x60);
  r.data(0x01);
  r.data(0xF3);
  r.data(0x00);  // 30 cps (33.3 ms), 250 ms delay
  r.drain();
  r.kbc.keyboard().key_set2(0x29, false, true);
  EXPECT_EQ(r.drain(), KbcRig::V{0x29});
  r.sched.advance_to(249999999);
  EXPECT_TRUE(r.drain().empty());
  r.sched.advance_to(250000000);
  EXPECT_EQ(r.drain(), KbcRig::V{0x29});
  r.sched.advance_to(250000000 + 3 * 33333333 + 10);
  EXPECT_EQ(r.drain().size(), 3u);
  r.kbc.keyboard().key_set2(0x29, false, false);
  EXPECT_EQ(r.drain(), (KbcRig::V{0xF0, 0x29}));
  r.sched.advance_to(2000000000);
  EXPECT_TRUE(r.drain().empty());
}

TEST(DevI8042, DisabledKeyboardHoldsItsBytes) {
  KbcRig r;
  r.cmd(0xAD);
  r.kbc.keyboard().key_set2(0x1C, false, true);
  EXPECT_EQ(r.status() & 1, 0);
  r.cmd(0xAE);
  EXPECT_EQ(r.drain(), KbcRig::V{0x1C});
}

TEST(DevI8042, A20AndResetViaOutputPort) {
  KbcRig r;
  EXPECT_TRUE(r.kbc.a20());
  r.cmd(0xD1);
  r.data(0xDD);  // A20 off
  EXPECT_FALSE(r.a20);
  r.cmd(0xD0);
  EXPECT_EQ(r.drain()[0] & 0x02, 0);
  r.cmd(0xDF);
  EXPECT_TRUE(r.a20);
  r.cmd(0xFE);
  EXPECT_EQ(r.resets, 1);
  r.cmd(0xFF);  // pulses nothing
  EXPECT_EQ(r.resets, 1);
  r.cmd(0xD1);
  r.data(0xDE);
  EXPECT_EQ(r.resets, 2);
}

TEST(DevI8042, MouseStreamingPacketsOnIrq12) {
  KbcRig r;
  r.cmd(0x60);
  r.data(0x03);
  r.cmd(0xA8);
  r.cmd(0xD4);
  r.data(0xF4);
  EXPECT_TRUE(r.kbc.irq12().level());
  EXPECT_EQ(r.status() & 0x21, 0x21);
  EXPECT_EQ(r.drain(), KbcRig::V{0xFA});
  r.kbc.mouse().move(5, -3, 0, 0x01);
  EXPECT_EQ(r.drain(), (KbcRig::V{0x29, 0x05, 0xFD}));
  r.kbc.mouse().move(300, 0, 0, 0x01);  // split: 255 then 45
  EXPECT_EQ(r.drain(), (KbcRig::V{0x09, 0xFF, 0x00, 0x09, 45, 0x00}));
  EXPECT_FALSE(r.kbc.irq12().level());
}

TEST(DevI8042, IntelliMouseDetection) {
  KbcRig r;
  auto mouse = [&](uint8_t v) {
    r.cmd(0xD4);
    r.data(v);
  };
  mouse(0xF2);
  EXPECT_EQ(r.drain(), (KbcRig::V{0xFA, 0x00}));
  for (uint8_t rate : {200, 100, 80}) {
    mouse(0xF3);
    mouse(rate);
  }
  mouse(0xF2);
  EXPECT_EQ(r.drain().back(), 0x03);
  for (uint8_t rate : {200, 200, 80}) {
    mouse(0xF3);
    mouse(rate);
  }
  mouse(0xF2);
  EXPECT_EQ(r.drain().back(), 0x04);
  mouse(0xF4);
  r.drain();
  r.kbc.mouse().move(0, 0, -1, 0x08);  // wheel up, 4th button
  EXPECT_EQ(r.drain(), (KbcRig::V{0x08, 0x00, 0x00, 0x1F}));
  mouse(0xE9);
  EXPECT_EQ(r.drain(), (KbcRig::V{0xFA, 0x20, 0x02, 80}));
  mouse(0xFF);
  EXPECT_EQ(r.drain(), (KbcRig::V{0xFA, 0xAA, 0x00}));
  EXPECT_EQ(r.kbc.mouse().id(), 0);
}

TEST(DevI8042, MouseWrapModeAndDisabledAuxPort) {
  KbcRig r;
  r.cmd(0xD4);
  r.data(0xEE);
  r.cmd(0xD4);
  r.data(0x12);
  r.cmd(0xD4);
  r.data(0xEC);
  EXPECT_EQ(r.drain(), (KbcRig::V{0xFA, 0x12, 0xFA}));
  r.cmd(0xA7);
  r.cmd(0xD4);
  r.data(0xF2);
  EXPECT_EQ(r.status() & 1, 0);  // held while the aux port is disabled
  r.cmd(0xA8);
  EXPECT_EQ(r.drain(), (KbcRig::V{0xFA, 0x00}));
}

TEST(DevI8042, WriteOutputBufferCommands) {
  KbcRig r;
  r.cmd(0x60);
  r.data(0x03);
  r.cmd(0xD2);
  r.data(0x99);
  EXPECT_TRUE(r.kbc.irq1().level());
  EXPECT_EQ(r.drain(), KbcRig::V{0x99});
  r.cmd(0xD3);
  r.data(0x77);
  EXPECT_TRUE(r.kbc.irq12().level());
  EXPECT_EQ(r.drain(), KbcRig::V{0x77});
}

TEST(DevI8042, GarbageAndSerialize) {
  KbcRig r;
  for (unsigned k = 0; k < 20000; ++k) {
    uint8_t v = uint8_t((k * 2654435761u) >> 9);
    if (v == 0xD1 || (v >= 0xF0 && !(v & 1))) v = 0xAA;  // keep A20/reset quiet
    if (k % 3 == 0) r.cmd(v);
    else r.data(uint8_t(k * 13));
    if (k % 5 == 0) r.kbc.keyboard().key_set2(uint8_t(k), k & 1, k & 2);
    if (k % 7 == 0) r.kbc.mouse().move(int(k % 50) - 25, 3, 1, uint8_t(k));
    r.bus.read(uint16_t(k & 1 ? 0x60 : 0x64), 1);
    r.sched.advance_to(int64_t(k) * 100000);
  }
  Serializer save;
  r.kbc.serialize(save);
  KbcRig r2;
  Serializer load(save.data());
  r2.kbc.serialize(load);
  ASSERT_TRUE(load.ok());
  EXPECT_EQ(r2.status(), r.status());
  EXPECT_EQ(r2.drain(), r.drain());
}

}  // namespace
}  // namespace rz
