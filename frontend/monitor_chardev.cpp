// frontend/monitor_chardev.cpp: the stdio multiplexer and the monitor's set-up.  See
// monitor_chardev.h.
#include "frontend/monitor_chardev.h"

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "frontend/machine.h"
#include "frontend/monitor.h"

namespace rz {

TerminalMux::TerminalMux() : term_(/*raw=*/true, /*escapes=*/false) {
  serial_.mux = this;
  monitor_.mux = this;
}

size_t TerminalMux::Front::read(uint8_t* buf, size_t max) {
  mux->pump();
  size_t n = 0;
  while (n < max && !in.empty()) {
    buf[n++] = in.front();
    in.pop_front();
  }
  return n;
}

void TerminalMux::write_text(const char* s) {
  for (; *s; ++s) term_.write(uint8_t(*s));
}

void TerminalMux::pump() {
  uint8_t buf[256];
  for (;;) {
    const size_t n = term_.read(buf, sizeof buf);
    if (n == 0) return;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t ch = buf[i];
      if (!escape_ && ch == 0x01) {
        escape_ = true;
        continue;
      }
      if (escape_) {
        escape_ = false;
        if (ch == 'x' || ch == 'X') {
          quit_ = true;
          continue;
        }
        if (ch == 'h' || ch == 'H') {
          write_text("\nC-a h    print this help\nC-a x    exit emulator\n"
                     "C-a c    switch between console and monitor\nC-a C-a  sends C-a\n");
          continue;
        }
        if (ch == 'c' || ch == 'C') {
          focus_monitor_ = !focus_monitor_;
          if (on_switch_) on_switch_(focus_monitor_);
          continue;
        }
        if (ch != 0x01) (focus_monitor_ ? monitor_ : serial_).in.push_back(0x01);
      }
      (focus_monitor_ ? monitor_ : serial_).in.push_back(ch);
    }
  }
}

void setup_monitor(Machine& m, const std::string& monitor, bool serial_mux) {
  if (serial_mux) {
    if (!m.board()) throw std::runtime_error("-serial needs the PC board (not -machine bare)");
    auto mux = std::make_shared<TerminalMux>();
    // The terminal keeps output processing (OPOST) in raw mode: "\n" is enough.
    auto mon = std::make_shared<Monitor>(m, mux->monitor(), mux->raw(), /*crlf=*/false);
    m.set_serial_backend(0, &mux->serial());
    mux->on_switch([p = mon.get()](bool to_monitor) {
      if (to_monitor) p->greet();
    });
    m.add_poll_hook([x = mux.get(), p = mon.get()] {
      x->pump();
      const bool quit = p->poll();
      return quit || x->quit_requested();
    });
    m.keep(mux);
    m.keep(mon);
  }
  if (monitor == "none") return;
  std::shared_ptr<CharBackend> io;
  bool echo = false;
  if (monitor == "stdio") {
    io = std::make_shared<StdioCharBackend>(/*raw=*/false);
  } else if (monitor == "pty") {
    auto pty = std::make_shared<PtyCharBackend>();
    std::fprintf(stderr, "ringzero: monitor on %s\n", pty->path().c_str());
    io = pty;
    echo = true;  // the pseudo-terminal is raw: nobody else echoes
  } else {
    throw std::runtime_error("-monitor: expected stdio, pty or none, got '" + monitor + "'");
  }
  // A raw pseudo-terminal has no output processing either: the monitor ends lines with CR LF.
  auto mon = std::make_shared<Monitor>(m, *io, echo, /*crlf=*/echo);
  mon->greet();
  m.add_poll_hook([p = mon.get()] { return p->poll(); });
  m.keep(io);
  m.keep(mon);
}

}  // namespace rz
