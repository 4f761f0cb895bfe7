// devices/pit.h: the Intel 8254 programmable interval timer (ports 0x40-0x43) and the
// PC's system control port B (0x61: channel 2 gate, speaker enable, channel 2 OUT and
// the refresh toggle).
//
// The counters are not stepped: each channel keeps the virtual-clock tick at which its
// counting element (CE) was last loaded and derives CE and OUT from the elapsed ticks
// (1.193182 MHz of virtual time).  Only OUT edges that someone listens to (channel 0 ->
// IRQ0) become scheduler events; each event computes and arms the next edge.
// Timing follows the 8254 data sheet: a count is loaded into CE on the CLK after it is
// written (so mode 0 OUT rises N+1 clocks after the write), modes 2/3 pick up a new
// count at the end of the current period/half-cycle, modes 1/5 on the next gate
// trigger; gate low pauses modes 0/4 and stops modes 2/3 with OUT high.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/scheduler.h"
#include "devices/serialize.h"

namespace rz {

constexpr int64_t kPitHz = 1193182;

// Virtual-clock conversions (exact: tick_at(ns_of_tick(k)) == k).
int64_t pit_tick_at(int64_t ns);
int64_t pit_ns_of_tick(int64_t tick);

struct PitChannelState {
  uint16_t count = 0;      // count register as last written (raw, BCD if bcd)
  uint8_t control = 0x36;  // RW1 RW0 M2 M1 M0 BCD of the last control word
  uint8_t mode = 3;        // 0-5 (6, 7 alias 2, 3)
  uint8_t rw = 3;          // 1 LSB, 2 MSB, 3 LSB then MSB
  bool bcd = false;
  bool gate = true;
  bool have_count = false;            // a count was written since the control word
  bool armed = false;                 // CE is (or is about to be) counting
  bool paused = false;                // modes 0/4: gate low
  bool out_before_load = true;        // OUT between the write/trigger and the load CLK
  int64_t paused_d = -1;              // modes 0/4: decrements done when paused (-1: not loaded)
  int64_t load_tick = 0;              // tick at which CE was (or will be) loaded
  int64_t n = 0x10000;                // count in use by CE, in clocks
  int64_t null_clear_at = INT64_MAX;  // NULL COUNT reads 1 before this tick
  int64_t pending_at = -1;            // modes 2/3: tick at which a newly written count takes over
  int64_t pending_load = 0;
  int64_t pending_n = 0;
  uint32_t ce_idle = 0;  // CE when not counting (binary)
  // Latches and byte flip-flops.
  bool count_latched = false, status_latched = false;
  uint16_t latched_count = 0;
  uint8_t latched_status = 0;
  bool read_msb = false, write_msb = false;  // next byte is the MSB (mode rw=3)
  uint8_t write_lsb = 0;
  bool out_reported = false;
};

class Pit {
 public:
  explicit Pit(Scheduler& sched);
  Pit(const Pit&) = delete;
  Pit& operator=(const Pit&) = delete;
  ~Pit();

  void map_ports(PortBus& bus);  // 0x40-0x43 and 0x61
  // Channel 0 OUT drives this line (IRQ0).
  IrqLine& irq0() { return irq0_; }

  uint8_t read(unsigned reg);  // reg 0-3 = port 0x40-0x43
  void write(unsigned reg, uint8_t v);
  uint8_t read_port61();
  void write_port61(uint8_t v);

  void set_gate(unsigned ch, bool high);
  bool out(unsigned ch);          // OUT level now
  uint32_t counter(unsigned ch);  // CE now (binary)
  bool speaker_on() const { return (port61_ & 3) == 3; }
  // The speaker's input is port 0x61 bit 1 AND channel 2's OUT.  `f` hears every change of
  // that input made by a port 0x61 write (a program toggling bit 1 by hand, with OUT2 held
  // high: gate off in mode 3), with the virtual time of the write.  Changes of OUT2 itself
  // (a tone) are not reported: speaker_on() and channel(2) describe those.  Empty: none.
  void on_speaker_input(std::function<void(int64_t ns, bool level)> f) { speaker_listener_ = std::move(f); }
  // A channel's programmed state (mode, count in use, gate), for the frontend's speaker
  // sound; read-only.
  const PitChannelState& channel(unsigned ch) const { return ch_[ch]; }

  void serialize(Serializer& s);  // includes the post-load re-arm

 private:
  struct Eval {
    uint32_t ce;
    bool out;
  };
  int64_t now_tick() const { return pit_tick_at(sched_.now()); }
  void sync(PitChannelState& c, int64_t t);
  Eval eval(const PitChannelState& c, int64_t t) const;
  int64_t next_change(const PitChannelState& c, int64_t t) const;
  void write_count(unsigned ch, uint16_t value, int64_t t);
  void control_word(uint8_t v, int64_t t);
  void latch_count(PitChannelState& c, int64_t t);
  void latch_status(PitChannelState& c, int64_t t);
  void changed(unsigned ch);  // report OUT and re-arm the event
  void on_event();

  Scheduler& sched_;
  std::array<PitChannelState, 3> ch_;
  uint8_t port61_ = 0;  // bits 0-3 as written
  std::function<void(int64_t, bool)> speaker_listener_;
  bool speaker_input_ = false;  // as last reported to speaker_listener_
  IrqLine irq0_;
  EventId event_ = 0;
};

}  // namespace rz
