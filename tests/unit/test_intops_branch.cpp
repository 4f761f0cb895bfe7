// tests/unit/test_intops_branch.cpp: near Jcc/JMP/CALL/RET, LOOP/LOOPcc, JCXZ/JECXZ:
// conditions, 16-bit IP truncation, CX vs ECX by address size, CS-limit #GP with no state
// change.
#include "tests/unit/test_intops_util.h"

namespace rz::test {
namespace {

void place(Snippet& s, uint32_t addr, std::initializer_list<uint8_t> bytes) {
  std::memcpy(s.ram() + addr, bytes.begin(), bytes.size());
}

void set_flags(Cpu& c, uint32_t f) {
  c.eflags = (c.eflags & ~kArithFlags) | (f & kArithFlags) | 2;
  c.lazy = 0;
}

// The SDM's condition table (vol. 2 appendix B), written out independently of test_cc.
bool expected_cc(uint32_t f, unsigned cc) {
  const bool cf = f & CF, zf = f & ZF, sf = f & SF, of = f & OF, pf = f & PF;
  bool r = false;
  switch (cc >> 1) {
    case 0: r = of; break;
    case 1: r = cf; break;
    case 2: r = zf; break;
    case 3: r = cf || zf; break;
    case 4: r = sf; break;
    case 5: r = pf; break;
    case 6: r = sf != of; break;
    case 7: r = zf || (sf != of); break;
  }
  return (cc & 1) ? !r : r;
}

TEST(IntopsBranch, JccAllConditionsRel8And16) {
  const uint32_t bits[5] = {CF, ZF, SF, OF, PF};
  for (unsigned cc = 0; cc < 16; ++cc) {
    for (unsigned combo = 0; combo < 32; ++combo) {
      uint32_t f = 0;
      for (unsigned b = 0; b < 5; ++b)
        if (combo & (1u << b)) f |= bits[b];
      // Jcc rel8 = -0x10 and 0F 8x rel16 = +0x0100 (real mode).
      Snippet s({uint8_t(0x70 + cc), 0xF0, 0x0F, uint8_t(0x80 + cc), 0x00, 0x01});
      Cpu& c = s.cpu();
      set_flags(c, f);
      ASSERT_EQ(step1(s), kNoFault);
      EXPECT_EQ(c.eip, expected_cc(f, cc) ? 0x0FF2u : 0x1002u) << "cc=" << cc << " f=" << f;
      c.eip = 0x1002;
      ASSERT_EQ(step1(s), kNoFault);
      EXPECT_EQ(c.eip, expected_cc(f, cc) ? 0x1106u : 0x1006u) << "cc=" << cc << " f=" << f;
    }
  }
}

TEST(IntopsBranch, JccAfterCompareUsesLazyFlags) {
  // cmp ax,bx ; jz +2 ; nop ; nop ; jb +3 ; hlt
  Snippet s({0x39, 0xd8, 0x74, 0x02, 0x90, 0x90, 0x72, 0x03, 0xf4});
  Cpu& c = s.cpu();
  c.r[EAX] = 1;
  c.r[EBX] = 2;
  place(s, 0x100B, {0xf4});
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, 0x100Cu);  // jz not taken, jb taken to 0x100B
}

TEST(IntopsBranch, Jcc32Rel32ProtectedMode) {
  Snippet s({0x0F, 0x85, 0x00, 0x00, 0x01, 0x00});  // jnz +0x10000
  enter_pm32(s);
  set_flags(s.cpu(), 0);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(s.cpu().eip, 0x11006u);
}

TEST(IntopsBranch, RealModeIpWrapsAt64K) {
  Snippet s(std::vector<uint8_t>{});
  s.load_real(CS, 0x0100);  // base 0x1000
  Cpu& c = s.cpu();
  c.eip = 0xFFF0;
  place(s, 0x1000 + 0xFFF0, {0xEB, 0x20});  // jmp short +0x20 -> (0xFFF2 + 0x20) mod 64K
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x0012u);
}

TEST(IntopsBranch, OperandSize16TruncatesIn32BitCode) {
  Snippet s(std::vector<uint8_t>{});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.eip = 0x12000;
  place(s, 0x12000, {0x66, 0xE9, 0x00, 0x10});  // jmp word +0x1000
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x3004u);  // 0x13004 truncated to 16 bits
  c.eip = 0x12000;
  place(s, 0x12000, {0x66, 0xE8, 0x00, 0x10});  // call word +0x1000: pushes a word
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x3004u);
  EXPECT_EQ(c.r[ESP], 0x7FFEu);
  EXPECT_EQ(rd16(s, 0x7FFE), 0x2004u);
}

class CsLimit : public ::testing::Test {
 protected:
  Snippet s{std::vector<uint8_t>{}};
  void SetUp() override {
    enter_pm32(s);
    Cpu& c = s.cpu();
    c.seg[CS].limit = 0x1FFF;
    seg_refresh(c, c.seg[CS], CS);
  }
};

TEST_F(CsLimit, JmpBeyondLimitFaults) {
  place(s, 0x1000, {0xE9, 0x00, 0x10, 0x00, 0x00});  // jmp 0x2005
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(s.cpu().exc.error, 0u);
  EXPECT_EQ(s.cpu().eip, 0x1000u);
}

TEST_F(CsLimit, CallBeyondLimitPushesNothing) {
  place(s, 0x1000, {0xE8, 0x00, 0x10, 0x00, 0x00});  // call 0x2005
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(s.cpu().r[ESP], 0x8000u);
  EXPECT_EQ(rd32(s, 0x7FFC), 0u);
  EXPECT_EQ(s.cpu().eip, 0x1000u);
  // Indirect form too.
  s.cpu().r[EBX] = 0x2000;
  place(s, 0x1000, {0xFF, 0xD3});  // call ebx
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(s.cpu().r[ESP], 0x8000u);
}

TEST_F(CsLimit, RetBeyondLimitKeepsStack) {
  wr32(s, 0x8000, 0x2000);
  place(s, 0x1000, {0xC2, 0x08, 0x00});  // ret 8
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(s.cpu().r[ESP], 0x8000u);
}

TEST_F(CsLimit, LoopBeyondLimitKeepsCounter) {
  place(s, 0x1FF0, {0xE2, 0x7F});  // loop 0x2071
  s.cpu().eip = 0x1FF0;
  s.cpu().r[ECX] = 5;
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(s.cpu().r[ECX], 5u);
  // Not taken (count reaches 0): no fault even though the target is outside.
  s.cpu().r[ECX] = 1;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(s.cpu().eip, 0x1FF2u);
  EXPECT_EQ(s.cpu().r[ECX], 0u);
}

TEST(IntopsBranch, IndirectJmpCallRet32) {
  Snippet s(std::vector<uint8_t>{});
  enter_pm32(s);
  Cpu& c = s.cpu();
  place(s, 0x1000, {0xFF, 0xE0});                          // jmp eax
  place(s, 0x3000, {0xFF, 0x25, 0x00, 0x20, 0x00, 0x00});  // jmp [0x2000]
  place(s, 0x4000, {0xFF, 0xD3});                          // call ebx
  place(s, 0x5000, {0xFF, 0x14, 0x24});                    // call [esp]
  place(s, 0x6000, {0xC3});                                // ret
  place(s, 0x4002, {0xC2, 0x08, 0x00});                    // ret 8
  c.r[EAX] = 0x3000;
  c.r[EBX] = 0x5000;
  wr32(s, 0x2000, 0x4000);
  wr32(s, 0x8000, 0x6000);  // [esp] before the call
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x3000u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x4000u);
  EXPECT_EQ(step1(s), kNoFault);  // call ebx
  EXPECT_EQ(c.eip, 0x5000u);
  EXPECT_EQ(c.r[ESP], 0x7FFCu);
  EXPECT_EQ(rd32(s, 0x7FFC), 0x4002u);
  EXPECT_EQ(step1(s), kNoFault);  // call [esp]: reads [0x7FFC] = 0x4002 before pushing
  EXPECT_EQ(c.eip, 0x4002u);
  EXPECT_EQ(c.r[ESP], 0x7FF8u);
  EXPECT_EQ(rd32(s, 0x7FF8), 0x5003u);
  c.eip = 0x6000;
  EXPECT_EQ(step1(s), kNoFault);  // ret -> 0x5003
  EXPECT_EQ(c.eip, 0x5003u);
  EXPECT_EQ(c.r[ESP], 0x7FFCu);
  c.eip = 0x4002;
  EXPECT_EQ(step1(s), kNoFault);  // ret 8 -> 0x4002, ESP = 0x7FFC + 4 + 8
  EXPECT_EQ(c.eip, 0x4002u);
  EXPECT_EQ(c.r[ESP], 0x8008u);
}

TEST(IntopsBranch, RealModeRetWrapsSp) {
  Snippet s({0xC3, 0xC2, 0x04, 0x00, 0x66, 0xC3});  // ret ; ret 4 ; o32 ret
  Cpu& c = s.cpu();
  c.r[ESP] = 0xFFFE;
  wr16(s, 0xFFFE, 0x1001);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x1001u);
  EXPECT_EQ(c.r[ESP], 0x0000u);
  c.r[ESP] = 0xFFFE;
  EXPECT_EQ(step1(s), kNoFault);  // ret 4: SP = 0xFFFE + 2 + 4 mod 64K
  EXPECT_EQ(c.eip, 0x1001u);
  EXPECT_EQ(c.r[ESP], 0x0004u);
  c.eip = 0x1004;
  c.r[ESP] = 0x7000;
  wr32(s, 0x7000, 0x00012000);  // beyond the 64 KiB CS limit
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(c.r[ESP], 0x7000u);
  wr32(s, 0x7000, 0x00002000);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x2000u);
  EXPECT_EQ(c.r[ESP], 0x7004u);
}

TEST(IntopsBranch, CallRetThroughBlocks16) {
  // call 0x1010 ; hlt ; ... 0x1010: mov ax,0x42 ; ret
  Snippet s({0xE8, 0x0D, 0x00, 0xF4});
  place(s, 0x1010, {0xB8, 0x42, 0x00, 0xC3});
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().r[EAX] & 0xFFFF, 0x42u);
  EXPECT_EQ(s.cpu().eip, 0x1004u);
  EXPECT_EQ(s.cpu().r[ESP], 0x8000u);
  EXPECT_EQ(rd16(s, 0x7FFE), 0x1003u);
}

TEST(IntopsBranch, IndirectForms16) {
  Snippet s({0xFF, 0xD0, 0xFF, 0x17, 0xFF, 0xE3});  // call ax ; call [bx] ; jmp bx
  Cpu& c = s.cpu();
  c.r[EAX] = 0xFFFF1002;  // only AX counts
  c.r[EBX] = 0x3000;
  wr16(s, 0x3000, 0x1004);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x1002u);
  EXPECT_EQ(rd16(s, 0x7FFE), 0x1002u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x1004u);
  EXPECT_EQ(rd16(s, 0x7FFC), 0x1004u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x3000u);
}

TEST(IntopsBranch, LoopCountsCxOrEcxByAddressSize) {
  // loop $ ; a32 loop $ (67 E2 FD)
  Snippet s({0xE2, 0xFE, 0x67, 0xE2, 0xFD});
  Cpu& c = s.cpu();
  c.r[ECX] = 0xABCD0003;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x1000u);
  EXPECT_EQ(c.r[ECX], 0xABCD0002u);
  c.r[ECX] = 0x00010001;  // CX reaches 0: falls through, upper half untouched
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x1002u);
  EXPECT_EQ(c.r[ECX], 0x00010000u);
  // 32-bit count: ECX 0x10000 -> 0xFFFF, taken back to 0x1002.
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[ECX], 0x0000FFFFu);
  EXPECT_EQ(c.eip, 0x1002u);
  c.r[ECX] = 0x0001;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x1005u);
  EXPECT_EQ(c.r[ECX], 0u);
}

TEST(IntopsBranch, LoopeLoopneAndFlagsUntouched) {
  Snippet s({0xE1, 0xFE, 0xE0, 0xFE});  // loope $ ; loopne $
  Cpu& c = s.cpu();
  // Lazy flags from a compare that set ZF (and nothing else).
  c.lf = LazyFlags{0, 5, 5, flag_op(FlagKind::Sub, 1)};
  c.lazy = kArithFlags;
  const uint32_t before = s.flags();
  ASSERT_TRUE(before & ZF);
  c.r[ECX] = 3;
  EXPECT_EQ(step1(s), kNoFault);  // ZF=1, CX=2: taken
  EXPECT_EQ(c.eip, 0x1000u);
  EXPECT_EQ(s.flags(), before);
  c.eip = 0x1002;
  EXPECT_EQ(step1(s), kNoFault);  // loopne with ZF=1: not taken, CX still decremented
  EXPECT_EQ(c.eip, 0x1004u);
  EXPECT_EQ(c.r[ECX], 1u);
  set_flags(c, 0);
  c.eip = 0x1000;
  EXPECT_EQ(step1(s), kNoFault);  // loope with ZF=0: not taken
  EXPECT_EQ(c.eip, 0x1002u);
  EXPECT_EQ(c.r[ECX], 0u);
  c.r[ECX] = 2;
  EXPECT_EQ(step1(s), kNoFault);  // loopne with ZF=0: taken
  EXPECT_EQ(c.eip, 0x1002u);
}

TEST(IntopsBranch, JcxzJecxz) {
  Snippet s({0xE3, 0x10, 0x67, 0xE3, 0x10});  // jcxz +0x10 ; jecxz +0x10
  Cpu& c = s.cpu();
  c.r[ECX] = 0x00010000;
  EXPECT_EQ(step1(s), kNoFault);  // CX = 0: taken
  EXPECT_EQ(c.eip, 0x1012u);
  c.eip = 0x1002;
  EXPECT_EQ(step1(s), kNoFault);  // ECX != 0: not taken
  EXPECT_EQ(c.eip, 0x1005u);
  c.r[ECX] = 0;
  c.eip = 0x1002;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eip, 0x1015u);
  EXPECT_EQ(c.r[ECX], 0u);
}

}  // namespace
}  // namespace rz::test
