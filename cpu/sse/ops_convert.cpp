// cpu/sse/ops_convert.cpp: the SSE/SSE2 conversion rows (0F 2A/2C/2D, 0F 5A, 0F 5B, 0F E6).
//
// One handler template covers them all: a conversion kind (source and destination
// element type, rounding by MXCSR.RC or truncation), a lane count, where the source comes
// from (XMM/m, MMX/m64, r/m32) and where the result goes (XMM keeping the upper lanes,
// XMM with the upper quadword zeroed, an MMX register, a general register).
// MMX operands: the instructions that read or write an MMX register check for a pending
// x87 exception first and make the x87-to-MMX transition (TOP = 0, all tags valid) after
// reading their operands, before any #XM; CVTPI2PS/PD with a memory source do neither.  Misaligned
// m128 sources of the packed double forms #GP(0).
#include "cpu/sse/lanes.h"
#include "cpu/table.h"

namespace rz {

namespace {

using namespace sse;

enum class Kind : uint8_t { F32toF64, F64toF32, I32toF32, I32toF64, F32toI32, F64toI32, F32toI32T, F64toI32T };
enum class From : uint8_t { Xmm, Mmx, Gpr };
enum class To : uint8_t { XmmKeep, XmmZeroHigh, Mmx, Gpr };

template <Kind K> struct Types;
template <> struct Types<Kind::F32toF64> { using S = uint32_t; using D = uint64_t; };
template <> struct Types<Kind::F64toF32> { using S = uint64_t; using D = uint32_t; };
template <> struct Types<Kind::I32toF32> { using S = uint32_t; using D = uint32_t; };
template <> struct Types<Kind::I32toF64> { using S = uint32_t; using D = uint64_t; };
template <> struct Types<Kind::F32toI32> { using S = uint32_t; using D = uint32_t; };
template <> struct Types<Kind::F64toI32> { using S = uint64_t; using D = uint32_t; };
template <> struct Types<Kind::F32toI32T> { using S = uint32_t; using D = uint32_t; };
template <> struct Types<Kind::F64toI32T> { using S = uint64_t; using D = uint32_t; };

template <Kind K>
typename Types<K>::D convert(Env& e, typename Types<K>::S v) {
  switch (K) {
    case Kind::F32toF64: return typename Types<K>::D(f32_to_f64(e, uint32_t(v)));
    case Kind::F64toF32: return typename Types<K>::D(f64_to_f32(e, v));
    case Kind::I32toF32: return typename Types<K>::D(from_i32<F32>(e, int32_t(v)));
    case Kind::I32toF64: return typename Types<K>::D(from_i32<F64>(e, int32_t(v)));
    case Kind::F32toI32: return typename Types<K>::D(uint32_t(to_i32<F32>(e, uint32_t(v), false)));
    case Kind::F64toI32: return typename Types<K>::D(uint32_t(to_i32<F64>(e, v, false)));
    case Kind::F32toI32T: return typename Types<K>::D(uint32_t(to_i32<F32>(e, uint32_t(v), true)));
    default: return typename Types<K>::D(uint32_t(to_i32<F64>(e, v, true)));
  }
}

// Handler: N lanes of conversion K; the memory source is N source elements wide, except
// that Align16 forms read a full aligned m128.
template <Kind K, unsigned N, From Src, To Dst, bool Align16 = false>
void cvt(Cpu& c, const Insn& i) {
  using S = typename Types<K>::S;
  using D = typename Types<K>::D;
  constexpr unsigned kSrcBytes = Align16 ? 16 : N * sizeof(S);
  constexpr bool kMmxDst = Dst == To::Mmx;
  // An MMX register operand makes the MMX transition; CVTPI2PS/PD with an m64 source do
  // not (the host agrees; the SDM says so for CVTPI2PD only).
  const bool mmx = kMmxDst || (Src == From::Mmx && !i.is_mem);
  if (mmx) mmx_operand_prologue(c);
  else simd::sse_prologue(c);

  uint8_t src[16] = {};
  if constexpr (Src == From::Xmm) {
    fetch_xmm_rm<kSrcBytes, Align16>(c, i, src);
  } else if constexpr (Src == From::Mmx) {
    const uint64_t v = i.is_mem ? (uint64_t(read_mem<uint32_t>(c, i.seg, ea(c, i))) |
                                   uint64_t(read_mem<uint32_t>(c, i.seg, ea(c, i) + 4)) << 32)
                                : simd::get_mm(c, i.modrm_rm);
    std::memcpy(src, &v, 8);
  } else {
    const uint32_t v = i.is_mem ? read_mem<uint32_t>(c, i.seg, ea(c, i)) : c.r[i.modrm_rm];
    std::memcpy(src, &v, 4);
  }

  uint8_t res[16] = {};
  if constexpr (Dst == To::XmmKeep) std::memcpy(res, simd::xmm(c, i.modrm_reg), 16);
  LaneFlags lf;
  for (unsigned k = 0; k < N; ++k) {
    Env e = env_of(c.fpu.mxcsr);
    set_lane<D>(res, k, convert<K>(e, lane<S>(src, k)));
    lf.add(e);
  }
  // The transition happens once the operands are read, before a SIMD exception is
  // reported (as the host does: an #XM from CVTPS2PI finds TOP = 0 and all tags valid).
  if (mmx) mmx_transition(c);
  commit(c, lf);
  if constexpr (Dst == To::Mmx) {
    simd::set_mm(c, i.modrm_reg, lane<uint64_t>(res, 0));
  } else if constexpr (Dst == To::Gpr) {
    c.r[i.modrm_reg] = lane<uint32_t>(res, 0);
  } else {
    std::memcpy(simd::xmm(c, i.modrm_reg), res, 16);
  }
}

void row(OpTable& t, uint8_t op, uint8_t pfx, const char* name, const char* form, Handler h) {
  t.add({.map = kMap0F, .opcode = op, .prefix = pfx, .mnemonic = name, .form = form, .hs = RZ_HS_1(h)});
}

}  // namespace

void register_sse_fp_convert(OpTable& t) {
  using K = Kind;
  // 0F 2A: from integers.
  row(t, 0x2A, kPfxNone, "CVTPI2PS", "Vps,Qpi", cvt<K::I32toF32, 2, From::Mmx, To::XmmKeep>);
  row(t, 0x2A, 0x66, "CVTPI2PD", "Vpd,Qpi", cvt<K::I32toF64, 2, From::Mmx, To::XmmKeep>);
  row(t, 0x2A, 0xF3, "CVTSI2SS", "Vss,Ed", cvt<K::I32toF32, 1, From::Gpr, To::XmmKeep>);
  row(t, 0x2A, 0xF2, "CVTSI2SD", "Vsd,Ed", cvt<K::I32toF64, 1, From::Gpr, To::XmmKeep>);
  // 0F 2C: truncating to integers; 0F 2D: rounding by MXCSR.RC.
  row(t, 0x2C, kPfxNone, "CVTTPS2PI", "Ppi,Wq", cvt<K::F32toI32T, 2, From::Xmm, To::Mmx>);
  row(t, 0x2C, 0x66, "CVTTPD2PI", "Ppi,Wpd", cvt<K::F64toI32T, 2, From::Xmm, To::Mmx, true>);
  row(t, 0x2C, 0xF3, "CVTTSS2SI", "Gd,Wss", cvt<K::F32toI32T, 1, From::Xmm, To::Gpr>);
  row(t, 0x2C, 0xF2, "CVTTSD2SI", "Gd,Wsd", cvt<K::F64toI32T, 1, From::Xmm, To::Gpr>);
  row(t, 0x2D, kPfxNone, "CVTPS2PI", "Ppi,Wq", cvt<K::F32toI32, 2, From::Xmm, To::Mmx>);
  row(t, 0x2D, 0x66, "CVTPD2PI", "Ppi,Wpd", cvt<K::F64toI32, 2, From::Xmm, To::Mmx, true>);
  row(t, 0x2D, 0xF3, "CVTSS2SI", "Gd,Wss", cvt<K::F32toI32, 1, From::Xmm, To::Gpr>);
  row(t, 0x2D, 0xF2, "CVTSD2SI", "Gd,Wsd", cvt<K::F64toI32, 1, From::Xmm, To::Gpr>);
  // 0F 5A: between single and double.
  row(t, 0x5A, kPfxNone, "CVTPS2PD", "Vpd,Wq", cvt<K::F32toF64, 2, From::Xmm, To::XmmZeroHigh>);
  row(t, 0x5A, 0x66, "CVTPD2PS", "Vps,Wpd", cvt<K::F64toF32, 2, From::Xmm, To::XmmZeroHigh, true>);
  row(t, 0x5A, 0xF3, "CVTSS2SD", "Vsd,Wss", cvt<K::F32toF64, 1, From::Xmm, To::XmmKeep>);
  row(t, 0x5A, 0xF2, "CVTSD2SS", "Vss,Wsd", cvt<K::F64toF32, 1, From::Xmm, To::XmmKeep>);
  // 0F 5B: packed dwords and singles.
  row(t, 0x5B, kPfxNone, "CVTDQ2PS", "Vps,Wdq", cvt<K::I32toF32, 4, From::Xmm, To::XmmZeroHigh, true>);
  row(t, 0x5B, 0x66, "CVTPS2DQ", "Vdq,Wps", cvt<K::F32toI32, 4, From::Xmm, To::XmmZeroHigh, true>);
  row(t, 0x5B, 0xF3, "CVTTPS2DQ", "Vdq,Wps", cvt<K::F32toI32T, 4, From::Xmm, To::XmmZeroHigh, true>);
  // 0F E6: packed dwords and doubles.
  row(t, 0xE6, 0x66, "CVTTPD2DQ", "Vdq,Wpd", cvt<K::F64toI32T, 2, From::Xmm, To::XmmZeroHigh, true>);
  row(t, 0xE6, 0xF3, "CVTDQ2PD", "Vpd,Wq", cvt<K::I32toF64, 2, From::Xmm, To::XmmZeroHigh>);
  row(t, 0xE6, 0xF2, "CVTPD2DQ", "Vdq,Wpd", cvt<K::F64toI32, 2, From::Xmm, To::XmmZeroHigh, true>);
}

}  // namespace rz
