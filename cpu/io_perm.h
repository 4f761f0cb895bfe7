// cpu/io_perm.h: the protected-mode I/O permission check (SDM vol. 1 §19.5, vol. 3 §20.2.8)
// and the port accesses shared by IN/OUT (cpu/ops_io.cpp) and INS/OUTS (cpu/ops_string.cpp).
//
// IN, OUT, INS and OUTS are IOPL-sensitive: in protected mode with CPL > IOPL, and always in
// virtual-8086 mode, every bit of the TSS I/O permission bitmap covering the accessed ports
// must be clear, or the instruction raises #GP(0) before any port or memory is touched.
#pragma once

#include <cstdint>

#include "cpu/cpu.h"

namespace rz {

// Raise #GP(0) unless the current privilege (or the TSS bitmap) allows an access of
// `size` bytes (1, 2 or 4) at `port`.  Real mode always passes.  May raise #PF while
// reading the TSS.
void check_io_permission(Cpu& c, uint16_t port, unsigned size);

// Port read of `size` bytes; all ones when the CPU has no I/O bus (CPU-only tests).
inline uint32_t port_in(Cpu& c, uint16_t port, unsigned size) {
  const uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
  if (!c.io) return mask;
  return c.io->io_read(port, size) & mask;
}

inline void port_out(Cpu& c, uint16_t port, unsigned size, uint32_t value) {
  if (c.io) c.io->io_write(port, size, value);
}

}  // namespace rz
