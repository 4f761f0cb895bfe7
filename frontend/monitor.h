// frontend/monitor.h: the human monitor, QEMU-style.  A line-oriented command interpreter on
// a character back-end (stdin/stdout, a pseudo-terminal, or the monitor side of the
// -serial mon:stdio multiplexer) that inspects and drives a Machine: registers, PCI devices,
// linear and physical memory dumps, screen dumps, key presses, stop/cont, reset and quit.
//
// The Machine's poll hook calls poll() between slices of the run loop, so every command
// runs at a safe point, never while guest code executes.  Reading the back-end changes no
// guest state: a --clock=virtual run with an idle monitor repeats exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "devices/char_backend.h"

namespace rz {

class Machine;

class Monitor {
 public:
  // `echo`: the back-end is a raw terminal, so the monitor echoes what is typed and edits
  // the line itself (false for a pipe or a terminal in canonical mode).  `crlf`: end output
  // lines with CR LF (a terminal without output processing, such as a raw pseudo-terminal).
  Monitor(Machine& m, CharBackend& io, bool echo, bool crlf = false);

  // Print the banner and the first prompt (once; later calls print the prompt again).
  void greet();
  // Read what the back-end has and run every complete line.  Returns true once `quit`
  // was given (the run loop then stops).
  bool poll();
  // Feed input bytes as if typed (line editing, then commands).
  void feed(const uint8_t* buf, size_t n);
  // Run one command line; the output goes to the back-end.
  void execute(const std::string& line);
  bool quit_requested() const { return quit_; }

 private:
  struct Command;
  static const Command kCommands[];

  void out(const std::string& s);
  void err(const std::string& s) { out(s + "\n"); }
  void prompt() { out("(ringzero) "); }

  void cmd_help(const std::vector<std::string>& a);
  void cmd_info(const std::vector<std::string>& a);
  void cmd_x(const std::vector<std::string>& a);
  void cmd_xp(const std::vector<std::string>& a);
  void cmd_screendump(const std::vector<std::string>& a);
  void cmd_sendkey(const std::vector<std::string>& a);
  void cmd_stop(const std::vector<std::string>& a);
  void cmd_cont(const std::vector<std::string>& a);
  void cmd_system_reset(const std::vector<std::string>& a);
  void cmd_quit(const std::vector<std::string>& a);

  void info_registers();
  void info_pci();
  void memory_dump(const char* cmd, const std::vector<std::string>& a, bool physical);
  // Evaluate an address expression: numbers, $registers, + and -.  False with a message.
  bool eval(const std::string& expr, uint64_t& v, std::string& msg);
  // Copy up to `len` bytes of guest memory (linear or physical) from `addr`; stops at the
  // first page that is not present or not RAM/ROM, with the reason in `msg`.  Returns the
  // number of bytes copied.
  uint32_t read_guest(uint32_t addr, bool physical, uint8_t* out, uint32_t len, std::string& msg);
  // x/i: `count` instructions from `addr` in the CPU's current code size.
  void disassemble(const std::string& name, uint32_t addr, unsigned count, bool physical);
  // Linear -> physical by the guest's page tables (no side effects: accessed and dirty bits
  // are left alone).  False when the page is not present.
  bool linear_to_phys(uint32_t lin, uint32_t& phys, std::string& msg);

  Machine& m_;
  CharBackend& io_;
  bool echo_;
  bool crlf_;
  bool greeted_ = false;
  bool quit_ = false;
  std::string line_;
  bool last_cr_ = false;
  int esc_state_ = 0;  // skipping a terminal escape sequence (arrow keys)
  char last_format_ = 'x';
  unsigned last_size_ = 4;
};

}  // namespace rz
