// tests/difftest/generate.cpp: random instances of one instruction-table row.
//
// A case is: random GPRs (edge-biased), random incoming CF PF AF ZF SF OF (DF=0 except
// for string rows), a random data window, and the encoded instruction: optional 0x66,
// 0x67, segment override, LOCK and REP prefixes in random order, the opcode (map escape,
// opcode byte, ModRM reg/rm selectors from the row), a random addressing form, and
// immediates.  Memory operands always land in the data window: the generator picks the
// target first and solves one register (or the displacement) for it, so every 32-bit
// form ([base], [base+disp8/32], [disp32], SIB with any scale, index==base, wrap-around
// through 2^32) and every 16-bit form ([bx+si]...[bx], disp8/16, via an FS override whose
// base is the window) reaches it.  Registers with a job (ESP for stack rows, ESI/EDI/ECX
// for strings, EBX for XLAT, the bit offset of BT* with a memory operand) are "pinned"
// and never solved for.  Finally the bytes are decoded by ringzero's own decoder: a case
// whose bytes do not decode to the intended row is a generator bug and is dropped.
#include <cstring>

#include "cpu/decode.h"
#include "tests/difftest/difftest.h"

namespace rz::difftest {

uint32_t Rng::edgy() {
  static const uint32_t kEdges[] = {
      0,          1,          2,          3,          0x7F,       0x80,       0x81,
      0xFF,       0x100,      0x7FFF,     0x8000,     0x8001,     0xFFFF,     0x10000,
      0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFF80, 0xFFFF8000,
      0xFFFFFF7F, 0xFFFF7FFF, 0x55555555, 0xAAAAAAAA, 0x0F0F0F0F, 0x12345678};
  constexpr uint32_t kN = sizeof kEdges / sizeof kEdges[0];
  switch (below(10)) {
    case 0: case 1: case 2: return u32();
    case 3: case 4: return kEdges[below(kN)];
    case 5: return 1u << below(32);
    case 6: return (1u << below(32)) - 1;
    case 7: return uint32_t(int32_t(below(65)) - 32);
    default: {  // an edge value at byte or word width with random upper bits
      uint32_t w = below(2) ? 0xFFu : 0xFFFFu;
      return (u32() & ~w) | (kEdges[below(kN)] & w);
    }
  }
}

namespace {

bool mnem(const OpRow& r, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (std::strcmp(r.mnemonic, n) == 0) return true;
  return false;
}

bool is_shift(const OpRow& r) {
  return mnem(r, {"ROL", "ROR", "RCL", "RCR", "SHL", "SAL", "SHR", "SAR", "SHLD", "SHRD"});
}

// PSLLW..PSRLQ, PSRAW/D, PSLLDQ/PSRLDQ.
bool is_simd_shift(const OpRow& r) {
  const char* m = r.mnemonic;
  return m[0] == 'P' && m[1] == 'S' && (m[2] == 'L' || m[2] == 'R') && (m[3] == 'L' || m[3] == 'A');
}

// Register n's bytes in an FXSAVE-format image: XMMn, or MMn = physical x87 register n,
// which sits at ST((n - TOP) & 7).
uint8_t* simd_reg(uint8_t* fx, bool xmm, unsigned n) {
  if (xmm) return fx + DT_FX_XMM + 16 * (n & 7);
  const unsigned top = (fx[DT_FX_FSW + 1] >> 3) & 7;
  return fx + DT_FX_ST + 16 * ((n - top) & 7);
}

struct Bytes {
  uint8_t b[32];
  unsigned n = 0;
  void put(uint32_t v, unsigned size) {
    for (unsigned k = 0; k < size; ++k) b[n++] = uint8_t(v >> (8 * k));
  }
};

// The memory operand as encoded: ModRM mod/rm, optional SIB, displacement.
struct Addr {
  uint8_t mod = 0, rm = 0;
  bool has_sib = false;
  uint8_t sib = 0;
  unsigned disp_size = 0;
  uint32_t disp = 0;
};

// Multiplicative inverse of an odd number modulo 2^32 (Newton's iteration).
uint32_t inverse_odd(uint32_t a) {
  uint32_t x = a;
  for (int k = 0; k < 5; ++k) x *= 2 - a * x;
  return x;
}

uint32_t sext8(uint32_t v) { return uint32_t(int32_t(int8_t(v))); }

// Choose a 32-bit addressing form and solve it so that the effective address is `off`.
// `off` < 0 (as int64) means "any address" (LEA).  Returns false if every choice would
// need a pinned register solved.
bool solve32(Rng& rng, uint32_t* regs, uint8_t pinned, bool any, uint32_t off, Addr& a) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    a = Addr{};
    const unsigned shape = rng.below(6);
    int base = -1, index = -1;
    unsigned scale = 0;
    if (shape == 0) {  // [disp32]
      a.mod = 0;
      a.rm = 5;
      a.disp_size = 4;
    } else if (shape <= 2) {  // [base] / [base+disp]
      base = int(rng.below(8));
      if (base == ESP) base = EBX;
      a.rm = uint8_t(base);
      a.mod = uint8_t(rng.below(3));
      if (a.mod == 0 && base == EBP) a.mod = 1;
    } else {  // SIB
      a.has_sib = true;
      a.rm = 4;
      a.mod = uint8_t(rng.below(3));
      scale = rng.below(4);
      index = int(rng.below(8));
      base = int(rng.below(8));
      if (a.mod == 0 && base == EBP) base = -1;  // SIB base 101 with mod 00: disp32, no base
      a.sib = uint8_t(scale << 6 | (index << 3) | (base < 0 ? 5 : base));
      if (base < 0) a.disp_size = 4;
      if (index == ESP) index = -1;  // index 100: none
    }
    if (a.mod == 1) a.disp_size = 1;
    if (a.mod == 2) a.disp_size = 4;
    a.disp = a.disp_size == 1 ? sext8(rng.edgy()) : a.disp_size == 4 ? rng.edgy() : 0;
    if (any) return true;
    const bool base_free = base >= 0 && !(pinned & (1u << base));
    const bool index_pinned = index >= 0 && (pinned & (1u << index));
    const uint32_t idx_val = index >= 0 ? regs[index] << scale : 0;
    if (base_free && base == index) {
      // base and index are one register v: v * (1 + 2^scale) + disp = off.
      uint32_t need = off - a.disp;
      if (scale == 0) {
        if (need & 1) {
          if (a.disp_size == 0) continue;
          a.disp ^= 1;
          need = off - a.disp;
        }
        regs[base] = (need >> 1) | (rng.below(2) << 31);
      } else {
        regs[base] = need * inverse_odd(1u + (1u << scale));
      }
      return true;
    }
    if (base_free && !index_pinned) {
      regs[base] = off - idx_val - a.disp;
      return true;
    }
    if (a.disp_size == 4) {  // solve the displacement
      uint32_t b = base >= 0 ? regs[base] : 0;
      a.disp = off - b - idx_val;
      return true;
    }
    if (base >= 0 && a.mod != 0) {  // widen to disp32 and solve it
      a.mod = 2;
      a.disp_size = 4;
      a.disp = off - regs[base] - idx_val;
      return true;
    }
  }
  return false;
}

// 16-bit forms: rm 0 [bx+si] 1 [bx+di] 2 [bp+si] 3 [bp+di] 4 [si] 5 [di] 6 [bp] 7 [bx].
bool solve16(Rng& rng, uint32_t* regs, uint8_t pinned, bool any, uint32_t off, Addr& a) {
  static const int kBase[8] = {EBX, EBX, EBP, EBP, ESI, EDI, EBP, EBX};
  static const int kIndex[8] = {ESI, EDI, ESI, EDI, -1, -1, -1, -1};
  for (int attempt = 0; attempt < 20; ++attempt) {
    a = Addr{};
    a.rm = uint8_t(rng.below(8));
    a.mod = uint8_t(rng.below(3));
    int base = kBase[a.rm], index = kIndex[a.rm];
    if (a.mod == 0 && a.rm == 6) base = -1;  // [disp16]
    a.disp_size = a.mod == 1 ? 1 : (a.mod == 2 || base < 0) ? 2 : 0;
    a.disp = a.disp_size == 1 ? sext8(rng.edgy()) : a.disp_size == 2 ? (rng.edgy() & 0xFFFF) : 0;
    if (any) return true;
    const uint32_t iv = index >= 0 ? regs[index] : 0;
    if (base >= 0 && !(pinned & (1u << base)) && !(index >= 0 && (pinned & (1u << index)))) {
      uint32_t lo = (off - iv - a.disp) & 0xFFFF;
      regs[base] = (regs[base] & 0xFFFF0000u) | lo;
      return true;
    }
    if (a.disp_size == 2) {
      uint32_t bv = base >= 0 ? regs[base] : 0;
      a.disp = (off - bv - iv) & 0xFFFF;
      return true;
    }
  }
  return false;
}

void put_addr(Bytes& out, uint8_t reg, const Addr& a) {
  out.b[out.n++] = uint8_t(a.mod << 6 | (reg & 7) << 3 | a.rm);
  if (a.has_sib) out.b[out.n++] = a.sib;
  out.put(a.disp, a.disp_size);
}

// A branch target that is safe on the host: inside the INT3-filled code page but not in
// the instruction's own bytes, or below 64 KiB (never mapped in a Linux process).
uint32_t safe_target(Rng& rng, uint32_t insn_len) {
  if (rng.chance(25)) return rng.below(0x10000);
  for (;;) {
    uint32_t t = DT_CODE_BASE + rng.below(0x1000);
    if (t < DT_CODE_INSN || t >= DT_CODE_INSN + insn_len) return t;
  }
}

void store_window(dt_case& in, uint32_t lin, uint32_t v, unsigned size) {
  for (unsigned k = 0; k < size; ++k) {
    uint32_t o = lin + k - DT_WIN_BASE;
    if (o < DT_WIN_SIZE) in.mem[o] = uint8_t(v >> (8 * k));
  }
}
uint32_t load_window(const dt_case& in, uint32_t lin, unsigned size) {
  uint32_t v = 0;
  for (unsigned k = 0; k < size; ++k) {
    uint32_t o = lin + k - DT_WIN_BASE;
    if (o < DT_WIN_SIZE) v |= uint32_t(in.mem[o]) << (8 * k);
  }
  return v;
}

}  // namespace

bool generate(const OpTable& t, uint16_t idx, const RowPlan& p, Rng& rng, Case& c) {
  const OpRow& r = t.rows()[idx];
  const FormInfo& fi = p.fi;
  c = Case{};
  c.row = idx;
  dt_case& in = c.in;
  // Sometimes every operand is the same value or one off from it, so comparisons hit the
  // equal and adjacent cases (a == b, a == b +- 1) that random values almost never do.
  const bool same = rng.chance(20);
  const uint32_t sv = rng.edgy();
  for (uint32_t& v : in.regs) v = same ? sv + (rng.chance(50) ? 0 : rng.below(3) - 1) : rng.edgy();
  in.eflags = 0x202 | (rng.u32() & kArithFlags);
  const unsigned fill = rng.below(4);
  for (uint8_t& b : in.mem) b = fill == 0 ? 0 : fill == 1 ? uint8_t(rng.edgy()) : uint8_t(rng.u32());
  if (same)
    for (uint32_t k = 0; k < DT_WIN_SIZE; ++k) in.mem[k] = uint8_t(sv >> (8 * (k & 3)));

  const bool stacky = p.kind == Kind::Stack || mnem(r, {"CALL", "RET"});
  const bool string = p.kind == Kind::String;
  const bool xlat = mnem(r, {"XLAT", "XLATB"});
  const bool simd = p.kind == Kind::Simd;
  // MASKMOVQ/MASKMOVDQU store through DS:(E)DI (segment overridable), like XLAT's DS:(E)BX.
  const bool maskmov = mnem(r, {"MASKMOVQ", "MASKMOVDQU"});

  // ---- sizes and prefixes -----------------------------------------------------------------
  // SIMD rows: 66 is part of the opcode when the row says so, never added to a row keyed
  // "no prefix", and now and then added to an F2/F3 row (where F2/F3 wins).
  const bool o16 = simd ? (r.prefix == 0x66 || ((r.prefix == 0xF2 || r.prefix == 0xF3) && rng.chance(10)))
                        : r.prefix != kPfxNone && rng.chance(fi.byte_only ? 15 : 50);
  c.osz = o16 ? 2 : 4;
  bool mem = false;
  if (fi.modrm) {
    if (r.mod == 3) mem = false;
    else if (r.mod == 0) mem = true;
    else if (fi.m_only) mem = !rng.chance(8);  // the register form is #UD: test it sometimes
    else if (fi.r_only) mem = rng.chance(8);
    else mem = rng.chance(50);
  }
  // LOOPcc/JCXZ count with CX or ECX by address size: give them 0x67 as often.
  const bool uses_addr = mem || fi.moffs || string || xlat || maskmov ||
                         mnem(r, {"LOOP", "LOOPE", "LOOPNE", "JCXZ", "JECXZ"});
  const bool a16 = rng.chance(uses_addr ? 30 : 5);
  c.asz = a16 ? 2 : 4;
  c.mem = mem;

  // Segment for the memory operand: flat (base 0) or FS (base = window).  16-bit
  // addressing always needs FS.
  int seg_pfx = -1;  // prefix byte, -1 none
  bool fs = a16;
  if (uses_addr) {
    const unsigned s = rng.below(100);
    if (a16 || s < 15) {
      seg_pfx = 0x64;
      fs = true;
    } else if (s < 25) {
      static const uint8_t kFlat[4] = {0x26, 0x2E, 0x36, 0x3E};  // ES CS SS DS: all flat
      seg_pfx = kFlat[rng.below(4)];
    }
  }
  if (string) in.flags |= DT_CASE_ES_WINDOW;
  const uint32_t seg_base = fs ? DT_WIN_BASE : 0;
  // REP prefixes: from the row key when the table has separate REP rows, else random.
  int rep_pfx = -1;
  if (r.prefix == 0xF2 || r.prefix == 0xF3) rep_pfx = r.prefix;
  else if (string && r.prefix == kPfxAny && rng.chance(60) &&
           t.find(r.map, r.opcode, 0, false, false, 0, 0xF3) == &r)
    rep_pfx = rng.chance(50) ? 0xF3 : 0xF2;
  const bool lock = rng.chance(4);
  // A prefix the form does not allow (SIMD rows keyed "no prefix", 4%): a P6 with SSE2
  // raises #UD, and so does a current host, except where a later extension gave the
  // combination a meaning (F2/F3 0F 12/16: SSE3 MOVDDUP/MOVSLDUP/MOVSHDUP; 0F AE: CLWB,
  // CLFLUSHOPT, UMONITOR...; F2 0F 2B: SSE4a MOVNTSD).  A prefix that selects another row
  // (66 turns PADDB mm into PADDB xmm) makes the decode check below drop the case.
  int wrong_pfx = -1;
  if (simd && r.prefix == kPfxNone && rng.chance(4) &&
      !(r.opcode == 0x12 || r.opcode == 0x16 || r.opcode == 0xAE || r.opcode == 0x2B)) {
    static const uint8_t kP[3] = {0x66, 0xF2, 0xF3};
    wrong_pfx = kP[rng.below(3)];
    if (wrong_pfx != 0x66) rep_pfx = wrong_pfx;
  }

  // ---- registers with a job ------------------------------------------------------------------
  uint8_t pinned = 0;
  if (stacky) {
    pinned |= 1u << ESP;
    in.regs[ESP] = DT_WIN_BASE + 0x60 + rng.below(0x40);
    if (rng.chance(80)) in.regs[ESP] &= ~3u;
    if (mnem(r, {"ENTER"})) {
      in.regs[ESP] = DT_WIN_BASE + 0xD0 + rng.below(0x28);
      in.regs[EBP] = DT_WIN_BASE + 0x84 + rng.below(0x78);
      pinned |= 1u << EBP;
    } else if (mnem(r, {"LEAVE"})) {
      in.regs[EBP] = DT_WIN_BASE + 0x20 + rng.below(0xC0);
      pinned |= 1u << EBP;
    }
  }
  if (string) {
    pinned |= (1u << ESI) | (1u << EDI) | (1u << ECX);
    uint32_t si = 0x30 + rng.below(0xA0), di = 0x30 + rng.below(0xA0);
    if (!fs && !a16) si += DT_WIN_BASE;  // DS:ESI flat
    if (a16) {
      in.regs[ESI] = (in.regs[ESI] & 0xFFFF0000u) | si;
      in.regs[EDI] = (in.regs[EDI] & 0xFFFF0000u) | di;
    } else {
      in.regs[ESI] = si;
      in.regs[EDI] = di;
    }
    if (rep_pfx >= 0) {
      uint32_t n = rng.chance(10) ? 0 : rng.below(9);
      in.regs[ECX] = a16 ? (in.regs[ECX] & 0xFFFF0000u) | n : n;
    }
    if (rng.chance(25)) in.eflags |= DF;
  }
  uint32_t win_target = 0;  // linear address the memory operand was aimed at
  if (xlat) {
    pinned |= 1u << EBX;
    win_target = DT_WIN_BASE + rng.below(DT_WIN_SIZE);
    uint32_t off = win_target - seg_base - (in.regs[EAX] & 0xFF);
    in.regs[EBX] = a16 ? (in.regs[EBX] & 0xFFFF0000u) | (off & 0xFFFF) : off;
  }

  if (maskmov) {
    pinned |= 1u << EDI;
    const unsigned n = r.mnemonic[7] == 'Q' ? 8 : 16;
    c.win_off = rng.chance(30) ? DT_WIN_SIZE / 2 - rng.below(n) : rng.below(DT_WIN_SIZE - n + 1);
    win_target = DT_WIN_BASE + c.win_off;
    const uint32_t off = win_target - seg_base;
    in.regs[EDI] = a16 ? (in.regs[EDI] & 0xFFFF0000u) | (off & 0xFFFF) : off;
  }

  // ModRM fields.
  const uint8_t reg = r.reg != kAny ? uint8_t(r.reg) : uint8_t(rng.below(8));
  const bool bit_offset = mem && mnem(r, {"BT", "BTS", "BTR", "BTC"}) && fi.nimm == 0;
  if (bit_offset) {  // the register bit offset moves the address: keep it within +-64 bits
    pinned |= 1u << reg;
    uint32_t v = uint32_t(int32_t(rng.below(129)) - 64);
    in.regs[reg] = o16 ? (in.regs[reg] & 0xFFFF0000u) | (v & 0xFFFF) : v;
  }
  if (mnem(r, {"DIV", "IDIV"}) && rng.chance(50)) {
    // Mostly a quotient that fits: zero (DIV) or sign-extend (IDIV) the upper half.
    const bool sgn = r.mnemonic[0] == 'I';
    if (fi.mem_size == 1) {
      uint32_t ah = sgn && (in.regs[EAX] & 0x80) ? 0xFF00u : 0;
      in.regs[EAX] = (in.regs[EAX] & 0xFFFF00FFu) | ah;
    } else {
      uint32_t hi = sgn && (in.regs[EAX] & (o16 ? 0x8000u : 0x80000000u)) ? 0xFFFFFFFFu : 0;
      in.regs[EDX] = o16 ? (in.regs[EDX] & 0xFFFF0000u) | (hi & 0xFFFF) : hi;
    }
  }
  if (is_shift(r) && fi.cl && rng.chance(70))
    in.regs[ECX] = (in.regs[ECX] & ~0xFFu) | rng.below(34);

  // ---- memory operand -------------------------------------------------------------------------
  Addr addr;
  unsigned msize = 0;
  if (fi.modrm && mem) {
    int ms = fi.mem_size;
    msize = ms == -1 ? c.osz : ms == -2 ? 2u * c.osz : ms == -3 ? c.osz + 2u : unsigned(ms);
    const bool any = ms == 0;  // LEA: no access, any address
    uint32_t woff;
    if (bit_offset) woff = 0x40 + rng.below(0x70);
    else if (simd && msize >= 8 && rng.chance(75))  // SIMD: mostly naturally aligned
      woff = rng.below(DT_WIN_SIZE / msize) * msize;
    else if (rng.chance(30) && msize > 1) woff = DT_WIN_SIZE / 2 - rng.below(msize);  // cross pages
    else woff = rng.below(DT_WIN_SIZE - msize + 1);
    win_target = DT_WIN_BASE + woff;
    c.win_off = woff;
    uint32_t off = win_target - seg_base;
    const bool one_access = fi.mem_size == -1 || fi.mem_size == 2 || fi.mem_size == 4 ||
                            (simd && (fi.mem_size == 8 || fi.mem_size == 16));
    if (fs && !any && !bit_offset && one_access && msize > 1 && rng.chance(4)) {
      // Segment-limit probe: the access crosses (or with 32-bit addressing, may lie
      // beyond) FS's limit of 0xFFFF, so both sides must raise #GP(0).  Only for operands
      // read or written as one access: the host's pages below the limit are unmapped, so
      // a split access (BOUND, far pointers) would page-fault there first.
      off = DT_FS_LIMIT + 1 - 1 - rng.below(msize - 1);
      if (!a16 && rng.chance(50)) off = DT_FS_LIMIT + 1 + rng.below(0x1000);
      win_target = seg_base + off;
      c.win_off = 0;
    }
    bool ok = a16 ? solve16(rng, in.regs, pinned, any, off, addr)
                  : solve32(rng, in.regs, pinned, any, off, addr);
    if (!ok) return false;
  } else if (fi.modrm) {
    addr.mod = 3;
    addr.rm = r.rm != kAny ? uint8_t(r.rm) : uint8_t(rng.below(8));
  }
  if (mem && mnem(r, {"CMPXCHG", "CMPXCHG8B"}) && rng.chance(50)) {
    // Make the comparison succeed half of the time (memory follows EAX / EDX:EAX, so the
    // registers that formed the address keep their values).
    store_window(in, win_target, in.regs[EAX], msize > 4 ? 4 : msize);
    if (msize == 8) store_window(in, win_target + 4, in.regs[EDX], 4);
  }

  // ---- encoding ---------------------------------------------------------------------------
  Bytes code;
  uint8_t pfx[5];
  unsigned npfx = 0;
  if (o16 || wrong_pfx == 0x66) pfx[npfx++] = 0x66;
  if (a16) pfx[npfx++] = 0x67;
  if (seg_pfx >= 0) pfx[npfx++] = uint8_t(seg_pfx);
  if (rep_pfx >= 0) pfx[npfx++] = uint8_t(rep_pfx);
  if (lock) pfx[npfx++] = 0xF0;
  for (unsigned k = npfx; k > 1; --k) std::swap(pfx[k - 1], pfx[rng.below(k)]);
  for (unsigned k = 0; k < npfx; ++k) code.b[code.n++] = pfx[k];
  if (r.map == kMap0F) code.b[code.n++] = 0x0F;
  if (r.map == kMap0F38) { code.b[code.n++] = 0x0F; code.b[code.n++] = 0x38; }
  if (r.map == kMap0F3A) { code.b[code.n++] = 0x0F; code.b[code.n++] = 0x3A; }
  code.b[code.n++] = r.opcode;
  if (fi.modrm) put_addr(code, reg, addr);
  if (fi.moffs) {
    win_target = DT_WIN_BASE + rng.below(DT_WIN_SIZE - 4);
    code.put(win_target - seg_base, c.asz);
  }
  for (int k = 0; k < fi.nimm; ++k) {
    unsigned size = fi.imm[k] == -1 ? c.osz : fi.imm[k] == -3 ? c.osz + 2u : unsigned(fi.imm[k]);
    uint32_t v = same && rng.chance(50) ? sv + rng.below(3) - 1 : rng.edgy();
    if (is_shift(r) && rng.chance(70)) v = rng.below(34);
    if (simd && (is_simd_shift(r) || mnem(r, {"PSHUFW", "PSHUFD", "PSHUFHW", "PSHUFLW",
                                                   "SHUFPS", "SHUFPD"})) && rng.chance(60))
      v = is_simd_shift(r) ? rng.below(std::strstr(r.mnemonic, "DQ") ? 20 : 70)
                           : rng.u32();
    // ENTER's frame size: the host touches the final SS:ESP (below the pushes), so it
    // must stay inside the mapped data pages (ESP is near the window).
    if (mnem(r, {"ENTER"}) && k == 0) v = rng.chance(70) ? rng.below(0x40) : rng.below(0x1000);
    if (mnem(r, {"ENTER"}) && k == 1 && rng.chance(70)) v = rng.below(8);
    if (k == 0) c.imm = v & (size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1);
    code.put(v, size);
  }
  if (fi.rel) {
    const unsigned size = fi.rel == 1 ? 1 : c.osz;
    const uint32_t len = code.n + size;
    uint32_t disp;
    if (size == 1) {
      do disp = sext8(rng.u32());
      while (int32_t(disp) < 0 && int32_t(disp) >= -int32_t(len));
    } else if (size == 2) {
      disp = rng.u32();  // the target is truncated to 16 bits: below 64 KiB
    } else {
      disp = safe_target(rng, len) - (DT_CODE_INSN + len);
    }
    code.put(disp, size);
  }
  if (code.n > 15) return false;

  // ---- values that depend on the final length -------------------------------------------------
  if (p.kind == Kind::Branch && fi.modrm && mem == false && addr.mod == 3) {
    if (!(pinned & (1u << addr.rm))) in.regs[addr.rm] = safe_target(rng, code.n);
  } else if (p.kind == Kind::Branch && fi.modrm && mem) {
    store_window(in, win_target, safe_target(rng, code.n), msize);
  }
  if (mnem(r, {"RET"})) store_window(in, in.regs[ESP], safe_target(rng, code.n), c.osz);
  if (mnem(r, {"POPF", "POPFD"})) {  // TF would trap and AC would fault the helper itself
    uint32_t img = load_window(in, in.regs[ESP], 4) & ~(TF | AC);
    store_window(in, in.regs[ESP], img, 4);
  }

  // ---- SIMD state ------------------------------------------------------------------------------
  if (simd) {
    in.flags |= DT_CASE_SIMD;
    generate_simd_state(rng, in.fx);
    if (mem || maskmov) generate_simd_memory(rng, in.mem, c.win_off, msize ? msize : 16);
    // Shifts by a register or memory count: mostly a count in range (or just beyond).
    if (is_simd_shift(r) && fi.nimm == 0 && rng.chance(60)) {
      const uint64_t count = rng.below(70);
      if (mem) {
        for (unsigned k = 0; k < 8 && c.win_off + k < DT_WIN_SIZE; ++k)
          in.mem[c.win_off + k] = uint8_t(count >> (8 * k));
      } else {
        std::memcpy(simd_reg(in.fx, fi.xmm, addr.rm), &count, 8);
      }
    }
  }

  // ---- check with ringzero's decoder -----------------------------------------------------------
  std::memcpy(in.code, code.b, code.n);
  in.len = code.n;
  Insn insn;
  const OpRow* got = nullptr;
  DecodeStatus st = decode_insn(in.code, code.n, DecodeMode{true, false}, insn, &got);
  if (st == DecodeStatus::Ok) {
    if (got != &r || insn.len != code.n) return false;
  } else if (st == DecodeStatus::Invalid) {
    // #UD cases: a LOCK the form does not allow, or a ModRM form the row lacks.
    if (!(lock || got == &r || (wrong_pfx >= 0 && got == nullptr))) return false;
  } else {
    return false;
  }
  c.reg = reg;
  c.rm = addr.rm;
  refine_undefined(r, p, c);
  return true;
}

}  // namespace rz::difftest
