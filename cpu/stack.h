// cpu/stack.h: PUSH/POP through SS with the stack size of SS.D.
#pragma once

#include "cpu/cpu.h"

namespace rz {

inline uint32_t stack_mask(const Cpu& c) { return c.stack32() ? 0xFFFFFFFFu : 0xFFFFu; }
inline uint32_t get_sp(const Cpu& c) { return c.r[ESP] & stack_mask(c); }
inline void set_sp(Cpu& c, uint32_t v) {
  uint32_t m = stack_mask(c);
  c.r[ESP] = (c.r[ESP] & ~m) | (v & m);
}

template <typename T>
inline void push(Cpu& c, T v) {
  uint32_t sp = (c.r[ESP] - sizeof(T)) & stack_mask(c);
  write_mem<T>(c, SS, sp, v);
  set_sp(c, sp);
}

// Read the value at the top of the stack plus `skip` bytes, without popping.
template <typename T>
inline T stack_peek(Cpu& c, uint32_t skip = 0) {
  return read_mem<T>(c, SS, (c.r[ESP] + skip) & stack_mask(c));
}

template <typename T>
inline T pop(Cpu& c) {
  T v = stack_peek<T>(c);
  set_sp(c, c.r[ESP] + sizeof(T));
  return v;
}

}  // namespace rz
