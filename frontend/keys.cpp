// frontend/keys.cpp: QEMU sendkey names and the US layout as PcKeys, and key scripts played
// on the virtual clock.  See keys.h.
#include "frontend/keys.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace rz {

namespace {

struct NamedKey {
  const char* name;
  PcKey key;
};

constexpr PcKey hid(uint16_t u) { return PcKey{u, 0, false}; }
constexpr PcKey media(uint8_t set2) { return PcKey{0, set2, true}; }

// QEMU's QKeyCode names (qapi/ui.json) for the keys a PC keyboard has.
// clang-format off
const NamedKey kNames[] = {
    {"shift", hid(0xE1)}, {"shift_r", hid(0xE5)}, {"alt", hid(0xE2)}, {"alt_r", hid(0xE6)},
    {"ctrl", hid(0xE0)}, {"ctrl_r", hid(0xE4)}, {"meta_l", hid(0xE3)}, {"meta_r", hid(0xE7)},
    {"menu", hid(0x65)}, {"compose", hid(0x65)}, {"esc", hid(0x29)},
    {"1", hid(0x1E)}, {"2", hid(0x1F)}, {"3", hid(0x20)}, {"4", hid(0x21)}, {"5", hid(0x22)},
    {"6", hid(0x23)}, {"7", hid(0x24)}, {"8", hid(0x25)}, {"9", hid(0x26)}, {"0", hid(0x27)},
    {"minus", hid(0x2D)}, {"equal", hid(0x2E)}, {"backspace", hid(0x2A)}, {"tab", hid(0x2B)},
    {"a", hid(0x04)}, {"b", hid(0x05)}, {"c", hid(0x06)}, {"d", hid(0x07)}, {"e", hid(0x08)},
    {"f", hid(0x09)}, {"g", hid(0x0A)}, {"h", hid(0x0B)}, {"i", hid(0x0C)}, {"j", hid(0x0D)},
    {"k", hid(0x0E)}, {"l", hid(0x0F)}, {"m", hid(0x10)}, {"n", hid(0x11)}, {"o", hid(0x12)},
    {"p", hid(0x13)}, {"q", hid(0x14)}, {"r", hid(0x15)}, {"s", hid(0x16)}, {"t", hid(0x17)},
    {"u", hid(0x18)}, {"v", hid(0x19)}, {"w", hid(0x1A)}, {"x", hid(0x1B)}, {"y", hid(0x1C)},
    {"z", hid(0x1D)},
    {"bracket_left", hid(0x2F)}, {"bracket_right", hid(0x30)}, {"ret", hid(0x28)},
    {"semicolon", hid(0x33)}, {"apostrophe", hid(0x34)}, {"grave_accent", hid(0x35)},
    {"backslash", hid(0x31)}, {"comma", hid(0x36)}, {"dot", hid(0x37)}, {"slash", hid(0x38)},
    {"spc", hid(0x2C)}, {"caps_lock", hid(0x39)}, {"less", hid(0x64)},
    {"f1", hid(0x3A)}, {"f2", hid(0x3B)}, {"f3", hid(0x3C)}, {"f4", hid(0x3D)},
    {"f5", hid(0x3E)}, {"f6", hid(0x3F)}, {"f7", hid(0x40)}, {"f8", hid(0x41)},
    {"f9", hid(0x42)}, {"f10", hid(0x43)}, {"f11", hid(0x44)}, {"f12", hid(0x45)},
    {"f13", hid(0x68)}, {"f14", hid(0x69)}, {"f15", hid(0x6A)}, {"f16", hid(0x6B)},
    {"f17", hid(0x6C)}, {"f18", hid(0x6D)}, {"f19", hid(0x6E)}, {"f20", hid(0x6F)},
    {"f21", hid(0x70)}, {"f22", hid(0x71)}, {"f23", hid(0x72)}, {"f24", hid(0x73)},
    {"num_lock", hid(0x53)}, {"scroll_lock", hid(0x47)},
    {"kp_divide", hid(0x54)}, {"kp_multiply", hid(0x55)}, {"asterisk", hid(0x55)},
    {"kp_subtract", hid(0x56)}, {"kp_add", hid(0x57)}, {"kp_enter", hid(0x58)},
    {"kp_decimal", hid(0x63)}, {"kp_comma", hid(0x85)}, {"kp_equals", hid(0x67)},
    {"kp_1", hid(0x59)}, {"kp_2", hid(0x5A)}, {"kp_3", hid(0x5B)}, {"kp_4", hid(0x5C)},
    {"kp_5", hid(0x5D)}, {"kp_6", hid(0x5E)}, {"kp_7", hid(0x5F)}, {"kp_8", hid(0x60)},
    {"kp_9", hid(0x61)}, {"kp_0", hid(0x62)},
    {"print", hid(0x46)}, {"sysrq", hid(0x46)}, {"pause", hid(0x48)},
    {"insert", hid(0x49)}, {"home", hid(0x4A)}, {"pgup", hid(0x4B)}, {"delete", hid(0x4C)},
    {"end", hid(0x4D)}, {"pgdn", hid(0x4E)}, {"right", hid(0x4F)}, {"left", hid(0x50)},
    {"down", hid(0x51)}, {"up", hid(0x52)},
    {"ro", hid(0x87)}, {"hiragana", hid(0x88)}, {"katakanahiragana", hid(0x88)},
    {"yen", hid(0x89)}, {"henkan", hid(0x8A)}, {"muhenkan", hid(0x8B)},
    {"lang1", hid(0x90)}, {"lang2", hid(0x91)},
    {"power", hid(0x66)}, {"audiomute", hid(0x7F)}, {"volumeup", hid(0x80)},
    {"volumedown", hid(0x81)},
    // Consumer and system-control keys: set-2 codes from Microsoft's scan code table.
    {"sleep", media(0x3F)}, {"wake", media(0x5E)}, {"audionext", media(0x4D)},
    {"audioprev", media(0x15)}, {"audiostop", media(0x3B)}, {"audioplay", media(0x34)},
    {"mediaselect", media(0x50)}, {"mail", media(0x48)}, {"calculator", media(0x2B)},
    {"computer", media(0x40)}, {"ac_search", media(0x10)}, {"ac_home", media(0x3A)},
    {"ac_back", media(0x38)}, {"ac_forward", media(0x30)}, {"ac_stop", media(0x28)},
    {"ac_refresh", media(0x20)}, {"ac_bookmarks", media(0x18)},
};
// clang-format on

// Unshifted and shifted characters of the US layout's main block, by HID usage.
struct CharKey {
  char plain, shifted;
  uint16_t usage;
};
const CharKey kChars[] = {
    {'1', '!', 0x1E}, {'2', '@', 0x1F}, {'3', '#', 0x20}, {'4', '$', 0x21}, {'5', '%', 0x22},
    {'6', '^', 0x23}, {'7', '&', 0x24}, {'8', '*', 0x25}, {'9', '(', 0x26}, {'0', ')', 0x27},
    {'-', '_', 0x2D}, {'=', '+', 0x2E}, {'[', '{', 0x2F}, {']', '}', 0x30}, {'\\', '|', 0x31},
    {';', ':', 0x33}, {'\'', '"', 0x34}, {'`', '~', 0x35}, {',', '<', 0x36}, {'.', '>', 0x37},
    {'/', '?', 0x38}, {' ', ' ', 0x2C}, {'\n', '\n', 0x28}, {'\t', '\t', 0x2B},
    {'\b', '\b', 0x2A}, {'\x1b', '\x1b', 0x29},
};

// "12.5" -> nanoseconds; false unless a finite number >= 0.
bool parse_seconds(const std::string& s, int64_t& ns) {
  if (s.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (!end || *end || !std::isfinite(v) || v < 0 || v > 1e9) return false;
  ns = int64_t(std::llround(v * 1e9));
  return true;
}

}  // namespace

void press_pc_key(Ps2Keyboard& kbd, const PcKey& k, bool pressed) {
  if (k.usage)
    kbd.key_hid(k.usage, pressed);
  else if (k.set2)
    kbd.key_set2(k.set2, k.ext, pressed);
}

bool pc_key_by_name(const std::string& name, PcKey& out) {
  for (const NamedKey& n : kNames) {
    if (name == n.name) {
      out = n.key;
      return true;
    }
  }
  return false;
}

std::vector<std::string> pc_key_names() {
  std::vector<std::string> v;
  for (const NamedKey& n : kNames) v.emplace_back(n.name);
  return v;
}

bool pc_key_for_char(char ch, PcKey& key, bool& shift) {
  if (ch >= 'a' && ch <= 'z') {
    key = hid(uint16_t(0x04 + (ch - 'a')));
    shift = false;
    return true;
  }
  if (ch >= 'A' && ch <= 'Z') {
    key = hid(uint16_t(0x04 + (ch - 'A')));
    shift = true;
    return true;
  }
  for (const CharKey& c : kChars) {
    if (ch == c.plain || ch == c.shifted) {
      key = hid(c.usage);
      shift = ch != c.plain;
      return true;
    }
  }
  return false;
}

bool KeyScript::take_start(const std::string& spec, const char* option, std::string& body,
                           std::string& err) {
  body = spec;
  if (spec.empty() || spec[0] != '@') return true;
  size_t colon = spec.find(':');
  int64_t ns = 0;
  if (colon == std::string::npos || !parse_seconds(spec.substr(1, colon - 1), ns)) {
    err = std::string(option) + ": expected '@SECONDS:' before the keys, got '" + spec + "'";
    return false;
  }
  if (ns > cursor_) cursor_ = ns;
  body = spec.substr(colon + 1);
  return true;
}

void KeyScript::tap(const std::vector<PcKey>& combo) {
  for (const PcKey& k : combo) {
    actions_.push_back({cursor_, k, true});
    cursor_ += kStepNs;
  }
  for (size_t n = combo.size(); n-- > 0;) {
    actions_.push_back({cursor_, combo[n], false});
    cursor_ += kStepNs;
  }
}

bool KeyScript::add_keys(const std::string& spec, std::string& err) {
  std::string body;
  if (!take_start(spec, "--keys", body, err)) return false;
  if (body.empty()) {
    err = "--keys: no key names in '" + spec + "'";
    return false;
  }
  // Parse everything first, so a bad name leaves the script unchanged.
  std::vector<std::vector<PcKey>> combos;
  size_t pos = 0;
  for (;;) {
    size_t comma = body.find(',', pos);
    std::string combo = body.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    std::vector<PcKey> keys;
    size_t p = 0;
    for (;;) {
      size_t dash = combo.find('-', p);
      std::string name = combo.substr(p, dash == std::string::npos ? std::string::npos : dash - p);
      PcKey k;
      if (!pc_key_by_name(name, k)) {
        err = "--keys: unknown key name '" + name + "' (QEMU sendkey names: ret, esc, ctrl, alt, f1...)";
        return false;
      }
      keys.push_back(k);
      if (dash == std::string::npos) break;
      p = dash + 1;
    }
    combos.push_back(std::move(keys));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  for (const auto& c : combos) tap(c);
  return true;
}

bool KeyScript::add_text(const std::string& spec, std::string& err) {
  std::string body;
  if (!take_start(spec, "--type", body, err)) return false;
  std::vector<std::pair<PcKey, bool>> keys;
  for (size_t n = 0; n < body.size(); ++n) {
    char ch = body[n];
    if (ch == '\\') {
      if (++n == body.size()) {
        err = "--type: '\\' at the end of '" + spec + "'";
        return false;
      }
      switch (body[n]) {
        case 'n': ch = '\n'; break;
        case 't': ch = '\t'; break;
        case 'b': ch = '\b'; break;
        case 'e': ch = '\x1b'; break;
        case '\\': ch = '\\'; break;
        default:
          err = std::string("--type: unknown escape '\\") + body[n] + "' (known: \\n \\t \\b \\e \\\\)";
          return false;
      }
    }
    PcKey k;
    bool shift;
    if (!pc_key_for_char(ch, k, shift)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02x", unsigned(uint8_t(ch)));
      err = std::string("--type: character ") + buf + " cannot be typed on the US layout";
      return false;
    }
    keys.emplace_back(k, shift);
  }
  for (const auto& [k, shift] : keys) {
    if (shift)
      tap({hid(0xE1), k});
    else
      tap({k});
  }
  return true;
}

namespace {

// One event at a time: each action arms the next, so a long text holds one heap entry.
struct KeyPlayer {
  std::vector<KeyAction> actions;
  int64_t base;
  size_t next = 0;
};

void arm_next(const std::shared_ptr<KeyPlayer>& p, Scheduler& sched, Ps2Keyboard& kbd) {
  sched.schedule_at(p->base + p->actions[p->next].at_ns, [p, &sched, &kbd] {
    const KeyAction& a = p->actions[p->next++];
    press_pc_key(kbd, a.key, a.pressed);
    if (p->next < p->actions.size()) arm_next(p, sched, kbd);
  });
}

}  // namespace

void KeyScript::schedule(Scheduler& sched, Ps2Keyboard& kbd) const {
  if (actions_.empty()) return;
  arm_next(std::make_shared<KeyPlayer>(KeyPlayer{actions_, sched.now()}), sched, kbd);
}

}  // namespace rz
