// cpu/debug.cpp: breakpoint matching for DR0-DR3 under DR7 (see cpu/debug.h).
// I/O breakpoints (R/W = 10 with CR4.DE) are not implemented.
#include "cpu/debug.h"

namespace rz {

namespace {

struct Bp {
  bool enabled;
  unsigned rw, size;
  uint32_t addr;
};

Bp breakpoint(const Cpu& c, unsigned n) {
  const uint32_t dr7 = c.dr[7];
  Bp b;
  b.enabled = (dr7 >> (2 * n)) & 3;
  b.rw = (dr7 >> (16 + 4 * n)) & 3;
  const unsigned len = (dr7 >> (18 + 4 * n)) & 3;
  b.size = len == 0 ? 1 : len == 1 ? 2 : 4;  // LEN = 10 is undefined on a P6: treat as 4
  b.addr = c.dr[n] & ~(b.size - 1);
  if (b.rw == 0) b.addr = c.dr[n];
  return b;
}

}  // namespace

void update_breakpoints(Cpu& c) {
  uint32_t pages[8];
  unsigned n = 0;
  for (unsigned k = 0; k < 4; ++k) {
    const Bp b = breakpoint(c, k);
    if (b.enabled && (b.rw == 1 || b.rw == 3)) pages[n++] = b.addr >> 12;
  }
  c.mmu->set_watch_pages(pages, n);
}

void check_data_breakpoints(Cpu& c, uint32_t lin, unsigned size, bool write) {
  for (unsigned k = 0; k < 4; ++k) {
    const Bp b = breakpoint(c, k);
    if (!b.enabled || !(b.rw == 3 || (b.rw == 1 && write))) continue;
    const uint64_t a0 = lin, a1 = uint64_t(lin) + size, b0 = b.addr, b1 = uint64_t(b.addr) + b.size;
    if (a0 < b1 && b0 < a1) c.pending_dbg |= 1u << k;
  }
}

uint32_t insn_breakpoint_hits(const Cpu& c, uint32_t lin) {
  uint32_t hits = 0;
  for (unsigned k = 0; k < 4; ++k) {
    const Bp b = breakpoint(c, k);
    if (b.enabled && b.rw == 0 && b.addr == lin) hits |= 1u << k;
  }
  return hits;
}

}  // namespace rz
