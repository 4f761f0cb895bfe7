// frontend/char_backends.cpp: stdio and pseudo-terminal serial back-ends (POSIX).
#include "frontend/char_backends.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace rz {

static_assert(sizeof(termios) <= 64, "termios save area too small");

StdioCharBackend::StdioCharBackend(bool raw, bool escapes) : escapes_(escapes) {
  if (raw && isatty(STDIN_FILENO)) {
    termios t;
    if (tcgetattr(STDIN_FILENO, &t) == 0) {
      std::memcpy(saved_termios_, &t, sizeof t);
      cfmakeraw(&t);
      t.c_oflag |= OPOST;  // keep output newline handling
      if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) raw_set_ = true;
    }
  }
}

StdioCharBackend::~StdioCharBackend() {
  if (raw_set_) {
    termios t;
    std::memcpy(&t, saved_termios_, sizeof t);
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
  }
}

void StdioCharBackend::write(uint8_t byte) {
  ssize_t r;
  do r = ::write(STDOUT_FILENO, &byte, 1);
  while (r < 0 && errno == EINTR);
}

size_t StdioCharBackend::read(uint8_t* buf, size_t max) {
  if (eof_ || max == 0) return 0;
  pollfd p{STDIN_FILENO, POLLIN, 0};
  if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP))) return 0;
  ssize_t n = ::read(STDIN_FILENO, buf, max);
  if (n == 0) eof_ = true;
  if (n <= 0) return 0;
  if (!raw_set_ || !escapes_) return size_t(n);
  // In raw mode Ctrl-C goes to the guest; Ctrl-A x quits (as in QEMU), Ctrl-A Ctrl-A sends
  // one Ctrl-A.
  size_t out = 0;
  for (ssize_t i = 0; i < n; ++i) {
    const uint8_t ch = buf[i];
    if (escape_) {
      escape_ = false;
      if (ch == 'x' || ch == 'X') {
        quit_ = true;
        continue;
      }
      if (ch == 'h' || ch == 'H') {
        static const char kHelp[] = "\nC-a h    print this help\nC-a x    exit emulator\n"
                                    "C-a C-a  sends C-a\n";  // OPOST is on: \n ends lines
        for (const char* p = kHelp; *p; ++p) write(uint8_t(*p));
        continue;
      }
      if (ch != 0x01) buf[out++] = 0x01;
    } else if (ch == 0x01) {
      escape_ = true;
      continue;
    }
    buf[out++] = ch;
  }
  return out;
}

PtyCharBackend::PtyCharBackend() {
  fd_ = posix_openpt(O_RDWR | O_NOCTTY);
  if (fd_ < 0 || grantpt(fd_) != 0 || unlockpt(fd_) != 0) {
    if (fd_ >= 0) close(fd_);
    throw std::runtime_error("serial: cannot create a pseudo-terminal");
  }
  const char* name = ptsname(fd_);
  path_ = name ? name : "";
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  termios t;
  if (tcgetattr(fd_, &t) == 0) {
    cfmakeraw(&t);
    tcsetattr(fd_, TCSANOW, &t);
  }
}

PtyCharBackend::~PtyCharBackend() {
  if (fd_ >= 0) close(fd_);
}

void PtyCharBackend::write(uint8_t byte) {
  // Nobody attached (or the far end is slow): drop rather than stall the guest.
  ssize_t r;
  do r = ::write(fd_, &byte, 1);
  while (r < 0 && errno == EINTR);
}

size_t PtyCharBackend::read(uint8_t* buf, size_t max) {
  if (max == 0) return 0;
  ssize_t n = ::read(fd_, buf, max);
  return n > 0 ? size_t(n) : 0;
}

}  // namespace rz
