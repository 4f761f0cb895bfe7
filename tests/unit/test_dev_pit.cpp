// tests/unit/test_dev_pit.cpp: the 8254 on the virtual clock: every mode's OUT and
// count sequence at exact clock ticks, BCD, latch and read-back, access modes, gate
// behaviour through port 0x61, IRQ0 edges as scheduler events.
#include <gtest/gtest.h>

#include "devices/bus.h"
#include "devices/pit.h"
#include "devices/scheduler.h"

namespace rz {
namespace {

struct PitRig {
  Scheduler sched;
  PortBus bus;
  Pit pit{sched};
  int rises = 0;
  FnIrqSink sink{[this](bool h) { rises += h; }};
  PitRig() {
    pit.map_ports(bus);
    pit.irq0().connect(&sink);
    EXPECT_EQ(rises, 1);  // OUT0 is taken as high at power-on
    rises = 0;
  }
  void at(int64_t tick) { sched.advance_to(pit_ns_of_tick(tick)); }
  void program(unsigned ch, uint8_t mode, uint16_t count, bool bcd = false) {
    bus.write(0x43, 1, uint8_t(ch << 6 | 0x30 | mode << 1 | bcd));
    bus.write(uint16_t(0x40 + ch), 1, count & 0xFF);
    bus.write(uint16_t(0x40 + ch), 1, count >> 8);
  }
  uint16_t read_count(unsigned ch) {
    uint16_t lo = uint16_t(bus.read(uint16_t(0x40 + ch), 1));
    return uint16_t(lo | bus.read(uint16_t(0x40 + ch), 1) << 8);
  }
  uint8_t status(unsigned ch) {
    bus.write(0x43, 1, uint8_t(0xE0 | 2u << ch));  // read-back: status only
    return uint8_t(bus.read(uint16_t(0x40 + ch), 1));
  }
};

TEST(DevPit, TickConversionIsExact) {
  for (int64_t k : {0LL, 1LL, 2LL, 1193181LL, 1193182LL, 99999999LL, 123456789012LL})
    EXPECT_EQ(pit_tick_at(pit_ns_of_tick(k)), k);
  EXPECT_EQ(pit_tick_at(1000000000), kPitHz);
}

TEST(DevPit, Mode2RateGeneratorRaisesIrq0EveryPeriod) {
  PitRig r;
  r.at(0);
  r.program(0, 2, 100);  // loaded at tick 1: OUT low at 100, rises at 101, 201, ...
  r.at(100);
  EXPECT_FALSE(r.pit.out(0));
  EXPECT_EQ(r.rises, 0);
  r.at(101);
  EXPECT_TRUE(r.pit.out(0));
  EXPECT_EQ(r.rises, 1);
  r.at(1001);
  EXPECT_EQ(r.rises, 10);
  r.at(1050);
  EXPECT_EQ(r.read_count(0), 100 - 49);  // 1050 = 1001 + 49 clocks after a reload
}

TEST(DevPit, Mode0InterruptOnTerminalCount) {
  PitRig r;
  r.at(10);
  r.program(0, 0, 5);
  EXPECT_FALSE(r.pit.out(0));
  r.at(11);  // loaded
  EXPECT_EQ(r.read_count(0), 5);
  r.at(15);
  EXPECT_EQ(r.read_count(0), 1);
  EXPECT_FALSE(r.pit.out(0));
  r.at(16);  // N+1 clocks after the write
  EXPECT_TRUE(r.pit.out(0));
  EXPECT_EQ(r.rises, 1);
  r.at(17);
  EXPECT_EQ(r.read_count(0), 0xFFFF);  // keeps counting, wraps
  EXPECT_TRUE(r.pit.out(0));
  r.at(100000);
  EXPECT_EQ(r.rises, 1);
  // Writing the control word sets OUT low again.
  r.bus.write(0x43, 1, 0x30);
  EXPECT_FALSE(r.pit.out(0));
}

TEST(DevPit, Mode0FirstByteStopsCounting) {
  PitRig r;
  r.program(0, 0, 1000);
  r.at(100);
  r.bus.write(0x40, 1, 0x10);  // LSB only so far: counting stops
  uint16_t held = r.read_count(0);
  r.at(500);
  EXPECT_EQ(r.read_count(0), held);
  r.bus.write(0x40, 1, 0x00);  // MSB: count 0x0010 loaded at the next clock
  r.at(501);
  EXPECT_EQ(r.read_count(0), 0x10);
  r.at(517);
  EXPECT_TRUE(r.pit.out(0));
}

TEST(DevPit, BcdCounting) {
  PitRig r;
  r.program(0, 2, 0x1000, true);  // 1000 decimal
  r.at(1 + 1);
  EXPECT_EQ(r.read_count(0), 0x0999);
  r.at(1001);
  EXPECT_EQ(r.rises, 1);
  r.program(1, 0, 0x0000, true);  // 0 means 10000 in BCD
  r.at(1002);
  EXPECT_EQ(r.read_count(1), 0x0000);
  r.at(1003);
  EXPECT_EQ(r.read_count(1), 0x9999);
}

TEST(DevPit, CounterLatchHoldsUntilRead) {
  PitRig r;
  r.program(1, 2, 1000);
  r.at(101);
  r.bus.write(0x43, 1, 0x40);  // latch counter 1
  r.at(300);
  r.bus.write(0x43, 1, 0x40);  // ignored: already latched
  EXPECT_EQ(r.read_count(1), 900);
  EXPECT_EQ(r.read_count(1), 1000 - 299);  // live again
}

TEST(DevPit, ReadBackStatusAndCount) {
  PitRig r;
  r.bus.write(0x43, 1, 0x74);  // ch1, lo/hi, mode 2, binary
  EXPECT_EQ(r.status(1), 0x80 | 0x40 | 0x34);  // OUT high, null count
  r.bus.write(0x41, 1, 0x00);
  r.bus.write(0x41, 1, 0x01);
  EXPECT_EQ(r.status(1) & 0x40, 0x40);  // not yet loaded
  r.at(1);
  EXPECT_EQ(r.status(1), 0x80 | 0x34);
  // Both latched: status first, then the count.
  r.at(11);
  r.bus.write(0x43, 1, 0xC4);
  EXPECT_EQ(r.bus.read(0x41, 1), 0xB4u);
  EXPECT_EQ(r.read_count(1), 256 - 10);
}

TEST(DevPit, LsbOnlyAndMsbOnlyAccess) {
  PitRig r;
  r.bus.write(0x43, 1, 0x50);  // ch1, LSB only, mode 0
  r.bus.write(0x41, 1, 0x20);
  r.at(1);
  EXPECT_EQ(r.bus.read(0x41, 1), 0x20u);
  EXPECT_EQ(r.bus.read(0x41, 1), 0x20u);
  r.bus.write(0x43, 1, 0x60);  // ch1, MSB only, mode 0
  r.bus.write(0x41, 1, 0x02);  // count 0x0200
  r.at(2);
  EXPECT_EQ(r.bus.read(0x41, 1), 0x02u);
  r.at(2 + 0x101);
  EXPECT_EQ(r.bus.read(0x41, 1), 0x00u);  // 0x00FF: MSB 0
}

TEST(DevPit, Mode3SquareWaveOnChannel2ViaPort61) {
  PitRig r;
  r.program(2, 3, 10);
  r.bus.write(0x61, 1, 0x01);  // gate on at tick 0: load at tick 1
  EXPECT_EQ(r.bus.read(0x61, 1) & 0x0F, 0x01u);
  auto out2 = [&] { return (r.bus.read(0x61, 1) & 0x20) != 0; };
  for (int64_t t = 1; t < 6; ++t) {
    r.at(t);
    EXPECT_TRUE(out2()) << t;
  }
  for (int64_t t = 6; t < 11; ++t) {
    r.at(t);
    EXPECT_FALSE(out2()) << t;
  }
  r.at(11);
  EXPECT_TRUE(out2());
  r.at(13);
  EXPECT_EQ(r.read_count(2), 6);  // decrements by two
  r.bus.write(0x61, 1, 0x00);  // gate low: OUT high, counting stops
  r.at(17);
  EXPECT_TRUE(out2());
  // Odd count: high (N+1)/2, low (N-1)/2.
  r.program(2, 3, 7);
  r.bus.write(0x61, 1, 0x01);  // load at 18
  r.at(21);
  EXPECT_TRUE(out2());
  r.at(22);
  EXPECT_FALSE(out2());
  r.at(25);
  EXPECT_TRUE(out2());
}

TEST(DevPit, Mode1OneShotRetriggeredByGate) {
  PitRig r;
  r.program(2, 1, 5);
  auto out2 = [&] { return (r.bus.read(0x61, 1) & 0x20) != 0; };
  r.at(10);
  EXPECT_TRUE(out2());  // waits for a trigger
  r.bus.write(0x61, 1, 0x01);  // trigger at 10, load at 11
  r.at(11);
  EXPECT_FALSE(out2());
  r.at(13);
  r.bus.write(0x61, 1, 0x00);
  r.bus.write(0x61, 1, 0x01);  // retrigger at 13: low until 14+5
  r.at(18);
  EXPECT_FALSE(out2());
  r.at(19);
  EXPECT_TRUE(out2());
}

TEST(DevPit, Mode4StrobeOneClockLow) {
  PitRig r;
  r.program(0, 4, 3);  // load at 1, CE 0 at 4: OUT low for tick 4 only
  r.at(3);
  EXPECT_TRUE(r.pit.out(0));
  r.at(4);
  EXPECT_FALSE(r.pit.out(0));
  r.at(5);
  EXPECT_TRUE(r.pit.out(0));
  EXPECT_EQ(r.rises, 1);
  r.at(100000);
  EXPECT_EQ(r.rises, 1);  // no repeat
}

TEST(DevPit, Mode5HardwareStrobe) {
  PitRig r;
  r.program(2, 5, 4);
  auto out2 = [&] { return (r.bus.read(0x61, 1) & 0x20) != 0; };
  r.at(20);
  EXPECT_TRUE(out2());
  r.bus.write(0x61, 1, 0x01);  // trigger: load at 21, strobe at 25
  r.at(24);
  EXPECT_TRUE(out2());
  r.at(25);
  EXPECT_FALSE(out2());
  r.at(26);
  EXPECT_TRUE(out2());
}

TEST(DevPit, Mode0GatePausesCounting) {
  PitRig r;
  r.program(2, 0, 100);
  r.bus.write(0x61, 1, 0x00);  // gate low from the start: loaded at 1, not counting
  r.at(50);
  EXPECT_EQ(r.read_count(2), 100);
  r.bus.write(0x61, 1, 0x01);
  r.at(60);
  EXPECT_EQ(r.read_count(2), 90);
  r.bus.write(0x61, 1, 0x00);
  r.at(500);
  EXPECT_EQ(r.read_count(2), 90);
}

TEST(DevPit, Mode2NewCountAtEndOfPeriod) {
  PitRig r;
  r.program(0, 2, 100);  // rises at 101, 201, ...
  r.at(150);
  r.bus.write(0x40, 1, 10);
  r.bus.write(0x40, 1, 0);
  r.at(201);
  EXPECT_EQ(r.rises, 2);
  EXPECT_EQ(r.read_count(0), 10);  // reloaded with the new count at 201
  r.at(211);
  EXPECT_EQ(r.rises, 3);
}

TEST(DevPit, Mode3NewCountAtEndOfHalfCycle) {
  PitRig r;
  r.program(0, 3, 100);  // loaded at 1: high 1-50, low 51-100, rise at 101
  r.at(20);
  r.bus.write(0x40, 1, 10);
  r.bus.write(0x40, 1, 0);
  r.at(50);
  EXPECT_TRUE(r.pit.out(0));
  r.at(51);  // the old high half ends; the new count starts with its low half
  EXPECT_FALSE(r.pit.out(0));
  r.at(55);
  EXPECT_FALSE(r.pit.out(0));
  r.at(56);
  EXPECT_TRUE(r.pit.out(0));
  EXPECT_EQ(r.rises, 1);
  r.at(66);
  EXPECT_EQ(r.rises, 2);
}

TEST(DevPit, Mode2GateLowForcesOutHighAndReloads) {
  PitRig r;
  r.program(2, 2, 10);
  auto out2 = [&] { return (r.bus.read(0x61, 1) & 0x20) != 0; };
  r.bus.write(0x61, 1, 0x01);  // load at 1: low at 10
  r.at(10);
  EXPECT_FALSE(out2());
  r.bus.write(0x61, 1, 0x00);  // gate low: OUT high at once
  EXPECT_TRUE(out2());
  r.at(30);
  r.bus.write(0x61, 1, 0x01);  // reload at 31: low again at 40
  r.at(39);
  EXPECT_TRUE(out2());
  r.at(40);
  EXPECT_FALSE(out2());
}

TEST(DevPit, RefreshToggleFollowsVirtualTime) {
  PitRig r;
  uint8_t a = uint8_t(r.bus.read(0x61, 1) & 0x10);
  r.sched.advance_to(15085);
  uint8_t b = uint8_t(r.bus.read(0x61, 1) & 0x10);
  EXPECT_NE(a, b);
  r.sched.advance_to(2 * 15085);
  EXPECT_EQ(uint8_t(r.bus.read(0x61, 1) & 0x10), a);
}

TEST(DevPit, SerializeKeepsTheWaveform) {
  PitRig r;
  r.program(0, 2, 100);
  r.at(150);
  Serializer save;
  r.pit.serialize(save);
  PitRig r2;
  r2.at(150);
  Serializer load(save.data());
  r2.pit.serialize(load);
  ASSERT_TRUE(load.ok());
  EXPECT_TRUE(r2.pit.out(0));
  r2.rises = 0;  // the restored line level itself rose on load
  r2.at(1001);
  EXPECT_EQ(r2.rises, 9);  // rises at 201 ... 1001
  EXPECT_EQ(r2.read_count(0), 100);
}

TEST(DevPit, GarbageNeverCrashes) {
  PitRig r;
  for (unsigned k = 0; k < 20000; ++k) {
    r.bus.write(uint16_t(0x40 + (k * 7 % 4)), 1, (k * 2654435761u) >> 11);
    if (k % 5 == 0) r.bus.write(0x61, 1, k);
    r.bus.read(uint16_t(0x40 + k % 4), 1);
    r.at(k * 3);
  }
  SUCCEED();
}

}  // namespace
}  // namespace rz
