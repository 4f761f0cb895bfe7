// tests/unit/test_intops_stack.cpp: PUSH/POP forms, PUSHA/POPA, PUSHF/POPF privilege
// rules, ENTER/LEAVE, 16-bit stack wrap and fault restartability.
#include "tests/unit/test_intops_util.h"

namespace rz::test {
namespace {

TEST(IntopsStack, PushPop16) {
  // push ax ; push sp ; pop bx ; pop cx ; push word -2 ; push word 0x1234 ;
  // push dword 0x12345678 ; pop edx ; pop si ; pop di ; hlt
  Snippet s({0x50, 0x54, 0x5b, 0x59, 0x6a, 0xfe, 0x68, 0x34, 0x12, 0x66, 0x68, 0x78, 0x56,
             0x34, 0x12, 0x66, 0x5a, 0x5e, 0x5f, 0xf4});
  Cpu& c = s.cpu();
  c.r[EAX] = 0x1111;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(c.r[EBX] & 0xFFFF, 0x7FFEu);  // PUSH SP pushed the value before the push
  EXPECT_EQ(c.r[ECX] & 0xFFFF, 0x1111u);
  EXPECT_EQ(c.r[EDX], 0x12345678u);
  EXPECT_EQ(c.r[ESI] & 0xFFFF, 0x1234u);
  EXPECT_EQ(c.r[EDI] & 0xFFFF, 0xFFFEu);  // 6A sign-extends its byte
  EXPECT_EQ(c.r[ESP], 0x8000u);
}

TEST(IntopsStack, PopSpTakesPoppedValue) {
  Snippet s({0x5c, 0xf4});  // pop sp
  Cpu& c = s.cpu();
  c.r[ESP] = 0xABCD8000;
  wr16(s, 0x8000, 0x1234);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[ESP], 0xABCD1234u);
}

TEST(IntopsStack, SixteenBitStackWraps) {
  Snippet s({0x50, 0x5b, 0xf4});  // push ax ; pop bx
  Cpu& c = s.cpu();
  c.r[ESP] = 0x12340000;
  c.r[EAX] = 0xBEEF;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[ESP], 0x1234FFFEu);  // the upper half of ESP is not part of a 16-bit stack
  EXPECT_EQ(rd16(s, 0xFFFE), 0xBEEFu);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[ESP], 0x12340000u);
  EXPECT_EQ(c.r[EBX] & 0xFFFF, 0xBEEFu);
}

TEST(IntopsStack, PopWordStraddlingSegmentEndFaults) {
  Snippet s({0x5b});  // pop bx with SP=0xFFFF
  Cpu& c = s.cpu();
  c.r[ESP] = 0xFFFF;
  c.r[EBX] = 0x5555;
  EXPECT_EQ(step1(s), kSS);
  EXPECT_EQ(c.r[ESP], 0xFFFFu);
  EXPECT_EQ(c.r[EBX], 0x5555u);
}

TEST(IntopsStack, PushPopMemoryAndEspBase) {
  // push dword [0x2000] ; pop dword [0x2004] ; push dword [esp] ; pop dword [esp+4] ; hlt
  Snippet s({0xff, 0x35, 0x00, 0x20, 0x00, 0x00, 0x8f, 0x05, 0x04, 0x20, 0x00, 0x00, 0xff,
             0x34, 0x24, 0x8f, 0x44, 0x24, 0x04, 0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  wr32(s, 0x2000, 0xA);
  wr32(s, 0x8000, 0xB);
  EXPECT_EQ(step_to_hlt(s), kNoFault);
  EXPECT_EQ(rd32(s, 0x2004), 0xAu);
  EXPECT_EQ(rd32(s, 0x8004), 0xBu);  // [esp+4] with ESP after the pop
  EXPECT_EQ(rd32(s, 0x8000), 0xBu);
  EXPECT_EQ(c.r[ESP], 0x8000u);
}

TEST(IntopsStack, PopToFaultingMemoryLeavesEsp) {
  Snippet s({0x8f, 0x05, 0x00, 0x20, 0x00, 0x00});  // pop dword [0x2000]
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.seg[DS].limit = 0x1FFF;
  seg_refresh(c, c.seg[DS], DS);
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(c.r[ESP], 0x8000u);
}

TEST(IntopsStack, Pop8FWithNonZeroRegIsUndefined) {
  Snippet s({0x8f, 0xc8});
  enter_pm32(s);
  EXPECT_EQ(step1(s), kUD);
}

TEST(IntopsStack, PushaPopa16) {
  Snippet s({0x60, 0x61, 0xf4});  // pusha ; popa
  Cpu& c = s.cpu();
  for (unsigned k = 0; k < 8; ++k)
    if (k != ESP) c.r[k] = 0xAB000000u | (0x1100u * (k + 1));
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[ESP], 0x8000u - 16);
  // Memory from high to low: AX CX DX BX SP BP SI DI.
  EXPECT_EQ(rd16(s, 0x7FFE), 0x1100u);
  EXPECT_EQ(rd16(s, 0x7FFC), 0x2200u);
  EXPECT_EQ(rd16(s, 0x7FFA), 0x3300u);
  EXPECT_EQ(rd16(s, 0x7FF8), 0x4400u);
  EXPECT_EQ(rd16(s, 0x7FF6), 0x8000u);
  EXPECT_EQ(rd16(s, 0x7FF4), 0x6600u);
  EXPECT_EQ(rd16(s, 0x7FF2), 0x7700u);
  EXPECT_EQ(rd16(s, 0x7FF0), 0x8800u);
  for (unsigned k = 0; k < 8; ++k)
    if (k != ESP) c.r[k] = 0xCDCDCDCD;
  wr16(s, 0x7FF6, 0x4444);  // the saved SP is discarded by POPA
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[ESP], 0x8000u);
  EXPECT_EQ(c.r[EAX], 0xCDCD1100u);
  EXPECT_EQ(c.r[EBX], 0xCDCD4400u);
  EXPECT_EQ(c.r[EDI], 0xCDCD8800u);
}

TEST(IntopsStack, PushadPopad32) {
  Snippet s({0x60, 0x61, 0xf4});  // pushad ; popad
  enter_pm32(s);
  Cpu& c = s.cpu();
  for (unsigned k = 0; k < 8; ++k)
    if (k != ESP) c.r[k] = 0x01010101u * (k + 1);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[ESP], 0x8000u - 32);
  EXPECT_EQ(rd32(s, 0x7FFC), 0x01010101u);
  EXPECT_EQ(rd32(s, 0x7FEC), 0x8000u);  // original ESP
  EXPECT_EQ(rd32(s, 0x7FE0), 0x08080808u);
  for (unsigned k = 0; k < 8; ++k)
    if (k != ESP) c.r[k] = 0;
  EXPECT_EQ(step1(s), kNoFault);
  for (unsigned k = 0; k < 8; ++k) {
    if (k != ESP) {
      EXPECT_EQ(c.r[k], 0x01010101u * (k + 1));
    }
  }
  EXPECT_EQ(c.r[ESP], 0x8000u);
}

TEST(IntopsStack, PushaOutsideStackSegmentWritesNothing) {
  // SP=7: the fifth word would straddle offset 0xFFFF -> #SS before any write.
  Snippet s({0x60});
  Cpu& c = s.cpu();
  c.r[ESP] = 7;
  c.r[EAX] = 0x1234;
  EXPECT_EQ(step1(s), kSS);
  EXPECT_EQ(c.r[ESP], 7u);
  EXPECT_EQ(rd16(s, 5), 0u);
}

TEST(IntopsStack, PopfRealModeWritableBits) {
  // popf ; popfd (66 9D) ; hlt   (TF kept clear so no #DB trap follows)
  Snippet s({0x9d, 0x66, 0x9d, 0xf4});
  Cpu& c = s.cpu();
  c.r[ESP] = 0x7FFA;
  wr16(s, 0x7FFA, uint16_t(0xFFFF & ~TF));
  wr32(s, 0x7FFC, 0xFFFFFFFFu & ~TF);
  EXPECT_EQ(step1(s), kNoFault);
  // Bits 1 set, 3/5/15 clear; IOPL and NT are writable in real mode.
  EXPECT_EQ(s.flags(), 0x7ED7u);
  EXPECT_EQ(step1(s), kNoFault);
  // 32-bit: AC and ID too; never VM, RF, VIF, VIP or reserved bits.
  EXPECT_EQ(s.flags(), 0x7ED7u | AC | ID);
  EXPECT_EQ(c.r[ESP], 0x8000u);
}

TEST(IntopsStack, Popf16KeepsUpperHalfAndPushfdClearsRfVm) {
  // popf ; pushfd ; hlt in 32-bit code with a 16-bit POPF (66 9D) first
  Snippet s({0x66, 0x9d, 0x9c, 0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.eflags = 2 | AC | ID | RF | CF;
  c.r[ESP] = 0x7FFE;
  wr16(s, 0x7FFE, 0x0040);  // ZF only
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eflags & (AC | ID | CF | ZF), AC | ID | ZF);
  c.eflags |= RF;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(rd32(s, 0x7FFC), 2u | AC | ID | ZF);  // RF not in the image
}

TEST(IntopsStack, IdFlagToggleDetectsCpuidInRing3) {
  // pushfd ; pop eax ; mov ecx,eax ; xor eax,0x200000 ; push eax ; popfd ; pushfd ; pop eax ;
  // xor eax,ecx ; hlt
  Snippet s({0x9c, 0x58, 0x89, 0xc1, 0x35, 0x00, 0x00, 0x20, 0x00, 0x50, 0x9d, 0x9c, 0x58,
             0x31, 0xc8, 0xf4});
  enter_ring3(s);
  // HLT is privileged: run up to it and check the #GP it raises at CPL 3.
  EXPECT_EQ(step_to_hlt(s), kGP);
  EXPECT_EQ(s.cpu().eip, 0x100Fu);
  EXPECT_EQ(s.cpu().r[EAX], uint32_t(ID));
}

TEST(IntopsStack, AcFlagToggles16BitCodeWithPopfd) {
  // The 486+ AC test: pushfd ; pop eax ; mov ecx,eax ; xor eax,0x40000 ; push eax ; popfd ;
  // pushfd ; pop eax ; xor eax,ecx ; hlt
  Snippet s({0x66, 0x9c, 0x66, 0x58, 0x66, 0x89, 0xc1, 0x66, 0x35, 0x00, 0x00, 0x04, 0x00,
             0x66, 0x50, 0x66, 0x9d, 0x66, 0x9c, 0x66, 0x58, 0x66, 0x31, 0xc8, 0xf4});
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().r[EAX], uint32_t(AC));
}

TEST(IntopsStack, PopfRing3CannotChangeIoplOrIf) {
  Snippet s({0x9d});  // popfd
  enter_ring3(s);
  Cpu& c = s.cpu();
  c.eflags = 2 | IF;  // IOPL 0
  wr32(s, 0x7FFC, 2 | IOPL | CF | VM | VIF | VIP | NT);
  c.r[ESP] = 0x7FFC;
  EXPECT_EQ(step1(s), kNoFault);  // no fault: the bits are silently kept
  EXPECT_EQ(c.eflags, 2u | IF | CF | NT);
  EXPECT_EQ(c.r[ESP], 0x8000u);
}

TEST(IntopsStack, PopfRing3WithIopl3ChangesIfNotIopl) {
  Snippet s({0x9d});
  enter_ring3(s);
  Cpu& c = s.cpu();
  c.eflags = 2 | IF | IOPL;
  wr32(s, 0x7FFC, 2 | DF);
  c.r[ESP] = 0x7FFC;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eflags, 2u | IOPL | DF);
}

TEST(IntopsStack, PopfRing0ChangesIoplNeverVm) {
  Snippet s({0x9d});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.eflags = 2 | RF;
  wr32(s, 0x7FFC, 0xFFFFFFFFu & ~TF);
  c.r[ESP] = 0x7FFC;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eflags, 0x7ED7u | AC | ID);  // RF cleared, VM/VIF/VIP untouched
  EXPECT_FALSE(c.v86());
}

TEST(IntopsStack, V86WithIoplBelow3PushfPopfFault) {
  Snippet s({0x9c, 0x9d});
  enter_v86(s, 2);
  Cpu& c = s.cpu();
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(c.exc.error, 0u);
  EXPECT_EQ(c.r[ESP], 0x8000u);
  c.eip = 0x1001;
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(c.r[ESP], 0x8000u);
  EXPECT_TRUE(c.v86());
}

TEST(IntopsStack, V86WithIopl3PopfChangesIfButNotIopl) {
  Snippet s({0x9c, 0x9d});  // pushf ; popf
  enter_v86(s, 3);
  Cpu& c = s.cpu();
  c.eflags |= IF;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(rd16(s, 0x7FFE), uint16_t(2 | IF | IOPL));  // 16-bit image: no VM bit there
  wr16(s, 0x7FFE, uint16_t(2 | CF));  // IF=0, IOPL=0 requested
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.eflags, 2u | CF | IOPL | VM);
}

TEST(IntopsStack, PushfdInV86ClearsVmInImage) {
  Snippet s({0x66, 0x9c});  // pushfd
  enter_v86(s, 3);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(rd32(s, 0x7FFC), 2u | IOPL);
}

TEST(IntopsStack, PopfEndsTheBlock) {
  // popf (sets TF? no: sets DF) ; std-free check: the following instruction sees DF.
  // popf ; pushf ; hlt through the block engine.
  Snippet s({0x9d, 0x9c, 0xf4});
  wr16(s, 0x8000, 0x0402);  // DF
  s.cpu().r[ESP] = 0x8000;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(rd16(s, 0x8000), 0x0402u);
  EXPECT_EQ(s.cpu().r[ESP], 0x8000u);
  const OpTable& t = instruction_table();
  bool found = false;
  for (const OpRow& r : t.rows())
    if (r.map == kMapOne && r.opcode == 0x9D) {
      found = true;
      EXPECT_TRUE(r.attrs & kEndsBlock);
      EXPECT_EQ(r.cls, InsnClass::SensitiveUnprivileged);
    }
  EXPECT_TRUE(found);
}

TEST(IntopsStack, EnterLeave16) {
  // enter 8,0 ; leave ; enter 4,3 ; hlt
  Snippet s({0xc8, 0x08, 0x00, 0x00, 0xc9, 0xc8, 0x04, 0x00, 0x03, 0xf4});
  Cpu& c = s.cpu();
  c.r[EBP] = 0x1234;
  wr16(s, 0x1232, 0xAAAA);
  wr16(s, 0x1230, 0xBBBB);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EBP], 0x7FFEu);
  EXPECT_EQ(c.r[ESP], 0x7FF6u);
  EXPECT_EQ(rd16(s, 0x7FFE), 0x1234u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EBP], 0x1234u);
  EXPECT_EQ(c.r[ESP], 0x8000u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(rd16(s, 0x7FFE), 0x1234u);  // old BP
  EXPECT_EQ(rd16(s, 0x7FFC), 0xAAAAu);  // display copied from the old frame
  EXPECT_EQ(rd16(s, 0x7FFA), 0xBBBBu);
  EXPECT_EQ(rd16(s, 0x7FF8), 0x7FFEu);  // new frame pointer
  EXPECT_EQ(c.r[EBP], 0x7FFEu);
  EXPECT_EQ(c.r[ESP], 0x7FF4u);
}

TEST(IntopsStack, EnterLeave32AndLevelMod32) {
  // enter 0x10,2 ; leave ; enter 0,33 ; hlt
  Snippet s({0xc8, 0x10, 0x00, 0x02, 0xc9, 0xc8, 0x00, 0x00, 0x21, 0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.r[EBP] = 0x5000;
  wr32(s, 0x4FFC, 0xDEADBEEF);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(rd32(s, 0x7FFC), 0x5000u);
  EXPECT_EQ(rd32(s, 0x7FF8), 0xDEADBEEFu);
  EXPECT_EQ(rd32(s, 0x7FF4), 0x7FFCu);
  EXPECT_EQ(c.r[EBP], 0x7FFCu);
  EXPECT_EQ(c.r[ESP], 0x7FE4u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EBP], 0x5000u);
  EXPECT_EQ(c.r[ESP], 0x8000u);
  EXPECT_EQ(step1(s), kNoFault);  // level 33 acts as level 1
  EXPECT_EQ(rd32(s, 0x7FFC), 0x5000u);
  EXPECT_EQ(rd32(s, 0x7FF8), 0x7FFCu);
  EXPECT_EQ(c.r[EBP], 0x7FFCu);
  EXPECT_EQ(c.r[ESP], 0x7FF8u);
}

TEST(IntopsStack, EnterFaultLeavesRegisters) {
  // enter 0,2 with BP=1: the display read at BP-2 = 0xFFFF straddles the limit -> #SS.
  Snippet s({0xc8, 0x00, 0x00, 0x02});
  Cpu& c = s.cpu();
  c.r[EBP] = 1;
  EXPECT_EQ(step1(s), kSS);
  EXPECT_EQ(c.r[EBP], 1u);
  EXPECT_EQ(c.r[ESP], 0x8000u);
}

TEST(IntopsStack, Leave16BitStackKeepsUpperEsp) {
  Snippet s({0x66, 0xc9});  // leave with 32-bit operand size on a 16-bit stack
  Cpu& c = s.cpu();
  c.r[ESP] = 0xABCD0100;
  c.r[EBP] = 0x11117FF0;
  wr32(s, 0x7FF0, 0xCAFEF00D);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[ESP], 0xABCD7FF4u);
  EXPECT_EQ(c.r[EBP], 0xCAFEF00Du);
}

TEST(IntopsStack, GroupRegisterForms) {
  // push ecx (FF F1) ; pop ebx (8F C3)
  Snippet s({0xff, 0xf1, 0x8f, 0xc3});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.r[ECX] = 0x600DF00D;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(rd32(s, 0x7FFC), 0x600DF00Du);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EBX], 0x600DF00Du);
  EXPECT_EQ(c.r[ESP], 0x8000u);
}

TEST(IntopsStack, StackSizeComesFromSsNotCs) {
  // 32-bit code, 16-bit stack (SS.D = 0): push eax ; call +0 wrap SP inside 64 KiB.
  Snippet s({0x50, 0xE8, 0x00, 0x00, 0x00, 0x00});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.seg[SS].ar &= ~0x4000;
  c.seg[SS].limit = 0xFFFF;
  seg_refresh(c, c.seg[SS], SS);
  c.r[ESP] = 0x00120002;
  c.r[EAX] = 0xA1B2C3D4;
  // SP=2: the dword would go to 0xFFFE..0x10001, straddling the 64 KiB limit -> #SS(0).
  EXPECT_EQ(step1(s), kSS);
  EXPECT_EQ(c.r[ESP], 0x00120002u);
  c.r[ESP] = 0x00120000;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[ESP], 0x0012FFFCu);
  EXPECT_EQ(rd32(s, 0xFFFC), 0xA1B2C3D4u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[ESP], 0x0012FFF8u);
  EXPECT_EQ(rd32(s, 0xFFF8), 0x1006u);
  EXPECT_EQ(c.eip, 0x1006u);

  // 16-bit code, 32-bit stack: push ax moves the whole ESP by 2.
  Snippet t({0x50});
  enter_pm32(t);
  Cpu& d = t.cpu();
  d.seg[CS].ar &= ~0x4000;
  d.r[ESP] = 0x00120000;
  d.r[EAX] = 0x7788;
  EXPECT_EQ(step1(t), kNoFault);
  EXPECT_EQ(d.r[ESP], 0x0011FFFEu);
  EXPECT_EQ(rd16(t, 0x11FFFE), 0x7788u);
}

}  // namespace
}  // namespace rz::test
