// devices/scheduler.h: the one virtual clock.  Time is a signed 64-bit count of virtual
// nanoseconds; devices arm events at absolute times; nothing reads the wall clock
// (style.md practice 8).  The machine advances it as instructions retire.
//
// Events live in a binary heap of (time, id) plus a hash map from id to callback.
// schedule_at is O(log n), cancel is O(1) (the heap entry dies lazily), next_event and
// advance_to pop dead entries as they surface; when dead entries outnumber live ones
// the heap is rebuilt, so devices that re-arm constantly cannot grow it without bound.
// Events due at the same time fire in the order they were scheduled.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

namespace rz {

using EventId = uint64_t;

class Scheduler {
 public:
  int64_t now() const { return now_; }
  // Run `fn` when the clock reaches `when` (absolute ns).  Returns an id for cancel().
  EventId schedule_at(int64_t when, std::function<void()> fn);
  EventId schedule_in(int64_t delta, std::function<void()> fn) { return schedule_at(now_ + delta, std::move(fn)); }
  // Cancelling an id that already fired or was cancelled is harmless.
  void cancel(EventId id);
  // Time of the earliest pending event, or INT64_MAX.
  int64_t next_event();
  // Advance to `t`, firing every event due on the way, in time order.
  void advance_to(int64_t t);
  size_t pending() const { return live_.size(); }

 private:
  struct Ev {
    int64_t when;
    EventId id;
    bool operator>(const Ev& o) const { return when != o.when ? when > o.when : id > o.id; }
  };
  struct Live {
    int64_t when;
    std::function<void()> fn;
  };
  void pop_top();
  void rebuild();

  std::vector<Ev> heap_;  // min-heap by (when, id)
  std::unordered_map<EventId, Live> live_;
  int64_t now_ = 0;
  EventId next_id_ = 1;
};

}  // namespace rz
