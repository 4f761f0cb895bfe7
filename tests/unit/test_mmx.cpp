// tests/unit/test_mmx.cpp: MMX instructions and the SSE additions on MM registers, with
// values worked out from the SDM's Operation sections, plus the x87 aliasing rules (TOP,
// tags, exponent words) and the availability faults (#UD, #NM, #MF).
#include "cpu/fpu/x87.h"
#include "tests/unit/simd_rig.h"

namespace rz::test {
namespace {

TEST(Mmx, PaddbWrapsPaddsbAndPaddusbSaturate) {
  SimdRig r;
  r.set_mm(0, 0x7F80FF01'7F80FF01ull);
  r.set_mm(1, 0x01FF0101'80800202ull);
  ASSERT_EQ(r.run({0x0F, 0xFC, 0xC1}), -1);  // PADDB mm0, mm1
  EXPECT_EQ(r.mm(0), 0x807F0002'FF000103ull);
  r.set_mm(0, 0x7F80FF01'7F80FF01ull);
  ASSERT_EQ(r.run({0x0F, 0xEC, 0xC1}), -1);  // PADDSB
  EXPECT_EQ(r.mm(0), 0x7F800002'FF800103ull);
  r.set_mm(0, 0x7F80FF01'7F80FF01ull);
  ASSERT_EQ(r.run({0x0F, 0xDC, 0xC1}), -1);  // PADDUSB
  EXPECT_EQ(r.mm(0), 0x80FFFF02'FFFFFF03ull);
}

TEST(Mmx, PsubuswAndPsubswSaturate) {
  SimdRig r;
  r.set_mm(2, 0x0005'8000'7FFF'0000ull);
  r.set_mm(3, 0x0006'0001'FFFF'0001ull);
  ASSERT_EQ(r.run({0x0F, 0xD9, 0xD3}), -1);  // PSUBUSW mm2, mm3
  EXPECT_EQ(r.mm(2), 0x0000'7FFF'0000'0000ull);
  r.set_mm(2, 0x0005'8000'7FFF'0000ull);
  ASSERT_EQ(r.run({0x0F, 0xE9, 0xD3}), -1);  // PSUBSW: 5-6, -32768-1, 32767-(-1), 0-1
  EXPECT_EQ(r.mm(2), 0xFFFF'8000'7FFF'FFFFull);
}

TEST(Mmx, Multiplies) {
  SimdRig r;
  r.set_mm(0, 0x8000'7FFF'FFFF'0100ull);
  r.set_mm(1, 0x8000'7FFF'FFFF'0100ull);
  ASSERT_EQ(r.run({0x0F, 0xE5, 0xC1}), -1);  // PMULHW: 4000 3FFF 0000 0001
  EXPECT_EQ(r.mm(0), 0x4000'3FFF'0000'0001ull);
  r.set_mm(0, 0x8000'7FFF'FFFF'0100ull);
  ASSERT_EQ(r.run({0x0F, 0xD5, 0xC1}), -1);  // PMULLW: 0000 0001 0001 0000
  EXPECT_EQ(r.mm(0), 0x0000'0001'0001'0000ull);
  r.set_mm(0, 0x8000'7FFF'FFFF'0100ull);
  ASSERT_EQ(r.run({0x0F, 0xE4, 0xC1}), -1);  // PMULHUW: 4000 3FFF FFFE 0001
  EXPECT_EQ(r.mm(0), 0x4000'3FFF'FFFE'0001ull);
  // PMADDWD: (-32768)^2 * 2 wraps to 80000000H; 7FFF*7FFF + (-1)*(-1) ... per pair.
  r.set_mm(0, 0x8000'8000'0002'FFFFull);
  r.set_mm(1, 0x8000'8000'0003'0004ull);
  ASSERT_EQ(r.run({0x0F, 0xF5, 0xC1}), -1);
  EXPECT_EQ(r.mm(0), 0x80000000'00000002ull);  // 2*3 + (-1)*4 = 2
  r.set_mm(0, 0x12345678'FFFFFFFFull);
  r.set_mm(1, 0x9ABCDEF0'FFFFFFFFull);
  ASSERT_EQ(r.run({0x0F, 0xF4, 0xC1}), -1);  // PMULUDQ: low dwords only
  EXPECT_EQ(r.mm(0), 0xFFFFFFFE'00000001ull);
}

TEST(Mmx, PsadbwPavgPminPmax) {
  SimdRig r;
  r.set_mm(0, 0x00FF'1080'0102'0304ull);
  r.set_mm(1, 0xFF00'8010'0403'0201ull);
  ASSERT_EQ(r.run({0x0F, 0xF6, 0xC1}), -1);  // PSADBW: 255+255+112+112+3+1+1+3
  EXPECT_EQ(r.mm(0), 742u);
  r.set_mm(0, 0x00FF'1080'0102'0304ull);
  ASSERT_EQ(r.run({0x0F, 0xE0, 0xC1}), -1);  // PAVGB: (a+b+1)>>1
  EXPECT_EQ(r.mm(0), 0x8080'4848'0303'0303ull);
  r.set_mm(0, 0x8000'7FFF'0001'FFFFull);
  r.set_mm(1, 0x7FFF'8000'0002'0000ull);
  ASSERT_EQ(r.run({0x0F, 0xEA, 0xC1}), -1);  // PMINSW
  EXPECT_EQ(r.mm(0), 0x8000'8000'0001'FFFFull);
  r.set_mm(0, 0x00FF'1080'0102'0304ull);
  r.set_mm(1, 0xFF00'8010'0403'0201ull);
  ASSERT_EQ(r.run({0x0F, 0xDE, 0xC1}), -1);  // PMAXUB
  EXPECT_EQ(r.mm(0), 0xFFFF'8080'0403'0304ull);
}

TEST(Mmx, PackAndUnpack) {
  SimdRig r;
  r.set_mm(0, 0x0080'FF7F'7FFF'8000ull);  // words 8000 7FFF FF7F 0080
  r.set_mm(1, 0x0001'FFFF'0100'FF00ull);
  ASSERT_EQ(r.run({0x0F, 0x63, 0xC1}), -1);  // PACKSSWB
  EXPECT_EQ(r.mm(0), 0x01FF'7F80'7F80'7F80ull);
  r.set_mm(0, 0x0080'FF7F'7FFF'8000ull);
  ASSERT_EQ(r.run({0x0F, 0x67, 0xC1}), -1);  // PACKUSWB
  EXPECT_EQ(r.mm(0), 0x0100'FF00'8000'FF00ull);
  r.set_mm(0, 0x00012345'FFFF0000ull);
  r.set_mm(1, 0x80000000'00007FFFull);
  ASSERT_EQ(r.run({0x0F, 0x6B, 0xC1}), -1);  // PACKSSDW
  EXPECT_EQ(r.mm(0), 0x8000'7FFF'7FFF'8000ull);
  // PUNPCKLBW mm0, [3000h] reads a dword only.
  r.set_mm(0, 0x11223344'55667788ull);
  r.put64(0x3000, 0xAAAAAAAA'DDCCBBAAull);
  ASSERT_EQ(r.run({0x0F, 0x60, 0x06, 0x00, 0x30}), -1);
  EXPECT_EQ(r.mm(0), 0xDD55CC66'BB77AA88ull);
  r.set_mm(0, 0x11223344'55667788ull);
  r.set_mm(1, 0xAABBCCDD'EEFF0011ull);
  ASSERT_EQ(r.run({0x0F, 0x6A, 0xC1}), -1);  // PUNPCKHDQ
  EXPECT_EQ(r.mm(0), 0xAABBCCDD'11223344ull);
}

TEST(Mmx, ComparesAndLogic) {
  SimdRig r;
  r.set_mm(0, 0x7F00'8001'0000'FFFFull);
  r.set_mm(1, 0x7F01'0001'0000'0000ull);
  ASSERT_EQ(r.run({0x0F, 0x65, 0xC1}), -1);  // PCMPGTW (signed)
  EXPECT_EQ(r.mm(0), 0x0000'0000'0000'0000ull);
  r.set_mm(0, 0x7F00'8001'0000'FFFFull);
  ASSERT_EQ(r.run({0x0F, 0x74, 0xC1}), -1);  // PCMPEQB
  EXPECT_EQ(r.mm(0), 0xFF00'00FF'FFFF'0000ull);
  r.set_mm(0, 0xF0F0'F0F0'0000'FFFFull);
  r.set_mm(1, 0xFF00'FF00'1234'5678ull);
  ASSERT_EQ(r.run({0x0F, 0xDF, 0xC1}), -1);  // PANDN: ~a & b
  EXPECT_EQ(r.mm(0), 0x0F00'0F00'1234'0000ull);
}

TEST(Mmx, ShiftsByImmediateRegisterAndMemory) {
  SimdRig r;
  r.set_mm(3, 0x8000'4000'0001'FFFFull);
  ASSERT_EQ(r.run({0x0F, 0x71, 0xE3, 20}), -1);  // PSRAW mm3, 20: sign fill
  EXPECT_EQ(r.mm(3), 0xFFFF'0000'0000'FFFFull);
  r.set_mm(3, 0x8000'4000'0001'FFFFull);
  ASSERT_EQ(r.run({0x0F, 0x71, 0xD3, 4}), -1);  // PSRLW mm3, 4
  EXPECT_EQ(r.mm(3), 0x0800'0400'0000'0FFFull);
  r.set_mm(3, 0x8000'4000'0001'FFFFull);
  r.set_mm(4, 64);
  ASSERT_EQ(r.run({0x0F, 0xF3, 0xDC}), -1);  // PSLLQ mm3, mm4 (64: all zero)
  EXPECT_EQ(r.mm(3), 0u);
  r.set_mm(3, 0x8000'4000'0001'FFFFull);
  r.put64(0x3000, 0x1'00000001ull);  // a count above 2^32 is not taken mod anything
  ASSERT_EQ(r.run({0x0F, 0xD2, 0x1E, 0x00, 0x30}), -1);  // PSRLD mm3, [3000h]
  EXPECT_EQ(r.mm(3), 0u);
  r.set_mm(3, 0x8000'4000'0001'FFFFull);
  ASSERT_EQ(r.run({0x0F, 0x73, 0xF3, 8}), -1);  // PSLLQ mm3, 8
  EXPECT_EQ(r.mm(3), 0x0040'0000'01FF'FF00ull);
}

TEST(Mmx, MovesShufflesAndWordAccess) {
  SimdRig r;
  Cpu& c = r.cpu();
  c.r[EAX] = 0xCAFEBABE;
  ASSERT_EQ(r.run({0x0F, 0x6E, 0xC8}), -1);  // MOVD mm1, eax: zero-extends
  EXPECT_EQ(r.mm(1), 0xCAFEBABEull);
  r.set_mm(2, 0x11223344'55667788ull);
  ASSERT_EQ(r.run({0x0F, 0x7E, 0xD3}), -1);  // MOVD ebx, mm2
  EXPECT_EQ(c.r[EBX], 0x55667788u);
  ASSERT_EQ(r.run({0x0F, 0x7F, 0x16, 0x00, 0x30}), -1);  // MOVQ [3000h], mm2
  EXPECT_EQ(r.get64(0x3000), 0x11223344'55667788ull);
  ASSERT_EQ(r.run({0x0F, 0x70, 0xC2, 0x1B}), -1);  // PSHUFW mm0, mm2, 00 01 10 11b: reverse
  EXPECT_EQ(r.mm(0), 0x7788'5566'3344'1122ull);
  ASSERT_EQ(r.run({0x0F, 0xC5, 0xCA, 0x06}), -1);  // PEXTRW ecx, mm2, 6 (mod 4 = 2)
  EXPECT_EQ(c.r[ECX], 0x3344u);
  c.r[EDX] = 0xFFFFABCD;
  ASSERT_EQ(r.run({0x0F, 0xC4, 0xC2, 0x03}), -1);  // PINSRW mm0, edx, 3
  EXPECT_EQ(r.mm(0), 0xABCD'5566'3344'1122ull);
  r.set_mm(5, 0x80FF'0001'7F80'0000ull);
  ASSERT_EQ(r.run({0x0F, 0xD7, 0xF5}), -1);  // PMOVMSKB esi, mm5
  EXPECT_EQ(c.r[ESI], 0xC4u);
}

TEST(Mmx, MaskmovqStoresSelectedBytesAtDsDi) {
  SimdRig r;
  Cpu& c = r.cpu();
  r.put64(0x3000, 0x1111111111111111ull);
  r.set_mm(0, 0x8877665544332211ull);
  r.set_mm(1, 0x80000000000080FFull);  // bytes 0, 1, 7
  c.r[EDI] = 0x3000;
  ASSERT_EQ(r.run({0x0F, 0xF7, 0xC1}), -1);
  EXPECT_EQ(r.get64(0x3000), 0x8811111111112211ull);
}

TEST(Mmx, AliasingTopTagsAndExponent) {
  SimdRig r;
  Cpu& c = r.cpu();
  x87::set_top(c.fpu, 5);
  c.fpu.ftw = 0xFFFF;
  c.fpu.st[1].se = 0x1234;
  r.run({0x0F, 0xEF, 0xC9});  // PXOR mm1, mm1
  EXPECT_EQ(x87::top(c.fpu), 0u);
  EXPECT_EQ(c.fpu.ftw, 0u);  // all valid
  EXPECT_EQ(c.fpu.st[1].se, 0xFFFF);
  EXPECT_EQ(c.fpu.st[1].mant, 0u);
  c.fpu.st[2].se = 0x4000;
  r.run({0x0F, 0x7E, 0xD0});  // MOVD eax, mm2: reads only, exponent untouched
  EXPECT_EQ(c.fpu.st[2].se, 0x4000);
  ASSERT_EQ(r.run({0x0F, 0x77}), -1);  // EMMS
  EXPECT_EQ(c.fpu.ftw, 0xFFFF);
}

TEST(Mmx, AvailabilityFaults) {
  SimdRig r;
  Cpu& c = r.cpu();
  c.cr0 |= CR0_EM;
  EXPECT_EQ(r.run({0x0F, 0xFC, 0xC1}), kUD);
  c.cr0 &= ~CR0_EM;
  c.cr0 |= CR0_TS;
  EXPECT_EQ(r.run({0x0F, 0xFC, 0xC1}), kNM);
  EXPECT_EQ(r.run({0x0F, 0x77}), kNM);
  c.cr0 &= ~CR0_TS;
  // A pending unmasked x87 exception: #MF (CR0.NE = 1), and TOP stays.
  c.fpu.fcw = 0x037E;
  c.fpu.fsw = uint16_t(0x0001 | 0x0080 | 0x8000 | (3u << 11));
  EXPECT_EQ(r.run({0x0F, 0xFC, 0xC1}), kMF);
  EXPECT_EQ(x87::top(c.fpu), 3u);
  // MMX needs no CR4.OSFXSR.
  c.fpu.fsw = 0;
  c.cr4 &= ~CR4_OSFXSR;
  EXPECT_EQ(r.run({0x0F, 0xFC, 0xC1}), -1);
}

// Prefixes the forms do not allow are #UD (as on the host: SIGILL for each of these).
TEST(Mmx, DisallowedPrefixesAreUndefined) {
  SimdRig r;
  EXPECT_EQ(r.run({0xF3, 0x0F, 0xFC, 0xC1}), kUD);  // PADDB mm with F3
  EXPECT_EQ(r.run({0xF2, 0x0F, 0xD7, 0xC1}), kUD);  // PMOVMSKB with F2
  EXPECT_EQ(r.run({0x66, 0x0F, 0x77}), kUD);        // EMMS with 66
  EXPECT_EQ(r.run({0x66, 0x0F, 0xC3, 0x06, 0x00, 0x30}), kUD);  // MOVNTI with 66
  EXPECT_EQ(r.run({0xF3, 0x0F, 0x28, 0xC1}), kUD);  // MOVAPS with F3
  EXPECT_EQ(r.run({0x66, 0x0F, 0x12, 0xC1}), kUD);  // MOVLPD has no register form
}

TEST(Mmx, FaultingMemoryOperandLeavesX87StateAlone) {
  SimdRig r;
  Cpu& c = r.cpu();
  x87::set_top(c.fpu, 6);
  c.fpu.ftw = 0xFFFF;
  r.set_mm(0, 0x1234);
  c.fpu.ftw = 0xFFFF;
  x87::set_top(c.fpu, 6);
  EXPECT_EQ(r.run({0x0F, 0xFC, 0x06, 0xFC, 0xFF}), kGP);  // PADDB mm0, [FFFCh]: beyond the limit
  EXPECT_EQ(x87::top(c.fpu), 6u);
  EXPECT_EQ(c.fpu.ftw, 0xFFFF);
  EXPECT_EQ(r.mm(0), 0x1234u);
  // A faulting MMX store has already set TOP to 0 but not the tags (as the host does).
  x87::set_top(c.fpu, 6);
  EXPECT_EQ(r.run({0x0F, 0x7F, 0x06, 0xFC, 0xFF}), kGP);  // MOVQ [FFFCh], mm0
  EXPECT_EQ(x87::top(c.fpu), 0u);
  EXPECT_EQ(c.fpu.ftw, 0xFFFF);
}

}  // namespace
}  // namespace rz::test
