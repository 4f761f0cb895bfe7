// frontend/keys.h: host key names and scripted keystrokes.  A PcKey names one key of a PC
// keyboard (a USB HID usage, or a set-2 code for the consumer keys HID puts on another usage
// page); QEMU's sendkey names and the US layout's characters map to PcKeys; a KeyScript is a
// list of presses and releases on the virtual clock, built from the --keys and --type options
// and played into the PS/2 keyboard by scheduler events, so a run under --clock=virtual
// repeats exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "devices/ps2.h"
#include "devices/scheduler.h"

namespace rz {

struct PcKey {
  uint16_t usage = 0;  // USB HID keyboard usage (page 7); 0: use set2/ext
  uint8_t set2 = 0;    // set-2 make code of a key outside HID page 7 (media keys)
  bool ext = false;    // ... with the E0 prefix
  bool valid() const { return usage || set2; }
  bool operator==(const PcKey&) const = default;
};

// Press or release one key on the PS/2 keyboard.
void press_pc_key(Ps2Keyboard& kbd, const PcKey& k, bool pressed);

// A QEMU sendkey name ("ret", "ctrl", "f12", "kp_add", "meta_l"...); false if unknown.
bool pc_key_by_name(const std::string& name, PcKey& out);
// The names pc_key_by_name() knows, for --help and error messages.
std::vector<std::string> pc_key_names();

// A character on the US layout: the key and whether Shift is needed ('\n' is Enter,
// '\t' Tab, '\b' Backspace, '\x1b' Esc).  False for characters the layout cannot type.
bool pc_key_for_char(char ch, PcKey& key, bool& shift);

struct KeyAction {
  int64_t at_ns;
  PcKey key;
  bool pressed;
};

// Builds a key script.  Actions are spaced kStepNs apart; each added item starts at
// `start_ns` if given (>= 0), but never before the previous item has ended.
class KeyScript {
 public:
  static constexpr int64_t kStepNs = 20'000'000;  // 20 ms between key events

  // "[@SECONDS:]COMBO[,COMBO...]" where COMBO is NAME[-NAME...]: the names are pressed
  // in order and released in reverse ("ctrl-alt-delete,f12,esc").
  bool add_keys(const std::string& spec, std::string& err);
  // "[@SECONDS:]TEXT" typed on the US layout; escapes \n (Enter), \t, \b, \e (Esc), \\.
  bool add_text(const std::string& spec, std::string& err);

  const std::vector<KeyAction>& actions() const { return actions_; }
  int64_t end_ns() const { return cursor_; }

  // Play the actions on `sched` (times are relative to sched.now() at this call).  The
  // keyboard must outlive the scheduled events (both belong to one Machine).
  void schedule(Scheduler& sched, Ps2Keyboard& kbd) const;

 private:
  // Strip an "@SECONDS:" prefix and move the cursor; false with `err` on a bad prefix.
  bool take_start(const std::string& spec, const char* option, std::string& body, std::string& err);
  void tap(const std::vector<PcKey>& combo);

  std::vector<KeyAction> actions_;
  int64_t cursor_ = 0;
};

}  // namespace rz
