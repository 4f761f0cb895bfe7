// frontend/pacer.h: keeps an idle guest's virtual time from running ahead of host time
// while a person watches (the SDL window under --clock=virtual).  Under the virtual clock
// an idle guest's time jumps from event to event, far faster than real time: a key held for
// 50 ms of host time would last seconds of guest time (typematic repeats), a boot menu's
// countdown would be over before it is seen.  The pacer tracks how far guest time has got
// ahead of host time; the window waits that long (QEMU's -icount sleep=on does the same).
// Time the guest fell behind is made up, within limits: while it is busy (slower than real
// time, it computes) by at most kBusySlackNs, so a guest that was busy for minutes is not
// raced forward afterwards; while it idles (halted: the time was lost to the host, a loaded
// machine, a slow frame, a wait that overslept) by up to kIdleSlackNs, so the guest clock
// keeps up with the person watching.  What the guest computes is the same either way.
#pragma once

#include <algorithm>
#include <cstdint>

namespace rz {

class IdlePacer {
 public:
  static constexpr int64_t kBusySlackNs = 100'000'000;
  static constexpr int64_t kIdleSlackNs = 2'000'000'000;

  // Note both clocks (ns, each from its own origin) and whether the guest is idle (its CPU
  // halted); returns how far guest time is now ahead of host time (negative: behind, by at
  // most kBusySlackNs or kIdleSlackNs).
  int64_t update(int64_t virtual_ns, int64_t host_ns, bool idle) {
    int64_t floor = idle ? -kIdleSlackNs : -kBusySlackNs;
    if (started_) ahead_ = std::max<int64_t>(floor, ahead_ + (virtual_ns - v0_) - (host_ns - h0_));
    started_ = true;
    v0_ = virtual_ns;
    h0_ = host_ns;
    return ahead_;
  }
  int64_t ahead() const { return ahead_; }

 private:
  bool started_ = false;
  int64_t v0_ = 0, h0_ = 0, ahead_ = 0;
};

}  // namespace rz
