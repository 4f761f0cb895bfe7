// frontend/char_backends.h: serial back-ends that need the host terminal: the process's
// stdin/stdout, and a pseudo-terminal (posix_openpt) another program can attach to.
// Both read without blocking; the frontend polls them (PcBoard::poll_serial) from its
// main loop.  The device side never sees any of this (devices/char_backend.h).
#pragma once

#include <string>

#include "devices/char_backend.h"

namespace rz {

class StdioCharBackend : public CharBackend {
 public:
  // `raw`: put a terminal stdin into raw mode (restored on destruction).  `escapes`: act on
  // the Ctrl-A keys below in raw mode (false: read() returns every byte; a multiplexer
  // that handles Ctrl-A itself, frontend/term_mux.h, asks for that).
  explicit StdioCharBackend(bool raw = false, bool escapes = true);
  ~StdioCharBackend() override;
  StdioCharBackend(const StdioCharBackend&) = delete;
  StdioCharBackend& operator=(const StdioCharBackend&) = delete;
  void write(uint8_t byte) override;
  size_t read(uint8_t* buf, size_t max) override;
  // Ctrl-A x was typed (raw mode only): the frontend ends the run.  Ctrl-A h prints the
  // Ctrl-A keys; Ctrl-A Ctrl-A sends one Ctrl-A.
  bool quit_requested() const { return quit_; }
  // Whether stdin is a terminal that this back-end put into raw mode.
  bool raw() const { return raw_set_; }

 private:
  bool raw_set_ = false;
  bool escapes_ = true;
  bool eof_ = false;
  bool escape_ = false;
  bool quit_ = false;
  unsigned char saved_termios_[64] = {};
};

class PtyCharBackend : public CharBackend {
 public:
  // Throws std::runtime_error if no pseudo-terminal can be created.
  PtyCharBackend();
  ~PtyCharBackend() override;
  PtyCharBackend(const PtyCharBackend&) = delete;
  PtyCharBackend& operator=(const PtyCharBackend&) = delete;
  // The slave side's path (e.g. /dev/pts/3), for the user to open.
  const std::string& path() const { return path_; }
  void write(uint8_t byte) override;
  size_t read(uint8_t* buf, size_t max) override;

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace rz
