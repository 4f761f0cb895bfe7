// devices/scheduler.cpp
#include "devices/scheduler.h"

#include <climits>

namespace rz {

EventId Scheduler::schedule_at(int64_t when, std::function<void()> fn) {
  EventId id = next_id_++;
  heap_.push(Ev{when < now_ ? now_ : when, id});
  live_.emplace_back(id, std::move(fn));
  return id;
}

std::function<void()> Scheduler::take(EventId id) {
  for (size_t k = 0; k < live_.size(); ++k) {
    if (live_[k].first == id) {
      auto fn = std::move(live_[k].second);
      live_[k] = std::move(live_.back());
      live_.pop_back();
      return fn;
    }
  }
  return {};
}

void Scheduler::cancel(EventId id) { take(id); }

int64_t Scheduler::next_event() {
  while (!heap_.empty()) {
    EventId id = heap_.top().id;
    bool alive = false;
    for (auto& e : live_) if (e.first == id) { alive = true; break; }
    if (alive) return heap_.top().when;
    heap_.pop();
  }
  return INT64_MAX;
}

void Scheduler::advance_to(int64_t t) {
  for (;;) {
    int64_t n = next_event();
    if (n > t) break;
    Ev e = heap_.top();
    heap_.pop();
    now_ = e.when;
    if (auto fn = take(e.id)) fn();
  }
  if (t > now_) now_ = t;
}

}  // namespace rz
