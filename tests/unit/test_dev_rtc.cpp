// tests/unit/test_dev_rtc.cpp: the MC146818A on the virtual clock: calendar rollover,
// BCD/binary and 12/24 h formats, UIP, update-ended, alarm and periodic interrupts with
// register C, the SET bit, divider reset, NMI mask and the CMOS helpers.
#include <gtest/gtest.h>

#include "devices/bus.h"
#include "devices/rtc.h"
#include "devices/scheduler.h"

namespace rz {
namespace {

constexpr int64_t kS = 1000000000;

int64_t at_time(int64_t y, unsigned mo, unsigned d, int h, int mi, int s) {
  return rtc_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

struct RtcRig {
  Scheduler sched;
  PortBus bus;
  Rtc rtc;
  int rises = 0;
  FnIrqSink sink{[this](bool h) { rises += h; }};
  explicit RtcRig(int64_t start = at_time(2024, 2, 29, 23, 59, 58)) : rtc(sched, start) {
    rtc.map_ports(bus);
    rtc.irq8().connect(&sink);
  }
  uint8_t rd(uint8_t i) {
    bus.write(0x70, 1, i);
    return uint8_t(bus.read(0x71, 1));
  }
  void wr(uint8_t i, uint8_t v) {
    bus.write(0x70, 1, i);
    bus.write(0x71, 1, v);
  }
};

TEST(DevRtc, CalendarHelpersRoundTrip) {
  for (int64_t days : {-1000000LL, -1LL, 0LL, 11016LL, 19782LL, 2932896LL}) {
    int64_t y;
    unsigned m, d;
    rtc_civil_from_days(days, y, m, d);
    EXPECT_EQ(rtc_days_from_civil(y, m, d), days);
  }
  EXPECT_EQ(rtc_days_from_civil(2000, 3, 1), 11017);
}

TEST(DevRtc, BcdTimeAndLeapDayRollover) {
  RtcRig r;
  EXPECT_EQ(r.rd(0), 0x58);
  EXPECT_EQ(r.rd(2), 0x59);
  EXPECT_EQ(r.rd(4), 0x23);
  EXPECT_EQ(r.rd(6), 5);  // Thursday
  EXPECT_EQ(r.rd(7), 0x29);
  EXPECT_EQ(r.rd(8), 0x02);
  EXPECT_EQ(r.rd(9), 0x24);
  EXPECT_EQ(r.rd(0x32), 0x20);
  r.sched.advance_to(2 * kS);
  EXPECT_EQ(r.rd(0), 0x00);
  EXPECT_EQ(r.rd(4), 0x00);
  EXPECT_EQ(r.rd(7), 0x01);
  EXPECT_EQ(r.rd(8), 0x03);
  EXPECT_EQ(r.rd(6), 6);
  EXPECT_EQ(r.rd(0x0D), 0x80);
}

TEST(DevRtc, BinaryAnd12HourModes) {
  RtcRig r;
  r.wr(0x0B, 0x04);  // binary, 12-hour
  EXPECT_EQ(r.rd(4), 0x80 | 11);
  EXPECT_EQ(r.rd(0), 58);
  EXPECT_EQ(r.rd(9), 24);
  r.wr(0x0B, 0x84);  // SET
  r.wr(4, 0x80 | 12);  // 12 PM = noon
  r.wr(0x0B, 0x06);  // 24 h, binary, run
  EXPECT_EQ(r.rd(4), 12);
  r.wr(0x0B, 0x82);
  r.wr(4, 12);  // 24 h binary 12 -> 12 AM? no: 12:xx in 24 h mode
  r.wr(0x0B, 0x00);  // 12 h BCD
  EXPECT_EQ(r.rd(4), 0x80 | 0x12);
}

TEST(DevRtc, TwelveHourMidnightAndNoon) {
  RtcRig r(at_time(2024, 1, 1, 0, 15, 0));
  r.wr(0x0B, 0x00);  // 12-hour BCD
  EXPECT_EQ(r.rd(4), 0x12);  // 12 AM
  RtcRig n(at_time(2024, 1, 1, 12, 15, 0));
  n.wr(0x0B, 0x00);
  EXPECT_EQ(n.rd(4), 0x80 | 0x12);  // 12 PM
  n.wr(1, 0x00);
  n.wr(3, 0x16);
  n.wr(5, 0x80 | 0x12);  // alarm at 12:16:00 PM in 12-hour form
  n.wr(0x0B, 0x20);
  n.sched.advance_to(60 * kS);
  EXPECT_EQ(n.rises, 1);
}

TEST(DevRtc, SetBitFreezesAndUpdatesRestartOneSecondLater) {
  RtcRig r;
  r.wr(0x0B, 0x82);
  r.wr(0, 0x30);
  r.wr(2, 0x15);
  r.wr(4, 0x10);
  r.wr(7, 0x01);
  r.wr(8, 0x01);
  r.wr(9, 0x99);
  r.wr(0x32, 0x19);
  r.sched.advance_to(5 * kS);
  EXPECT_EQ(r.rd(0), 0x30);  // frozen
  r.wr(0x0B, 0x02);
  r.sched.advance_to(6 * kS - 1);
  EXPECT_EQ(r.rd(0), 0x30);
  r.sched.advance_to(6 * kS);
  EXPECT_EQ(r.rd(0), 0x31);
  EXPECT_EQ(r.rd(9), 0x99);
  EXPECT_EQ(r.rd(0x32), 0x19);
  EXPECT_EQ(r.rd(6), 6);  // 1999-01-01 was a Friday
}

TEST(DevRtc, UipWindowBeforeEachUpdate) {
  RtcRig r;
  r.sched.advance_to(kS / 2);
  EXPECT_EQ(r.rd(0x0A), 0x26);
  r.sched.advance_to(kS - 2000000);
  EXPECT_EQ(r.rd(0x0A), 0xA6);
  r.sched.advance_to(kS);
  EXPECT_EQ(r.rd(0x0A), 0x26);
}

TEST(DevRtc, UpdateEndedInterruptAndRegisterC) {
  RtcRig r(at_time(2024, 1, 1, 10, 0, 0));
  r.wr(0x0B, 0x12);  // UIE
  r.sched.advance_to(kS);
  EXPECT_EQ(r.rises, 1);
  EXPECT_TRUE(r.rtc.irq8().level());
  r.sched.advance_to(2 * kS);
  EXPECT_EQ(r.rises, 1);  // no new edge until C is read
  EXPECT_EQ(r.rd(0x0C), 0xD0);  // IRQF, UF, and PF (1024 Hz, flagged without PIE)
  EXPECT_FALSE(r.rtc.irq8().level());
  EXPECT_EQ(r.rd(0x0C), 0x00);
  r.sched.advance_to(3 * kS);
  EXPECT_EQ(r.rises, 2);
}

TEST(DevRtc, AlarmWithDontCare) {
  RtcRig r(at_time(2024, 1, 1, 10, 0, 0));
  r.wr(1, 0x05);
  r.wr(3, 0xC0);  // any minute
  r.wr(5, 0xFF);  // any hour
  r.wr(0x0B, 0x22);  // AIE
  r.sched.advance_to(4 * kS);
  EXPECT_EQ(r.rises, 0);
  r.sched.advance_to(5 * kS);
  EXPECT_EQ(r.rises, 1);
  EXPECT_EQ(r.rd(0x0C), 0xF0);  // IRQF, AF, and PF, UF (not enabled, still flagged)
  r.sched.advance_to(65 * kS);
  EXPECT_EQ(r.rises, 2);  // next minute
}

TEST(DevRtc, PeriodicInterruptRate) {
  RtcRig r;
  r.wr(0x0A, 0x2F);  // 2 Hz
  r.wr(0x0B, 0x42);  // PIE
  int seen = 0;
  for (int k = 1; k <= 100; ++k) {
    r.sched.advance_to(int64_t(k) * kS / 10);
    if (r.rd(0x0C) & 0x40) ++seen;
  }
  EXPECT_EQ(seen, 20);
  EXPECT_EQ(r.rises, 20);
}

TEST(DevRtc, PeriodicFlagPolledWithoutPie) {
  RtcRig r;
  r.wr(0x0A, 0x26);  // 1024 Hz
  r.rd(0x0C);
  r.sched.advance_to(r.sched.now() + 100000);  // < 976 us
  EXPECT_EQ(r.rd(0x0C) & 0x40, 0);
  r.sched.advance_to(r.sched.now() + 1000000);
  EXPECT_EQ(r.rd(0x0C), 0x40);  // PF without IRQF
  EXPECT_EQ(r.rises, 0);
}

TEST(DevRtc, DividerResetStopsTheClock) {
  RtcRig r;
  r.wr(0x0A, 0x76);
  r.sched.advance_to(10 * kS);
  EXPECT_EQ(r.rd(0), 0x58);
  r.wr(0x0A, 0x26);  // first update half a second later
  r.sched.advance_to(10 * kS + kS / 2);
  EXPECT_EQ(r.rd(0), 0x59);
}

TEST(DevRtc, NmiMaskAndNvram) {
  RtcRig r;
  r.bus.write(0x70, 1, 0x80 | 0x40);
  EXPECT_TRUE(r.rtc.nmi_masked());
  r.bus.write(0x71, 1, 0x5A);
  r.bus.write(0x70, 1, 0x40);
  EXPECT_FALSE(r.rtc.nmi_masked());
  EXPECT_EQ(r.bus.read(0x71, 1), 0x5Au);
  EXPECT_EQ(r.bus.read(0x70, 1), 0xFFu);
  r.wr(0x0C, 0xFF);  // read-only
  EXPECT_EQ(r.rd(0x0C), 0x00);
}

TEST(DevRtc, CmosHelpers) {
  RtcRig r;
  r.rtc.set_memory(32u << 20, 1ull << 32);
  EXPECT_EQ(r.rd(0x15) | r.rd(0x16) << 8, 640);
  EXPECT_EQ(r.rd(0x17) | r.rd(0x18) << 8, 31 * 1024);
  EXPECT_EQ(r.rd(0x30) | r.rd(0x31) << 8, 31 * 1024);
  EXPECT_EQ(r.rd(0x34) | r.rd(0x35) << 8, (32 - 16) * 16);
  EXPECT_EQ(r.rd(0x5B) | r.rd(0x5C) << 8 | r.rd(0x5D) << 16, 65536);
  uint8_t order[3] = {2, 3, 1};
  r.rtc.set_boot_order(order, 3, true);
  EXPECT_EQ(r.rd(0x3D), 0x32);
  EXPECT_EQ(r.rd(0x38), 0x11);
  r.rtc.set_equipment(0x2F);
  r.rtc.update_checksum();
  unsigned sum = 0;
  for (unsigned k = 0x10; k <= 0x2D; ++k) sum += r.rd(uint8_t(k));
  EXPECT_EQ(r.rd(0x2E) << 8 | r.rd(0x2F), int(sum));
  r.rtc.set_memory(3ull << 30, 0);  // extended memory capped at 0xFFFF KiB
  EXPECT_EQ(r.rd(0x17) | r.rd(0x18) << 8, 0xFFFF);
  EXPECT_EQ(r.rd(0x34) | r.rd(0x35) << 8, 3 * 16384 - 256);
}

TEST(DevRtc, SerializeAndGarbage) {
  RtcRig r;
  for (unsigned k = 0; k < 5000; ++k) {
    r.wr(uint8_t(k * 37), uint8_t((k * 2654435761u) >> 9));
    r.rd(uint8_t(k * 11));
    r.sched.advance_to(int64_t(k) * 3000000);
  }
  r.wr(0x0A, 0x26);
  r.wr(0x0B, 0x02);
  Serializer save;
  r.rtc.serialize(save);
  RtcRig r2(0);
  r2.sched.advance_to(r.sched.now());
  Serializer load(save.data());
  r2.rtc.serialize(load);
  ASSERT_TRUE(load.ok());
  for (uint8_t i : {0, 2, 4, 7, 8, 9}) EXPECT_EQ(r2.rd(i), r.rd(i)) << int(i);
}

}  // namespace
}  // namespace rz
