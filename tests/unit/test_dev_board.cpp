// tests/unit/test_dev_board.cpp: the PC board schematic end to end on the virtual
// clock: timer, keyboard, RTC (through the cascade) and serial interrupts reach INTR
// with the right vectors; A20 and reset requests; CMOS set-up; save and restore.
#include <gtest/gtest.h>

#include "devices/pc_board.h"

namespace rz {
namespace {

struct BoardRig {
  PortBus bus;
  Scheduler sched;
  PhysMem mem{16u << 20};
  PcBoard board;
  int resets = 0;
  BoardRig() : board(bus, sched, mem, cfg()) {
    board.on_reset([this] { ++resets; });
    // BIOS-style PIC set-up: vectors 0x08 and 0x70, everything unmasked.
    for (auto [p, v] : {std::pair{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01},
                        {0xA0, 0x11}, {0xA1, 0x70}, {0xA1, 0x02}, {0xA1, 0x01}})
      bus.write(uint16_t(p), 1, uint8_t(v));
  }
  static PcBoardConfig cfg() {
    PcBoardConfig c;
    c.rtc_start_seconds = pc_calendar_seconds(2024, 5, 17, 12, 30, 0);
    return c;
  }
  void eoi(uint8_t vec) {
    if (vec >= 0x70) bus.write(0xA0, 1, 0x20);
    bus.write(0x20, 1, 0x20);
  }
};

TEST(DevBoard, TimerInterruptReachesIntr) {
  BoardRig r;
  EXPECT_FALSE(r.board.intr());
  r.bus.write(0x43, 1, 0x34);
  r.bus.write(0x40, 1, 0x00);
  r.bus.write(0x40, 1, 0x10);  // 4096 clocks: ~3.43 ms
  int ticks = 0;
  for (int64_t t = 0; t < 100000000; t += 100000) {
    r.sched.advance_to(t);
    if (r.board.intr()) {
      EXPECT_EQ(r.board.inta(), 0x08);
      r.eoi(0x08);
      ++ticks;
    }
  }
  // 100 ms / (4096 / 1.193182 MHz) = 29.1 periods.
  EXPECT_EQ(ticks, 29);
}

TEST(DevBoard, KeyboardRtcAndSerialVectors) {
  BoardRig r;
  r.bus.write(0x64, 1, 0x60);
  r.bus.write(0x60, 1, 0x47);
  r.board.keyboard().key_set2(0x1C, false, true);
  ASSERT_TRUE(r.board.intr());
  EXPECT_EQ(r.board.inta(), 0x09);
  EXPECT_EQ(r.bus.read(0x60, 1), 0x1Eu);
  r.eoi(0x09);
  r.board.keyboard().key_set2(0x1C, false, false);  // release (else typematic repeats)
  ASSERT_TRUE(r.board.intr());
  EXPECT_EQ(r.board.inta(), 0x09);
  EXPECT_EQ(r.bus.read(0x60, 1), 0x9Eu);
  r.eoi(0x09);
  // RTC update-ended interrupt through the cascade.
  r.bus.write(0x70, 1, 0x0B);
  r.bus.write(0x71, 1, 0x12);
  r.sched.advance_to(1000000000);
  ASSERT_TRUE(r.board.intr());
  EXPECT_EQ(r.board.inta(), 0x70);
  r.bus.write(0x70, 1, 0x0C);
  EXPECT_EQ(r.bus.read(0x71, 1) & 0x90, 0x90u);
  r.eoi(0x70);
  // COM1 THR-empty interrupt on IRQ4.
  MemoryCharBackend host;
  r.board.set_serial_backend(0, &host);
  r.bus.write(0x3FC, 1, 0x08);
  r.bus.write(0x3F9, 1, 0x02);
  ASSERT_TRUE(r.board.intr());
  EXPECT_EQ(r.board.inta(), 0x0C);
  r.bus.write(0x3F8, 1, 'k');
  r.sched.advance_to(r.sched.now() + 2000000);
  EXPECT_EQ(host.output, std::vector<uint8_t>{'k'});
  host.input = {'o', 'k'};
  r.board.poll_serial();
  r.sched.advance_to(r.sched.now() + 3000000);
  EXPECT_EQ(r.bus.read(0x3F8, 1), uint32_t('o'));
}

TEST(DevBoard, A20FromKbcOrPort92AndResets) {
  BoardRig r;
  EXPECT_TRUE(r.mem.a20());
  r.bus.write(0x64, 1, 0xDD);
  EXPECT_FALSE(r.mem.a20());
  EXPECT_FALSE(r.board.a20());
  r.bus.write(0x92, 1, 0x02);
  EXPECT_TRUE(r.mem.a20());
  r.bus.write(0x64, 1, 0xDF);
  r.bus.write(0x92, 1, 0x00);
  EXPECT_TRUE(r.mem.a20());  // the KBC still holds it
  r.bus.write(0x64, 1, 0xFE);
  r.bus.write(0x92, 1, 0x01);
  EXPECT_EQ(r.resets, 2);
}

TEST(DevBoard, CmosAsFirmwareReadsIt) {
  BoardRig r;
  auto cmos = [&](uint8_t i) {
    r.bus.write(0x70, 1, i);
    return uint8_t(r.bus.read(0x71, 1));
  };
  EXPECT_EQ(cmos(0x17) | cmos(0x18) << 8, 15 * 1024);
  EXPECT_EQ(cmos(0x34) | cmos(0x35) << 8, 0);
  EXPECT_EQ(cmos(0x14), 0x06);
  EXPECT_EQ(cmos(0x3D), 0x32);
  EXPECT_EQ(cmos(0x5F), 0);
  EXPECT_EQ(cmos(0x09), 0x24);
  EXPECT_EQ(cmos(0x04), 0x12);
  EXPECT_EQ(cmos(0x02), 0x30);
  unsigned sum = 0;
  for (uint8_t i = 0x10; i <= 0x2D; ++i) sum += cmos(i);
  EXPECT_EQ(cmos(0x2E) << 8 | cmos(0x2F), int(sum));
}

TEST(DevBoard, SaveRestoreContinuesTheTimer) {
  BoardRig r;
  r.bus.write(0x43, 1, 0x34);
  r.bus.write(0x40, 1, 0x00);
  r.bus.write(0x40, 1, 0x10);
  r.sched.advance_to(50000000);
  if (r.board.intr()) r.eoi(r.board.inta());
  Serializer save;
  r.board.serialize(save);
  BoardRig r2;
  r2.sched.advance_to(50000000);
  Serializer load(save.data());
  r2.board.serialize(load);
  ASSERT_TRUE(load.ok());
  int a = 0, b = 0;
  for (int64_t t = 50000000; t < 100000000; t += 100000) {
    r.sched.advance_to(t);
    r2.sched.advance_to(t);
    if (r.board.intr()) a += r.board.inta() == 0x08, r.eoi(0x08);
    if (r2.board.intr()) b += r2.board.inta() == 0x08, r2.eoi(0x08);
  }
  EXPECT_EQ(a, b);
  EXPECT_GT(a, 10);
}

TEST(DevBoard, TwoBoardsAreIndependent) {
  BoardRig r1, r2;
  r1.bus.write(0x70, 1, 0x40);
  r1.bus.write(0x71, 1, 0x11);
  r2.bus.write(0x70, 1, 0x40);
  r2.bus.write(0x71, 1, 0x22);
  r1.bus.write(0x70, 1, 0x40);
  EXPECT_EQ(r1.bus.read(0x71, 1), 0x11u);
}

}  // namespace
}  // namespace rz

namespace rz {
namespace {

// Random port traffic over every device of the board, with time passing and interrupts
// acknowledged: nothing may crash, and INTR must always be answerable.
TEST(DevBoard, RandomPortTrafficNeverCrashes) {
  BoardRig r;
  r.board.on_reset([] {});
  static const uint16_t kPorts[] = {0x00, 0x04, 0x08, 0x0A, 0x0B, 0x0C, 0x0F, 0x20, 0x21,
                                    0x40, 0x41, 0x42, 0x43, 0x60, 0x61, 0x64, 0x70, 0x71,
                                    0x80, 0x81, 0x87, 0x92, 0xA0, 0xA1, 0xC0, 0xD4, 0xD6,
                                    0x2F8, 0x2F9, 0x2FA, 0x2FB, 0x2FC, 0x3F8, 0x3F9, 0x3FA,
                                    0x3FB, 0x3FC, 0x3FD, 0x3FE, 0x4D0, 0x4D1};
  uint32_t x = 12345;
  auto rnd = [&] {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
  };
  int64_t t = 0;
  for (int k = 0; k < 200000; ++k) {
    uint16_t port = kPorts[rnd() % (sizeof kPorts / sizeof kPorts[0])];
    if (rnd() & 1) r.bus.write(port, 1, rnd() & 0xFF);
    else r.bus.read(port, 1);
    if (k % 64 == 0) {
      t += rnd() % 2000000;
      r.sched.advance_to(t);
    }
    if (k % 97 == 0) r.board.keyboard().key_set2(uint8_t(rnd()), rnd() & 1, rnd() & 1);
    if (k % 89 == 0) r.board.mouse().move(int(rnd() % 601) - 300, int(rnd() % 601) - 300, 1, uint8_t(rnd()));
    if (r.board.intr()) r.board.inta();
  }
  // The board still works after the storm: reprogram PIC and PIT, only IRQ0 unmasked.
  for (auto [p, v] : {std::pair{0x20, 0x11}, {0x21, 0x20}, {0x21, 0x04}, {0x21, 0x01},
                      {0x21, 0xFE}, {0x43, 0x34}, {0x40, 0x00}, {0x40, 0x10}})
    r.bus.write(uint16_t(p), 1, uint8_t(v));
  int timer = 0;
  for (int k = 0; k < 100; ++k) {
    t += 100000;
    r.sched.advance_to(t);
    if (r.board.intr()) {
      EXPECT_EQ(r.board.inta(), 0x20);
      r.bus.write(0x20, 1, 0x20);
      ++timer;
    }
  }
  EXPECT_EQ(timer, 2);  // 10 ms at 3.43 ms per period, counted from the reprogramming
}

}  // namespace
}  // namespace rz
