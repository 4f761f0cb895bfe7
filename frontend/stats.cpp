// frontend/stats.cpp
#include "frontend/stats.h"

namespace rz {

void print_stats(FILE* f, Machine& m) {
  const Cpu& c = m.cpu();
  double secs = m.host_seconds();
  const TlbStats& t = m.mmu().stats();
  std::fprintf(f, "instructions retired: %llu\n", (unsigned long long)c.icount);
  std::fprintf(f, "host seconds:         %.3f\n", secs);
  std::fprintf(f, "MIPS:                 %.1f\n", secs > 0 ? double(c.icount) / secs / 1e6 : 0.0);
  std::fprintf(f, "blocks decoded:       %llu (invalidated %llu, live %llu)\n",
               (unsigned long long)c.stats.blocks_decoded,
               (unsigned long long)c.stats.blocks_invalidated,
               (unsigned long long)m.engine().blocks_live());
  std::fprintf(f, "exceptions:           %llu\n", (unsigned long long)c.stats.exceptions);
  std::fprintf(f, "interrupts:           %llu\n", (unsigned long long)c.stats.interrupts);
  std::fprintf(f, "TLB fills (hidden page faults): %llu\n", (unsigned long long)t.fills);
  std::fprintf(f, "true page faults:     %llu\n", (unsigned long long)t.page_faults);
  std::fprintf(f, "TLB flushes:          %llu full, %llu INVLPG\n",
               (unsigned long long)t.full_flushes, (unsigned long long)t.page_flushes);
  static const char* names[kNumInsnClasses] = {"innocuous", "privileged", "IOPL-sensitive",
                                               "sensitive-unprivileged"};
  uint64_t by_class[kNumInsnClasses];
  m.engine().class_totals(by_class);
  for (int k = 0; k < kNumInsnClasses; ++k)
    std::fprintf(f, "executed %-24s %llu\n", names[k], (unsigned long long)by_class[k]);
}

}  // namespace rz
