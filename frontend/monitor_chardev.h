// frontend/monitor_chardev.h: where the monitor (frontend/monitor.h) talks.  -monitor stdio
// puts it on the terminal (canonical mode: the terminal edits lines), -monitor pty on a
// pseudo-terminal, and -serial mon:stdio multiplexes COM1 and the monitor on one raw
// terminal as QEMU's "mon:" does: Ctrl-A c switches the keyboard between them (COM1
// first), both print, Ctrl-A x quits, Ctrl-A h prints the keys, Ctrl-A Ctrl-A sends Ctrl-A.
// The Ctrl-A keys work on a pipe too, so scripts can drive the multiplexer.
#pragma once

#include <deque>
#include <functional>
#include <string>

#include "frontend/char_backends.h"

namespace rz {

class Machine;

class TerminalMux {
 public:
  TerminalMux();
  TerminalMux(const TerminalMux&) = delete;
  TerminalMux& operator=(const TerminalMux&) = delete;

  CharBackend& serial() { return serial_; }
  CharBackend& monitor() { return monitor_; }
  bool monitor_focused() const { return focus_monitor_; }
  // The terminal is in raw mode: the monitor must echo and edit lines itself.
  bool raw() const { return term_.raw(); }
  bool quit_requested() const { return quit_; }
  // Called when Ctrl-A c moves the keyboard (true: to the monitor).
  void on_switch(std::function<void(bool)> f) { on_switch_ = std::move(f); }
  // Read the terminal and queue each byte for the side that has the keyboard.
  void pump();

 private:
  struct Front : CharBackend {
    TerminalMux* mux = nullptr;
    std::deque<uint8_t> in;
    void write(uint8_t byte) override { mux->term_.write(byte); }
    size_t read(uint8_t* buf, size_t max) override;
  };
  void write_text(const char* s);

  StdioCharBackend term_;
  Front serial_, monitor_;
  bool focus_monitor_ = false;
  bool escape_ = false;
  bool quit_ = false;
  std::function<void(bool)> on_switch_;
};

// Attach the monitor as the options ask: `monitor` is "stdio", "pty" or "none";
// `serial_mux` (-serial mon:stdio) puts COM1 and a monitor on the multiplexed terminal.
// Throws std::runtime_error (no pseudo-terminal, no PC board for COM1).
void setup_monitor(Machine& m, const std::string& monitor, bool serial_mux);

}  // namespace rz
