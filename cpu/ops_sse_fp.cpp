// cpu/ops_sse_fp.cpp: SSE/SSE2 floating-point arithmetic, comparisons, MXCSR access and
// MOVMSKPS/PD (SDM vol. 2; opcode map 0F with the mandatory prefixes NP/66/F3/F2 selecting
// PS/PD/SS/SD).  The conversions are in cpu/sse/ops_convert.cpp.
//
// Each handler: SSE prologue (#UD, #NM), source fetch (memory faults, #GP(0) for a
// misaligned packed m128), lane-wise computation by the integer IEEE library
// (cpu/sse/softfp.h), the MXCSR commit with the #XM/#UD rules (cpu/sse/lanes.h), and only
// then the destination write.  Scalar forms leave the upper lanes of the destination as
// they were.  All rows are innocuous and cannot change the mode.
#include "cpu/sse/lanes.h"
#include "cpu/table.h"

namespace rz {

void register_sse_fp_convert(OpTable& t);  // cpu/sse/ops_convert.cpp

namespace {

using namespace sse;

enum class Bin : uint8_t { Add, Sub, Mul, Div, Min, Max };
enum class Un : uint8_t { Sqrt, Rcp, Rsqrt };

template <class F, Bin O>
typename F::U binary(Env& e, typename F::U a, typename F::U b) {
  switch (O) {
    case Bin::Add: return add<F>(e, a, b);
    case Bin::Sub: return sub<F>(e, a, b);
    case Bin::Mul: return mul<F>(e, a, b);
    case Bin::Div: return div<F>(e, a, b);
    case Bin::Min: return min<F>(e, a, b);
    default: return max<F>(e, a, b);
  }
}

// Lanes and source width of a PS/PD/SS/SD form.
template <class F, bool Packed>
struct Shape {
  using U = typename F::U;
  static constexpr unsigned kLanes = Packed ? 16 / sizeof(U) : 1;
  static constexpr unsigned kBytes = Packed ? 16 : sizeof(U);
};

template <class F, bool Packed, Bin O>
void arith(Cpu& c, const Insn& i) {
  using S = Shape<F, Packed>;
  using U = typename F::U;
  simd::sse_prologue(c);
  uint8_t src[16], res[16];
  fetch_xmm_rm<S::kBytes, Packed>(c, i, src);
  std::memcpy(res, simd::xmm(c, i.modrm_reg), 16);
  LaneFlags lf;
  for (unsigned k = 0; k < S::kLanes; ++k) {
    Env e = env_of(c.fpu.mxcsr);
    set_lane<U>(res, k, binary<F, O>(e, lane<U>(res, k), lane<U>(src, k)));
    lf.add(e);
  }
  commit(c, lf);
  std::memcpy(simd::xmm(c, i.modrm_reg), res, 16);
}

template <class F, bool Packed, Un O>
void unary(Cpu& c, const Insn& i) {
  using S = Shape<F, Packed>;
  using U = typename F::U;
  simd::sse_prologue(c);
  uint8_t src[16], res[16];
  fetch_xmm_rm<S::kBytes, Packed>(c, i, src);
  std::memcpy(res, simd::xmm(c, i.modrm_reg), 16);
  LaneFlags lf;
  for (unsigned k = 0; k < S::kLanes; ++k) {
    Env e = env_of(c.fpu.mxcsr);
    U r;
    if constexpr (O == Un::Sqrt) r = sse::sqrt<F>(e, lane<U>(src, k));
    else if constexpr (O == Un::Rcp) r = rcp14(lane<U>(src, k));
    else r = rsqrt14(lane<U>(src, k));
    set_lane<U>(res, k, r);
    lf.add(e);
  }
  commit(c, lf);
  std::memcpy(simd::xmm(c, i.modrm_reg), res, 16);
}

// CMPPS/CMPPD/CMPSS/CMPSD xmm1, xmm2/m, imm8: all ones where the predicate holds.
template <class F, bool Packed>
void cmp(Cpu& c, const Insn& i) {
  using S = Shape<F, Packed>;
  using U = typename F::U;
  simd::sse_prologue(c);
  uint8_t src[16], res[16];
  fetch_xmm_rm<S::kBytes, Packed>(c, i, src);
  std::memcpy(res, simd::xmm(c, i.modrm_reg), 16);
  LaneFlags lf;
  for (unsigned k = 0; k < S::kLanes; ++k) {
    Env e = env_of(c.fpu.mxcsr);
    const bool t = compare_predicate<F>(e, lane<U>(res, k), lane<U>(src, k), i.imm);
    set_lane<U>(res, k, t ? U(~U(0)) : U(0));
    lf.add(e);
  }
  commit(c, lf);
  std::memcpy(simd::xmm(c, i.modrm_reg), res, 16);
}

// COMISS/UCOMISS/COMISD/UCOMISD: ZF,PF,CF = 111 unordered, 000 greater, 001 less, 100
// equal; OF, SF, AF cleared.  COMIS signals IE on QNaNs too.
template <class F, bool Signaling>
void comis(Cpu& c, const Insn& i) {
  using U = typename F::U;
  simd::sse_prologue(c);
  uint8_t src[16];
  fetch_xmm_rm<sizeof(U), false>(c, i, src);
  Env e = env_of(c.fpu.mxcsr);
  const Rel r = compare<F>(e, lane<U>(simd::xmm(c, i.modrm_reg), 0), lane<U>(src, 0), Signaling);
  LaneFlags lf;
  lf.add(e);
  commit(c, lf);
  uint32_t f = 0;
  switch (r) {
    case Rel::Unordered: f = ZF | PF | CF; break;
    case Rel::Less: f = CF; break;
    case Rel::Equal: f = ZF; break;
    default: break;
  }
  set_flags_explicit(c, kArithFlags, f);
}

// LDMXCSR m32: #GP(0) when a reserved bit (outside the MXCSR_MASK) is set.
void ldmxcsr(Cpu& c, const Insn& i) {
  simd::sse_prologue(c);
  const uint32_t v = read_mem<uint32_t>(c, i.seg, ea(c, i));
  if (v & ~simd::kMxcsrMask) raise_gp0(c);
  c.fpu.mxcsr = v;
}
void stmxcsr(Cpu& c, const Insn& i) {
  simd::sse_prologue(c);
  write_mem<uint32_t>(c, i.seg, ea(c, i), c.fpu.mxcsr);
}

// MOVMSKPS/MOVMSKPD r32, xmm: the sign bits of the lanes.
template <typename U>
void movmsk(Cpu& c, const Insn& i) {
  simd::sse_prologue(c);
  const uint8_t* v = simd::xmm(c, i.modrm_rm);
  uint32_t m = 0;
  for (unsigned k = 0; k < 16 / sizeof(U); ++k) m |= uint32_t(lane<U>(v, k) >> (sizeof(U) * 8 - 1)) << k;
  c.r[i.modrm_reg] = m;
}

// ---- rows -------------------------------------------------------------------------------

void row(OpTable& t, uint8_t op, uint8_t pfx, const char* name, const char* form, Handler h,
         uint32_t undef = 0) {
  t.add({.map = kMap0F, .opcode = op, .prefix = pfx, .mnemonic = name, .form = form,
         .undef_flags = undef, .hs = RZ_HS_1(h)});
}

template <Bin O>
void add_arith(OpTable& t, uint8_t op, const char* const names[4]) {
  row(t, op, kPfxNone, names[0], "Vps,Wps", arith<F32, true, O>);
  row(t, op, 0x66, names[1], "Vpd,Wpd", arith<F64, true, O>);
  row(t, op, 0xF3, names[2], "Vss,Wss", arith<F32, false, O>);
  row(t, op, 0xF2, names[3], "Vsd,Wsd", arith<F64, false, O>);
}

constexpr const char* kAdd[4] = {"ADDPS", "ADDPD", "ADDSS", "ADDSD"};
constexpr const char* kMul[4] = {"MULPS", "MULPD", "MULSS", "MULSD"};
constexpr const char* kSub[4] = {"SUBPS", "SUBPD", "SUBSS", "SUBSD"};
constexpr const char* kMin[4] = {"MINPS", "MINPD", "MINSS", "MINSD"};
constexpr const char* kDiv[4] = {"DIVPS", "DIVPD", "DIVSS", "DIVSD"};
constexpr const char* kMax[4] = {"MAXPS", "MAXPD", "MAXSS", "MAXSD"};

}  // namespace

void register_ops_sse_fp(OpTable& t) {
  add_arith<Bin::Add>(t, 0x58, kAdd);
  add_arith<Bin::Mul>(t, 0x59, kMul);
  add_arith<Bin::Sub>(t, 0x5C, kSub);
  add_arith<Bin::Min>(t, 0x5D, kMin);
  add_arith<Bin::Div>(t, 0x5E, kDiv);
  add_arith<Bin::Max>(t, 0x5F, kMax);
  row(t, 0x51, kPfxNone, "SQRTPS", "Vps,Wps", unary<F32, true, Un::Sqrt>);
  row(t, 0x51, 0x66, "SQRTPD", "Vpd,Wpd", unary<F64, true, Un::Sqrt>);
  row(t, 0x51, 0xF3, "SQRTSS", "Vss,Wss", unary<F32, false, Un::Sqrt>);
  row(t, 0x51, 0xF2, "SQRTSD", "Vsd,Wsd", unary<F64, false, Un::Sqrt>);
  row(t, 0x52, kPfxNone, "RSQRTPS", "Vps,Wps", unary<F32, true, Un::Rsqrt>);
  row(t, 0x52, 0xF3, "RSQRTSS", "Vss,Wss", unary<F32, false, Un::Rsqrt>);
  row(t, 0x53, kPfxNone, "RCPPS", "Vps,Wps", unary<F32, true, Un::Rcp>);
  row(t, 0x53, 0xF3, "RCPSS", "Vss,Wss", unary<F32, false, Un::Rcp>);
  row(t, 0xC2, kPfxNone, "CMPPS", "Vps,Wps,Ib", cmp<F32, true>);
  row(t, 0xC2, 0x66, "CMPPD", "Vpd,Wpd,Ib", cmp<F64, true>);
  row(t, 0xC2, 0xF3, "CMPSS", "Vss,Wss,Ib", cmp<F32, false>);
  row(t, 0xC2, 0xF2, "CMPSD", "Vsd,Wsd,Ib", cmp<F64, false>);
  row(t, 0x2E, kPfxNone, "UCOMISS", "Vss,Wss", comis<F32, false>);
  row(t, 0x2E, 0x66, "UCOMISD", "Vsd,Wsd", comis<F64, false>);
  row(t, 0x2F, kPfxNone, "COMISS", "Vss,Wss", comis<F32, true>);
  row(t, 0x2F, 0x66, "COMISD", "Vsd,Wsd", comis<F64, true>);
  t.add({.map = kMap0F, .opcode = 0x50, .mod = 3, .prefix = kPfxNone, .mnemonic = "MOVMSKPS",
         .form = "Gd,Ups", .hs = {{{movmsk<uint32_t>, nullptr}, {movmsk<uint32_t>, nullptr}}}});
  t.add({.map = kMap0F, .opcode = 0x50, .mod = 3, .prefix = 0x66, .mnemonic = "MOVMSKPD",
         .form = "Gd,Upd", .hs = {{{movmsk<uint64_t>, nullptr}, {movmsk<uint64_t>, nullptr}}}});
  t.add({.map = kMap0F, .opcode = 0xAE, .reg = 2, .mod = 0, .prefix = kPfxAny, .mnemonic = "LDMXCSR",
         .form = "Md", .hs = {{{nullptr, ldmxcsr}, {nullptr, ldmxcsr}}}});
  t.add({.map = kMap0F, .opcode = 0xAE, .reg = 3, .mod = 0, .prefix = kPfxAny, .mnemonic = "STMXCSR",
         .form = "Md", .hs = {{{nullptr, stmxcsr}, {nullptr, stmxcsr}}}});
  register_sse_fp_convert(t);
}

}  // namespace rz
