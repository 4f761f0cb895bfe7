// devices/ps2_keymap.cpp: USB HID keyboard usages (what SDL scancodes are) to PS/2 scan
// code set 2, and the keys whose codes are sequences rather than one make code
// (PrintScreen, Pause), so a frontend can feed host keys without its own tables.
#include "devices/ps2.h"

namespace rz {

namespace {

struct HidKey {
  uint8_t code;
  bool extended;
};

// Usages 0x04-0x65; {0, false} where the usage has no PS/2 key or is a special case.
// clang-format off
constexpr HidKey kHid[0x66] = {
    {}, {}, {}, {},
    // 0x04 a-z
    {0x1C}, {0x32}, {0x21}, {0x23}, {0x24}, {0x2B}, {0x34}, {0x33}, {0x43}, {0x3B}, {0x42},
    {0x4B}, {0x3A}, {0x31}, {0x44}, {0x4D}, {0x15}, {0x2D}, {0x1B}, {0x2C}, {0x3C}, {0x2A},
    {0x1D}, {0x22}, {0x35}, {0x1A},
    // 0x1E 1-9, 0
    {0x16}, {0x1E}, {0x26}, {0x25}, {0x2E}, {0x36}, {0x3D}, {0x3E}, {0x46}, {0x45},
    // 0x28 Enter Esc Backspace Tab Space - = [ ] \ #(ISO) ; ' ` , . / CapsLock
    {0x5A}, {0x76}, {0x66}, {0x0D}, {0x29}, {0x4E}, {0x55}, {0x54}, {0x5B}, {0x5D}, {0x5D},
    {0x4C}, {0x52}, {0x0E}, {0x41}, {0x49}, {0x4A}, {0x58},
    // 0x3A F1-F12
    {0x05}, {0x06}, {0x04}, {0x0C}, {0x03}, {0x0B}, {0x83}, {0x0A}, {0x01}, {0x09}, {0x78},
    {0x07},
    // 0x46 PrintScreen (special), ScrollLock, Pause (special)
    {}, {0x7E}, {},
    // 0x49 Insert Home PageUp Delete End PageDown Right Left Down Up
    {0x70, true}, {0x6C, true}, {0x7D, true}, {0x71, true}, {0x69, true}, {0x7A, true},
    {0x74, true}, {0x6B, true}, {0x72, true}, {0x75, true},
    // 0x53 NumLock KP/ KP* KP- KP+ KPEnter
    {0x77}, {0x4A, true}, {0x7C}, {0x7B}, {0x79}, {0x5A, true},
    // 0x59 KP1-KP9, KP0, KP.
    {0x69}, {0x72}, {0x7A}, {0x6B}, {0x73}, {0x74}, {0x6C}, {0x75}, {0x7D}, {0x70}, {0x71},
    // 0x64 the ISO 102nd key, Application (menu)
    {0x61}, {0x2F, true},
};

// Usages 0x66-0x91 that PC keyboards have: Power, F13-F24, the multimedia volume keys,
// the Brazilian keypad comma and the Japanese keys (set-2 codes from Microsoft's "Keyboard
// Scan Code Specification").  Lang1/Lang2 (Korean Hangul/Hanja) are one-byte make-only
// keys handled in key_hid().
struct HidExtra {
  uint16_t usage;
  HidKey key;
};
constexpr HidExtra kHidExtra[] = {
    {0x66, {0x37, true}},  // Power
    {0x67, {0x0F}},        // keypad =
    {0x68, {0x08}}, {0x69, {0x10}}, {0x6A, {0x18}}, {0x6B, {0x20}},  // F13-F16
    {0x6C, {0x28}}, {0x6D, {0x30}}, {0x6E, {0x38}}, {0x6F, {0x40}},  // F17-F20
    {0x70, {0x48}}, {0x71, {0x50}}, {0x72, {0x57}}, {0x73, {0x5F}},  // F21-F24
    {0x7F, {0x23, true}},  // Mute
    {0x80, {0x32, true}},  // Volume Up
    {0x81, {0x21, true}},  // Volume Down
    {0x85, {0x6D}},        // keypad , (Brazil)
    {0x87, {0x51}},        // International1: Ro
    {0x88, {0x13}},        // International2: Katakana/Hiragana
    {0x89, {0x6A}},        // International3: Yen
    {0x8A, {0x64}},        // International4: Henkan
    {0x8B, {0x67}},        // International5: Muhenkan
};

// 0xE0-0xE7: LCtrl LShift LAlt LGUI RCtrl RShift RAlt RGUI.
constexpr HidKey kHidMods[8] = {{0x14}, {0x12}, {0x11}, {0x1F, true},
                                {0x14, true}, {0x59}, {0x11, true}, {0x27, true}};
// clang-format on

}  // namespace

bool ps2_set2_from_hid(uint16_t usage, uint8_t& code, bool& extended) {
  HidKey k{};
  if (usage < 0x66) {
    k = kHid[usage];
  } else if (usage >= 0xE0 && usage <= 0xE7) {
    k = kHidMods[usage - 0xE0];
  } else {
    for (const HidExtra& e : kHidExtra)
      if (e.usage == usage) k = e.key;
  }
  code = k.code;
  extended = k.extended;
  return k.code != 0;
}

// PrintScreen and Pause send what a real keyboard sends for the modifiers held with them:
// PrintScreen is "fake shift + keypad *" alone, plain keypad-* code (E0 7C) with Shift or
// Ctrl, and SysRq (84) with Alt; Pause is an E1 sequence on press only, and Break (E0 7E,
// Ctrl+Pause) likewise sends make and break at once on press.  The grey navigation keys
// (Insert, Delete, Home, End, Page Up/Down, arrows) and keypad / carry "fake shifts", as the
// 101/102-key keyboard's firmware adds them so that old software reading them as their
// keypad twins is not misled (Microsoft, Keyboard Scan Code Specification): with Shift held
// the keyboard first releases the held Shift(s) (E0 AA / E0 B6 in set 1) and presses them
// again after the break; with Num Lock on and no Shift (navigation keys only) it presses a
// fake Left Shift (E0 2A) before the make and releases it (E0 AA) after the break.  Num
// Lock is the keyboard's LED as the host set it (command EDh); typematic repeats only the
// key's own E0 code.  The modifier state is kept from the usages this function has seen.
void Ps2Keyboard::key_hid(uint16_t usage, bool pressed) {
  if (usage >= 0xE0 && usage <= 0xE7) {
    uint8_t bit = uint8_t(1u << (usage - 0xE0));
    s_.hid_mods = uint8_t(pressed ? s_.hid_mods | bit : s_.hid_mods & ~bit);
  }
  const bool ctrl = s_.hid_mods & 0x11, shift = s_.hid_mods & 0x22, alt = s_.hid_mods & 0x44;
  if (usage == 0x46) {  // PrintScreen / SysRq
    if (alt) {
      key_set2(0x84, false, pressed);
    } else if (ctrl || shift) {
      key_set2(0x7C, true, pressed);
    } else {
      static constexpr uint8_t kMake2[] = {0xE0, 0x12, 0xE0, 0x7C};
      static constexpr uint8_t kBreak2[] = {0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12};
      static constexpr uint8_t kMake1[] = {0xE0, 0x2A, 0xE0, 0x37};
      static constexpr uint8_t kBreak1[] = {0xE0, 0xB7, 0xE0, 0xAA};
      if (s_.set == 1)
        pressed ? raw(kMake1, 4) : raw(kBreak1, 4);
      else
        pressed ? raw(kMake2, 4) : raw(kBreak2, 6);
    }
    return;
  }
  if (usage == 0x48) {  // Pause / Break
    if (ctrl) {  // Break: make and break together on press, nothing on release
      static constexpr uint8_t kBreakKey2[] = {0xE0, 0x7E, 0xE0, 0xF0, 0x7E};
      static constexpr uint8_t kBreakKey1[] = {0xE0, 0x46, 0xE0, 0xC6};
      if (pressed) s_.set == 1 ? raw(kBreakKey1, 4) : raw(kBreakKey2, 5);
      return;
    }
    static constexpr uint8_t kPause2[] = {0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77};
    static constexpr uint8_t kPause1[] = {0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5};
    if (pressed) s_.set == 1 ? raw(kPause1, 6) : raw(kPause2, 8);
    return;
  }
  if (usage == 0x90 || usage == 0x91) {  // Lang1 (Hangul) F2, Lang2 (Hanja) F1: make only
    uint8_t b = usage == 0x90 ? 0xF2 : 0xF1;
    if (pressed) raw(&b, 1);
    return;
  }
  uint8_t code;
  bool ext;
  if (!ps2_set2_from_hid(usage, code, ext)) return;
  const bool nav = usage >= 0x49 && usage <= 0x52, kp_slash = usage == 0x54;
  if (!nav && !kp_slash) {
    key_set2(code, ext, pressed);
    return;
  }
  if (!s_.scanning) return;
  const bool lshift = s_.hid_mods & 0x02, rshift = s_.hid_mods & 0x20;
  const bool num_lock = s_.leds & 0x02;
  // Set-2 codes of the shifts, sent with the E0 prefix (the 8042 makes them E0 2A / E0 36).
  constexpr uint8_t kLShift2 = 0x12, kRShift2 = 0x59;
  if (lshift || rshift) {
    if (nav && num_lock) {  // Shift cancels Num Lock: the plain codes
      key_set2(code, ext, pressed);
      return;
    }
    if (pressed) {
      if (lshift) emit_key(kLShift2, true, false);
      if (rshift) emit_key(kRShift2, true, false);
      key_set2(code, ext, true);
    } else {
      key_set2(code, ext, false);
      if (rshift) emit_key(kRShift2, true, true);
      if (lshift) emit_key(kLShift2, true, true);
    }
    return;
  }
  if (nav && num_lock) {
    if (pressed) {
      emit_key(kLShift2, true, true);
      key_set2(code, ext, true);
    } else {
      key_set2(code, ext, false);
      emit_key(kLShift2, true, false);
    }
    return;
  }
  key_set2(code, ext, pressed);
}

}  // namespace rz
