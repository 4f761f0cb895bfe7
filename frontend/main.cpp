// frontend/main.cpp: the ringzero command line (QEMU-style options where they fit).
#include <getopt.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "frontend/machine.h"
#include "frontend/options.h"
#include "frontend/stats.h"

using namespace rz;

int main(int argc, char** argv) {
  Options opt;
  std::string err;
  if (!parse_options(argc, argv, opt, err)) {
    std::fprintf(stderr, "ringzero: %s\n", err.c_str());
    return 2;
  }
  if (opt.help) {
    print_help(stdout);
    return 0;
  }
  try {
    auto m = std::make_unique<Machine>(opt.machine);
    setup_machine(*m, opt);
    StopReason why = m->run();
    finish_machine(*m, opt);
    if (opt.stats) print_stats(stderr, *m);
    if (why == StopReason::Exit) return m->exit_code();
    if (why == StopReason::Timeout) {
      std::fprintf(stderr, "ringzero: timeout after %g seconds\n", opt.machine.timeout_s);
      return 124;
    }
    if (why == StopReason::Shutdown) {
      std::fprintf(stderr, "ringzero: triple fault (shutdown) at %04x:%08x\n",
                   m->cpu().seg[CS].sel, m->cpu().eip);
      return 3;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ringzero: %s\n", e.what());
    return 1;
  }
}
