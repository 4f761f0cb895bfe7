// devices/rtc.cpp: MC146818A registers, the calendar, update cycles and periodic
// interrupts on the virtual clock.  See rtc.h.
#include "devices/rtc.h"

namespace rz {

namespace {
constexpr int64_t kSec = 1000000000;
constexpr uint8_t kRegA = 0x0A, kRegB = 0x0B, kRegC = 0x0C, kRegD = 0x0D;
constexpr uint8_t kBSet = 0x80, kBPie = 0x40, kBAie = 0x20, kBUie = 0x10;
constexpr uint8_t kPf = 0x40, kAf = 0x20, kUf = 0x10;
constexpr int64_t kUipWindowNs = 244000 + 1984000;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
bool is_time_reg(uint8_t i) { return i == 0 || i == 2 || i == 4 || (i >= 6 && i <= 9) || i == 0x32; }
}  // namespace

int64_t rtc_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void rtc_civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  d = unsigned(doy - (153 * mp + 2) / 5 + 1);
  m = unsigned(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
}

Rtc::Rtc(Scheduler& sched, int64_t start_seconds) : sched_(sched) {
  s_.cmos[kRegA] = 0x26;  // 32.768 kHz time base, 1024 Hz periodic rate
  s_.cmos[kRegB] = 0x02;  // 24-hour, BCD
  s_.cmos[kRegD] = 0x80;  // valid RAM and time
  s_.base_seconds = start_seconds;
  s_.base_ns = sched_.now();
  s_.divider_ns = sched_.now();
  arm_update();
}

Rtc::~Rtc() {
  if (update_ev_) sched_.cancel(update_ev_);
  if (periodic_ev_) sched_.cancel(periodic_ev_);
}

bool Rtc::running() const {
  return (s_.cmos[kRegA] & 0x70) == 0x20 && !(s_.cmos[kRegB] & kBSet);
}

int64_t Rtc::seconds_now() const {
  if (!running()) return s_.base_seconds;
  return s_.base_seconds + floor_div(sched_.now() - s_.base_ns, kSec);
}

uint8_t Rtc::encode(unsigned v) const {
  return binary() ? uint8_t(v) : uint8_t((v / 10 % 10) << 4 | v % 10);
}
unsigned Rtc::decode(uint8_t v) const { return binary() ? v : (v >> 4) * 10u + (v & 15u); }

uint8_t Rtc::time_reg(uint8_t index) const {
  int64_t secs = seconds_now();
  int64_t days = floor_div(secs, 86400), sod = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  rtc_civil_from_days(days, y, m, d);
  switch (index) {
    case 0: return encode(unsigned(sod % 60));
    case 2: return encode(unsigned(sod / 60 % 60));
    case 4: {
      unsigned h = unsigned(sod / 3600);
      if (hour24()) return encode(h);
      unsigned h12 = h % 12 == 0 ? 12 : h % 12;
      return uint8_t(encode(h12) | (h >= 12 ? 0x80 : 0));
    }
    case 6: {
      int64_t dow = ((days % 7) + 7 + 4 + s_.dow_offset) % 7;  // 1970-01-01 was a Thursday
      return encode(unsigned(dow + 1));                         // Sunday = 1
    }
    case 7: return encode(d);
    case 8: return encode(m);
    case 9: return encode(unsigned(((y % 100) + 100) % 100));
    default: return encode(unsigned(((y / 100) % 100 + 100) % 100));  // 0x32 century
  }
}

void Rtc::set_time_field(uint8_t index, uint8_t v) {
  int64_t secs = seconds_now();
  int64_t days = floor_div(secs, 86400), sod = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  rtc_civil_from_days(days, y, m, d);
  int64_t hh = sod / 3600, mm = sod / 60 % 60, ss = sod % 60;
  switch (index) {
    case 0: ss = decode(v); break;
    case 2: mm = decode(v); break;
    case 4:
      if (hour24()) hh = decode(v);
      else hh = decode(v & 0x7F) % 12 + ((v & 0x80) ? 12 : 0);
      break;
    case 6: {
      int64_t computed = ((days % 7) + 7 + 4) % 7;
      s_.dow_offset = int8_t(((int64_t(decode(v)) - 1 - computed) % 7 + 7) % 7);
      return;
    }
    case 7: d = decode(v); break;
    case 8: m = decode(v); break;
    case 9: y = floor_div(y, 100) * 100 + decode(v); break;
    default: y = int64_t(decode(v)) * 100 + ((y % 100) + 100) % 100; break;
  }
  // Out-of-range values (the chip would count on from them) are carried over.
  if (m < 1) m = 1;
  if (m > 12) {
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
  }
  if (d < 1) d = 1;
  int64_t nd = rtc_days_from_civil(y, m, 1) + d - 1;
  int64_t ns = nd * 86400 + hh * 3600 + mm * 60 + ss;
  if (running()) s_.base_ns += floor_div(sched_.now() - s_.base_ns, kSec) * kSec;
  s_.base_seconds = ns;
}

int64_t Rtc::periodic_ns_ticks() const {
  if ((s_.cmos[kRegA] & 0x70) != 0x20) return 0;  // divider not running
  unsigned rs = s_.cmos[kRegA] & 15;
  if (rs == 0) return 0;
  return rs <= 2 ? int64_t(1) << (rs + 6) : int64_t(1) << (rs - 1);
}

static int64_t periodic_index(int64_t since_ns, int64_t rate) {
  return int64_t((__int128)since_ns * 32768 / kSec) / rate;
}

void Rtc::refresh_pf() {
  int64_t rate = periodic_ns_ticks();
  if (!rate) return;
  int64_t idx = periodic_index(sched_.now() - s_.divider_ns, rate);
  if (idx > s_.pf_index) s_.flags |= kPf;
  s_.pf_index = idx;
}

void Rtc::update_irq() {
  uint8_t b = s_.cmos[kRegB];
  bool irqf = ((s_.flags & kPf) && (b & kBPie)) || ((s_.flags & kAf) && (b & kBAie)) ||
              ((s_.flags & kUf) && (b & kBUie));
  irq_.set(irqf);
}

void Rtc::arm_update() {
  if (update_ev_) sched_.cancel(update_ev_);
  update_ev_ = 0;
  if (!running()) return;
  int64_t next = s_.base_ns + (floor_div(sched_.now() - s_.base_ns, kSec) + 1) * kSec;
  update_ev_ = sched_.schedule_at(next, [this] { on_update(); });
}

void Rtc::on_update() {
  update_ev_ = 0;
  s_.flags |= kUf;
  bool match = true;
  for (uint8_t r : {uint8_t(0), uint8_t(2), uint8_t(4)}) {
    uint8_t alarm = s_.cmos[r + 1];
    if ((alarm & 0xC0) != 0xC0 && alarm != time_reg(r)) match = false;
  }
  if (match) s_.flags |= kAf;
  update_irq();
  arm_update();
}

void Rtc::arm_periodic() {
  if (periodic_ev_) sched_.cancel(periodic_ev_);
  periodic_ev_ = 0;
  int64_t rate = periodic_ns_ticks();
  if (!rate || !(s_.cmos[kRegB] & kBPie)) return;
  int64_t idx = periodic_index(sched_.now() - s_.divider_ns, rate) + 1;
  __int128 num = (__int128)idx * rate * kSec;
  int64_t when = s_.divider_ns + int64_t((num + 32767) / 32768);
  periodic_ev_ = sched_.schedule_at(when, [this] { on_periodic(); });
}

void Rtc::on_periodic() {
  periodic_ev_ = 0;
  refresh_pf();
  update_irq();
  arm_periodic();
}

uint8_t Rtc::read_reg(uint8_t index) {
  index &= 0x7F;
  if (is_time_reg(index)) return time_reg(index);
  switch (index) {
    case kRegA: {
      bool uip = false;
      if (running()) {
        int64_t next = s_.base_ns + (floor_div(sched_.now() - s_.base_ns, kSec) + 1) * kSec;
        uip = next - sched_.now() <= kUipWindowNs;
      }
      return uint8_t((s_.cmos[kRegA] & 0x7F) | (uip ? 0x80 : 0));
    }
    case kRegC: {
      refresh_pf();
      bool irqf = irq_.level();
      uint8_t v = uint8_t(s_.flags | (irqf ? 0x80 : 0));
      s_.flags = 0;
      update_irq();
      return v;
    }
    case kRegD: return 0x80;
    default: return s_.cmos[index];
  }
}

void Rtc::write_reg(uint8_t index, uint8_t v) {
  index &= 0x7F;
  if (is_time_reg(index)) {
    set_time_field(index, v);
    return;
  }
  switch (index) {
    case kRegA: {
      refresh_pf();
      bool was_running = running();
      int64_t cur = seconds_now();
      uint8_t old_dv = s_.cmos[kRegA] & 0x70, new_dv = v & 0x70;
      s_.cmos[kRegA] = v & 0x7F;
      if (new_dv == 0x20 && old_dv != 0x20) {
        // Divider released: the first update cycle comes half a second later.
        s_.base_seconds = cur;
        s_.divider_ns = sched_.now();
        s_.base_ns = sched_.now() - kSec / 2;
      } else if (was_running && !running()) {
        s_.base_seconds = cur;  // divider held in reset: the clock stops
      }
      if (int64_t rate = periodic_ns_ticks())
        s_.pf_index = periodic_index(sched_.now() - s_.divider_ns, rate);
      arm_update();
      arm_periodic();
      update_irq();
      return;
    }
    case kRegB: {
      refresh_pf();
      bool was_set = s_.cmos[kRegB] & kBSet;
      if (v & kBSet) v &= ~kBUie;  // SET clears UIE
      if (!was_set && (v & kBSet)) s_.base_seconds = seconds_now();
      s_.cmos[kRegB] = v;
      if (was_set && !(v & kBSet)) s_.base_ns = sched_.now();  // next update in 1 s
      arm_update();
      arm_periodic();
      update_irq();
      return;
    }
    case kRegC:
    case kRegD: return;  // read-only
    default: s_.cmos[index] = v; return;
  }
}

uint8_t Rtc::read_port(uint16_t port) {
  if ((port & 1) == 0) return 0xFF;  // the index register is write-only
  return read_reg(s_.index);
}

void Rtc::write_port(uint16_t port, uint8_t v) {
  if ((port & 1) == 0) {
    s_.index = v & 0x7F;
    s_.nmi_masked = (v & 0x80) != 0;
    return;
  }
  write_reg(s_.index, v);
}

void Rtc::map_ports(PortBus& bus) {
  PortHandler h;
  h.read = [this](uint16_t port, unsigned) -> uint32_t { return read_port(port); };
  h.write = [this](uint16_t port, unsigned, uint32_t v) { write_port(port, uint8_t(v)); };
  bus.map(0x70, 2, h, "rtc");
}

void Rtc::set_memory(uint64_t below_4g, uint64_t above_4g) {
  s_.cmos[0x15] = 640 & 0xFF;
  s_.cmos[0x16] = 640 >> 8;
  uint64_t ext = below_4g > (1u << 20) ? below_4g / 1024 - 1024 : 0;
  if (ext > 0xFFFF) ext = 0xFFFF;
  s_.cmos[0x17] = s_.cmos[0x30] = uint8_t(ext);
  s_.cmos[0x18] = s_.cmos[0x31] = uint8_t(ext >> 8);
  uint64_t hi = below_4g > (16u << 20) ? below_4g / 65536 - 256 : 0;
  if (hi > 0xFFFF) hi = 0xFFFF;
  s_.cmos[0x34] = uint8_t(hi);
  s_.cmos[0x35] = uint8_t(hi >> 8);
  uint64_t top = above_4g / 65536;
  s_.cmos[0x5B] = uint8_t(top);
  s_.cmos[0x5C] = uint8_t(top >> 8);
  s_.cmos[0x5D] = uint8_t(top >> 16);
}

void Rtc::set_boot_order(const uint8_t* dev, unsigned n, bool skip_floppy_check) {
  uint8_t b[3] = {0, 0, 0};
  for (unsigned k = 0; k < n && k < 3; ++k) b[k] = dev[k] & 15;
  s_.cmos[0x3D] = uint8_t(b[1] << 4 | b[0]);
  s_.cmos[0x38] = uint8_t(b[2] << 4 | (skip_floppy_check ? 1 : 0));
}

void Rtc::update_checksum() {
  unsigned sum = 0;
  for (unsigned k = 0x10; k <= 0x2D; ++k) sum += s_.cmos[k];
  s_.cmos[0x2E] = uint8_t(sum >> 8);
  s_.cmos[0x2F] = uint8_t(sum);
}

void Rtc::serialize(Serializer& s) {
  s(s_);
  if (s.loading()) {
    update_irq();
    arm_update();
    arm_periodic();
  }
}

}  // namespace rz
