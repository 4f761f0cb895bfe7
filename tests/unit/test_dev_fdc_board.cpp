// tests/unit/test_dev_fdc_board.cpp: the floppy controller on the PC board: CMOS 0x10 and
// the equipment byte follow the attached drives, the reset interrupt arrives as IRQ6
// (vector 0x0E with the BIOS's PIC set-up), and a BIOS-style DMA read through the board's
// 8237A lands in guest RAM.
#include <gtest/gtest.h>

#include <cstring>

#include "devices/pc_board.h"
#include "tests/unit/test_dev_fdc_rig.h"

namespace rz {
namespace {

struct FdcBoardRig {
  PortBus bus;
  Scheduler sched;
  PhysMem mem{16u << 20};
  PcBoard board{bus, sched, mem, PcBoardConfig{}};
  FdcBoardRig() {
    for (auto [p, v] : {std::pair{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01},
                        {0xA0, 0x11}, {0xA1, 0x70}, {0xA1, 0x02}, {0xA1, 0x01}})
      bus.write(uint16_t(p), 1, uint8_t(v));
  }
  void settle() {
    for (int k = 0; k < 1000 && sched.next_event() < sched.now() + 1'000'000; ++k)
      sched.advance_to(sched.next_event());
  }
};

TEST(DevFdcBoard, CmosFollowsTheDrives) {
  FdcBoardRig r;
  EXPECT_EQ(r.board.rtc().cmos(0x10), 0x00);
  EXPECT_EQ(r.board.rtc().cmos(0x14) & 0xC1, 0x00);
  MemoryBlockDevice a(std::vector<uint8_t>(k144M), false, "a.img");
  MemoryBlockDevice b(std::vector<uint8_t>(737280), false, "b.img");
  std::string err;
  ASSERT_TRUE(r.board.attach_floppy(0, &a, err)) << err;
  EXPECT_EQ(r.board.rtc().cmos(0x10), 0x40);
  EXPECT_EQ(r.board.rtc().cmos(0x14) & 0xC1, 0x01);
  ASSERT_TRUE(r.board.attach_floppy(1, &b, err)) << err;
  EXPECT_EQ(r.board.rtc().cmos(0x10), 0x43);
  EXPECT_EQ(r.board.rtc().cmos(0x14) & 0xC1, 0x41);
  EXPECT_EQ(r.board.rtc().cmos(0x14) & 0x06, 0x06);  // FPU and mouse bits kept
  unsigned sum = 0;
  for (unsigned k = 0x10; k <= 0x2D; ++k) sum += r.board.rtc().cmos(uint8_t(k));
  EXPECT_EQ(r.board.rtc().cmos(0x2E) << 8 | r.board.rtc().cmos(0x2F), sum & 0xFFFF);
  MemoryBlockDevice bad(std::vector<uint8_t>(4096), false, "bad.img");
  EXPECT_FALSE(r.board.attach_floppy(1, &bad, err));
  EXPECT_NE(err.find("bad.img"), std::string::npos);
}

TEST(DevFdcBoard, ResetInterruptIsIrq6AndDmaReadReachesRam) {
  FdcBoardRig r;
  MemoryBlockDevice a(fdc_image(k144M), false, "a.img");
  std::string err;
  ASSERT_TRUE(r.board.attach_floppy(0, &a, err)) << err;
  r.bus.write(0x3F2, 1, 0x00);
  r.bus.write(0x3F2, 1, 0x1C);
  r.settle();
  ASSERT_TRUE(r.board.intr());
  EXPECT_EQ(r.board.inta(), 0x0E);
  r.bus.write(0x20, 1, 0x20);
  for (int k = 0; k < 4; ++k) {
    r.bus.write(0x3F5, 1, 0x08);
    r.bus.read(0x3F5, 1);
    r.bus.read(0x3F5, 1);
  }
  // DMA channel 2 to 0x7C00, one sector, then READ DATA C0 H0 R1 at 500 kbps.
  r.bus.write(0xD4, 1, 0x00);
  r.bus.write(0x0A, 1, 0x06);
  r.bus.write(0x0C, 1, 0);
  r.bus.write(0x0B, 1, 0x46);
  r.bus.write(0x04, 1, 0x00);
  r.bus.write(0x04, 1, 0x7C);
  r.bus.write(0x81, 1, 0x00);
  r.bus.write(0x05, 1, 0xFF);
  r.bus.write(0x05, 1, 0x01);
  r.bus.write(0x0A, 1, 0x02);
  r.bus.write(0x3F7, 1, kRate500k);
  for (uint8_t b : {0xE6, 0x00, 0x00, 0x00, 0x01, 0x02, 0x12, 0x1B, 0xFF}) r.bus.write(0x3F5, 1, b);
  r.settle();
  ASSERT_TRUE(r.board.intr());
  EXPECT_EQ(r.board.inta(), 0x0E);
  uint8_t st[7];
  for (auto& b : st) b = uint8_t(r.bus.read(0x3F5, 1));
  EXPECT_EQ(st[0], 0x00);
  EXPECT_EQ(st[5], 2);
  EXPECT_EQ(std::memcmp(r.mem.ram() + 0x7C00, a.data().data(), 512), 0);
}

}  // namespace
}  // namespace rz
