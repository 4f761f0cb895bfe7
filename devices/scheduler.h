// devices/scheduler.h: the one virtual clock.  Time is a signed 64-bit count of virtual
// nanoseconds; devices arm events at absolute times; nothing reads the wall clock
// (style.md practice 8).  The machine advances it as instructions retire.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace rz {

using EventId = uint64_t;

class Scheduler {
 public:
  int64_t now() const { return now_; }
  // Run `fn` when the clock reaches `when` (absolute ns).  Returns an id for cancel().
  EventId schedule_at(int64_t when, std::function<void()> fn);
  EventId schedule_in(int64_t delta, std::function<void()> fn) { return schedule_at(now_ + delta, std::move(fn)); }
  void cancel(EventId id);
  // Time of the earliest pending event, or INT64_MAX.
  int64_t next_event() ;
  // Advance to `t`, firing every event due on the way, in time order.
  void advance_to(int64_t t);

 private:
  struct Ev {
    int64_t when;
    EventId id;
    bool operator>(const Ev& o) const { return when != o.when ? when > o.when : id > o.id; }
  };
  std::priority_queue<Ev, std::vector<Ev>, std::greater<Ev>> heap_;
  std::vector<std::pair<EventId, std::function<void()>>> live_;  // small: linear search
  int64_t now_ = 0;
  EventId next_id_ = 1;
  std::function<void()> take(EventId id);
};

}  // namespace rz
