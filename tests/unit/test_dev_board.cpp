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
