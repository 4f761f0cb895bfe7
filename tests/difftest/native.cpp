// tests/difftest/native.cpp: running cases on the host CPU through the 32-bit helper.
//
// The helper (native_helper.c) is started once with its stdin and stdout on pipes; cases
// go over in batches small enough that a batch of results fits in the pipe buffer, so
// neither side can block the other.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "tests/difftest/difftest.h"

namespace rz::difftest {

namespace {

bool write_all(int fd, const void* p, size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n) {
    ssize_t k = write(fd, c, n);
    if (k <= 0) return false;
    c += k;
    n -= size_t(k);
  }
  return true;
}

bool read_all(int fd, void* p, size_t n) {
  char* c = static_cast<char*>(p);
  while (n) {
    ssize_t k = read(fd, c, n);
    if (k <= 0) return false;
    c += k;
    n -= size_t(k);
  }
  return true;
}

constexpr size_t kBatch = 64 * 1024 / sizeof(dt_result) / 2;

}  // namespace

Native::Native(const std::string& helper_path) {
  signal(SIGPIPE, SIG_IGN);
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]); close(in[1]); close(out[0]); close(out[1]);
    execl(helper_path.c_str(), helper_path.c_str(), static_cast<char*>(nullptr));
    std::perror(helper_path.c_str());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  to_ = in[1];
  from_ = out[0];
  if (!read_all(from_, &hello_, sizeof hello_) || hello_.magic != DT_MAGIC)
    throw std::runtime_error("native helper " + helper_path + " did not start");
}

Native::~Native() {
  if (to_ >= 0) close(to_);
  if (from_ >= 0) close(from_);
  if (pid_ > 0) waitpid(pid_, nullptr, 0);
}

bool Native::run(const dt_case* in, dt_result* out, size_t n) {
  while (n) {
    size_t b = n < kBatch ? n : kBatch;
    if (!write_all(to_, in, b * sizeof *in)) return false;
    if (!read_all(from_, out, b * sizeof *out)) return false;
    in += b;
    out += b;
    n -= b;
  }
  return true;
}

}  // namespace rz::difftest
