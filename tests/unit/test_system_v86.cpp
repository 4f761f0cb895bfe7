// tests/unit/test_system_v86.cpp: virtual-8086 mode: IRET into V86, INT n out to ring 0
// with the GS/FS/DS/ES frame, IRET back, IOPL-sensitive INT n and V86 IRET.
#include "tests/unit/test_system_fixture.h"

namespace rz::test {

namespace {
// Ring 0 IRETs to V86 at 2000:0100 with SS:SP 3000:0FF0 and the given IOPL.
void iret_to_v86(Pm& p, uint32_t iopl) {
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  const uint32_t f = kStack0 - 36;
  c.r[ESP] = f;
  p.put32(f + 0, 0x100);
  p.put32(f + 4, 0x2000);
  p.put32(f + 8, VM | (iopl << 12) | 2);
  p.put32(f + 12, 0x0FF0);
  p.put32(f + 16, 0x3000);
  p.put32(f + 20, 0x4000);  // ES
  p.put32(f + 24, 0x5000);  // DS
  p.put32(f + 28, 0x6000);  // FS
  p.put32(f + 32, 0x7000);  // GS
  p.code(kCode0, {0xCF});
}
}  // namespace

TEST(SystemV86, IretIntoV86AndIntBackToRing0) {
  Pm p;
  iret_to_v86(p, 3);
  Cpu& c = p.cpu();
  p.idt_gate(0x21, kCS0, handler_addr(0x21), kIntGate32, 3);
  p.code(0x20100, {0x8C, 0xD8, 0xCD, 0x21});  // mov ax,ds ; int 0x21
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.r[EAX] & 0xFFFF, 0x5000u);  // ran in V86 with DS=5000
  EXPECT_EQ(c.eip, handler_addr(0x21) + 1);
  EXPECT_EQ(c.cpl, 0);
  EXPECT_FALSE(c.eflags & VM);
  EXPECT_EQ(c.r[ESP], kStack0 - 36);
  EXPECT_EQ(p.stk(0), 0x104u);
  EXPECT_EQ(p.stk(1), 0x2000u);
  EXPECT_TRUE(p.stk(2) & VM);
  EXPECT_EQ(p.stk(3), 0x0FF0u);
  EXPECT_EQ(p.stk(4), 0x3000u);
  EXPECT_EQ(p.stk(5), 0x4000u);
  EXPECT_EQ(p.stk(6), 0x5000u);
  EXPECT_EQ(p.stk(7), 0x6000u);
  EXPECT_EQ(p.stk(8), 0x7000u);
  for (unsigned s : {ES, DS, FS, GS}) EXPECT_EQ(c.seg[s].sel, 0) << s;

  // IRET from the handler resumes V86 after the INT; the HLT there faults (CPL 3).
  p.code(handler_addr(0x21), {0xCF});
  p.code(0x20104, {0xF4});
  p.m->engine().flush();
  c.eip = handler_addr(0x21);
  c.halted = false;
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), 0u);
  EXPECT_EQ(p.stk(1), 0x104u);
  EXPECT_EQ(p.stk(2), 0x2000u);
}

TEST(SystemV86, IntWithIoplBelow3IsGp) {
  Pm p;
  iret_to_v86(p, 0);
  p.code(0x20100, {0xCD, 0x21});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), 0u);
  EXPECT_EQ(p.stk(1), 0x100u);
}

TEST(SystemV86, IretInV86WithIopl3StaysInV86) {
  Pm p;
  iret_to_v86(p, 3);
  Cpu& c = p.cpu();
  // V86 stack at 3000:0FF0 holds IP=0200, CS=2000, FLAGS=0 (IOPL must be kept).
  p.put16(0x30FF0, 0x200);
  p.put16(0x30FF2, 0x2000);
  p.put16(0x30FF4, 0x0000);
  p.code(0x20100, {0xCF});         // iret (16-bit)
  p.code(0x20200, {0x0F, 0x0B});   // ud2 -> #UD to ring 0
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, handler_addr(kUD) + 1);
  EXPECT_EQ(p.stk(0), 0x200u);
  EXPECT_EQ(p.stk(2) & (VM | IOPL), VM | IOPL);
  EXPECT_EQ(p.stk(3), 0x0FF6u);
}

TEST(SystemV86, IretInV86WithIopl0IsGp) {
  Pm p;
  iret_to_v86(p, 0);
  p.code(0x20100, {0xCF});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(1), 0x100u);
}

TEST(SystemV86, InterruptGateToNonZeroDplFromV86IsGp) {
  Pm p;
  iret_to_v86(p, 3);
  // A DPL-3 gate to a ring-3 code segment: V86 may only enter ring 0.
  p.idt_gate(0x22, kCS3, 0x1000, kIntGate32, 3);
  p.code(0x20100, {0xCD, 0x22});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), uint32_t(kCS3 & ~3));
}

}  // namespace rz::test
