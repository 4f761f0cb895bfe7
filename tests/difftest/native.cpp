// tests/difftest/native.cpp: running cases on the host CPU through the 32-bit helper.
//
// The helper (native_helper.c) is started once with its stdin and stdout on pipes; cases
// go over in batches small enough that a batch of results fits in the pipe buffer, so
// neither side can block the other.  If the helper dies, the results it sent before dying
// say which case killed it; the helper is reaped (its exit status or signal kept for the
// report) and a new one started, so one bad case costs one failure, not the rest of the run.
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

Native::Native(const std::string& helper_path) : path_(helper_path) {
  signal(SIGPIPE, SIG_IGN);
  start();
}

Native::~Native() {
  if (to_ >= 0) close(to_);
  if (from_ >= 0) close(from_);
  if (pid_ > 0) waitpid(pid_, nullptr, 0);
}

void Native::start() {
  int in[2], out[2];
  if (pipe(in) != 0) throw std::runtime_error("pipe failed");
  if (pipe(out) != 0) {
    close(in[0]); close(in[1]);
    throw std::runtime_error("pipe failed");
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]); close(in[1]); close(out[0]); close(out[1]);
    execl(path_.c_str(), path_.c_str(), static_cast<char*>(nullptr));
    std::perror(path_.c_str());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  // Neither end may leak into a later helper: that one would then keep this one's pipe open.
  fcntl(in[1], F_SETFD, FD_CLOEXEC);
  fcntl(out[0], F_SETFD, FD_CLOEXEC);
  to_ = in[1];
  from_ = out[0];
  dt_hello h{};
  if (!read_all(from_, &h, sizeof h) || h.magic != DT_MAGIC)
    throw std::runtime_error("native helper " + path_ + " did not start");
  // A restarted helper must run with the selectors the Emulator was built with.
  if (hello_.magic == DT_MAGIC && std::memcmp(&h, &hello_, sizeof h) != 0)
    throw std::runtime_error("restarted native helper has different selectors");
  hello_ = h;
}

void Native::stop_and_reap() {
  close(to_);
  close(from_);
  to_ = from_ = -1;
  // The helper closed its end of the result pipe, so it is exiting or dead; if it only
  // misbehaved (a short or garbled answer), make sure it goes.
  int st = 0;
  if (waitpid(pid_, &st, WNOHANG) == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &st, 0);
  }
  pid_ = -1;
  char b[64];
  if (WIFSIGNALED(st))
    std::snprintf(b, sizeof b, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
  else
    std::snprintf(b, sizeof b, "exit status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  death_ = b;
}

size_t Native::run(const dt_case* in, dt_result* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    const size_t b = n - done < kBatch ? n - done : kBatch;
    // A write that fails (EPIPE: the helper already died) is not the end: the results it
    // sent before dying are still in the pipe and tell which case killed it.
    write_all(to_, in + done, b * sizeof *in);
    size_t got = 0;
    char* p = reinterpret_cast<char*>(out + done);
    const size_t want = b * sizeof *out;
    while (got < want) {
      ssize_t k = read(from_, p + got, want - got);
      if (k <= 0) break;
      got += size_t(k);
    }
    done += got / sizeof *out;
    if (got < want) {
      stop_and_reap();
      start();
      return done;
    }
  }
  return done;
}

}  // namespace rz::difftest
