// tests/unit/test_system_far.cpp: far JMP/CALL/RET in real and protected mode: direct code
// segments, call gates with parameter copy and stack switch, returns to an outer level,
// and the faults on bad targets (no state change before the fault).
#include "tests/unit/test_system_fixture.h"

namespace rz::test {

namespace {
std::vector<uint8_t> far_ptr(uint8_t op, uint32_t off, uint16_t sel) {
  std::vector<uint8_t> v{op};
  for (int k = 0; k < 4; ++k) v.push_back(uint8_t(off >> (8 * k)));
  v.push_back(uint8_t(sel));
  v.push_back(uint8_t(sel >> 8));
  return v;
}
}  // namespace

TEST(SystemFar, RealModeFarCallRetfAndJmp) {
  // call 0200:0010 ; hlt   |  at 2010: retf  -> back to 1005 hlt
  Snippet s({0x9A, 0x10, 0x00, 0x00, 0x02, 0xF4});
  s.ram()[0x2010] = 0xCB;
  EXPECT_EQ(s.run(), StopReason::Halted);
  Cpu& c = s.cpu();
  EXPECT_EQ(c.seg[CS].sel, 0);
  EXPECT_EQ(c.eip, 0x1006u);
  EXPECT_EQ(c.r[ESP], 0x8000u);
  // jmp far 0300:0001 -> hlt at 0x3001
  Snippet j({0xEA, 0x01, 0x00, 0x00, 0x03});
  j.ram()[0x3001] = 0xF4;
  EXPECT_EQ(j.run(), StopReason::Halted);
  EXPECT_EQ(j.cpu().seg[CS].sel, 0x300);
  EXPECT_EQ(j.cpu().seg[CS].base, 0x3000u);
  EXPECT_EQ(j.cpu().eip, 0x2u);
}

TEST(SystemFar, RealModeIntAndIret) {
  // int 0x21 ; hlt    | handler at 0000:3000: iret
  Snippet s({0xCD, 0x21, 0xF4});
  s.ram()[0x21 * 4] = 0x00;
  s.ram()[0x21 * 4 + 1] = 0x30;
  s.ram()[0x3000] = 0xCF;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().eip, 0x1003u);
  EXPECT_EQ(s.cpu().r[ESP], 0x8000u);
}

TEST(SystemFar, PmFarJmpToCodeSegment) {
  Pm p;
  p.enter(0, kCode0);
  p.desc(kFreeSel, 0x1000, 0xFFFF, kCode0Acc, 0x4);  // 32-bit code at base 0x1000
  p.bytes(kCode0, far_ptr(0xEA, 0x100, kFreeSel));
  p.code(0x1100, {0xF4});
  EXPECT_EQ(p.run(), StopReason::Halted);
  Cpu& c = p.cpu();
  EXPECT_EQ(c.seg[CS].sel, kFreeSel);
  EXPECT_EQ(c.seg[CS].base, 0x1000u);
  EXPECT_EQ(c.eip, 0x101u);
  EXPECT_TRUE(p.rd32(kGdt + kFreeSel + 4) & 0x100);  // accessed bit set
}

TEST(SystemFar, PmFarJmpBeyondLimitIsGp0) {
  Pm p;
  p.enter(0, kCode0);
  p.desc(kFreeSel, 0x1000, 0xFF, kCode0Acc, 0x4);
  p.bytes(kCode0, far_ptr(0xEA, 0x100, kFreeSel));
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), 0u);
  EXPECT_EQ(p.stk(1), kCode0);
  EXPECT_EQ(p.stk(2), kCS0);
}

TEST(SystemFar, PmFarJmpToDataSegmentIsGpSel) {
  Pm p;
  p.enter(0, kCode0);
  p.bytes(kCode0, far_ptr(0xEA, 0x100, kDS0));
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), uint32_t(kDS0));
}

TEST(SystemFar, PmFarJmpNotPresentIsNp) {
  Pm p;
  p.enter(0, kCode0);
  p.desc(kFreeSel, 0, 0xFFFFF, kCode0Acc & 0x7F, 0xC);
  p.bytes(kCode0, far_ptr(0xEA, 0x100, kFreeSel));
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kNP) + 1);
  EXPECT_EQ(p.stk(0), uint32_t(kFreeSel));
}

TEST(SystemFar, PmFarCallAndRetfSameLevel) {
  Pm p;
  p.enter(0, kCode0);
  std::vector<uint8_t> b = far_ptr(0x9A, kCode0 + 0x100, kCS0);
  b.push_back(0xF4);
  p.bytes(kCode0, b);
  p.code(kCode0 + 0x100, {0xCA, 0x00, 0x00});  // retf 0
  EXPECT_EQ(p.run(), StopReason::Halted);
  Cpu& c = p.cpu();
  EXPECT_EQ(c.eip, kCode0 + 8);
  EXPECT_EQ(c.r[ESP], kStack0);
  EXPECT_EQ(p.rd32(kStack0 - 8), kCode0 + 7);
  EXPECT_EQ(p.rd32(kStack0 - 4), kCS0);
}

TEST(SystemFar, CallGateRing3ToRing0CopiesParametersAndRetfReturns) {
  Pm p;
  p.enter(3, kCode3);
  Cpu& c = p.cpu();
  const uint16_t gate = kFreeSel | 3;
  p.gdt_gate(kFreeSel, kCS0, kCode0 + 0x200, kCallGate32, 3, 2);
  // Two parameters already on the ring-3 stack.
  c.r[ESP] = kStack3 - 8;
  p.put32(kStack3 - 8, 0x11111111);
  p.put32(kStack3 - 4, 0x22222222);
  std::vector<uint8_t> b = far_ptr(0x9A, 0, gate);
  b.push_back(0xF4);  // ring-3 hlt -> #GP
  p.bytes(kCode3, b);
  p.code(kCode0 + 0x200, {0xF4});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.cpl, 0);
  EXPECT_EQ(c.eip, kCode0 + 0x201);
  EXPECT_EQ(c.seg[SS].sel, kDS0);
  EXPECT_EQ(c.r[ESP], kStack0 - 24);
  EXPECT_EQ(p.stk(0), kCode3 + 7);
  EXPECT_EQ(p.stk(1), kCS3);
  EXPECT_EQ(p.stk(2), 0x11111111u);
  EXPECT_EQ(p.stk(3), 0x22222222u);
  EXPECT_EQ(p.stk(4), kStack3 - 8);
  EXPECT_EQ(p.stk(5), kDS3);

  // RETF 8 back to ring 3: pops the parameters from both stacks.
  p.code(kCode0 + 0x200, {0xCA, 0x08, 0x00});
  p.m->engine().flush();
  c.eip = kCode0 + 0x200;
  c.halted = false;
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, handler_addr(kGP) + 1);  // ring-3 HLT faulted
  EXPECT_EQ(p.stk(1), kCode3 + 7);
  EXPECT_EQ(p.stk(2), kCS3);
  EXPECT_EQ(p.stk(4), kStack3);  // ESP after RETF 8
  EXPECT_EQ(p.stk(5), kDS3);
}

TEST(SystemFar, CallGateDplBelowCplIsGp) {
  Pm p;
  p.enter(3, kCode3);
  p.gdt_gate(kFreeSel, kCS0, kCode0 + 0x200, kCallGate32, 0, 0);
  p.bytes(kCode3, far_ptr(0x9A, 0, kFreeSel | 3));
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), uint32_t(kFreeSel));
  EXPECT_EQ(p.stk(1), kCode3);
}

TEST(SystemFar, JmpThroughCallGateToMorePrivilegedIsGp) {
  Pm p;
  p.enter(3, kCode3);
  p.gdt_gate(kFreeSel, kCS0, kCode0 + 0x200, kCallGate32, 3, 0);
  p.bytes(kCode3, far_ptr(0xEA, 0, kFreeSel | 3));
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), uint32_t(kCS0));
}

TEST(SystemFar, RetfToInnerLevelIsGp) {
  Pm p;
  p.enter(3, kCode3);
  Cpu& c = p.cpu();
  c.r[ESP] = kStack3 - 8;
  p.put32(kStack3 - 8, kCode0);
  p.put32(kStack3 - 4, kCS0);
  p.code(kCode3, {0xCB});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), uint32_t(kCS0));
  EXPECT_EQ(p.stk(4), kStack3 - 8);  // ESP unchanged by the failed RETF
}

TEST(SystemFar, RetfToOuterLevelNullsDpl0DataSegments) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  // Frame for RETF to ring 3: EIP, CS, ESP, SS.
  c.r[ESP] = kStack0 - 16;
  p.put32(kStack0 - 16, kCode3);
  p.put32(kStack0 - 12, kCS3);
  p.put32(kStack0 - 8, kStack3 - 4);
  p.put32(kStack0 - 4, kDS3);
  p.code(kCode0, {0xCB});
  p.code(kCode3, {0xF4});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, handler_addr(kGP) + 1);
  EXPECT_EQ(c.seg[DS].sel, 0);   // DS was kDS0 (DPL 0): nulled
  EXPECT_EQ(c.seg[ES].sel, 0);
  EXPECT_EQ(p.stk(1), kCode3);
  EXPECT_EQ(p.stk(4), kStack3 - 4);
}

TEST(SystemFar, FarJmpIndirectM1632) {
  Pm p;
  p.enter(0, kCode0);
  p.put32(0x9000, kCode0 + 0x40);
  p.put16(0x9004, kCS0);
  p.code(kCode0, {0xFF, 0x2D, 0x00, 0x90, 0x00, 0x00});  // jmp far [0x9000]
  p.code(kCode0 + 0x40, {0xF4});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, kCode0 + 0x41);
}

TEST(SystemFar, IretToRing3AndIretSameLevelFlags) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[ESP] = kStack0 - 20;
  p.put32(kStack0 - 20, kCode3);
  p.put32(kStack0 - 16, kCS3);
  p.put32(kStack0 - 12, 0x3002 | IF);  // IOPL 3, IF
  p.put32(kStack0 - 8, kStack3);
  p.put32(kStack0 - 4, kDS3);
  p.code(kCode0, {0xCF});
  p.code(kCode3, {0xF4});  // hlt at CPL 3 -> #GP(0)
  p.idt_gate(kGP, kCS0, handler_addr(kGP), kTrapGate32);  // keep IF so we can see it
  p.code(handler_addr(kGP), {0xF4});
  p.cpu().eflags = 2;
  p.run();
  EXPECT_EQ(c.cpl, 0);
  EXPECT_EQ(p.stk(1), kCode3);
  EXPECT_EQ(p.stk(2), kCS3);
  EXPECT_EQ(p.stk(3) & (IF | IOPL), IF | IOPL);  // CPL 0 IRET may set IOPL and IF
  EXPECT_EQ(p.stk(4), kStack3);
  EXPECT_EQ(p.stk(5), kDS3);
}

}  // namespace rz::test
