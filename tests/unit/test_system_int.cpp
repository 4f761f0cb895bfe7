// tests/unit/test_system_int.cpp: protected-mode interrupt and exception delivery through
// the IDT: frames, stack switches, error codes (EXT/IDT bits), gate DPL, IRET back.
#include "tests/unit/test_system_fixture.h"

namespace rz::test {

TEST(SystemInt, Ring0IntThroughInterruptGateAndIret) {
  Pm p;
  p.enter(0, kCode0);
  p.code(kCode0, {0xCD, 0x30, 0xF4});  // int 0x30 ; hlt
  p.cpu().eflags = 2 | IF;
  p.code(handler_addr(0x30), {0xF4});
  // The handler halts with IF=0 (interrupt gate cleared it), so the run stops there.
  EXPECT_EQ(p.run(), StopReason::Halted);
  Cpu& c = p.cpu();
  EXPECT_EQ(c.eip, handler_addr(0x30) + 1);
  EXPECT_EQ(c.r[ESP], kStack0 - 12);
  EXPECT_EQ(p.stk(0), kCode0 + 2);
  EXPECT_EQ(p.stk(1), kCS0);
  EXPECT_EQ(p.stk(2), 2u | IF);
  EXPECT_FALSE(c.eflags & IF);
  // Now let the handler IRET: back to the HLT after INT with IF restored.
  p.code(handler_addr(0x30), {0xCF});
  p.m->engine().flush();
  c.eip = handler_addr(0x30);
  c.halted = false;
  c.eflags &= ~IF;
  c.r[ESP] = kStack0 - 12;
  p.put32(kStack0 - 4, 2);  // pushed EFLAGS with IF=0 so the final HLT stops the run
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, kCode0 + 3);
  EXPECT_EQ(c.r[ESP], kStack0);
}

TEST(SystemInt, TrapGateKeepsIf) {
  Pm p;
  p.enter(0, kCode0);
  p.idt_gate(0x31, kCS0, handler_addr(0x31), kTrapGate32);
  p.code(kCode0, {0xCD, 0x31});
  p.code(handler_addr(0x31), {0xCF, 0xF4});  // the handler returns; HLT after INT stops
  p.code(kCode0 + 2, {0xF4});
  p.cpu().eflags = 2;
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, kCode0 + 3);
}

TEST(SystemInt, Ring3ToRing0StackSwitchAndBack) {
  Pm p;
  p.enter(3, kCode3);
  Cpu& c = p.cpu();
  p.idt_gate(0x80, kCS0, handler_addr(0x80), kIntGate32, 3);
  p.code(kCode3, {0xCD, 0x80, 0xF4});  // int 0x80 ; hlt (-> #GP at CPL 3)
  c.r[ESP] = kStack3 - 0x10;
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, handler_addr(0x80) + 1);
  EXPECT_EQ(c.cpl, 0);
  EXPECT_EQ(c.seg[CS].sel, kCS0);
  EXPECT_EQ(c.seg[SS].sel, kDS0);
  EXPECT_EQ(c.r[ESP], kStack0 - 20);
  EXPECT_EQ(p.stk(0), kCode3 + 2);
  EXPECT_EQ(p.stk(1), kCS3);
  EXPECT_EQ(p.stk(2) & ~0u, 2u);
  EXPECT_EQ(p.stk(3), kStack3 - 0x10);
  EXPECT_EQ(p.stk(4), kDS3);

  // IRET back to ring 3 after loading DS with a DPL-0 selector: it must be nulled.
  p.code(handler_addr(0x80), {0x8E, 0xD8, 0xCF});  // mov ds,ax ; iret
  p.m->engine().flush();
  c.r[EAX] = kDS0;
  c.eip = handler_addr(0x80);
  c.halted = false;
  EXPECT_EQ(p.run(), StopReason::Halted);
  // Ring 3 executed HLT: #GP(0) through vector 13 with the HLT as the return address.
  EXPECT_EQ(c.eip, handler_addr(kGP) + 1);
  EXPECT_EQ(c.seg[DS].sel, 0);
  EXPECT_EQ(c.r[ESP], kStack0 - 24);
  EXPECT_EQ(p.stk(0), 0u);  // error code
  EXPECT_EQ(p.stk(1), kCode3 + 2);
  EXPECT_EQ(p.stk(2), kCS3);
  EXPECT_EQ(p.stk(4), kStack3 - 0x10);
  EXPECT_EQ(p.stk(5), kDS3);
}

TEST(SystemInt, SoftwareIntToDpl0GateFromRing3IsGp) {
  Pm p;
  p.enter(3, kCode3);
  p.code(kCode3, {0xCD, 0x31});
  EXPECT_EQ(p.run(), StopReason::Halted);
  Cpu& c = p.cpu();
  EXPECT_EQ(c.eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), 0x31u * 8 + 2);  // IDT bit, EXT = 0
  EXPECT_EQ(p.stk(1), kCode3);          // the INT instruction itself
}

TEST(SystemInt, Int3AndIntoCheckGateDpl) {
  Pm p;
  p.enter(3, kCode3);
  p.idt_gate(kBP, kCS0, handler_addr(kBP), kIntGate32, 3);
  p.code(kCode3, {0xCC});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kBP) + 1);
  EXPECT_EQ(p.stk(0), kCode3 + 1);  // trap: the next instruction
}

TEST(SystemInt, IcebpIgnoresGateDpl) {
  Pm p;
  p.enter(3, kCode3);
  p.code(kCode3, {0xF1});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kDB) + 1);
  EXPECT_EQ(p.stk(0), kCode3 + 1);
}

TEST(SystemInt, NotPresentGateDuringExceptionSetsExt) {
  Pm p;
  p.enter(0, kCode0);
  p.idt_gate(kUD, kCS0, handler_addr(kUD), kIntGate32, 0, false);
  p.code(kCode0, {0x0F, 0x0B});  // ud2
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kNP) + 1);
  EXPECT_EQ(p.stk(0), uint32_t(kUD) * 8 + 2 + 1);  // IDT + EXT
  EXPECT_EQ(p.stk(1), kCode0);
  EXPECT_TRUE(p.stk(3) & RF);  // faults push RF=1
}

TEST(SystemInt, IdtLimitIsGp) {
  Pm p;
  p.enter(0, kCode0);
  p.cpu().idtr.limit = 0x40 * 8 - 1;
  p.code(kCode0, {0xCD, 0x40});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), 0x40u * 8 + 2);
}

TEST(SystemInt, GateToNonCodeSegmentIsGpSelector) {
  Pm p;
  p.enter(0, kCode0);
  p.idt_gate(0x41, kDS0, 0x1234);
  p.code(kCode0, {0xCD, 0x41});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), uint32_t(kDS0));
}

TEST(SystemInt, SixteenBitInterruptGatePushesWords) {
  Pm p;
  p.enter(0, kCode0);
  p.idt_gate(0x42, kCS0, 0x9000, kIntGate16);  // 16-bit gate: 16-bit offset
  p.code(0x9000, {0xF4});
  p.code(kCode0, {0xCD, 0x42});
  EXPECT_EQ(p.run(), StopReason::Halted);
  Cpu& c = p.cpu();
  EXPECT_EQ(c.eip, 0x9001u);
  EXPECT_EQ(c.r[ESP], kStack0 - 6);
  EXPECT_EQ(p.rd16(kStack0 - 6), uint16_t(kCode0 + 2));
  EXPECT_EQ(p.rd16(kStack0 - 4), kCS0);
}

TEST(SystemInt, StackFaultOnInnerStackUsesNewSsSelector) {
  Pm p;
  p.enter(3, kCode3);
  p.idt_gate(0x80, kCS0, handler_addr(0x80), kIntGate32, 3);
  // A ring-0 stack segment with a tiny limit: the 20-byte frame does not fit.
  p.desc(kFreeSel, 0x70000, 0x8, kData0Acc, 0x4);
  p.put16(kTss0 + 8, kFreeSel);
  p.put32(kTss0 + 4, 0x10);
  // #SS goes through a task gate to TSS1 (its own stack), which receives the error code.
  p.idt_gate(kSS, kTssSel1, 0, kTaskGate, 0);
  p.code(kCode0 + 0x800, {0xF4});
  p.code(kCode3, {0xCD, 0x80});
  EXPECT_EQ(p.run(), StopReason::Halted);
  Cpu& c = p.cpu();
  EXPECT_EQ(c.eip, kCode0 + 0x801);
  EXPECT_EQ(c.tr.sel, kTssSel1);
  EXPECT_EQ(c.r[ESP], kStack0 - 0x1000 - 4);
  EXPECT_EQ(p.stk(0), uint32_t(kFreeSel));  // new SS selector, EXT = 0 (INT n)
  EXPECT_EQ(p.rd32(kTss0 + 0x20), kCode3);   // the old task resumes at the INT
  EXPECT_EQ(p.rd16(kTss1), kTssSel0);        // back link
  EXPECT_TRUE(c.eflags & NT);
}

TEST(SystemInt, InvalidTssStackSelectorIsTs) {
  Pm p;
  p.enter(3, kCode3);
  p.idt_gate(0x80, kCS0, handler_addr(0x80), kIntGate32, 3);
  p.put16(kTss0 + 8, kDS3);  // RPL 3 != 0
  p.idt_gate(kTS, kTssSel1, 0, kTaskGate, 0);
  p.code(kCode0 + 0x800, {0xF4});
  p.code(kCode3, {0xCD, 0x80});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, kCode0 + 0x801);
  EXPECT_EQ(p.stk(0), uint32_t(kDS3 & ~3));
}

}  // namespace rz::test
