// tests/unit/test_sse_int.cpp: SSE2 integer instructions on XMM registers and the bit-level
// SSE/SSE2 data movement (MOVAPS..SHUFPD), with values worked out from the SDM, plus the
// SSE availability faults and the 16-byte alignment rule.
#include "cpu/fpu/x87.h"
#include "tests/unit/simd_rig.h"

namespace rz::test {
namespace {

void put128(SimdRig& r, uint32_t off, uint64_t lo, uint64_t hi) {
  r.put64(off, lo);
  r.put64(off + 8, hi);
}

TEST(SseInt, ArithmeticOnAllLanes) {
  SimdRig r;
  r.set_xmm(0, 0x7FFF'8000'0001'FFFFull, 0x0000'FFFF'7FFF'8000ull);
  r.set_xmm(1, 0x0001'FFFF'0001'0001ull, 0x8000'0001'0001'FFFFull);
  ASSERT_EQ(r.run({0x66, 0x0F, 0xED, 0xC1}), -1);  // PADDSW xmm0, xmm1
  EXPECT_EQ(r.xlo(0), 0x7FFF'8000'0002'0000ull);
  EXPECT_EQ(r.xhi(0), 0x8000'0000'7FFF'8000ull);
  r.set_xmm(2, 0xFFFFFFFF'FFFFFFFFull, 0x00000000'00000001ull);
  r.set_xmm(3, 0x00000000'00000001ull, 0xFFFFFFFF'FFFFFFFFull);
  ASSERT_EQ(r.run({0x66, 0x0F, 0xD4, 0xD3}), -1);  // PADDQ xmm2, xmm3
  EXPECT_EQ(r.xlo(2), 0u);
  EXPECT_EQ(r.xhi(2), 0u);
  r.set_xmm(2, 0x00000000'00000003ull, 0xDEADBEEF'80000000ull);
  r.set_xmm(3, 0x12345678'00000005ull, 0x00000000'00000004ull);
  ASSERT_EQ(r.run({0x66, 0x0F, 0xF4, 0xD3}), -1);  // PMULUDQ: lanes 0 and 2
  EXPECT_EQ(r.xlo(2), 15u);
  EXPECT_EQ(r.xhi(2), 0x2'00000000ull);
  r.set_xmm(4, 0x0000000000000000ull, 0x0101010101010101ull);
  r.set_xmm(5, 0xFFFFFFFFFFFFFFFFull, 0x0101010101010101ull);
  ASSERT_EQ(r.run({0x66, 0x0F, 0xF6, 0xE5}), -1);  // PSADBW: one sum per quadword
  EXPECT_EQ(r.xlo(4), 8u * 255u);
  EXPECT_EQ(r.xhi(4), 0u);
}

TEST(SseInt, MemoryOperandsMustBeAlignedExceptMovdqu) {
  SimdRig r;
  put128(r, 0x3000, 0x0102030405060708ull, 0x1112131415161718ull);
  put128(r, 0x3108, 0x0102030405060708ull, 0x1112131415161718ull);
  r.set_xmm(0, 1, 2);
  ASSERT_EQ(r.run({0x66, 0x0F, 0xFE, 0x06, 0x00, 0x30}), -1);  // PADDD xmm0, [3000h]
  EXPECT_EQ(r.xlo(0), 0x0102030405060709ull);
  EXPECT_EQ(r.xhi(0), 0x111213141516171Aull);
  EXPECT_EQ(r.run({0x66, 0x0F, 0xFE, 0x06, 0x08, 0x31}), kGP);  // [3108h]: misaligned
  EXPECT_EQ(r.run({0x66, 0x0F, 0x6F, 0x0E, 0x08, 0x31}), kGP);  // MOVDQA xmm1, [3108h]
  ASSERT_EQ(r.run({0xF3, 0x0F, 0x6F, 0x0E, 0x08, 0x31}), -1);   // MOVDQU xmm1, [3108h]
  EXPECT_EQ(r.xlo(1), 0x0102030405060708ull);
  EXPECT_EQ(r.xhi(1), 0x1112131415161718ull);
  ASSERT_EQ(r.run({0xF3, 0x0F, 0x7F, 0x0E, 0x21, 0x30}), -1);  // MOVDQU [3021h], xmm1
  EXPECT_EQ(r.get64(0x3021), 0x0102030405060708ull);
  EXPECT_EQ(r.get64(0x3029), 0x1112131415161718ull);
}

TEST(SseInt, MovdMovqForms) {
  SimdRig r;
  Cpu& c = r.cpu();
  r.set_xmm(1, ~0ull, ~0ull);
  c.r[EAX] = 0x89ABCDEF;
  ASSERT_EQ(r.run({0x66, 0x0F, 0x6E, 0xC8}), -1);  // MOVD xmm1, eax: zero-extends to 128
  EXPECT_EQ(r.xlo(1), 0x89ABCDEFull);
  EXPECT_EQ(r.xhi(1), 0u);
  r.set_xmm(2, 0x1111111122222222ull, 0x3333333344444444ull);
  r.set_xmm(3, ~0ull, ~0ull);
  ASSERT_EQ(r.run({0xF3, 0x0F, 0x7E, 0xDA}), -1);  // MOVQ xmm3, xmm2: upper zeroed
  EXPECT_EQ(r.xlo(3), 0x1111111122222222ull);
  EXPECT_EQ(r.xhi(3), 0u);
  r.set_xmm(3, ~0ull, ~0ull);
  ASSERT_EQ(r.run({0x66, 0x0F, 0xD6, 0xD3}), -1);  // MOVQ xmm3, xmm2 (66 0F D6 form)
  EXPECT_EQ(r.xlo(3), 0x1111111122222222ull);
  EXPECT_EQ(r.xhi(3), 0u);
  r.put64(0x3010, 0);
  ASSERT_EQ(r.run({0x66, 0x0F, 0xD6, 0x16, 0x14, 0x30}), -1);  // MOVQ [3014h], xmm2
  EXPECT_EQ(r.get64(0x3014), 0x1111111122222222ull);
  r.set_mm(4, 0xAAAABBBBCCCCDDDDull);
  x87::set_top(c.fpu, 2);
  ASSERT_EQ(r.run({0xF3, 0x0F, 0xD6, 0xEC}), -1);  // MOVQ2DQ xmm5, mm4
  EXPECT_EQ(r.xlo(5), 0xAAAABBBBCCCCDDDDull);
  EXPECT_EQ(r.xhi(5), 0u);
  EXPECT_EQ(x87::top(c.fpu), 0u);  // an MMX-state transition
  ASSERT_EQ(r.run({0xF2, 0x0F, 0xD6, 0xFA}), -1);  // MOVDQ2Q mm7, xmm2
  EXPECT_EQ(r.mm(7), 0x1111111122222222ull);
  EXPECT_EQ(c.fpu.st[7].se, 0xFFFF);
}

TEST(SseInt, ShufflesAndByteShifts) {
  SimdRig r;
  r.set_xmm(1, 0x33333333'00000000ull, 0x11111111'22222222ull);  // dwords 0 3 2 1 (x 1111...)
  ASSERT_EQ(r.run({0x66, 0x0F, 0x70, 0xC1, 0x1B}), -1);  // PSHUFD xmm0, xmm1, reverse
  EXPECT_EQ(r.xlo(0), 0x22222222'11111111ull);
  EXPECT_EQ(r.xhi(0), 0x00000000'33333333ull);
  r.set_xmm(1, 0x4444'3333'2222'1111ull, 0x8888'7777'6666'5555ull);
  ASSERT_EQ(r.run({0xF3, 0x0F, 0x70, 0xC1, 0x00}), -1);  // PSHUFHW: high words all word 4
  EXPECT_EQ(r.xlo(0), 0x4444'3333'2222'1111ull);
  EXPECT_EQ(r.xhi(0), 0x5555'5555'5555'5555ull);
  ASSERT_EQ(r.run({0xF2, 0x0F, 0x70, 0xC1, 0xFF}), -1);  // PSHUFLW: low words all word 3
  EXPECT_EQ(r.xlo(0), 0x4444'4444'4444'4444ull);
  EXPECT_EQ(r.xhi(0), 0x8888'7777'6666'5555ull);
  r.set_xmm(2, 0x0807060504030201ull, 0x100F0E0D0C0B0A09ull);
  ASSERT_EQ(r.run({0x66, 0x0F, 0x73, 0xDA, 0x03}), -1);  // PSRLDQ xmm2, 3
  EXPECT_EQ(r.xlo(2), 0x0B0A090807060504ull);
  EXPECT_EQ(r.xhi(2), 0x000000100F0E0D0Cull);
  ASSERT_EQ(r.run({0x66, 0x0F, 0x73, 0xFA, 0x05}), -1);  // PSLLDQ xmm2, 5
  EXPECT_EQ(r.xlo(2), 0x0605040000000000ull);
  EXPECT_EQ(r.xhi(2), 0x0E0D0C0B0A090807ull);
  ASSERT_EQ(r.run({0x66, 0x0F, 0x73, 0xFA, 0x10}), -1);  // PSLLDQ xmm2, 16: all zero
  EXPECT_EQ(r.xlo(2) | r.xhi(2), 0u);
  r.set_xmm(3, 0x1111, 0x2222);
  r.set_xmm(4, 0x3333, 0x4444);
  ASSERT_EQ(r.run({0x66, 0x0F, 0x6D, 0xDC}), -1);  // PUNPCKHQDQ xmm3, xmm4
  EXPECT_EQ(r.xlo(3), 0x2222u);
  EXPECT_EQ(r.xhi(3), 0x4444u);
}

TEST(SseInt, WordInsertExtractAndMask) {
  SimdRig r;
  Cpu& c = r.cpu();
  r.set_xmm(6, 0x4444'3333'2222'1111ull, 0x8888'7777'6666'5555ull);
  ASSERT_EQ(r.run({0x66, 0x0F, 0xC5, 0xC6, 0x0E}), -1);  // PEXTRW eax, xmm6, 14 (mod 8 = 6)
  EXPECT_EQ(c.r[EAX], 0x7777u);
  r.mem()[0] = 0xEF;
  r.mem()[1] = 0xBE;
  ASSERT_EQ(r.run({0x66, 0x0F, 0xC4, 0x36, 0x00, 0x30, 0x05}), -1);  // PINSRW xmm6, [3000h], 5
  EXPECT_EQ(r.xhi(6), 0x8888'7777'BEEF'5555ull);
  r.set_xmm(7, 0x8000000000000080ull, 0xFF00000000000000ull);
  ASSERT_EQ(r.run({0x66, 0x0F, 0xD7, 0xCF}), -1);  // PMOVMSKB ecx, xmm7
  EXPECT_EQ(c.r[ECX], 0x8081u);
}

TEST(SseMove, ScalarMovesKeepOrClearTheUpperLanes) {
  SimdRig r;
  r.set_xmm(0, 0xAAAAAAAA'BBBBBBBBull, 0xCCCCCCCC'DDDDDDDDull);
  r.set_xmm(1, 0x11111111'22222222ull, 0x33333333'44444444ull);
  ASSERT_EQ(r.run({0xF3, 0x0F, 0x10, 0xC1}), -1);  // MOVSS xmm0, xmm1: low dword only
  EXPECT_EQ(r.xlo(0), 0xAAAAAAAA'22222222ull);
  EXPECT_EQ(r.xhi(0), 0xCCCCCCCC'DDDDDDDDull);
  put128(r, 0x3000, 0x55555555'66666666ull, 0x77777777'88888888ull);
  ASSERT_EQ(r.run({0xF3, 0x0F, 0x10, 0x06, 0x00, 0x30}), -1);  // MOVSS xmm0, [3000h]
  EXPECT_EQ(r.xlo(0), 0x66666666ull);
  EXPECT_EQ(r.xhi(0), 0u);
  ASSERT_EQ(r.run({0xF2, 0x0F, 0x10, 0x06, 0x00, 0x30}), -1);  // MOVSD xmm0, [3000h]
  EXPECT_EQ(r.xlo(0), 0x55555555'66666666ull);
  EXPECT_EQ(r.xhi(0), 0u);
  ASSERT_EQ(r.run({0xF3, 0x0F, 0x11, 0x0E, 0x04, 0x30}), -1);  // MOVSS [3004h], xmm1
  EXPECT_EQ(r.get64(0x3000), 0x22222222'66666666ull);
}

TEST(SseMove, HalfMovesAndShuffles) {
  SimdRig r;
  r.set_xmm(0, 0x1111, 0x2222);
  r.set_xmm(1, 0x3333, 0x4444);
  ASSERT_EQ(r.run({0x0F, 0x12, 0xC1}), -1);  // MOVHLPS xmm0, xmm1
  EXPECT_EQ(r.xlo(0), 0x4444u);
  EXPECT_EQ(r.xhi(0), 0x2222u);
  ASSERT_EQ(r.run({0x0F, 0x16, 0xC1}), -1);  // MOVLHPS xmm0, xmm1
  EXPECT_EQ(r.xhi(0), 0x3333u);
  r.put64(0x3000, 0x5555);
  ASSERT_EQ(r.run({0x66, 0x0F, 0x16, 0x06, 0x00, 0x30}), -1);  // MOVHPD xmm0, [3000h]
  EXPECT_EQ(r.xlo(0), 0x4444u);
  EXPECT_EQ(r.xhi(0), 0x5555u);
  ASSERT_EQ(r.run({0x0F, 0x13, 0x0E, 0x08, 0x30}), -1);  // MOVLPS [3008h], xmm1
  EXPECT_EQ(r.get64(0x3008), 0x3333u);
  r.set_xmm(2, 0x11111111'00000000ull, 0x33333333'22222222ull);
  r.set_xmm(3, 0x55555555'44444444ull, 0x77777777'66666666ull);
  ASSERT_EQ(r.run({0x0F, 0xC6, 0xD3, 0b10'01'11'00}), -1);  // SHUFPS xmm2, xmm3
  EXPECT_EQ(r.xlo(2), 0x33333333'00000000ull);
  EXPECT_EQ(r.xhi(2), 0x66666666'55555555ull);
  r.set_xmm(2, 0x11111111'00000000ull, 0x33333333'22222222ull);
  ASSERT_EQ(r.run({0x0F, 0x14, 0xD3}), -1);  // UNPCKLPS xmm2, xmm3
  EXPECT_EQ(r.xlo(2), 0x44444444'00000000ull);
  EXPECT_EQ(r.xhi(2), 0x55555555'11111111ull);
  r.set_xmm(2, 1, 2);
  ASSERT_EQ(r.run({0x66, 0x0F, 0xC6, 0xD3, 0x01}), -1);  // SHUFPD xmm2, xmm3, 01b
  EXPECT_EQ(r.xlo(2), 2u);
  EXPECT_EQ(r.xhi(2), 0x55555555'44444444ull);
  r.set_xmm(4, 0xFFFF0000FFFF0000ull, 0x0F0F0F0F0F0F0F0Full);
  r.set_xmm(5, 0x123456789ABCDEF0ull, 0xFFFFFFFFFFFFFFFFull);
  ASSERT_EQ(r.run({0x0F, 0x55, 0xE5}), -1);  // ANDNPS xmm4, xmm5
  EXPECT_EQ(r.xlo(4), 0x00005678'0000DEF0ull);
  EXPECT_EQ(r.xhi(4), 0xF0F0F0F0F0F0F0F0ull);
}

TEST(SseMove, MovapsAlignmentAndNonTemporalStores) {
  SimdRig r;
  Cpu& c = r.cpu();
  r.set_xmm(1, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull);
  EXPECT_EQ(r.run({0x0F, 0x29, 0x0E, 0x04, 0x30}), kGP);  // MOVAPS [3004h], xmm1
  EXPECT_EQ(r.get64(0x3004), 0u);
  ASSERT_EQ(r.run({0x0F, 0x2B, 0x0E, 0x10, 0x30}), -1);  // MOVNTPS [3010h], xmm1
  EXPECT_EQ(r.get64(0x3018), 0xFEDCBA9876543210ull);
  c.r[EBX] = 0x13572468;
  ASSERT_EQ(r.run({0x0F, 0xC3, 0x1E, 0x40, 0x30}), -1);  // MOVNTI [3040h], ebx
  EXPECT_EQ(r.get64(0x3040), 0x13572468u);
  ASSERT_EQ(r.run({0x0F, 0xAE, 0x3E, 0x40, 0x30}), -1);  // CLFLUSH [3040h]
  ASSERT_EQ(r.run({0x0F, 0xAE, 0xF8}), -1);              // SFENCE
  ASSERT_EQ(r.run({0x0F, 0x18, 0x06, 0xFF, 0xFF}), -1);  // PREFETCHNTA: never faults
  EXPECT_EQ(r.run({0x0F, 0xAE, 0x3E, 0xFF, 0xFF}), -1);  // CLFLUSH [FFFFh]: one byte, in limit
}

TEST(SseInt, AvailabilityFaults) {
  SimdRig r;
  Cpu& c = r.cpu();
  c.cr4 &= ~CR4_OSFXSR;
  EXPECT_EQ(r.run({0x66, 0x0F, 0xFC, 0xC1}), kUD);
  EXPECT_EQ(r.run({0x0F, 0x28, 0xC1}), kUD);
  EXPECT_EQ(r.run({0x0F, 0xAE, 0xF8}), -1);  // SFENCE does not depend on OSFXSR
  c.cr4 |= CR4_OSFXSR;
  c.cr0 |= CR0_EM;
  EXPECT_EQ(r.run({0x66, 0x0F, 0xFC, 0xC1}), kUD);
  c.cr0 &= ~CR0_EM;
  c.cr0 |= CR0_TS;
  EXPECT_EQ(r.run({0x66, 0x0F, 0xFC, 0xC1}), kNM);
  c.cr0 &= ~CR0_TS;
  // No #MF for XMM-only instructions, but MOVQ2DQ touches the MMX state and checks it.
  c.fpu.fcw = 0x037E;
  c.fpu.fsw = 0x0081 | 0x8000;
  EXPECT_EQ(r.run({0x66, 0x0F, 0xFC, 0xC1}), -1);
  EXPECT_EQ(r.run({0xF3, 0x0F, 0xD6, 0xC1}), kMF);
  // LOCK is #UD.
  EXPECT_EQ(r.run({0xF0, 0x66, 0x0F, 0xFC, 0x06, 0x00, 0x30}), kUD);
}

// The XMM part of FXSAVE/FXRSTOR (cpu/fpu/env.cpp): MXCSR at +24, XMMn at +160 + 16n, the
// MM registers as ST(i) at +32, and a reserved MXCSR bit makes FXRSTOR #GP(0).
TEST(SseInt, FxsaveFxrstorCarryXmmMxcsrAndMm) {
  SimdRig r;
  Cpu& c = r.cpu();
  for (unsigned n = 0; n < 8; ++n) r.set_xmm(n, 0x1111111111111111ull * (n + 1), ~0ull - n);
  c.fpu.mxcsr = 0x1F80 | 0x6000;  // round toward zero
  ASSERT_EQ(r.run({0x0F, 0xFC, 0xC0}), -1);  // PADDB mm0, mm0: TOP = 0, tags valid
  r.set_mm(3, 0x0123456789ABCDEFull);
  ASSERT_EQ(r.run({0x0F, 0xAE, 0x06, 0x00, 0x30}), -1);  // FXSAVE [3000h]
  uint32_t mx;
  std::memcpy(&mx, r.mem(0x3000 + 24), 4);
  EXPECT_EQ(mx, 0x7F80u);
  EXPECT_EQ(r.mem(0x3000 + 4)[0], 0xFF);  // abridged tags: all valid
  EXPECT_EQ(r.get64(0x3000 + 32 + 16 * 3), 0x0123456789ABCDEFull);
  for (unsigned n = 0; n < 8; ++n) {
    EXPECT_EQ(r.get64(0x3000 + 160 + 16 * n), 0x1111111111111111ull * (n + 1));
    EXPECT_EQ(r.get64(0x3000 + 168 + 16 * n), ~0ull - n);
  }
  for (unsigned n = 0; n < 8; ++n) r.set_xmm(n, 0, 0);
  c.fpu.mxcsr = 0x1F80;
  ASSERT_EQ(r.run({0x0F, 0xAE, 0x0E, 0x00, 0x30}), -1);  // FXRSTOR [3000h]
  EXPECT_EQ(c.fpu.mxcsr, 0x7F80u);
  EXPECT_EQ(r.xlo(5), 0x6666666666666666ull);
  EXPECT_EQ(r.xhi(7), ~0ull - 7);
  EXPECT_EQ(r.mm(3), 0x0123456789ABCDEFull);
  std::memcpy(&mx, r.mem(0x3000 + 28), 4);
  EXPECT_EQ(mx, simd::kMxcsrMask);  // MXCSR_MASK: the same bits LDMXCSR accepts (DAZ too)
  mx = 0x1F80 | simd::MXCSR_DAZ;
  std::memcpy(r.mem(0x3000 + 24), &mx, 4);
  ASSERT_EQ(r.run({0x0F, 0xAE, 0x0E, 0x00, 0x30}), -1);
  EXPECT_EQ(c.fpu.mxcsr, 0x1FC0u);
  mx = 0x10000 | 0x1F80;  // a reserved bit
  std::memcpy(r.mem(0x3000 + 24), &mx, 4);
  r.set_xmm(1, 42, 42);
  EXPECT_EQ(r.run({0x0F, 0xAE, 0x0E, 0x00, 0x30}), kGP);
  EXPECT_EQ(r.xlo(1), 42u);  // nothing loaded
}

}  // namespace
}  // namespace rz::test
