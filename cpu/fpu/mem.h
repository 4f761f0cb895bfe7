// cpu/fpu/mem.h: x87 memory operands wider than a dword (m64, m80, environments, images).
//
// The common accessors move at most 4 bytes on their slow path, so wide operands are split
// into dwords.  Writes check the whole span (segment and every page) first so that a fault
// cannot leave a half-written operand behind an instruction that has changed state.
#pragma once

#include "cpu/insn.h"

namespace rz::x87 {

template <unsigned N>
inline uint32_t span_r(Cpu& c, unsigned seg, uint32_t off) {
  return lin_read<N>(c, seg, off);
}
template <unsigned N>
inline uint32_t span_w(Cpu& c, unsigned seg, uint32_t off) {
  uint32_t lin = lin_write<N>(c, seg, off);
  probe_write(c, lin, N, c.user());
  return lin;
}
inline uint16_t rd16(Cpu& c, uint32_t lin) { return read_lin<uint16_t>(c, lin, c.user()); }
inline uint32_t rd32(Cpu& c, uint32_t lin) { return read_lin<uint32_t>(c, lin, c.user()); }
inline uint64_t rd64(Cpu& c, uint32_t lin) {
  return rd32(c, lin) | uint64_t(rd32(c, lin + 4)) << 32;
}
inline void wr16(Cpu& c, uint32_t lin, uint16_t v) { write_lin<uint16_t>(c, lin, v, c.user()); }
inline void wr32(Cpu& c, uint32_t lin, uint32_t v) { write_lin<uint32_t>(c, lin, v, c.user()); }
inline void wr64(Cpu& c, uint32_t lin, uint64_t v) {
  wr32(c, lin, uint32_t(v));
  wr32(c, lin + 4, uint32_t(v >> 32));
}
inline F80 rd80(Cpu& c, uint32_t lin) { return F80{rd64(c, lin), rd16(c, lin + 8)}; }
inline void wr80(Cpu& c, uint32_t lin, F80 v) {
  wr64(c, lin, v.mant);
  wr16(c, lin + 8, v.se);
}

}  // namespace rz::x87
