// tests/unit/test_keys_keymap.cpp: every PC key, fed as a USB HID usage (what SDL scancodes
// are), comes out of the i8042's port 0x60 as the set-1 bytes an AT keyboard produces with
// translation on.  The expected codes are the IBM set-1 list written out here on their own,
// not derived from the emulator's set-2 or translation tables, so a mistake in either shows.
#include <gtest/gtest.h>

#include <vector>

#include "devices/bus.h"
#include "devices/i8042.h"
#include "devices/scheduler.h"

namespace rz {
namespace {

struct Set1Key {
  uint16_t usage;
  uint8_t code;
  bool e0;
  const char* name;
};

// clang-format off
const Set1Key kKeys[] = {
    {0x04, 0x1E, false, "A"}, {0x05, 0x30, false, "B"}, {0x06, 0x2E, false, "C"},
    {0x07, 0x20, false, "D"}, {0x08, 0x12, false, "E"}, {0x09, 0x21, false, "F"},
    {0x0A, 0x22, false, "G"}, {0x0B, 0x23, false, "H"}, {0x0C, 0x17, false, "I"},
    {0x0D, 0x24, false, "J"}, {0x0E, 0x25, false, "K"}, {0x0F, 0x26, false, "L"},
    {0x10, 0x32, false, "M"}, {0x11, 0x31, false, "N"}, {0x12, 0x18, false, "O"},
    {0x13, 0x19, false, "P"}, {0x14, 0x10, false, "Q"}, {0x15, 0x13, false, "R"},
    {0x16, 0x1F, false, "S"}, {0x17, 0x14, false, "T"}, {0x18, 0x16, false, "U"},
    {0x19, 0x2F, false, "V"}, {0x1A, 0x11, false, "W"}, {0x1B, 0x2D, false, "X"},
    {0x1C, 0x15, false, "Y"}, {0x1D, 0x2C, false, "Z"},
    {0x1E, 0x02, false, "1"}, {0x1F, 0x03, false, "2"}, {0x20, 0x04, false, "3"},
    {0x21, 0x05, false, "4"}, {0x22, 0x06, false, "5"}, {0x23, 0x07, false, "6"},
    {0x24, 0x08, false, "7"}, {0x25, 0x09, false, "8"}, {0x26, 0x0A, false, "9"},
    {0x27, 0x0B, false, "0"},
    {0x28, 0x1C, false, "Enter"}, {0x29, 0x01, false, "Esc"}, {0x2A, 0x0E, false, "Backspace"},
    {0x2B, 0x0F, false, "Tab"}, {0x2C, 0x39, false, "Space"}, {0x2D, 0x0C, false, "-"},
    {0x2E, 0x0D, false, "="}, {0x2F, 0x1A, false, "["}, {0x30, 0x1B, false, "]"},
    {0x31, 0x2B, false, "\\"}, {0x32, 0x2B, false, "ISO #"}, {0x33, 0x27, false, ";"},
    {0x34, 0x28, false, "'"}, {0x35, 0x29, false, "`"}, {0x36, 0x33, false, ","},
    {0x37, 0x34, false, "."}, {0x38, 0x35, false, "/"}, {0x39, 0x3A, false, "CapsLock"},
    {0x3A, 0x3B, false, "F1"}, {0x3B, 0x3C, false, "F2"}, {0x3C, 0x3D, false, "F3"},
    {0x3D, 0x3E, false, "F4"}, {0x3E, 0x3F, false, "F5"}, {0x3F, 0x40, false, "F6"},
    {0x40, 0x41, false, "F7"}, {0x41, 0x42, false, "F8"}, {0x42, 0x43, false, "F9"},
    {0x43, 0x44, false, "F10"}, {0x44, 0x57, false, "F11"}, {0x45, 0x58, false, "F12"},
    {0x47, 0x46, false, "ScrollLock"},
    {0x49, 0x52, true, "Insert"}, {0x4A, 0x47, true, "Home"}, {0x4B, 0x49, true, "PageUp"},
    {0x4C, 0x53, true, "Delete"}, {0x4D, 0x4F, true, "End"}, {0x4E, 0x51, true, "PageDown"},
    {0x4F, 0x4D, true, "Right"}, {0x50, 0x4B, true, "Left"}, {0x51, 0x50, true, "Down"},
    {0x52, 0x48, true, "Up"},
    {0x53, 0x45, false, "NumLock"}, {0x54, 0x35, true, "KP/"}, {0x55, 0x37, false, "KP*"},
    {0x56, 0x4A, false, "KP-"}, {0x57, 0x4E, false, "KP+"}, {0x58, 0x1C, true, "KPEnter"},
    {0x59, 0x4F, false, "KP1"}, {0x5A, 0x50, false, "KP2"}, {0x5B, 0x51, false, "KP3"},
    {0x5C, 0x4B, false, "KP4"}, {0x5D, 0x4C, false, "KP5"}, {0x5E, 0x4D, false, "KP6"},
    {0x5F, 0x47, false, "KP7"}, {0x60, 0x48, false, "KP8"}, {0x61, 0x49, false, "KP9"},
    {0x62, 0x52, false, "KP0"}, {0x63, 0x53, false, "KP."},
    {0x64, 0x56, false, "ISO \\|"}, {0x65, 0x5D, true, "Menu"},
    {0x66, 0x5E, true, "Power"}, {0x67, 0x59, false, "KP="},
    {0x68, 0x64, false, "F13"}, {0x69, 0x65, false, "F14"}, {0x6A, 0x66, false, "F15"},
    {0x6B, 0x67, false, "F16"}, {0x6C, 0x68, false, "F17"}, {0x6D, 0x69, false, "F18"},
    {0x6E, 0x6A, false, "F19"}, {0x6F, 0x6B, false, "F20"}, {0x70, 0x6C, false, "F21"},
    {0x71, 0x6D, false, "F22"}, {0x72, 0x6E, false, "F23"}, {0x73, 0x76, false, "F24"},
    {0x7F, 0x20, true, "Mute"}, {0x80, 0x30, true, "VolumeUp"}, {0x81, 0x2E, true, "VolumeDown"},
    {0x85, 0x7E, false, "KP, (Brazil)"}, {0x87, 0x73, false, "Ro"},
    {0x88, 0x70, false, "Katakana/Hiragana"}, {0x89, 0x7D, false, "Yen"},
    {0x8A, 0x79, false, "Henkan"}, {0x8B, 0x7B, false, "Muhenkan"},
    {0xE0, 0x1D, false, "LCtrl"}, {0xE1, 0x2A, false, "LShift"}, {0xE2, 0x38, false, "LAlt"},
    {0xE3, 0x5B, true, "LWin"}, {0xE4, 0x1D, true, "RCtrl"}, {0xE5, 0x36, false, "RShift"},
    {0xE6, 0x38, true, "RAlt"}, {0xE7, 0x5C, true, "RWin"},
};
// clang-format on

// An i8042 on a port bus with translation on (command byte 0x45, as BIOSes leave it).
struct Kbc {
  Scheduler sched;
  PortBus bus;
  I8042 kbc{sched};
  Kbc() {
    kbc.map_ports(bus);
    bus.write(0x64, 1, 0x60);
    bus.write(0x60, 1, 0x45);
  }
  std::vector<uint8_t> drain() {
    std::vector<uint8_t> out;
    while (bus.read(0x64, 1) & 1) out.push_back(uint8_t(bus.read(0x60, 1)));
    return out;
  }
  std::vector<uint8_t> press_release(uint16_t usage) {
    kbc.keyboard().key_hid(usage, true);
    kbc.keyboard().key_hid(usage, false);
    return drain();
  }
};

std::vector<uint8_t> expected(const Set1Key& k) {
  std::vector<uint8_t> v;
  if (k.e0) v.push_back(0xE0);
  v.push_back(k.code);
  if (k.e0) v.push_back(0xE0);
  v.push_back(uint8_t(k.code | 0x80));
  return v;
}

TEST(KeysKeymap, EveryKeyGivesItsSet1CodesThroughPort60) {
  for (const Set1Key& k : kKeys) {
    Kbc t;
    EXPECT_EQ(t.press_release(k.usage), expected(k)) << k.name << " (usage 0x" << std::hex << k.usage << ")";
  }
}

TEST(KeysKeymap, EveryKeyGivesItsSet1CodesWithTheKeyboardInSet1) {
  for (const Set1Key& k : kKeys) {
    Kbc t;
    t.bus.write(0x64, 1, 0x60);
    t.bus.write(0x60, 1, 0x05);  // translation off
    t.bus.write(0x60, 1, 0xF0);  // select scancode set
    t.bus.write(0x60, 1, 0x01);  // ... 1
    EXPECT_EQ(t.drain(), (std::vector<uint8_t>{0xFA, 0xFA}));
    EXPECT_EQ(t.press_release(k.usage), expected(k)) << k.name;
  }
}

TEST(KeysKeymap, UsagesWithoutAPcKeyAreIgnored) {
  Kbc t;
  for (uint16_t u : {0x00, 0x01, 0x03, 0x74, 0x7E, 0x86, 0xA0, 0xE8, 0xFF}) {
    EXPECT_TRUE(t.press_release(u).empty()) << "usage 0x" << std::hex << u;
  }
}

TEST(KeysKeymap, PrintScreenFollowsTheModifiers) {
  Kbc t;
  EXPECT_EQ(t.press_release(0x46), (std::vector<uint8_t>{0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA}));
  t.kbc.keyboard().key_hid(0xE1, true);  // LShift
  t.drain();
  EXPECT_EQ(t.press_release(0x46), (std::vector<uint8_t>{0xE0, 0x37, 0xE0, 0xB7}));
  t.kbc.keyboard().key_hid(0xE1, false);
  t.kbc.keyboard().key_hid(0xE6, true);  // RAlt: SysRq
  t.drain();
  EXPECT_EQ(t.press_release(0x46), (std::vector<uint8_t>{0x54, 0xD4}));
}

TEST(KeysKeymap, PauseAndCtrlBreak) {
  Kbc t;
  EXPECT_EQ(t.press_release(0x48), (std::vector<uint8_t>{0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5}));
  t.kbc.keyboard().key_hid(0xE0, true);  // LCtrl
  EXPECT_EQ(t.drain(), (std::vector<uint8_t>{0x1D}));
  EXPECT_EQ(t.press_release(0x48), (std::vector<uint8_t>{0xE0, 0x46, 0xE0, 0xC6}));
}

// The fake shifts of the grey keys (Microsoft's Keyboard Scan Code Specification, the
// notes to the scan code table), with the Num Lock state the host set through the LEDs.
TEST(KeysKeymap, GreyKeysCarryFakeShifts) {
  using V = std::vector<uint8_t>;
  Kbc t;
  auto& kbd = t.kbc.keyboard();
  // Num Lock off, no Shift: the plain E0 codes (Right, keypad /).
  EXPECT_EQ(t.press_release(0x4F), (V{0xE0, 0x4D, 0xE0, 0xCD}));
  EXPECT_EQ(t.press_release(0x54), (V{0xE0, 0x35, 0xE0, 0xB5}));
  // Left Shift held: released before the make, pressed again after the break.
  kbd.key_hid(0xE1, true);
  EXPECT_EQ(t.drain(), (V{0x2A}));
  EXPECT_EQ(t.press_release(0x4A), (V{0xE0, 0xAA, 0xE0, 0x47, 0xE0, 0xC7, 0xE0, 0x2A}));  // Home
  EXPECT_EQ(t.press_release(0x54), (V{0xE0, 0xAA, 0xE0, 0x35, 0xE0, 0xB5, 0xE0, 0x2A}));  // KP /
  // Both Shifts: both released (left first), pressed again in reverse.
  kbd.key_hid(0xE5, true);
  EXPECT_EQ(t.drain(), (V{0x36}));
  EXPECT_EQ(t.press_release(0x4C),  // Delete
            (V{0xE0, 0xAA, 0xE0, 0xB6, 0xE0, 0x53, 0xE0, 0xD3, 0xE0, 0x36, 0xE0, 0x2A}));
  kbd.key_hid(0xE1, false);
  kbd.key_hid(0xE5, false);
  EXPECT_EQ(t.drain(), (V{0xAA, 0xB6}));
  // Num Lock on (LED command EDh 02h): a fake Left Shift press around the grey keys...
  t.bus.write(0x60, 1, 0xED);
  t.bus.write(0x60, 1, 0x02);
  EXPECT_EQ(t.drain(), (V{0xFA, 0xFA}));
  EXPECT_EQ(t.press_release(0x52), (V{0xE0, 0x2A, 0xE0, 0x48, 0xE0, 0xC8, 0xE0, 0xAA}));  // Up
  // ...but not keypad /, and Shift with Num Lock gives the plain codes.
  EXPECT_EQ(t.press_release(0x54), (V{0xE0, 0x35, 0xE0, 0xB5}));
  kbd.key_hid(0xE5, true);
  t.drain();
  EXPECT_EQ(t.press_release(0x49), (V{0xE0, 0x52, 0xE0, 0xD2}));  // Insert
  EXPECT_EQ(t.press_release(0x54), (V{0xE0, 0xB6, 0xE0, 0x35, 0xE0, 0xB5, 0xE0, 0x36}));
  // The keypad's own digits and the main block are untouched.
  EXPECT_EQ(t.press_release(0x5C), (V{0x4B, 0xCB}));  // KP 4
}

TEST(KeysKeymap, GreyKeyFakeShiftsInScancodeSet2) {
  using V = std::vector<uint8_t>;
  Kbc t;
  t.bus.write(0x64, 1, 0x60);
  t.bus.write(0x60, 1, 0x05);  // translation off: the keyboard's own set 2
  auto& kbd = t.kbc.keyboard();
  kbd.key_hid(0xE1, true);
  EXPECT_EQ(t.drain(), (V{0x12}));
  EXPECT_EQ(t.press_release(0x50),  // Left
            (V{0xE0, 0xF0, 0x12, 0xE0, 0x6B, 0xE0, 0xF0, 0x6B, 0xE0, 0x12}));
}

TEST(KeysKeymap, TypematicRepeatsOnlyTheGreyKeysOwnCode) {
  using V = std::vector<uint8_t>;
  Kbc t;
  t.bus.write(0x60, 1, 0xED);
  t.bus.write(0x60, 1, 0x02);  // Num Lock on
  t.drain();
  t.kbc.keyboard().key_hid(0x4F, true);  // Right, held
  EXPECT_EQ(t.drain(), (V{0xE0, 0x2A, 0xE0, 0x4D}));
  t.sched.advance_to(t.sched.now() + 550'000'000);  // past the 500 ms delay: one repeat
  EXPECT_EQ(t.drain(), (V{0xE0, 0x4D}));
  t.kbc.keyboard().key_hid(0x4F, false);
  EXPECT_EQ(t.drain(), (V{0xE0, 0xCD, 0xE0, 0xAA}));
}

TEST(KeysKeymap, KoreanKeysAreMakeOnly) {
  Kbc t;
  EXPECT_EQ(t.press_release(0x90), (std::vector<uint8_t>{0xF2}));
  EXPECT_EQ(t.press_release(0x91), (std::vector<uint8_t>{0xF1}));
}

}  // namespace
}  // namespace rz
