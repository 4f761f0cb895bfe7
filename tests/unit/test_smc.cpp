// tests/unit/test_smc.cpp: self-modifying code is seen by the very next instruction, and
// writes beside code (data sharing the page) do not discard blocks.
#include "tests/unit/harness.h"

namespace rz::test {

TEST(SelfModifyingCode, WriteToNextInstructionInSameBlock) {
  // 1000: mov byte [0x1006], 0x05   (C6 06 06 10 05)  -> patches the imm8 below
  // 1005: mov al, 0x01              (B0 01)           -> executes as mov al, 5
  // 1007: hlt
  Snippet s({0xC6, 0x06, 0x06, 0x10, 0x05, 0xB0, 0x01, 0xF4});
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().r[EAX] & 0xFF, 5u);
}

TEST(SelfModifyingCode, PatchedLoopBodyIsRetranslated) {
  // A loop runs `add ax, 1` three times, then patches it to `add ax, 0x10` and runs it
  // three more times through the same (cached) block.
  //   1000: mov cx, 3
  //   1003: add ax, 1        (05 01 00)      <- loop body at 1003
  //   1006: dec cx
  //   1007: jnz 1003
  //   1009: cmp bx, 0 ; jne 101E  (done after second pass)
  //   100E: mov bx, 1
  //   1011: mov byte [0x1004], 0x10
  //   1016: mov cx, 3
  //   1019: jmp 1003
  //   101E: hlt
  Snippet s({0xB9, 0x03, 0x00,                    // 1000 mov cx,3
             0x05, 0x01, 0x00,                    // 1003 add ax,1
             0x49,                                // 1006 dec cx
             0x75, 0xFA,                          // 1007 jnz 1003
             0x83, 0xFB, 0x00,                    // 1009 cmp bx,0
             0x75, 0x10,                          // 100C jne 101E
             0xBB, 0x01, 0x00,                    // 100E mov bx,1
             0xC6, 0x06, 0x04, 0x10, 0x10,        // 1011 mov byte [1004],10h
             0xB9, 0x03, 0x00,                    // 1016 mov cx,3
             0xEB, 0xE8,                          // 1019 jmp 1003
             0xF4});                              // 101B? (see below)
  // The jne at 100C jumps to 100E+0x10 = 101E; put the HLT there.
  s.ram()[0x101E] = 0xF4;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().r[EAX] & 0xFFFF, 3u + 0x30u);
}

TEST(SelfModifyingCode, DataBesideCodeKeepsBlocks) {
  // A loop that stores to a data byte on the same page as the code: no block is discarded.
  //   1000: mov cx, 100
  //   1003: mov [0x1800], cl
  //   1007: dec cx
  //   1008: jnz 1003
  //   100A: hlt
  Snippet s({0xB9, 0x64, 0x00, 0x88, 0x0E, 0x00, 0x18, 0x49, 0x75, 0xF9, 0xF4});
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.ram()[0x1800], 1u);
  EXPECT_EQ(s.cpu().stats.blocks_invalidated, 0u);
}

}  // namespace rz::test
