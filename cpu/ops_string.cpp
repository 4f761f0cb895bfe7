// cpu/ops_string.cpp: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS (byte/word/dword) with and
// without REP/REPE/REPNE.
//
// Addressing: the address size picks SI/DI/CX (16-bit, wrapping within 16 bits and
// leaving the upper halves alone) or ESI/EDI/ECX.  The source is DS:SI unless a segment
// override is given; the destination is always ES:DI.  DF selects the direction.
//
// Repetition.  The rows with an F3 or F2 prefix are kControl: each handler call runs at
// most kRepBatch iterations (one when EFLAGS.TF is set, so the single-step trap comes after
// each iteration as on hardware), and stops early once an interrupt is pending; it then
// leaves EIP on the instruction so the run loop can take the interrupt and re-execute it.
// When the count reaches 0 (or REPE/REPNE ends the loop) EIP moves past the instruction.
// Every iteration updates the registers only after its memory accesses succeeded, so a
// fault leaves the state of the completed iterations, from which the instruction restarts.
// F2 on MOVS/STOS/LODS/INS/OUTS repeats exactly like F3, as on Intel processors.
//
// Fast path: REP MOVS/STOS/LODS/SCAS/CMPS (either direction) work on whole runs that stay
// inside one page of each operand through host pointers from the TLB.  A run is taken only
// when every one of its accesses would pass the segment checks and hit plain RAM, so it is
// exactly equivalent to the per-iteration path (which handles everything else and takes
// the faults).
#include <algorithm>
#include <cstring>

#include "cpu/alu.h"
#include "cpu/io_perm.h"
#include "cpu/table.h"

namespace rz {

namespace {

constexpr uint32_t kRepBatch = 4096;

inline bool irq_pending(const Cpu& c) {
  return c.nmi_pending || (c.intr_line && (c.eflags & IF));
}

// Index register value and update under the address-size mask.
inline uint32_t idx(const Cpu& c, unsigned reg, uint32_t m) { return c.r[reg] & m; }
inline void advance(Cpu& c, unsigned reg, uint32_t m, uint32_t delta) {
  c.r[reg] = (c.r[reg] & ~m) | ((c.r[reg] + delta) & m);
}
template <typename T>
inline uint32_t step_of(const Cpu& c) {
  return (c.eflags & DF) ? uint32_t(0) - uint32_t(sizeof(T)) : uint32_t(sizeof(T));
}

// ---- one iteration of each instruction (registers updated after the accesses) ----------

template <typename T>
inline void movs_one(Cpu& c, const Insn& i) {
  const uint32_t m = i.amask;
  const T v = read_mem<T>(c, i.seg, idx(c, ESI, m));
  write_mem<T>(c, ES, idx(c, EDI, m), v);
  advance(c, ESI, m, step_of<T>(c));
  advance(c, EDI, m, step_of<T>(c));
}

template <typename T>
inline void stos_one(Cpu& c, const Insn& i) {
  const uint32_t m = i.amask;
  write_mem<T>(c, ES, idx(c, EDI, m), get_reg<T>(c, 0));
  advance(c, EDI, m, step_of<T>(c));
}

template <typename T>
inline void lods_one(Cpu& c, const Insn& i) {
  const uint32_t m = i.amask;
  const T v = read_mem<T>(c, i.seg, idx(c, ESI, m));
  set_reg<T>(c, 0, v);
  advance(c, ESI, m, step_of<T>(c));
}

// Returns ZF of the comparison.
template <typename T>
inline bool cmps_one(Cpu& c, const Insn& i) {
  const uint32_t m = i.amask;
  const T a = read_mem<T>(c, i.seg, idx(c, ESI, m));
  const T b = read_mem<T>(c, ES, idx(c, EDI, m));
  alu<T>(c, AluOp::Cmp, a, b);
  advance(c, ESI, m, step_of<T>(c));
  advance(c, EDI, m, step_of<T>(c));
  return a == b;
}

template <typename T>
inline bool scas_one(Cpu& c, const Insn& i) {
  const uint32_t m = i.amask;
  const T a = get_reg<T>(c, 0);
  const T b = read_mem<T>(c, ES, idx(c, EDI, m));
  alu<T>(c, AluOp::Cmp, a, b);
  advance(c, EDI, m, step_of<T>(c));
  return a == b;
}

// INS: the destination is checked (segment and page) before the port is read, so a fault
// does not lose the data of a port read with side effects.
template <typename T>
inline void ins_one(Cpu& c, const Insn& i) {
  const uint32_t m = i.amask;
  const uint32_t lin = lin_write<sizeof(T)>(c, ES, idx(c, EDI, m));
  probe_write(c, lin, sizeof(T), c.user());
  const T v = T(port_in(c, uint16_t(c.r[EDX]), sizeof(T)));
  write_lin<T>(c, lin, v, c.user());
  advance(c, EDI, m, step_of<T>(c));
}

template <typename T>
inline void outs_one(Cpu& c, const Insn& i) {
  const uint32_t m = i.amask;
  const T v = read_mem<T>(c, i.seg, idx(c, ESI, m));
  port_out(c, uint16_t(c.r[EDX]), sizeof(T), v);
  advance(c, ESI, m, step_of<T>(c));
}

// ---- fast paths (DF=0) -----------------------------------------------------------------

// How many elements of size N, starting with the one at offset `off` of segment `s` and
// going up (or down when `down`), can be accessed as one host run: limited to `n`, to the
// address-size wrap, to the page of the first element, and to runs entirely inside the
// segment.  Returns the host pointer of the first element (nullptr: no run possible).
template <unsigned N>
inline uint8_t* host_run(Cpu& c, const Segment& s, int64_t span, uint32_t off, uint32_t m,
                         Access kind, bool down, uint32_t& n) {
  const uint32_t lin = s.base + off;
  const uint32_t in_page = lin & 0xFFF;
  if (in_page + N > 0x1000 || uint64_t(off) + N - 1 > m) return nullptr;  // straddles or wraps
  uint32_t low;  // lowest offset of the run
  if (!down) {
    n = std::min<uint32_t>(n, (0x1000 - in_page) / N);
    n = uint32_t(std::min<uint64_t>(n, (uint64_t(m) - off + 1) / N));
    low = off;
  } else {
    n = std::min<uint32_t>(n, in_page / N + 1);
    n = std::min<uint32_t>(n, off / N + 1);
    low = off - (n - 1) * N;
  }
  if (n == 0) return nullptr;
  if (int64_t(uint32_t(low - s.lo)) + int64_t(n) * N - 1 > span) return nullptr;
  return c.mmu->lookup(lin, kind, c.user());
}

template <typename T>
uint32_t stos_bulk(Cpu& c, uint32_t m, uint32_t n) {
  const Segment& es = c.seg[ES];
  const bool down = c.eflags & DF;
  uint8_t* p = host_run<sizeof(T)>(c, es, es.wspan, idx(c, EDI, m), m, Access::Write, down, n);
  if (!p) return 0;
  const size_t bytes = size_t(n) * sizeof(T);
  if (down) p -= bytes - sizeof(T);  // lowest element: the same pattern fills the run
  const T v = get_reg<T>(c, 0);
  if constexpr (sizeof(T) == 1) {
    std::memset(p, v, n);
  } else {
    // One element, then copies of what is already written, doubling each time.
    store_host<T>(p, v);
    for (size_t done = sizeof(T); done < bytes; done *= 2)
      std::memcpy(p + done, p, std::min(done, bytes - done));
  }
  advance(c, EDI, m, down ? 0u - uint32_t(bytes) : uint32_t(bytes));
  return n;
}

template <typename T>
uint32_t movs_bulk(Cpu& c, const Insn& i, uint32_t m, uint32_t n) {
  const Segment& src = c.seg[i.seg];
  const Segment& es = c.seg[ES];
  const bool down = c.eflags & DF;
  const uint8_t* s = host_run<sizeof(T)>(c, src, src.rspan, idx(c, ESI, m), m, Access::Read, down, n);
  if (!s) return 0;
  uint8_t* d = host_run<sizeof(T)>(c, es, es.wspan, idx(c, EDI, m), m, Access::Write, down, n);
  if (!d) return 0;
  const size_t bytes = size_t(n) * sizeof(T);
  constexpr size_t N = sizeof(T);
  if (!down) {
    if (d <= s || d >= s + bytes) {
      // Each element's source is still unwritten when it is read: a plain move is exact.
      std::memmove(d, s, bytes);
    } else {
      // The destination starts inside the source run: element by element, in order, as
      // the iterations do (this replicates a pattern, unlike memmove).
      for (uint32_t k = 0; k < n; ++k) store_host<T>(d + k * N, load_host<T>(s + k * N));
    }
  } else {
    const uint8_t* s_lo = s - (bytes - N);
    uint8_t* d_lo = d - (bytes - N);
    if (d >= s || d_lo + bytes <= s_lo) {
      std::memmove(d_lo, s_lo, bytes);  // same argument, going down
    } else {
      for (uint32_t k = 0; k < n; ++k) store_host<T>(d - k * N, load_host<T>(s - k * N));
    }
  }
  const uint32_t delta = down ? 0u - uint32_t(bytes) : uint32_t(bytes);
  advance(c, ESI, m, delta);
  advance(c, EDI, m, delta);
  return n;
}

template <typename T>
uint32_t lods_bulk(Cpu& c, const Insn& i, uint32_t m, uint32_t n) {
  const Segment& src = c.seg[i.seg];
  const bool down = c.eflags & DF;
  const uint8_t* s = host_run<sizeof(T)>(c, src, src.rspan, idx(c, ESI, m), m, Access::Read, down, n);
  if (!s) return 0;
  const size_t bytes = size_t(n) * sizeof(T);
  set_reg<T>(c, 0, load_host<T>(down ? s - (bytes - sizeof(T)) : s + (bytes - sizeof(T))));
  advance(c, ESI, m, down ? 0u - uint32_t(bytes) : uint32_t(bytes));
  return n;
}

// SCAS/CMPS over a host run: compare until the REPE/REPNE condition fails or the run ends;
// the flags are those of the last comparison.  `stop` tells whether the condition failed.
template <typename T>
uint32_t scas_bulk(Cpu& c, const Insn& i, uint32_t m, uint32_t n, bool& stop) {
  const Segment& es = c.seg[ES];
  const bool down = c.eflags & DF;
  const uint8_t* p = host_run<sizeof(T)>(c, es, es.rspan, idx(c, EDI, m), m, Access::Read, down, n);
  if (!p) return 0;
  const ptrdiff_t step = down ? -ptrdiff_t(sizeof(T)) : ptrdiff_t(sizeof(T));
  const bool while_equal = i.rep == kRepE;
  const T a = get_reg<T>(c, 0);
  T b;
  uint32_t k = 0;
  do {
    b = load_host<T>(p + ptrdiff_t(k) * step);
    ++k;
  } while (k < n && (a == b) == while_equal);
  alu<T>(c, AluOp::Cmp, a, b);
  stop = (a == b) != while_equal;
  advance(c, EDI, m, uint32_t(ptrdiff_t(k) * step));
  return k;
}

template <typename T>
uint32_t cmps_bulk(Cpu& c, const Insn& i, uint32_t m, uint32_t n, bool& stop) {
  const Segment& src = c.seg[i.seg];
  const Segment& es = c.seg[ES];
  const bool down = c.eflags & DF;
  const uint8_t* s = host_run<sizeof(T)>(c, src, src.rspan, idx(c, ESI, m), m, Access::Read, down, n);
  if (!s) return 0;
  const uint8_t* d = host_run<sizeof(T)>(c, es, es.rspan, idx(c, EDI, m), m, Access::Read, down, n);
  if (!d) return 0;
  const ptrdiff_t step = down ? -ptrdiff_t(sizeof(T)) : ptrdiff_t(sizeof(T));
  const bool while_equal = i.rep == kRepE;
  T a, b;
  uint32_t k = 0;
  do {
    a = load_host<T>(s + ptrdiff_t(k) * step);
    b = load_host<T>(d + ptrdiff_t(k) * step);
    ++k;
  } while (k < n && (a == b) == while_equal);
  alu<T>(c, AluOp::Cmp, a, b);
  stop = (a == b) != while_equal;
  advance(c, ESI, m, uint32_t(ptrdiff_t(k) * step));
  advance(c, EDI, m, uint32_t(ptrdiff_t(k) * step));
  return k;
}

// ---- the REP driver ---------------------------------------------------------------------

enum class Kind : uint8_t { Movs, Stos, Lods, Cmps, Scas, Ins, Outs };

template <Kind K, typename T>
inline bool iterate(Cpu& c, const Insn& i) {  // false: REPE/REPNE condition ends the loop
  switch (K) {
    case Kind::Movs: movs_one<T>(c, i); return true;
    case Kind::Stos: stos_one<T>(c, i); return true;
    case Kind::Lods: lods_one<T>(c, i); return true;
    case Kind::Ins: ins_one<T>(c, i); return true;
    case Kind::Outs: outs_one<T>(c, i); return true;
    case Kind::Cmps: return cmps_one<T>(c, i) == (i.rep == kRepE);
    case Kind::Scas: return scas_one<T>(c, i) == (i.rep == kRepE);
  }
  __builtin_unreachable();
}

template <Kind K, typename T>
void string_once(Cpu& c, const Insn& i) {
  if constexpr (K == Kind::Ins || K == Kind::Outs)
    check_io_permission(c, uint16_t(c.r[EDX]), sizeof(T));
  iterate<K, T>(c, i);
}

template <Kind K, typename T>
void string_rep(Cpu& c, const Insn& i) {
  const uint32_t m = i.amask;
  if constexpr (K == Kind::Ins || K == Kind::Outs) {
    // The I/O permission check comes before the count test: real hardware raises #GP(0)
    // for REP INS/OUTS with a zero count when the port is not permitted (host-CPU
    // differential tester; QEMU agrees), although the SDM's REP pseudo-code tests the
    // count first.
    check_io_permission(c, uint16_t(c.r[EDX]), sizeof(T));
  }
  uint32_t budget = (c.eflags & TF) ? 1 : kRepBatch;
  bool progress = false;
  for (;;) {
    const uint32_t count = c.r[ECX] & m;
    if (count == 0) break;
    if (budget == 0 || (progress && irq_pending(c))) return;  // resume later, EIP unchanged
    progress = true;
    if constexpr (K != Kind::Ins && K != Kind::Outs) {
      if (budget > 1) {
        const uint32_t want = std::min(budget, count);
        bool stop = false;
        uint32_t n;
        if constexpr (K == Kind::Movs) n = movs_bulk<T>(c, i, m, want);
        else if constexpr (K == Kind::Stos) n = stos_bulk<T>(c, m, want);
        else if constexpr (K == Kind::Lods) n = lods_bulk<T>(c, i, m, want);
        else if constexpr (K == Kind::Scas) n = scas_bulk<T>(c, i, m, want, stop);
        else n = cmps_bulk<T>(c, i, m, want, stop);
        if (n) {
          c.r[ECX] = (c.r[ECX] & ~m) | ((count - n) & m);
          budget -= n;
          if (stop) break;
          continue;
        }
      }
    }
    const bool go_on = iterate<K, T>(c, i);
    c.r[ECX] = (c.r[ECX] & ~m) | ((count - 1) & m);
    --budget;
    if (!go_on) break;
  }
  c.eip = next_eip(c, i);
}

template <Kind K, bool Rep>
HandlerSet hs_string(bool byte) {
  if (Rep) {
    if (byte) return RZ_HS_1((string_rep<K, uint8_t>));
    return {{{string_rep<K, uint16_t>, string_rep<K, uint16_t>}, {string_rep<K, uint32_t>, string_rep<K, uint32_t>}}};
  }
  if (byte) return RZ_HS_1((string_once<K, uint8_t>));
  return {{{string_once<K, uint16_t>, string_once<K, uint16_t>}, {string_once<K, uint32_t>, string_once<K, uint32_t>}}};
}

template <Kind K>
void add_string_rows(OpTable& t, uint8_t opcode, const char* nm, const char* form_b,
                     const char* form_v) {
  const bool io = K == Kind::Ins || K == Kind::Outs;
  const InsnClass cls = io ? InsnClass::IoplSensitive : InsnClass::Innocuous;
  // OUTS ends its block like OUT (cpu/ops_io.cpp).
  const uint32_t once_attrs = K == Kind::Outs ? uint32_t(kEndsBlock) : 0u;
  const HandlerSet once_b = hs_string<K, false>(true), once_v = hs_string<K, false>(false);
  const HandlerSet rep_b = hs_string<K, true>(true), rep_v = hs_string<K, true>(false);
  t.add({.opcode = opcode, .mnemonic = nm, .form = form_b, .cls = cls, .attrs = once_attrs, .hs = once_b});
  t.add({.opcode = uint8_t(opcode + 1), .mnemonic = nm, .form = form_v, .cls = cls, .attrs = once_attrs, .hs = once_v});
  for (uint8_t pfx : {uint8_t(0xF3), uint8_t(0xF2)}) {
    t.add({.opcode = opcode, .prefix = pfx, .mnemonic = nm, .form = form_b, .cls = cls, .attrs = kControl, .hs = rep_b});
    t.add({.opcode = uint8_t(opcode + 1), .prefix = pfx, .mnemonic = nm, .form = form_v, .cls = cls, .attrs = kControl, .hs = rep_v});
  }
}

}  // namespace

void register_ops_string(OpTable& t) {
  add_string_rows<Kind::Movs>(t, 0xA4, "MOVS", "Yb,Xb", "Yv,Xv");
  add_string_rows<Kind::Cmps>(t, 0xA6, "CMPS", "Xb,Yb", "Xv,Yv");
  add_string_rows<Kind::Stos>(t, 0xAA, "STOS", "Yb,AL", "Yv,eAX");
  add_string_rows<Kind::Lods>(t, 0xAC, "LODS", "AL,Xb", "eAX,Xv");
  add_string_rows<Kind::Scas>(t, 0xAE, "SCAS", "AL,Yb", "eAX,Yv");
  add_string_rows<Kind::Ins>(t, 0x6C, "INS", "Yb,DX", "Yz,DX");
  add_string_rows<Kind::Outs>(t, 0x6E, "OUTS", "DX,Xb", "DX,Xz");
}

}  // namespace rz
