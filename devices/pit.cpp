// devices/pit.cpp: 8254 counters evaluated from virtual time, the control/latch/
// read-back commands, and port 0x61.  See pit.h.
#include "devices/pit.h"

#include <climits>

namespace rz {

int64_t pit_tick_at(int64_t ns) {
  if (ns <= 0) return 0;
  return int64_t((__int128)ns * kPitHz / 1000000000);
}

int64_t pit_ns_of_tick(int64_t tick) {
  if (tick <= 0) return 0;
  __int128 num = (__int128)tick * 1000000000;
  return int64_t((num + kPitHz - 1) / kPitHz);
}

namespace {

uint32_t from_bcd(uint16_t v) {
  return (v >> 12 & 15) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 + (v & 15);
}
uint16_t to_bcd(uint32_t v) {
  v %= 10000;
  return uint16_t((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | (v % 10));
}
int64_t wrap_of(const PitChannelState& c) { return c.bcd ? 10000 : 0x10000; }
// Clocks an initial count stands for (0 is the maximum).
int64_t clocks_of(const PitChannelState& c, uint16_t count) {
  int64_t v = c.bcd ? from_bcd(count) : count;
  return v == 0 ? wrap_of(c) : v;
}
bool periodic(uint8_t mode) { return mode == 2 || mode == 3; }
bool gate_pauses(uint8_t mode) { return mode == 0 || mode == 4; }
bool gate_triggers(uint8_t mode) { return mode == 1 || mode == 5; }
// Modes 2 and 3 need at least 2 clocks per period (a count of 1 is illegal there).
int64_t period(const PitChannelState& c) { return c.n < 2 ? 2 : c.n; }

}  // namespace

Pit::Pit(Scheduler& sched) : sched_(sched) {
  ch_[2].gate = false;  // port 0x61 bit 0 is clear at reset
  // Before programming OUT is undefined; take it as high (as every mode but 0 starts),
  // so IRQ0 sees its first rising edge at the first real low-to-high transition.
  for (auto& c : ch_) c.out_reported = true;
  irq0_.raise();
}

Pit::~Pit() {
  if (event_) sched_.cancel(event_);
}

// Apply a mode 2/3 count change whose time has come.
void Pit::sync(PitChannelState& c, int64_t t) {
  if (c.pending_at >= 0 && t >= c.pending_at) {
    c.load_tick = c.pending_load;
    c.n = c.pending_n;
    c.pending_at = -1;
  }
}

Pit::Eval Pit::eval(const PitChannelState& c, int64_t t) const {
  Eval e{c.ce_idle, c.mode != 0};
  if (!c.armed) return e;
  int64_t d = t - c.load_tick;
  if (c.paused) d = c.paused_d >= 0 ? c.paused_d : (d >= 0 ? 0 : -1);
  if (d < 0) {
    e.out = c.out_before_load;
    return e;
  }
  int64_t n = c.n, wrap = wrap_of(c);
  switch (c.mode) {
    case 0:
    case 1:
      e.ce = uint32_t(((n - d % wrap) % wrap + wrap) % wrap);
      e.out = d >= n;
      break;
    case 4:
    case 5:
      e.ce = uint32_t(((n - d % wrap) % wrap + wrap) % wrap);
      e.out = d != n;
      break;
    case 2: {
      int64_t p = period(c), ph = d % p;
      e.ce = uint32_t(p - ph);
      e.out = ph != p - 1;
      break;
    }
    default: {  // 3: square wave
      int64_t p = period(c), ph = d % p, high = (p + 1) / 2;
      if (p % 2 == 0) {
        e.ce = uint32_t(ph < p / 2 ? p - 2 * ph : p - 2 * (ph - p / 2));
      } else {
        e.ce = uint32_t(ph < high ? (p - 1) - 2 * ph : (p - 1) - 2 * (ph - high));
      }
      e.out = ph < high;
      break;
    }
  }
  if (e.ce >= uint32_t(wrap)) e.ce = 0;  // 65536 / 10000 read as 0
  return e;
}

// The next tick after `t` at which OUT changes or the state must be updated.
int64_t Pit::next_change(const PitChannelState& c, int64_t t) const {
  int64_t best = c.pending_at >= 0 && c.pending_at > t ? c.pending_at : INT64_MAX;
  if (!c.armed || c.paused) return best;
  int64_t d = t - c.load_tick, n = c.n, when = INT64_MAX;
  switch (c.mode) {
    case 0:
      if (d < n) when = c.load_tick + n;
      break;
    case 1:
      if (d < 0)
        when = c.load_tick;
      else if (d < n)
        when = c.load_tick + n;
      break;
    case 4:
    case 5:
      if (d < n)
        when = c.load_tick + n;
      else if (d == n)
        when = c.load_tick + n + 1;
      break;
    case 2: {
      int64_t p = period(c);
      if (d < 0) {
        when = c.load_tick + p - 1;
      } else {
        int64_t base = c.load_tick + d / p * p;
        when = (d % p < p - 1) ? base + p - 1 : base + p;
      }
      break;
    }
    default: {
      int64_t p = period(c), high = (p + 1) / 2;
      if (d < 0) {
        when = c.load_tick + high;
      } else {
        int64_t base = c.load_tick + d / p * p;
        when = (d % p < high) ? base + high : base + p;
      }
      break;
    }
  }
  return when < best ? when : best;
}

void Pit::changed(unsigned ch) {
  int64_t t = now_tick();
  auto& c = ch_[ch];
  bool o = eval(c, t).out;
  if (o != c.out_reported) {
    c.out_reported = o;
    if (ch == 0) irq0_.set(o);
  }
  if (ch != 0) return;
  if (event_) sched_.cancel(event_);
  event_ = 0;
  int64_t next = next_change(c, t);
  if (next != INT64_MAX) event_ = sched_.schedule_at(pit_ns_of_tick(next), [this] { on_event(); });
}

void Pit::on_event() {
  event_ = 0;
  sync(ch_[0], now_tick());
  changed(0);
}

void Pit::control_word(uint8_t v, int64_t t) {
  unsigned sel = v >> 6;
  if (sel == 3) {  // read-back command
    for (unsigned k = 0; k < 3; ++k) {
      if (!(v & (2u << k))) continue;
      sync(ch_[k], t);
      if (!(v & 0x20)) latch_count(ch_[k], t);
      if (!(v & 0x10)) latch_status(ch_[k], t);
    }
    return;
  }
  auto& c = ch_[sel];
  sync(c, t);
  if ((v & 0x30) == 0) {  // counter latch command
    latch_count(c, t);
    return;
  }
  c.ce_idle = eval(c, t).ce;
  c.control = v & 0x3F;
  c.rw = (v >> 4) & 3;
  c.mode = (v >> 1) & 7;
  if (c.mode > 5) c.mode -= 4;
  c.bcd = v & 1;
  c.have_count = c.armed = c.paused = false;
  c.pending_at = -1;
  c.null_clear_at = INT64_MAX;
  c.count_latched = c.status_latched = false;
  c.read_msb = c.write_msb = false;
  changed(sel);
}

void Pit::write_count(unsigned ch, uint16_t value, int64_t t) {
  auto& c = ch_[ch];
  bool first = !c.have_count;
  c.count = value;
  c.have_count = true;
  int64_t n = clocks_of(c, value);
  if (gate_triggers(c.mode)) {
    c.null_clear_at = INT64_MAX;  // CE is loaded at the next gate trigger
  } else if (periodic(c.mode)) {
    if (first || !c.armed) {
      c.n = n;
      if (c.gate) {
        c.armed = true;
        c.load_tick = t + 1;
        c.out_before_load = true;
        c.null_clear_at = t + 1;
      } else {
        c.null_clear_at = INT64_MAX;
      }
    } else {
      // Taken over at the end of the current period (mode 2) or half-cycle (mode 3).
      int64_t d = t - c.load_tick, p = period(c);
      if (d < 0) {
        c.n = n;  // not loaded yet: the new count is what gets loaded
      } else {
        int64_t base = c.load_tick + d / p * p;
        if (c.mode == 2) {
          c.pending_at = c.pending_load = base + p;
        } else {
          int64_t high = (p + 1) / 2;
          if (d % p < high) {
            c.pending_at = base + high;
            int64_t np = n < 2 ? 2 : n;
            c.pending_load = c.pending_at - (np + 1) / 2;  // resume in the low half
          } else {
            c.pending_at = c.pending_load = base + p;
          }
        }
        c.pending_n = n;
        c.null_clear_at = c.pending_at;
      }
    }
  } else {  // modes 0 and 4: (re)load on the next CLK
    c.ce_idle = eval(c, t).ce;
    c.n = n;
    c.armed = true;
    c.load_tick = t + 1;
    c.out_before_load = c.mode != 0;
    c.null_clear_at = t + 1;
    c.paused = !c.gate;
    c.paused_d = -1;
  }
  changed(ch);
}

void Pit::latch_count(PitChannelState& c, int64_t t) {
  if (c.count_latched) return;  // the first latch holds until read
  uint32_t ce = eval(c, t).ce;
  c.latched_count = c.bcd ? to_bcd(ce) : uint16_t(ce);
  c.count_latched = true;
  c.read_msb = false;
}

void Pit::latch_status(PitChannelState& c, int64_t t) {
  if (c.status_latched) return;
  bool null_count = t < c.null_clear_at;
  c.latched_status = uint8_t((eval(c, t).out ? 0x80 : 0) | (null_count ? 0x40 : 0) | c.control);
  c.status_latched = true;
}

uint8_t Pit::read(unsigned reg) {
  if (reg > 2) return 0xFF;  // the control register cannot be read
  int64_t t = now_tick();
  auto& c = ch_[reg];
  sync(c, t);
  if (c.status_latched) {
    c.status_latched = false;
    return c.latched_status;
  }
  uint16_t v;
  if (c.count_latched) {
    v = c.latched_count;
  } else {
    uint32_t ce = eval(c, t).ce;
    v = c.bcd ? to_bcd(ce) : uint16_t(ce);
  }
  uint8_t out;
  switch (c.rw) {
    case 1:
      out = uint8_t(v);
      c.count_latched = false;
      break;
    case 2:
      out = uint8_t(v >> 8);
      c.count_latched = false;
      break;
    default:
      out = c.read_msb ? uint8_t(v >> 8) : uint8_t(v);
      if (c.read_msb) c.count_latched = false;
      c.read_msb = !c.read_msb;
      break;
  }
  return out;
}

void Pit::write(unsigned reg, uint8_t v) {
  int64_t t = now_tick();
  if (reg == 3) {
    control_word(v, t);
    return;
  }
  auto& c = ch_[reg];
  sync(c, t);
  switch (c.rw) {
    case 1:
      write_count(reg, v, t);
      break;
    case 2:
      write_count(reg, uint16_t(v << 8), t);
      break;
    default:
      if (!c.write_msb) {
        c.write_lsb = v;
        c.write_msb = true;
        if (c.mode == 0 && c.armed) {  // the first byte stops a mode 0 count
          c.ce_idle = eval(c, t).ce;
          c.armed = false;
          changed(reg);
        }
      } else {
        c.write_msb = false;
        write_count(reg, uint16_t(c.write_lsb | v << 8), t);
      }
      break;
  }
}

void Pit::set_gate(unsigned ch, bool high) {
  auto& c = ch_[ch];
  if (c.gate == high) return;
  int64_t t = now_tick();
  sync(c, t);
  c.gate = high;
  if (high) {
    if (gate_triggers(c.mode) && c.have_count) {
      c.out_before_load = eval(c, t).out;
      c.n = clocks_of(c, c.count);
      c.armed = true;
      c.load_tick = t + 1;
      c.null_clear_at = t + 1;
    } else if (periodic(c.mode) && c.have_count) {
      c.n = clocks_of(c, c.count);
      c.armed = true;
      c.load_tick = t + 1;
      c.out_before_load = true;
      c.null_clear_at = t + 1;
      c.pending_at = -1;
    } else if (gate_pauses(c.mode) && c.paused) {
      c.paused = false;
      if (c.paused_d >= 0)
        c.load_tick = t - c.paused_d;
      else if (c.load_tick < t)
        c.load_tick = t;
    }
  } else {
    if (gate_pauses(c.mode) && c.armed && !c.paused) {
      int64_t d = t - c.load_tick;
      c.paused = true;
      c.paused_d = d >= 0 ? d : -1;
    } else if (periodic(c.mode) && c.armed) {
      c.ce_idle = eval(c, t).ce;
      c.armed = false;  // OUT high, counting stops until the gate rises again
      c.pending_at = -1;
    }
  }
  changed(ch);
}

bool Pit::out(unsigned ch) {
  int64_t t = now_tick();
  sync(ch_[ch], t);
  return eval(ch_[ch], t).out;
}

uint32_t Pit::counter(unsigned ch) {
  int64_t t = now_tick();
  sync(ch_[ch], t);
  return eval(ch_[ch], t).ce;
}

// Port 0x61 (system control port B): bit 0 timer 2 gate, bit 1 speaker data enable,
// bits 2-3 parity / channel check enables (stored), bit 4 refresh request toggle
// (DRAM refresh every 15.085 us of virtual time), bit 5 timer 2 OUT; bits 6-7 (channel
// check, parity error) never occur here.
uint8_t Pit::read_port61() {
  bool toggle = (sched_.now() / 15085) & 1;
  return uint8_t((port61_ & 0x0F) | (toggle ? 0x10 : 0) | (out(2) ? 0x20 : 0));
}

void Pit::write_port61(uint8_t v) {
  port61_ = v & 0x0F;
  set_gate(2, v & 1);
  if (speaker_listener_) {
    bool level = (port61_ & 2) && out(2);
    if (level != speaker_input_) {
      speaker_input_ = level;
      speaker_listener_(sched_.now(), level);
    }
  }
}

void Pit::map_ports(PortBus& bus) {
  PortHandler h;
  h.read = [this](uint16_t port, unsigned) -> uint32_t { return read(port & 3); };
  h.write = [this](uint16_t port, unsigned, uint32_t v) { write(port & 3, uint8_t(v)); };
  bus.map(0x40, 4, h, "pit");
  PortHandler b;
  b.read = [this](uint16_t, unsigned) -> uint32_t { return read_port61(); };
  b.write = [this](uint16_t, unsigned, uint32_t v) { write_port61(uint8_t(v)); };
  bus.map(0x61, 1, b, "port61");
}

void Pit::serialize(Serializer& s) {
  s(ch_);
  s(port61_);
  if (s.loading()) {
    irq0_.set(ch_[0].out_reported);
    if (event_) sched_.cancel(event_);
    event_ = 0;
    changed(0);
  }
}

}  // namespace rz
