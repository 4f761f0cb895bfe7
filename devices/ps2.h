// devices/ps2.h: the PS/2 devices behind an i8042: a keyboard (IBM PS/2 keyboard
// command set, scancode sets 1 and 2, typematic repeat on the virtual clock, LEDs,
// echo, identify, reset with BAT) and a mouse (stream/remote/wrap modes, sample rate,
// resolution, scaling, status request, and IntelliMouse wheel (ID 3, by the 200/100/80
// sample-rate sequence) and 5-button Explorer (ID 4, by 200/200/80) detection).
// Each device queues the bytes it sends; the controller pulls them one at a time.
// Not modelled: scancode set 3 (selecting it is acknowledged, the keyboard stays in its
// current set) and the set-3 key-type commands F7-FD (acknowledged only).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "devices/scheduler.h"
#include "devices/serialize.h"

namespace rz {

// A small byte FIFO in plain data (serializable).
struct Ps2Queue {
  std::array<uint8_t, 64> buf{};
  uint8_t head = 0, count = 0;
  bool push(uint8_t b);
  bool pop(uint8_t& b);
  bool empty() const { return count == 0; }
  void clear() { head = count = 0; }
  size_t free() const { return buf.size() - count; }
  // After loading untrusted state: keep the indices in range.
  void sanitize() {
    head = uint8_t(head % buf.size());
    if (count > buf.size()) count = uint8_t(buf.size());
  }
};

// A USB HID keyboard usage (page 7; SDL_Scancode uses the same numbers) as a set-2 make
// code.  Returns false for usages with no PS/2 key; PrintScreen (0x46) and Pause (0x48)
// have multi-byte sequences and are handled by Ps2Keyboard::key_hid().
bool ps2_set2_from_hid(uint16_t usage, uint8_t& code, bool& extended);

// The 8042's set 2 -> set 1 translation table (also how set-1 input is mapped back).
uint8_t ps2_translate_set2(uint8_t set2);
// The set-2 make code for a set-1 make code (0 if none).
uint8_t ps2_set1_to_set2(uint8_t set1);

struct Ps2KeyboardState {
  Ps2Queue q;
  bool scanning = true;
  uint8_t set = 2;
  uint8_t leds = 0;
  uint8_t typematic = 0x2B;  // 10.9 cps, 500 ms
  uint8_t expect = 0;        // command waiting for its data byte (ED, F0, F3)
  uint8_t last_sent = 0;
  uint8_t repeat_code = 0;  // key held for typematic (0: none)
  bool repeat_ext = false;
  int64_t repeat_due = -1;
  uint8_t hid_mods = 0;  // modifiers held, as key_hid() saw them (bit n = usage 0xE0 + n)
};

class Ps2Keyboard {
 public:
  explicit Ps2Keyboard(Scheduler& sched) : sched_(sched) {}
  Ps2Keyboard(const Ps2Keyboard&) = delete;
  Ps2Keyboard& operator=(const Ps2Keyboard&) = delete;
  ~Ps2Keyboard();

  // Host -> keyboard byte (from the controller).
  void write(uint8_t v);
  bool pop(uint8_t& b) { return s_.q.pop(b); }
  bool has_data() const { return !s_.q.empty(); }
  void on_data(std::function<void()> f) { notify_ = std::move(f); }

  // Input: a key by its set-2 make code (`extended` = E0 prefix), pressed or released.
  void key_set2(uint8_t code, bool extended, bool pressed);
  // Input: a set-1 scancode byte (bit 7 = release).
  void key_set1(uint8_t code, bool extended);
  // Input: a key by USB HID usage (see ps2_set2_from_hid); unknown usages are ignored.
  void key_hid(uint16_t usage, bool pressed);
  // Input: raw bytes as the keyboard would send them (no typematic).
  void raw(const uint8_t* bytes, size_t n);

  uint8_t leds() const { return s_.leds; }
  uint8_t scancode_set() const { return s_.set; }
  void serialize(Serializer& s);

 private:
  void send(uint8_t b);
  void defaults();
  void emit_key(uint8_t code, bool extended, bool pressed);
  void arm_repeat(int64_t when);
  void on_repeat();
  int64_t delay_ns() const;
  int64_t period_ns() const;

  Scheduler& sched_;
  Ps2KeyboardState s_;
  std::function<void()> notify_;
  EventId repeat_ev_ = 0;
};

struct Ps2MouseState {
  Ps2Queue q;
  bool reporting = false, remote = false, wrap = false, scaling21 = false;
  uint8_t rate = 100, resolution = 2, id = 0;
  uint8_t expect = 0;  // F3 or E8 waiting for data
  std::array<uint8_t, 3> rate_hist{};
  uint8_t last_sent = 0;
  int32_t dx = 0, dy = 0, dz = 0;
  uint8_t buttons = 0;  // bit 0 left, 1 right, 2 middle, 3 4th, 4 5th
  bool buttons_dirty = false;
};

class Ps2Mouse {
 public:
  Ps2Mouse() = default;
  void write(uint8_t v);
  bool pop(uint8_t& b);
  bool has_data() const { return !s_.q.empty(); }
  void on_data(std::function<void()> f) { notify_ = std::move(f); }

  // Input: relative motion (dy > 0 is away from the user, PS/2 convention), wheel
  // (dz > 0 is towards the user), and the button state.
  void move(int dx, int dy, int dz, uint8_t buttons);
  uint8_t id() const { return s_.id; }
  void serialize(Serializer& s) {
    s(s_);
    if (s.loading()) s_.q.sanitize();
  }

 private:
  void send(uint8_t b);
  void defaults();
  void flush();  // queue one movement packet if any motion/buttons are pending
  unsigned packet_size() const { return s_.id ? 4 : 3; }

  Ps2MouseState s_;
  std::function<void()> notify_;
};

}  // namespace rz
