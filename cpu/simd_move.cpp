// cpu/simd_move.cpp: SSE/SSE2 instructions that move or combine bits without looking at
// them as numbers: MOVAPS/MOVUPS/MOVAPD/MOVUPD, MOVSS/MOVSD moves, MOVLPS/MOVHPS/MOVLPD/
// MOVHPD, MOVHLPS/MOVLHPS, MOVNTPS/MOVNTPD, ANDPS/ANDNPS/ORPS/XORPS and the PD forms,
// UNPCKLPS/UNPCKHPS/UNPCKLPD/UNPCKHPD, SHUFPS/SHUFPD (SDM vol. 2), plus the cache and
// ordering instructions that have no visible effect in an emulator: PREFETCHh, SFENCE,
// LFENCE, MFENCE and CLFLUSH (which still checks its address like a byte load).
//
// None of these raise SIMD floating-point exceptions: a NaN or denormal moves unchanged.
#include "cpu/simd_handlers.h"

namespace rz {

namespace {

using namespace simd;

// MOVSS/MOVSD loads (F3/F2 0F 10): from memory the scalar is zero-extended to 128 bits;
// between registers only the low Bytes are replaced.
template <unsigned Bytes>
void movs_load(Cpu& c, const Insn& i) {
  Xmm::check(c);
  if (i.is_mem) {
    Xmm::put(c, i.modrm_reg, load_op<16, Bytes, false>(c, i));
    return;
  }
  V128 d = Xmm::get(c, i.modrm_reg);
  std::memcpy(d.b, c.fpu.xmm[i.modrm_rm], Bytes);
  Xmm::put(c, i.modrm_reg, d);
}
// MOVSS/MOVSD stores (F3/F2 0F 11): Bytes to memory, or the low Bytes of the register.
template <unsigned Bytes>
void movs_store(Cpu& c, const Insn& i) {
  Xmm::check(c);
  const V128 s = Xmm::get(c, i.modrm_reg);
  if (i.is_mem) {
    store_op<Bytes, false>(c, i, s.b);
    return;
  }
  V128 d = Xmm::get(c, i.modrm_rm);
  std::memcpy(d.b, s.b, Bytes);
  Xmm::put(c, i.modrm_rm, d);
}

// MOVLPS/MOVLPD (Half 0) and MOVHPS/MOVHPD (Half 1) Vq,Mq: one quadword of dst from m64.
template <unsigned Half>
void movhl_load(Cpu& c, const Insn& i) {
  Xmm::check(c);
  const V128 m = load_op<16, 8, false>(c, i);
  V128 d = Xmm::get(c, i.modrm_reg);
  d.set<uint64_t>(Half, m.q(0));
  Xmm::put(c, i.modrm_reg, d);
}
// ... Mq,Vq: m64 = quadword Half of the register.
template <unsigned Half>
void movhl_store(Cpu& c, const Insn& i) {
  Xmm::check(c);
  const V128 s = Xmm::get(c, i.modrm_reg);
  store_op<8, false>(c, i, s.b + 8 * Half);
}
// MOVHLPS Vq,Uq (0F 12 register form): dst.low = src.high.
// MOVLHPS Vq,Uq (0F 16 register form): dst.high = src.low.
template <unsigned To, unsigned From>
void movq_within(Cpu& c, const Insn& i) {
  Xmm::check(c);
  const V128 s = Xmm::get(c, i.modrm_rm);
  V128 d = Xmm::get(c, i.modrm_reg);
  d.set<uint64_t>(To, s.q(From));
  Xmm::put(c, i.modrm_reg, d);
}

// SHUFPS: two dwords of dst chosen from dst, two from src.  SHUFPD: one quadword each.
V128 shufps(const V128& a, const V128& b, unsigned imm) {
  V128 r;
  r.set<uint32_t>(0, a.get<uint32_t>(imm & 3));
  r.set<uint32_t>(1, a.get<uint32_t>((imm >> 2) & 3));
  r.set<uint32_t>(2, b.get<uint32_t>((imm >> 4) & 3));
  r.set<uint32_t>(3, b.get<uint32_t>((imm >> 6) & 3));
  return r;
}
V128 shufpd(const V128& a, const V128& b, unsigned imm) {
  V128 r;
  r.set<uint64_t>(0, a.q(imm & 1));
  r.set<uint64_t>(1, b.q((imm >> 1) & 1));
  return r;
}
template <V128 (*Op)(const V128&, const V128&, unsigned)>
void shuf(Cpu& c, const Insn& i) {
  Xmm::check(c);
  const V128 b = source<Xmm, 16, true>(c, i);
  Xmm::put(c, i.modrm_reg, Op(Xmm::get(c, i.modrm_reg), b, i.imm & 0xFF));
}

// PREFETCHh, SFENCE, LFENCE, MFENCE: no architectural effect, no exceptions (PREFETCHh
// never faults, not even on a bad address; the fences only #UD with LOCK, which the
// decoder rejects).
void no_effect(Cpu&, const Insn&) {}

// CLFLUSH Mb: write-back and invalidation are invisible here, but the address is checked
// like a byte load: segment (#GP/#SS) and page (#PF).  No memory is read, so an MMIO
// address has no side effect.
void clflush(Cpu& c, const Insn& i) {
  const uint32_t lin = lin_read<1>(c, i.seg, ea(c, i));
  if (c.mmu->lookup(lin, Access::Read, c.user())) return;
  uint32_t phys;
  PageFault pf;
  if (!c.mmu->translate(lin, Access::Read, c.user(), phys, pf)) raise_page_fault(c, lin, pf.error_code);
}

}  // namespace

void register_sse_move(OpTable& t) {
  using namespace alg;
  simd_row(t, 0x10, kPfxNone, "MOVUPS", "Vps,Wps", move_load<Xmm, false>);
  simd_row(t, 0x10, 0x66, "MOVUPD", "Vpd,Wpd", move_load<Xmm, false>);
  simd_row(t, 0x10, 0xF3, "MOVSS", "Vss,Wss", movs_load<4>);
  simd_row(t, 0x10, 0xF2, "MOVSD", "Vsd,Wsd", movs_load<8>);
  simd_row(t, 0x11, kPfxNone, "MOVUPS", "Wps,Vps", move_store<Xmm, false>);
  simd_row(t, 0x11, 0x66, "MOVUPD", "Wpd,Vpd", move_store<Xmm, false>);
  simd_row(t, 0x11, 0xF3, "MOVSS", "Wss,Vss", movs_store<4>);
  simd_row(t, 0x11, 0xF2, "MOVSD", "Wsd,Vsd", movs_store<8>);
  simd_row(t, 0x12, kPfxNone, "MOVLPS", "Vq,Mq", movhl_load<0>, kAny, 0);
  simd_row(t, 0x12, kPfxNone, "MOVHLPS", "Vq,Uq", movq_within<0, 1>, kAny, 3);
  simd_row(t, 0x12, 0x66, "MOVLPD", "Vq,Mq", movhl_load<0>, kAny, 0);
  simd_row(t, 0x13, kPfxNone, "MOVLPS", "Mq,Vq", movhl_store<0>, kAny, 0);
  simd_row(t, 0x13, 0x66, "MOVLPD", "Mq,Vq", movhl_store<0>, kAny, 0);
  simd_row(t, 0x14, kPfxNone, "UNPCKLPS", "Vps,Wps", binop<Xmm, 16, true, unpack<uint32_t, false, 16>>);
  simd_row(t, 0x14, 0x66, "UNPCKLPD", "Vpd,Wpd", binop<Xmm, 16, true, unpack<uint64_t, false, 16>>);
  simd_row(t, 0x15, kPfxNone, "UNPCKHPS", "Vps,Wps", binop<Xmm, 16, true, unpack<uint32_t, true, 16>>);
  simd_row(t, 0x15, 0x66, "UNPCKHPD", "Vpd,Wpd", binop<Xmm, 16, true, unpack<uint64_t, true, 16>>);
  simd_row(t, 0x16, kPfxNone, "MOVHPS", "Vq,Mq", movhl_load<1>, kAny, 0);
  simd_row(t, 0x16, kPfxNone, "MOVLHPS", "Vq,Uq", movq_within<1, 0>, kAny, 3);
  simd_row(t, 0x16, 0x66, "MOVHPD", "Vq,Mq", movhl_load<1>, kAny, 0);
  simd_row(t, 0x17, kPfxNone, "MOVHPS", "Mq,Vq", movhl_store<1>, kAny, 0);
  simd_row(t, 0x17, 0x66, "MOVHPD", "Mq,Vq", movhl_store<1>, kAny, 0);
  simd_row(t, 0x28, kPfxNone, "MOVAPS", "Vps,Wps", move_load<Xmm, true>);
  simd_row(t, 0x28, 0x66, "MOVAPD", "Vpd,Wpd", move_load<Xmm, true>);
  simd_row(t, 0x29, kPfxNone, "MOVAPS", "Wps,Vps", move_store<Xmm, true>);
  simd_row(t, 0x29, 0x66, "MOVAPD", "Wpd,Vpd", move_store<Xmm, true>);
  simd_row(t, 0x2B, kPfxNone, "MOVNTPS", "Mps,Vps", move_store<Xmm, true>, kAny, 0);
  simd_row(t, 0x2B, 0x66, "MOVNTPD", "Mpd,Vpd", move_store<Xmm, true>, kAny, 0);
  simd_row(t, 0x54, kPfxNone, "ANDPS", "Vps,Wps", binop<Xmm, 16, true, pand<16>>);
  simd_row(t, 0x54, 0x66, "ANDPD", "Vpd,Wpd", binop<Xmm, 16, true, pand<16>>);
  simd_row(t, 0x55, kPfxNone, "ANDNPS", "Vps,Wps", binop<Xmm, 16, true, pandn<16>>);
  simd_row(t, 0x55, 0x66, "ANDNPD", "Vpd,Wpd", binop<Xmm, 16, true, pandn<16>>);
  simd_row(t, 0x56, kPfxNone, "ORPS", "Vps,Wps", binop<Xmm, 16, true, por<16>>);
  simd_row(t, 0x56, 0x66, "ORPD", "Vpd,Wpd", binop<Xmm, 16, true, por<16>>);
  simd_row(t, 0x57, kPfxNone, "XORPS", "Vps,Wps", binop<Xmm, 16, true, pxor<16>>);
  simd_row(t, 0x57, 0x66, "XORPD", "Vpd,Wpd", binop<Xmm, 16, true, pxor<16>>);
  simd_row(t, 0xC6, kPfxNone, "SHUFPS", "Vps,Wps,Ib", shuf<shufps>);
  simd_row(t, 0xC6, 0x66, "SHUFPD", "Vpd,Wpd,Ib", shuf<shufpd>);

  static const char* const kPrefetch[4] = {"PREFETCHNTA", "PREFETCHT0", "PREFETCHT1", "PREFETCHT2"};
  for (int k = 0; k < 4; ++k) simd_row(t, 0x18, kPfxAny, kPrefetch[k], "Mb", no_effect, int8_t(k), 0);
  simd_row(t, 0xAE, kPfxNone, "LFENCE", "", no_effect, 5, 3);
  simd_row(t, 0xAE, kPfxNone, "MFENCE", "", no_effect, 6, 3);
  simd_row(t, 0xAE, kPfxNone, "SFENCE", "", no_effect, 7, 3);
  simd_row(t, 0xAE, kPfxNone, "CLFLUSH", "Mb", clflush, 7, 0);
}

}  // namespace rz
