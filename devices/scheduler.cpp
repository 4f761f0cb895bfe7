// devices/scheduler.cpp: the event heap.  See scheduler.h.
#include "devices/scheduler.h"

#include <algorithm>
#include <climits>

namespace rz {

namespace {
auto heap_cmp = [](const auto& a, const auto& b) { return a > b; };
}

EventId Scheduler::schedule_at(int64_t when, std::function<void()> fn) {
  EventId id = next_id_++;
  if (when < now_) when = now_;
  heap_.push_back(Ev{when, id});
  std::push_heap(heap_.begin(), heap_.end(), heap_cmp);
  live_.emplace(id, Live{when, std::move(fn)});
  return id;
}

void Scheduler::cancel(EventId id) {
  if (live_.erase(id) && heap_.size() > 2 * live_.size() + 64) rebuild();
}

void Scheduler::rebuild() {
  heap_.clear();
  for (auto& [id, l] : live_) heap_.push_back(Ev{l.when, id});
  std::make_heap(heap_.begin(), heap_.end(), heap_cmp);
}

void Scheduler::pop_top() {
  std::pop_heap(heap_.begin(), heap_.end(), heap_cmp);
  heap_.pop_back();
}

int64_t Scheduler::next_event() {
  while (!heap_.empty()) {
    if (live_.count(heap_.front().id)) return heap_.front().when;
    pop_top();
  }
  return INT64_MAX;
}

void Scheduler::advance_to(int64_t t) {
  for (;;) {
    int64_t n = next_event();
    if (n > t) break;
    EventId id = heap_.front().id;
    pop_top();
    auto it = live_.find(id);
    std::function<void()> fn = std::move(it->second.fn);
    live_.erase(it);
    now_ = n;
    fn();
  }
  if (t > now_) now_ = t;
}

}  // namespace rz
