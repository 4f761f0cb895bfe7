// devices/ps2.cpp: PS/2 keyboard and mouse command sets, scancode emission and mouse
// packets.  See ps2.h.
#include "devices/ps2.h"

namespace rz {

namespace {

// The 8042 set 2 -> set 1 translation for codes 0x00-0x7F; codes from 0x80 up pass
// through except 0x83 (F7) and 0x84 (SysRq).
constexpr uint8_t kXlat[128] = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a, 0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c, 0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, 0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60, 0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e, 0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, 0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45, 0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};

constexpr uint8_t kAck = 0xFA, kResend = 0xFE, kBatOk = 0xAA;

int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

}  // namespace

uint8_t ps2_translate_set2(uint8_t c) {
  if (c < 0x80) return kXlat[c];
  if (c == 0x83) return 0x41;
  if (c == 0x84) return 0x54;
  return c;
}

uint8_t ps2_set1_to_set2(uint8_t set1) {
  set1 &= 0x7F;
  if (set1 == 0x41) return 0x83;  // F7's real set-2 code
  if (set1 == 0x54) return 0x84;  // SysRq
  for (unsigned c = 1; c < 0x80; ++c)
    if (kXlat[c] == set1) return uint8_t(c);
  return 0;
}

bool Ps2Queue::push(uint8_t b) {
  if (count >= buf.size()) return false;
  buf[(head + count) % buf.size()] = b;
  ++count;
  return true;
}

bool Ps2Queue::pop(uint8_t& b) {
  if (!count) return false;
  b = buf[head];
  head = uint8_t((head + 1) % buf.size());
  --count;
  return true;
}

// ---- keyboard ---------------------------------------------------------------------

Ps2Keyboard::~Ps2Keyboard() {
  if (repeat_ev_) sched_.cancel(repeat_ev_);
}

void Ps2Keyboard::send(uint8_t b) {
  s_.q.push(b);
  if (b != kResend) s_.last_sent = b;
  if (notify_) notify_();
}

void Ps2Keyboard::defaults() {
  s_.set = 2;
  s_.typematic = 0x2B;
  s_.repeat_code = 0;
  arm_repeat(-1);
}

void Ps2Keyboard::write(uint8_t v) {
  if (s_.expect && v < 0x80) {
    uint8_t cmd = s_.expect;
    s_.expect = 0;
    switch (cmd) {
      case 0xED:
        s_.leds = v & 7;
        send(kAck);
        return;
      case 0xF3:
        s_.typematic = v & 0x7F;
        send(kAck);
        return;
      default:  // 0xF0
        if (v == 0) {
          send(kAck);
          send(s_.set);
        } else if (v <= 3) {
          send(kAck);
          if (v != 3) s_.set = v;  // set 3 is not implemented
        } else {
          send(kResend);
        }
        return;
    }
  }
  s_.expect = 0;
  switch (v) {
    case 0xED:
    case 0xF0:
    case 0xF3:
      s_.expect = v;
      send(kAck);
      break;
    case 0xEE: send(0xEE); break;
    case 0xF2:
      send(kAck);
      send(0xAB);
      send(0x83);
      break;
    case 0xF4:
      s_.q.clear();
      s_.scanning = true;
      send(kAck);
      break;
    case 0xF5:
      s_.q.clear();
      defaults();
      s_.scanning = false;
      send(kAck);
      break;
    case 0xF6:
      s_.q.clear();
      defaults();
      send(kAck);
      break;
    case 0xF7: case 0xF8: case 0xF9: case 0xFA: case 0xFB: case 0xFC: case 0xFD:
      send(kAck);  // set-3 key types: accepted, no effect
      break;
    case 0xFE: send(s_.last_sent); break;
    case 0xFF:
      s_.q.clear();
      defaults();
      s_.leds = 0;
      s_.scanning = true;
      send(kAck);
      send(kBatOk);
      break;
    default: send(kResend); break;
  }
}

void Ps2Keyboard::emit_key(uint8_t code, bool extended, bool pressed) {
  uint8_t bytes[3];
  unsigned n = 0;
  if (extended) bytes[n++] = 0xE0;
  if (s_.set == 1) {
    bytes[n++] = uint8_t(ps2_translate_set2(code) | (pressed ? 0 : 0x80));
  } else {
    if (!pressed) bytes[n++] = 0xF0;
    bytes[n++] = code;
  }
  if (s_.q.free() < n + 1) {
    // Buffer overrun: the keyboard sends its overrun code instead of the key.
    if (s_.q.free() >= 1 && s_.last_sent != 0 && s_.last_sent != 0xFF)
      send(s_.set == 1 ? 0xFF : 0x00);
    return;
  }
  for (unsigned k = 0; k < n; ++k) s_.q.push(bytes[k]);
  s_.last_sent = bytes[n - 1];
  if (notify_) notify_();
}

int64_t Ps2Keyboard::delay_ns() const { return (1 + ((s_.typematic >> 5) & 3)) * 250000000LL; }
int64_t Ps2Keyboard::period_ns() const {
  int64_t a = s_.typematic & 7, b = (s_.typematic >> 3) & 3;
  return ((8 + a) << b) * 1000000000LL / 240;
}

void Ps2Keyboard::arm_repeat(int64_t when) {
  if (repeat_ev_) sched_.cancel(repeat_ev_);
  repeat_ev_ = 0;
  s_.repeat_due = when;
  if (when >= 0) repeat_ev_ = sched_.schedule_at(when, [this] { on_repeat(); });
}

void Ps2Keyboard::on_repeat() {
  repeat_ev_ = 0;
  s_.repeat_due = -1;
  if (!s_.repeat_code || !s_.scanning) return;
  emit_key(s_.repeat_code, s_.repeat_ext, true);
  arm_repeat(sched_.now() + period_ns());
}

void Ps2Keyboard::key_set2(uint8_t code, bool extended, bool pressed) {
  if (!s_.scanning || code == 0) return;
  emit_key(code, extended, pressed);
  if (pressed) {
    s_.repeat_code = code;
    s_.repeat_ext = extended;
    arm_repeat(sched_.now() + delay_ns());
  } else if (s_.repeat_code == code && s_.repeat_ext == extended) {
    s_.repeat_code = 0;
    arm_repeat(-1);
  }
}

void Ps2Keyboard::key_set1(uint8_t code, bool extended) {
  uint8_t c2 = ps2_set1_to_set2(code);
  if (c2) key_set2(c2, extended, !(code & 0x80));
}

void Ps2Keyboard::raw(const uint8_t* bytes, size_t n) {
  if (!s_.scanning) return;
  for (size_t k = 0; k < n; ++k) s_.q.push(bytes[k]);
  if (n && notify_) notify_();
}

void Ps2Keyboard::serialize(Serializer& s) {
  s(s_);
  if (s.loading()) {
    s_.q.sanitize();
    arm_repeat(s_.repeat_due);
  }
}

// ---- mouse ------------------------------------------------------------------------

void Ps2Mouse::send(uint8_t b) {
  s_.q.push(b);
  if (b != kResend) s_.last_sent = b;
  if (notify_) notify_();
}

void Ps2Mouse::defaults() {
  s_.rate = 100;
  s_.resolution = 2;
  s_.scaling21 = false;
  s_.reporting = false;
  s_.remote = false;
  s_.dx = s_.dy = s_.dz = 0;
}

void Ps2Mouse::write(uint8_t v) {
  if (s_.wrap) {
    if (v == 0xEC) {
      s_.wrap = false;
      send(kAck);
    } else if (v != 0xFF) {
      send(v);  // echo
      return;
    }
    if (v != 0xFF) return;
  }
  if (s_.expect) {
    uint8_t cmd = s_.expect;
    s_.expect = 0;
    if (cmd == 0xF3) {
      static constexpr uint8_t kRates[] = {10, 20, 40, 60, 80, 100, 200};
      bool ok = false;
      for (uint8_t r : kRates) ok |= r == v;
      if (ok) {
        s_.rate = v;
        s_.rate_hist = {s_.rate_hist[1], s_.rate_hist[2], v};
        if (s_.id == 0 && s_.rate_hist == std::array<uint8_t, 3>{200, 100, 80}) s_.id = 3;
        else if (s_.id == 3 && s_.rate_hist == std::array<uint8_t, 3>{200, 200, 80}) s_.id = 4;
        send(kAck);
        return;
      }
    } else if (v <= 3) {  // E8
      s_.resolution = v;
      send(kAck);
      return;
    }
    if (v < 0xE6) {
      send(kResend);
      return;
    }
  }
  // Any command but Resend and Read Data resets the movement counters.
  if (v != 0xFE && v != 0xEB) s_.dx = s_.dy = s_.dz = 0;
  switch (v) {
    case 0xFF:
      s_.q.clear();
      defaults();
      s_.wrap = false;
      s_.id = 0;
      s_.rate_hist = {};
      send(kAck);
      send(kBatOk);
      send(0x00);
      break;
    case 0xFE: send(s_.last_sent); break;
    case 0xF6: defaults(); send(kAck); break;
    case 0xF5: s_.reporting = false; send(kAck); break;
    case 0xF4: s_.reporting = true; send(kAck); break;
    case 0xF3:
    case 0xE8:
      s_.expect = v;
      send(kAck);
      break;
    case 0xF2:
      send(kAck);
      send(s_.id);
      break;
    case 0xF0: s_.remote = true; send(kAck); break;
    case 0xEA: s_.remote = false; send(kAck); break;
    case 0xEE: s_.wrap = true; send(kAck); break;
    case 0xEC: send(kAck); break;
    case 0xEB:
      send(kAck);
      s_.buttons_dirty = true;  // a packet even without motion
      flush();
      break;
    case 0xE9: {
      send(kAck);
      uint8_t st = uint8_t((s_.remote ? 0x40 : 0) | (s_.reporting ? 0x20 : 0) |
                           (s_.scaling21 ? 0x10 : 0) | ((s_.buttons & 1) << 2) |
                           ((s_.buttons & 4) >> 1) | ((s_.buttons & 2) >> 1));
      send(st);
      send(s_.resolution);
      send(s_.rate);
      break;
    }
    case 0xE7: s_.scaling21 = true; send(kAck); break;
    case 0xE6: s_.scaling21 = false; send(kAck); break;
    default: send(kResend); break;
  }
}

void Ps2Mouse::flush() {
  if (!(s_.dx || s_.dy || s_.dz || s_.buttons_dirty)) return;
  if (s_.q.free() < packet_size()) return;
  auto scale = [this](int v) {
    if (!s_.scaling21 || s_.remote) return v;
    static constexpr int kMap[6] = {0, 1, 1, 3, 6, 9};
    int a = v < 0 ? -v : v;
    int r = a <= 5 ? kMap[a] : 2 * a;
    return v < 0 ? -r : r;
  };
  int sx = clamp(s_.dx, -256, 255), sy = clamp(s_.dy, -256, 255);
  int rx = scale(sx), ry = scale(sy);
  bool ox = rx < -256 || rx > 255, oy = ry < -256 || ry > 255;
  rx = clamp(rx, -256, 255);
  ry = clamp(ry, -256, 255);
  uint8_t b0 = uint8_t(0x08 | (s_.buttons & 7) | (rx < 0 ? 0x10 : 0) | (ry < 0 ? 0x20 : 0) |
                       (ox ? 0x40 : 0) | (oy ? 0x80 : 0));
  s_.q.push(b0);
  s_.q.push(uint8_t(rx));
  s_.q.push(uint8_t(ry));
  int sz = clamp(s_.dz, -8, 7);
  if (s_.id == 3) s_.q.push(uint8_t(sz));
  else if (s_.id == 4)
    s_.q.push(uint8_t((sz & 0x0F) | ((s_.buttons >> 3) & 1) << 4 | ((s_.buttons >> 4) & 1) << 5));
  if (s_.id == 0) sz = 0;
  s_.dx -= sx;
  s_.dy -= sy;
  s_.dz = s_.id ? s_.dz - sz : 0;
  s_.buttons_dirty = false;
  s_.last_sent = s_.q.buf[(s_.q.head + s_.q.count - 1) % s_.q.buf.size()];
}

bool Ps2Mouse::pop(uint8_t& b) {
  if (!s_.q.pop(b)) return false;
  if (s_.q.empty() && s_.reporting && !s_.remote && !s_.wrap) flush();
  return true;
}

void Ps2Mouse::move(int dx, int dy, int dz, uint8_t buttons) {
  // Accumulate with saturation so a flood of host motion cannot overflow.
  s_.dx = clamp(s_.dx + clamp(dx, -65536, 65536), -65536, 65536);
  s_.dy = clamp(s_.dy + clamp(dy, -65536, 65536), -65536, 65536);
  s_.dz = clamp(s_.dz + clamp(dz, -64, 64), -64, 64);
  if (buttons != s_.buttons) s_.buttons_dirty = true;
  s_.buttons = buttons & 0x1F;
  if (!s_.reporting || s_.remote || s_.wrap) return;
  if (s_.q.empty()) {
    flush();
    if (!s_.q.empty() && notify_) notify_();
  }
}

}  // namespace rz
