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
// Fast path: REP MOVS and REP STOS with DF=0 move whole runs that stay inside one page of
// the source and the destination through host pointers from the TLB.  A run is taken only
// when every one of its accesses would pass the segment checks and hit plain RAM, so it is
// exactly equivalent to the per-iteration path (which handles everything else and takes
// the faults).
#include <algorithm>

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

// How many elements of size N starting at offset `off` of segment `s` can be accessed as
// one host run: limited to `n`, to the address-size wrap, to the end of the page, and to
// runs entirely inside the segment.  Returns the host pointer (nullptr: no run possible).
template <unsigned N>
inline uint8_t* host_run(Cpu& c, const Segment& s, int64_t span, uint32_t off, uint32_t m,
                         Access kind, uint32_t& n) {
  const uint32_t lin = s.base + off;
  n = std::min<uint32_t>(n, (0x1000 - (lin & 0xFFF)) / N);
  n = uint32_t(std::min<uint64_t>(n, (uint64_t(m) - off + 1) / N));
  if (n == 0) return nullptr;
  if (int64_t(uint32_t(off - s.lo)) + int64_t(n) * N - 1 > span) return nullptr;
  return c.mmu->lookup(lin, kind, c.user());
}

template <typename T>
uint32_t stos_bulk(Cpu& c, uint32_t m, uint32_t n) {
  const Segment& es = c.seg[ES];
  const uint32_t di = idx(c, EDI, m);
  uint8_t* p = host_run<sizeof(T)>(c, es, es.wspan, di, m, Access::Write, n);
  if (!p) return 0;
  const T v = get_reg<T>(c, 0);
  for (uint32_t k = 0; k < n; ++k) store_host<T>(p + k * sizeof(T), v);
  advance(c, EDI, m, n * sizeof(T));
  return n;
}

template <typename T>
uint32_t movs_bulk(Cpu& c, const Insn& i, uint32_t m, uint32_t n) {
  const Segment& src = c.seg[i.seg];
  const Segment& es = c.seg[ES];
  const uint32_t si = idx(c, ESI, m), di = idx(c, EDI, m);
  const uint8_t* s = host_run<sizeof(T)>(c, src, src.rspan, si, m, Access::Read, n);
  if (!s) return 0;
  uint8_t* d = host_run<sizeof(T)>(c, es, es.wspan, di, m, Access::Write, n);
  if (!d) return 0;
  // Element by element, in order: overlapping runs behave exactly as the iterations do.
  for (uint32_t k = 0; k < n; ++k) store_host<T>(d + k * sizeof(T), load_host<T>(s + k * sizeof(T)));
  advance(c, ESI, m, n * sizeof(T));
  advance(c, EDI, m, n * sizeof(T));
  return n;
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
    if (c.r[ECX] & m) check_io_permission(c, uint16_t(c.r[EDX]), sizeof(T));
  }
  uint32_t budget = (c.eflags & TF) ? 1 : kRepBatch;
  bool progress = false;
  for (;;) {
    const uint32_t count = c.r[ECX] & m;
    if (count == 0) break;
    if (budget == 0 || (progress && irq_pending(c))) return;  // resume later, EIP unchanged
    progress = true;
    if constexpr (K == Kind::Movs || K == Kind::Stos) {
      if (!(c.eflags & DF) && budget > 1) {
        const uint32_t want = std::min(budget, count);
        const uint32_t n = K == Kind::Movs ? movs_bulk<T>(c, i, m, want) : stos_bulk<T>(c, m, want);
        if (n) {
          c.r[ECX] = (c.r[ECX] & ~m) | ((count - n) & m);
          budget -= n;
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
