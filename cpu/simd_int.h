// cpu/simd_int.h: operand plumbing shared by the MMX and SSE/SSE2 integer and data-movement
// handlers (cpu/ops_mmx.cpp, cpu/ops_sse_int.cpp, cpu/simd_move.cpp).
//
//   - Vec<N>: an 8-byte (MM) or 16-byte (XMM) value with typed lane access; the lane
//     algorithms (cpu/simd_alg.h) work on it for both widths.
//   - Register files Mmx and Xmm: availability check, read, write.  The x87 side effects
//     of an MMX instruction (TOP = 0, every tag valid, a written MMn's exponent word all
//     ones; SDM vol. 3 11.5 / table 11-2) are applied only once the instruction can no
//     longer fault, so a faulting MMX instruction leaves the x87 state as it was.
//   - Memory operands of 8 and 16 bytes: the segment check covers the whole operand, the
//     aligned forms check 16-byte alignment first (#GP(0)), and a store checks every page
//     for writing before any byte is written.
#pragma once

#include <cstdint>
#include <cstring>

#include "cpu/simd.h"
#include "cpu/table.h"

namespace rz::simd {

template <unsigned N>
struct Vec {
  uint8_t b[N];
  template <typename T>
  T get(unsigned k) const {
    T v;
    std::memcpy(&v, b + k * sizeof(T), sizeof(T));
    return v;
  }
  template <typename T>
  void set(unsigned k, T v) {
    std::memcpy(b + k * sizeof(T), &v, sizeof(T));
  }
  uint64_t q(unsigned k) const { return get<uint64_t>(k); }
};
using V64 = Vec<8>;
using V128 = Vec<16>;

// ---- memory --------------------------------------------------------------------------------

// Read Bytes (4, 8 or 16) at seg:off into the low bytes of out (the rest zero).
template <unsigned Bytes>
inline void read_bytes(Cpu& c, unsigned seg, uint32_t off, uint8_t* out) {
  const uint32_t lin = lin_read<Bytes>(c, seg, off);
  const bool user = c.user();
  const TlbEntry& e = c.mmu->entry(lin);
  if (__builtin_expect(e.tag[user ? 2 : 0] == (lin >> 12) && (lin & 0xFFF) <= 0x1000 - Bytes, 1)) {
    std::memcpy(out, tlb_host(e, lin), Bytes);
    return;
  }
  for (unsigned k = 0; k < Bytes; k += 4) {
    const uint32_t v = read_lin<uint32_t>(c, lin + k, user);
    std::memcpy(out + k, &v, 4);
  }
}
template <unsigned Bytes>
inline void write_bytes(Cpu& c, unsigned seg, uint32_t off, const uint8_t* in) {
  const uint32_t lin = lin_write<Bytes>(c, seg, off);
  const bool user = c.user();
  const TlbEntry& e = c.mmu->entry(lin);
  if (__builtin_expect(e.tag[user ? 3 : 1] == (lin >> 12) && (lin & 0xFFF) <= 0x1000 - Bytes, 1)) {
    std::memcpy(tlb_host(e, lin), in, Bytes);
    return;
  }
  probe_write(c, lin, Bytes, user);  // every page writable before the first byte is written
  for (unsigned k = 0; k < Bytes; k += 4) {
    uint32_t v;
    std::memcpy(&v, in + k, 4);
    write_lin<uint32_t>(c, lin + k, v, user);
  }
}

// The ModRM memory operand of Bytes bytes, zero-extended to a Vec<N>.  Align: the form
// requires a 16-byte aligned operand (#GP(0) otherwise).
template <unsigned N, unsigned Bytes, bool Align>
inline Vec<N> load_op(Cpu& c, const Insn& i) {
  if constexpr (Align) check_align16(c, i);
  Vec<N> v{};
  read_bytes<Bytes>(c, i.seg, ea(c, i), v.b);
  return v;
}
template <unsigned Bytes, bool Align>
inline void store_op(Cpu& c, const Insn& i, const uint8_t* p) {
  if constexpr (Align) check_align16(c, i);
  write_bytes<Bytes>(c, i.seg, ea(c, i), p);
}

// ---- register files -------------------------------------------------------------------------

// MMX instructions, and the SSE/SSE2 additions that operate on MM registers.
struct Mmx {
  static constexpr unsigned N = 8;
  // #UD (CR0.EM), #NM (CR0.TS), pending unmasked x87 exception (#MF / FERR#).
  static void check(Cpu& c) {
    if (c.cr0 & CR0_EM) raise_fault(c, kUD);
    x87::check_available(c, true);
  }
  static V64 get(const Cpu& c, unsigned n) {
    V64 v;
    const uint64_t m = get_mm(c, n);
    std::memcpy(v.b, &m, 8);
    return v;
  }
  // The x87 side effects of every MMX instruction (after its last possible fault).
  static void touch(Cpu& c) {
    c.fpu.fsw &= uint16_t(~(7u << 11));  // TOP = 0
    c.fpu.ftw = 0;                       // every register valid
  }
  // What an MMX store does before its memory access (see cpu/simd_handlers.h).
  static void pre_store(Cpu& c) { c.fpu.fsw &= uint16_t(~(7u << 11)); }
  static void put(Cpu& c, unsigned n, const V64& v) {
    uint64_t m;
    std::memcpy(&m, v.b, 8);
    set_mm(c, n, m);
    touch(c);
  }
};

// SSE/SSE2 instructions on XMM registers.
struct Xmm {
  static constexpr unsigned N = 16;
  static void check(Cpu& c) { sse_prologue(c); }
  static V128 get(const Cpu& c, unsigned n) {
    V128 v;
    std::memcpy(v.b, c.fpu.xmm[n & 7], 16);
    return v;
  }
  static void touch(Cpu&) {}
  static void pre_store(Cpu&) {}
  static void put(Cpu& c, unsigned n, const V128& v) { std::memcpy(c.fpu.xmm[n & 7], v.b, 16); }
};

// ---- registration helpers -------------------------------------------------------------------

inline HandlerSet hs_any(Handler h) { return HandlerSet{{{h, h}, {h, h}}}; }
inline HandlerSet hs_mem(Handler h) { return HandlerSet{{{nullptr, h}, {nullptr, h}}}; }
inline HandlerSet hs_reg(Handler h) { return HandlerSet{{{h, nullptr}, {h, nullptr}}}; }

}  // namespace rz::simd

namespace rz {
// Bit-level SSE/SSE2 data movement, logic, shuffles, fences, CLFLUSH, PREFETCHh
// (cpu/simd_move.cpp); called from register_ops_sse_int.
void register_sse_move(OpTable& t);
}  // namespace rz
