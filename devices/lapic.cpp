// devices/lapic.cpp: the P6 local APIC: registers, interrupt acceptance and priority, LINT
// pins, IPIs to ourselves and the timer.  See lapic.h.
#include "devices/lapic.h"

#include <algorithm>
#include <stdexcept>

namespace rz {

namespace {

constexpr uint32_t kLvtMask = 1u << 16, kLvtLevel = 1u << 15, kLvtRemoteIrr = 1u << 14,
                   kTimerPeriodic = 1u << 17;
// Writable bits of each LVT entry on a P6: timer: vector, mask, periodic; perf counter:
// vector, delivery mode, mask; LINT0/1: vector, delivery mode, polarity, trigger mode, mask;
// error: vector, mask.  (Index 1, the thermal entry at 330h, does not exist on a P6.)
constexpr uint32_t kLvtWritable[6] = {0x300FF, 0, 0x107FF, 0x1A7FF, 0x1A7FF, 0x100FF};
// ICR low: vector, delivery mode, destination mode, level, trigger mode, shorthand.
constexpr uint32_t kIcrLoWritable = 0x000CCFFFu;
constexpr uint32_t kIcrLevelAssert = 1u << 14, kIcrLevelTrigger = 1u << 15,
                   kIcrLogical = 1u << 11;
constexpr const char* kRegion = "local-apic";

void set_bit(std::array<uint32_t, 8>& v, unsigned n) { v[n >> 5] |= 1u << (n & 31); }
void clear_bit(std::array<uint32_t, 8>& v, unsigned n) { v[n >> 5] &= ~(1u << (n & 31)); }
bool test_bit(const std::array<uint32_t, 8>& v, unsigned n) { return (v[n >> 5] >> (n & 31)) & 1; }

}  // namespace

LocalApic::LocalApic(Scheduler& sched, PhysMem& mem) : sched_(sched), mem_(mem) {
  for (unsigned n = 0; n < 2; ++n) {
    lint_in_[n].apic = this;
    lint_in_[n].n = n;
  }
  reset();
}

LocalApic::~LocalApic() {
  if (timer_event_) sched_.cancel(timer_event_);
  unmap_page();
}

int LocalApic::highest(const std::array<uint32_t, 8>& v) {
  for (int w = 7; w >= 0; --w)
    if (v[unsigned(w)]) return w * 32 + 31 - __builtin_clz(v[unsigned(w)]);
  return -1;
}

void LocalApic::reset() {
  if (timer_event_) sched_.cancel(timer_event_);
  timer_event_ = 0;
  const bool lint0 = s_.lint_level[0], lint1 = s_.lint_level[1];  // the pins keep their levels
  s_ = LocalApicState{};
  s_.lint_level[0] = lint0;
  s_.lint_level[1] = lint1;
  for (uint32_t& l : s_.lvt) l = kLvtMask;
  s_.lvt[kLvtThermal] = 0;
  // The departure from the SDM's reset state (lapic.h): LINT0 in ExtINT mode, unmasked.
  s_.lvt[kLvtLint0] = uint32_t(ApicMessage::ExtInt) << 8;
  s_.base_msr = kDefaultBase | kMsrBsp | kMsrEnable;
  map_page();
  update(true);
}

void LocalApic::set_base_msr(uint64_t v) {
  const bool was_enabled = hw_enabled();
  if (!(v & kMsrEnable) && was_enabled) {
    // Global disable: the registers go back to their power-up state (SDM 10.4.3).
    reset();
  }
  s_.base_msr = v;
  if (hw_enabled()) map_page();
  else unmap_page();
  update(true);
}

void LocalApic::map_page() {
  const uint64_t base = s_.base_msr & 0xFFFFFF000ull;
  if (mapped_ && mapped_base_ == base) return;
  unmap_page();
  if (base >> 32) return;  // above 4 GiB: out of reach of our 32-bit physical space
  MmioHandler h;
  h.read = [this](uint32_t a, unsigned size) { return read(a, size); };
  h.write = [this](uint32_t a, unsigned size, uint32_t v) { write(a, size, v); };
  try {
    mem_.map_mmio(uint32_t(base), 0x1000, std::move(h), kRegion);
  } catch (const std::invalid_argument&) {
    return;  // moved over another device's registers: that device keeps the addresses
  } catch (const std::runtime_error&) {
    return;
  }
  mapped_ = true;
  mapped_base_ = uint32_t(base);
}

void LocalApic::unmap_page() {
  if (!mapped_) return;
  mem_.unmap(kRegion);
  mapped_ = false;
}

// ---- priorities and the INTR output ------------------------------------------------------

uint32_t LocalApic::ppr() const {
  const int isrv = std::max(highest(s_.isr), 0);
  if ((s_.tpr >> 4) >= (unsigned(isrv) >> 4)) return s_.tpr & 0xFF;
  return unsigned(isrv) & 0xF0;
}

uint32_t LocalApic::apr() const {
  const unsigned isrv = unsigned(std::max(highest(s_.isr), 0));
  const unsigned irrv = unsigned(std::max(highest(s_.irr), 0));
  const unsigned tpr = s_.tpr & 0xFF;
  if ((tpr >> 4) >= (irrv >> 4) && (tpr >> 4) > (isrv >> 4)) return tpr;
  return std::max({tpr >> 4, isrv >> 4, irrv >> 4}) << 4;
}

bool LocalApic::extint_pending() const {
  const uint32_t l = s_.lvt[kLvtLint0];
  return s_.lint_level[0] && ((l >> 8) & 7) == ApicMessage::ExtInt && !(l & kLvtMask);
}

int LocalApic::deliverable() const {
  if (!sw_enabled()) return -1;  // held in IRR while software disabled
  const int v = highest(s_.irr);
  if (v < 0 || (unsigned(v) & 0xF0) <= (ppr() & 0xF0)) return -1;
  return v;
}

void LocalApic::update(bool force) {
  const bool v = hw_enabled() ? (extint_pending() || deliverable() >= 0) : s_.lint_level[0];
  if (v == intr_ && !force) return;
  intr_ = v;
  if (intr_cb_) intr_cb_(v);
}

uint8_t LocalApic::acknowledge() {
  if (!hw_enabled() || extint_pending()) return pic_ack_ ? pic_ack_() : uint8_t(s_.svr);
  const int v = deliverable();
  if (v < 0) return uint8_t(s_.svr);  // the request went away: the spurious vector
  clear_bit(s_.irr, unsigned(v));
  set_bit(s_.isr, unsigned(v));
  update();
  return uint8_t(v);
}

// ---- accepting interrupts ----------------------------------------------------------------

bool LocalApic::accept_fixed(uint8_t vector, bool level) {
  if (vector < 16) {
    error(kEsrReceiveIllegalVector);
    return false;
  }
  set_bit(s_.irr, vector);
  if (level) set_bit(s_.tmr, vector);
  else clear_bit(s_.tmr, vector);
  update();
  return true;
}

void LocalApic::error(uint32_t esr_bits) {
  s_.esr_pending |= esr_bits;
  const uint32_t l = s_.lvt[kLvtError];
  if (!hw_enabled() || (l & kLvtMask)) return;
  const uint8_t v = uint8_t(l);
  if (v < 16) {
    s_.esr_pending |= kEsrReceiveIllegalVector;  // logged, but no further error interrupt
    return;
  }
  accept_fixed(v, false);
}

void LocalApic::local_interrupt(unsigned idx) {
  const uint32_t l = s_.lvt[idx];
  if (!hw_enabled() || (l & kLvtMask)) return;
  const unsigned mode = (idx == kLvtTimer || idx == kLvtError) ? unsigned(ApicMessage::Fixed) : (l >> 8) & 7;
  if (mode == ApicMessage::Fixed) {
    const bool level = (idx == kLvtLint0 || idx == kLvtLint1) && (l & kLvtLevel);
    if (accept_fixed(uint8_t(l), level) && level) s_.lvt[idx] |= kLvtRemoteIrr;
  } else if (mode == ApicMessage::Nmi) {
    if (nmi_cb_) nmi_cb_();
  }
  // ExtINT works through extint_pending(); SMI and INIT are not modelled.
}

void LocalApic::lint_changed(unsigned n, bool high) {
  const bool was = s_.lint_level[n];
  s_.lint_level[n] = high;
  const unsigned idx = n == 0 ? kLvtLint0 : kLvtLint1;
  const uint32_t l = s_.lvt[idx];
  const unsigned mode = (l >> 8) & 7;
  if (hw_enabled() && mode != ApicMessage::ExtInt) {
    if (mode == ApicMessage::Fixed && (l & kLvtLevel)) {
      if (high && !(l & kLvtRemoteIrr)) local_interrupt(idx);
    } else if (high && !was) {
      local_interrupt(idx);  // edge triggered (NMI is always taken on the edge)
    }
  }
  update();
}

bool LocalApic::matches(bool logical, uint8_t dest) const {
  if (!logical) {
    // P6 APIC IDs are 4 bits; 0Fh is the physical broadcast.
    return (dest & 0xF) == 0xF || (dest & 0xF) == ((s_.id >> 24) & 0xF);
  }
  if (dest == 0xFF) return true;
  const uint8_t ldr = uint8_t(s_.ldr >> 24);
  if ((s_.dfr >> 28) == 0xF) return (ldr & dest) != 0;  // flat model
  // Cluster model: cluster in bits 7:4 (0Fh: all clusters), members in bits 3:0.
  const unsigned cluster = dest >> 4;
  return (cluster == 0xF || cluster == unsigned(ldr >> 4)) && (dest & ldr & 0xF) != 0;
}

bool LocalApic::receive(const ApicMessage& m) {
  if (!hw_enabled() || !matches(m.logical, m.dest)) return false;
  switch (m.mode) {
    case ApicMessage::Fixed:
    case ApicMessage::LowestPriority: return accept_fixed(m.vector, m.level);
    case ApicMessage::Nmi:
      if (nmi_cb_) nmi_cb_();
      return true;
    default: return false;  // SMI, INIT, start-up and ExtINT messages are not modelled
  }
}

void LocalApic::eoi() {
  const int v = highest(s_.isr);
  if (v < 0) return;
  clear_bit(s_.isr, unsigned(v));
  const bool level = test_bit(s_.tmr, unsigned(v));
  for (unsigned idx : {unsigned(kLvtLint0), unsigned(kLvtLint1)}) {
    uint32_t& l = s_.lvt[idx];
    if (!(l & kLvtRemoteIrr) || (l & 0xFF) != unsigned(v)) continue;
    l &= ~kLvtRemoteIrr;
    if (s_.lint_level[idx == kLvtLint0 ? 0 : 1] && (l & kLvtLevel)) local_interrupt(idx);
  }
  update();
  if (level && eoi_cb_) eoi_cb_(uint8_t(v));
}

void LocalApic::send_ipi() {
  const uint32_t lo = s_.icr_lo;
  const unsigned mode = (lo >> 8) & 7;
  const uint8_t vector = uint8_t(lo);
  const bool level = lo & kIcrLevelTrigger;
  if (mode == ApicMessage::Init && level && !(lo & kIcrLevelAssert)) return;  // INIT de-assert
  bool to_self = false;
  switch ((lo >> 18) & 3) {
    case 0: to_self = matches(lo & kIcrLogical, uint8_t(s_.icr_hi >> 24)); break;
    case 1:  // self
    case 2: to_self = true; break;  // all including self
    case 3: to_self = false; break;  // all excluding self: there is nobody else
  }
  if (mode == ApicMessage::Fixed || mode == ApicMessage::LowestPriority) {
    if (vector < 16) {
      error(kEsrSendIllegalVector);  // not sent
      return;
    }
    if (to_self) accept_fixed(vector, level);
  } else if (mode == ApicMessage::Nmi && to_self) {
    if (nmi_cb_) nmi_cb_();
  }
}

// ---- registers ---------------------------------------------------------------------------

uint32_t LocalApic::read(uint32_t off, unsigned size) {
  if (before_) before_();
  const uint32_t byte = off & 0xF;
  uint32_t v = byte < 4 ? read_reg(off & 0xFF0) >> (8 * byte) : 0;
  if (size < 4) v &= (1u << (8 * size)) - 1;
  if (after_) after_();
  return v;
}

void LocalApic::write(uint32_t off, unsigned size, uint32_t v) {
  if (before_) before_();
  if (size == 4 && (off & 0xF) == 0) write_reg(off & 0xFF0, v);
  if (after_) after_();
}

uint32_t LocalApic::read_reg(uint32_t off) {
  switch (off) {
    case 0x020: return s_.id;
    case 0x030: return kVersion;
    case 0x080: return s_.tpr;
    case 0x090: return apr();
    case 0x0A0: return ppr();
    case 0x0B0: return 0;  // EOI: write-only
    case 0x0D0: return s_.ldr;
    case 0x0E0: return s_.dfr;
    case 0x0F0: return s_.svr;
    case 0x280: return s_.esr;
    case 0x300: return s_.icr_lo;  // delivery status: always idle
    case 0x310: return s_.icr_hi;
    case 0x380: return s_.initial_count;
    case 0x390: return current_count();
    case 0x3E0: return s_.divide_config;
    default: break;
  }
  if (off >= 0x100 && off < 0x280) {
    const unsigned k = (off - 0x100) >> 4;
    return k < 8 ? s_.isr[k] : k < 16 ? s_.tmr[k - 8] : s_.irr[k - 16];
  }
  if (off >= 0x320 && off <= 0x370 && off != 0x330) return s_.lvt[(off - 0x320) >> 4];
  error(kEsrIllegalRegister);
  return 0;
}

void LocalApic::write_reg(uint32_t off, uint32_t v) {
  switch (off) {
    case 0x020: s_.id = v & 0x0F000000u; return;
    case 0x080:
      s_.tpr = v & 0xFF;
      update();
      return;
    case 0x0B0: eoi(); return;
    case 0x0D0: s_.ldr = v & 0xFF000000u; return;
    case 0x0E0: s_.dfr = (v & 0xF0000000u) | 0x0FFFFFFFu; return;
    case 0x0F0: write_svr(v); return;
    case 0x280:  // latch the errors seen since the last write; clear them
      s_.esr = s_.esr_pending;
      s_.esr_pending = 0;
      return;
    case 0x300:
      s_.icr_lo = v & kIcrLoWritable;
      send_ipi();
      return;
    case 0x310: s_.icr_hi = v & 0xFF000000u; return;
    case 0x380:
      s_.initial_count = v;
      s_.timer_running = v != 0;
      s_.timer_start = sched_.now();
      timer_arm();
      return;
    case 0x3E0: {
      const uint32_t c = current_count();
      timer_rebase_settle();
      s_.divide_config = v & 0xB;
      timer_continue_from(c);
      return;
    }
    // Read-only registers: version, APR, PPR, ISR/TMR/IRR, current count.
    case 0x030:
    case 0x090:
    case 0x0A0:
    case 0x390: return;
    default: break;
  }
  if (off >= 0x100 && off < 0x280) return;
  if (off >= 0x320 && off <= 0x370 && off != 0x330) {
    write_lvt((off - 0x320) >> 4, v);
    return;
  }
  error(kEsrIllegalRegister);
}

void LocalApic::write_svr(uint32_t v) {
  // Bits 3:0 of the spurious vector are hard-wired to 1 on P6 processors.
  s_.svr = (v & 0x3F0) | 0xF;
  if (!sw_enabled()) {
    for (unsigned idx = 0; idx < 6; ++idx)
      if (idx != kLvtThermal) s_.lvt[idx] |= kLvtMask;
    timer_arm();
  }
  update();
}

void LocalApic::write_lvt(unsigned idx, uint32_t v) {
  const uint32_t old = s_.lvt[idx];
  uint32_t nv = (v & kLvtWritable[idx]) | (old & ~kLvtWritable[idx]);
  if (!sw_enabled()) nv |= kLvtMask;  // mask bits stick while software disabled
  if (idx == kLvtTimer && ((nv ^ old) & kTimerPeriodic)) {
    const uint32_t c = current_count();
    timer_rebase_settle();
    s_.lvt[idx] = nv;
    timer_continue_from(c);
    return;
  }
  s_.lvt[idx] = nv;
  if (idx == kLvtTimer) timer_arm();
  if ((idx == kLvtLint0 || idx == kLvtLint1) && !(nv & kLvtMask) && (old & kLvtMask)) {
    // Unmasking a level-triggered fixed LINT whose pin is asserted delivers it.
    const unsigned n = idx == kLvtLint0 ? 0 : 1;
    if (((nv >> 8) & 7) == ApicMessage::Fixed && (nv & kLvtLevel) && s_.lint_level[n] &&
        !(nv & kLvtRemoteIrr))
      local_interrupt(idx);
  }
  update();
}

// ---- timer -------------------------------------------------------------------------------

int64_t LocalApic::tick_ns() const {
  const uint32_t code = ((s_.divide_config & 8) >> 1) | (s_.divide_config & 3);
  const int64_t divisor = code == 7 ? 1 : int64_t(2) << code;
  return kBusClockNs * divisor;
}

uint32_t LocalApic::current_count() const {
  if (!s_.timer_running || s_.initial_count == 0) return 0;
  const int64_t elapsed = std::max<int64_t>(0, sched_.now() - s_.timer_start) / tick_ns();
  if (s_.lvt[kLvtTimer] & kTimerPeriodic)
    return s_.initial_count - uint32_t(elapsed % int64_t(s_.initial_count));
  return elapsed >= int64_t(s_.initial_count) ? 0 : s_.initial_count - uint32_t(elapsed);
}

void LocalApic::timer_rebase_settle() {
  // A one-shot count that has run out is stopped, whatever changes next.
  if (s_.timer_running && !(s_.lvt[kLvtTimer] & kTimerPeriodic) && current_count() == 0)
    s_.timer_running = false;
}

void LocalApic::timer_continue_from(uint32_t c) {
  if (s_.timer_running) {
    if (c == 0) c = s_.initial_count;  // (periodic only) the reload
    s_.timer_start = sched_.now() - int64_t(s_.initial_count - c) * tick_ns();
  }
  timer_arm();
}

void LocalApic::timer_arm() {
  if (timer_event_) sched_.cancel(timer_event_);
  timer_event_ = 0;
  if (!s_.timer_running || !hw_enabled() || (s_.lvt[kLvtTimer] & kLvtMask)) return;
  const int64_t period = int64_t(s_.initial_count) * tick_ns();
  const int64_t now = sched_.now();
  int64_t when = s_.timer_start + period;
  if (s_.lvt[kLvtTimer] & kTimerPeriodic) {
    when = s_.timer_start + (std::max<int64_t>(0, now - s_.timer_start) / period + 1) * period;
  } else if (when <= now) {
    s_.timer_running = false;  // ran out while masked: no interrupt
    return;
  }
  timer_event_ = sched_.schedule_at(when, [this] {
    timer_event_ = 0;
    timer_fire();
  });
}

void LocalApic::timer_fire() {
  if (!(s_.lvt[kLvtTimer] & kTimerPeriodic)) s_.timer_running = false;
  local_interrupt(kLvtTimer);
  timer_arm();
}

void LocalApic::serialize(Serializer& s) {
  s(s_);
  if (s.loading()) {
    if (hw_enabled()) map_page();
    else unmap_page();
    timer_arm();
    update(true);
  }
}

}  // namespace rz
