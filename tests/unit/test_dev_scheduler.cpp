// tests/unit/test_dev_scheduler.cpp: the virtual clock's event order, cancellation and
// re-arming from inside callbacks.
#include <gtest/gtest.h>

#include <vector>

#include "devices/scheduler.h"

namespace rz {
namespace {

TEST(DevScheduler, FiresInTimeThenSchedulingOrder) {
  Scheduler s;
  std::vector<int> order;
  s.schedule_at(30, [&] { order.push_back(3); });
  s.schedule_at(10, [&] { order.push_back(1); });
  s.schedule_at(10, [&] { order.push_back(2); });
  s.schedule_at(40, [&] { order.push_back(4); });
  EXPECT_EQ(s.next_event(), 10);
  s.advance_to(30);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(s.now(), 30);
  EXPECT_EQ(s.next_event(), 40);
}

TEST(DevScheduler, CancelAndPastEvents) {
  Scheduler s;
  int fired = 0;
  EventId a = s.schedule_at(100, [&] { fired += 1; });
  s.schedule_at(200, [&] { fired += 10; });
  s.cancel(a);
  s.cancel(a);  // twice is harmless
  EXPECT_EQ(s.next_event(), 200);
  s.advance_to(150);
  EXPECT_EQ(fired, 0);
  s.schedule_at(50, [&] { fired += 100; });  // in the past: runs at now
  EXPECT_EQ(s.next_event(), 150);
  s.advance_to(1000);
  EXPECT_EQ(fired, 110);
  EXPECT_EQ(s.next_event(), INT64_MAX);
}

TEST(DevScheduler, CallbacksMayRearmAndCancel) {
  Scheduler s;
  int ticks = 0;
  EventId victim = s.schedule_at(55, [&] { ticks += 1000; });
  std::function<void()> tick = [&] {
    ++ticks;
    if (s.now() == 50) s.cancel(victim);
    s.schedule_in(10, tick);
  };
  s.schedule_at(10, tick);
  s.advance_to(100);
  EXPECT_EQ(ticks, 10);
  EXPECT_EQ(s.pending(), 1u);
}

TEST(DevScheduler, ManyCancelsKeepTheHeapBounded) {
  Scheduler s;
  int fired = 0;
  EventId id = 0;
  for (int k = 0; k < 100000; ++k) {
    if (id) s.cancel(id);
    id = s.schedule_at(1000000 + k, [&] { ++fired; });
  }
  EXPECT_EQ(s.pending(), 1u);
  s.advance_to(2000000);
  EXPECT_EQ(fired, 1);
}

}  // namespace
}  // namespace rz
