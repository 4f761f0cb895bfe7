// tests/unit/test_basic.cpp: the run loop, lazy flags and the ALU group in real mode.
#include "tests/unit/harness.h"

namespace rz::test {

TEST(Basic, MovAddHlt) {
  // mov ax,5 ; add ax,7 ; hlt
  Snippet s({0xB8, 0x05, 0x00, 0x05, 0x07, 0x00, 0xF4});
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().r[EAX] & 0xFFFF, 12u);
  EXPECT_EQ(s.cpu().eip, 0x1007u);
}

TEST(Basic, LoopWithJcc) {
  // mov cx,10 ; xor ax,ax ; l: add ax,cx ; dec cx ; jnz l ; hlt
  Snippet s({0xB9, 0x0A, 0x00, 0x31, 0xC0, 0x01, 0xC8, 0x49, 0x75, 0xFB, 0xF4});
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().r[EAX] & 0xFFFF, 55u);
  EXPECT_TRUE(s.flags() & ZF);
}

TEST(Basic, SubFlags) {
  // mov al,1 ; sub al,2 ; hlt  -> AL=FF, CF=1 SF=1 AF=1 ZF=0 OF=0 PF=1
  Snippet s({0xB0, 0x01, 0x2C, 0x02, 0xF4});
  s.run();
  EXPECT_EQ(s.cpu().r[EAX] & 0xFF, 0xFFu);
  uint32_t f = s.flags();
  EXPECT_EQ(f & (CF | SF | AF | ZF | OF | PF), CF | SF | AF | PF);
}

TEST(Basic, UndefinedOpcodeRaisesUd) {
  // IVT[6] -> 0000:2000 where HLT sits.  0F 0B = UD2.
  Snippet s({0x0F, 0x0B});
  s.ram()[0x2000] = 0xF4;
  s.ram()[6 * 4] = 0x00;
  s.ram()[6 * 4 + 1] = 0x20;
  s.run();
  EXPECT_EQ(s.cpu().eip, 0x2001u);
  // The pushed IP is the faulting instruction.
  EXPECT_EQ(s.ram()[0x8000 - 6], 0x00);
  EXPECT_EQ(s.ram()[0x8000 - 5], 0x10);
}

}  // namespace rz::test
