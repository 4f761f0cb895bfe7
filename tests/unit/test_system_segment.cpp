// tests/unit/test_system_segment.cpp: MOV/PUSH/POP Sreg and LxS in real and protected mode
// with every descriptor check and fault.
#include "tests/unit/test_system_fixture.h"

namespace rz::test {

namespace {
// Run protected-mode ring-`cpl` code that loads `sel` with MOV DS/SS,AX (8E D8 / 8E D0).
Pm* load_with(uint8_t cpl, uint16_t sel, bool ss, Pm* p) {
  p->enter(cpl, cpl ? kCode3 : kCode0);
  p->cpu().r[EAX] = sel;
  p->code(cpl ? kCode3 : kCode0, {0x8E, uint8_t(ss ? 0xD0 : 0xD8), 0xF4});
  p->run();
  return p;
}
}  // namespace

TEST(SystemSegment, MovDsChecks) {
  {
    Pm p;
    load_with(0, 0x800, false, &p);  // beyond the GDT limit
    EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
    EXPECT_EQ(p.stk(0), 0x800u);
    EXPECT_EQ(p.stk(1), kCode0);
    EXPECT_EQ(p.cpu().seg[DS].sel, kDS0);  // unchanged
  }
  {
    Pm p;
    p.desc(kFreeSel, 0, 0xFFFFF, kData0Acc & 0x7F, 0xC);
    load_with(0, kFreeSel, false, &p);
    EXPECT_EQ(p.cpu().eip, handler_addr(kNP) + 1);
    EXPECT_EQ(p.stk(0), uint32_t(kFreeSel));
  }
  {
    Pm p;
    p.desc(kFreeSel, 0, 0xFFFFF, 0x98, 0xC);  // execute-only code
    load_with(0, kFreeSel, false, &p);
    EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
    EXPECT_EQ(p.stk(0), uint32_t(kFreeSel));
  }
  {
    Pm p;
    p.desc(kFreeSel, 0x1234, 0xFFFFF, 0x9A, 0xC);  // readable code: allowed
    load_with(0, kFreeSel, false, &p);
    EXPECT_EQ(p.cpu().seg[DS].base, 0x1234u);
    EXPECT_EQ(p.cpu().eip, kCode0 + 3);
  }
  {
    Pm p;
    load_with(3, kDS0 | 3, false, &p);  // DPL 0 data from CPL 3
    EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
    EXPECT_EQ(p.stk(0), uint32_t(kDS0));
  }
  {
    Pm p;
    load_with(0, kLdtSel, false, &p);  // a system descriptor
    EXPECT_EQ(p.stk(0), uint32_t(kLdtSel));
  }
}

TEST(SystemSegment, NullDsLoadsButFaultsOnUse) {
  Pm p;
  p.enter(0, kCode0);
  p.cpu().r[EAX] = 3;  // null selector with RPL 3
  p.code(kCode0, {0x8E, 0xD8, 0xA1, 0x00, 0x00, 0x00, 0x00});  // mov ds,ax ; mov eax,[0]
  p.run();
  Cpu& c = p.cpu();
  EXPECT_EQ(c.seg[DS].sel, 3);
  EXPECT_EQ(c.eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), 0u);
  EXPECT_EQ(p.stk(1), kCode0 + 2);
}

TEST(SystemSegment, MovSsChecks) {
  {
    Pm p;
    load_with(0, 0, true, &p);
    EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
    EXPECT_EQ(p.stk(0), 0u);
  }
  {
    Pm p;
    load_with(0, kCS0, true, &p);  // code is not a stack
    EXPECT_EQ(p.stk(0), uint32_t(kCS0));
  }
  {
    Pm p;
    load_with(0, kDS0 | 1, true, &p);  // RPL != CPL
    EXPECT_EQ(p.stk(0), uint32_t(kDS0));
  }
  {
    Pm p;
    p.desc(kFreeSel, 0, 0xFFFFF, kData0Acc & 0x7F, 0xC);
    load_with(0, kFreeSel, true, &p);  // not present: #SS(sel)
    EXPECT_EQ(p.cpu().eip, handler_addr(kSS) + 1);
    EXPECT_EQ(p.stk(0), uint32_t(kFreeSel));
  }
}

TEST(SystemSegment, MovSsInhibitsInterruptsForOneInstruction) {
  Pm p;
  p.enter(0, kCode0);
  p.cpu().r[EAX] = kDS0;
  p.code(kCode0, {0x8E, 0xD0, 0x90, 0xF4});
  p.m->engine().run(1);
  EXPECT_EQ(p.cpu().inhibit_irq, 2);
  EXPECT_EQ(p.cpu().eip, kCode0 + 2);
}

TEST(SystemSegment, MovFromSregZeroExtendsRegisterAndStoresWord) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[EAX] = 0xFFFFFFFF;
  c.r[EBX] = 0xFFFFFFFF;
  p.put32(0x9000, 0xAAAAAAAA);
  // mov eax,ds ; mov bx,ds (66) ; mov [0x9000],ds ; hlt
  p.code(kCode0, {0x8C, 0xD8, 0x66, 0x8C, 0xDB, 0x8C, 0x1D, 0x00, 0x90, 0x00, 0x00, 0xF4});
  p.run();
  EXPECT_EQ(c.r[EAX], uint32_t(kDS0));
  EXPECT_EQ(c.r[EBX], 0xFFFF0000u | kDS0);
  EXPECT_EQ(p.rd32(0x9000), 0xAAAA0000u | kDS0);
}

TEST(SystemSegment, PushPopSreg32) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  p.put32(kStack0 - 4, 0xBBBBBBBB);
  p.code(kCode0, {0x1E, 0x07, 0xF4});  // push ds ; pop es ; hlt
  c.seg[ES].sel = 0;
  p.run();
  EXPECT_EQ(p.rd32(kStack0 - 4), 0xBBBB0000u | kDS0);  // 16-bit write into a 4-byte slot
  EXPECT_EQ(c.seg[ES].sel, kDS0);
  EXPECT_EQ(c.r[ESP], kStack0);
}

TEST(SystemSegment, PopDsFaultLeavesEspUnchanged) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[ESP] = kStack0 - 4;
  p.put32(kStack0 - 4, 0x800);
  p.code(kCode0, {0x1F});
  p.run();
  EXPECT_EQ(c.eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), 0x800u);
  EXPECT_EQ(c.r[ESP], kStack0 - 4 - 16);  // frame pushed below the unpopped slot
}

TEST(SystemSegment, RealModeLdsAndMovSreg) {
  // lds si,[0x2000] ; mov es,ax ; hlt   (AX = 0x1234)
  Snippet s({0xC5, 0x36, 0x00, 0x20, 0x8E, 0xC0, 0xF4});
  s.cpu().r[EAX] = 0x1234;
  std::memcpy(s.ram() + 0x2000, "\x78\x56\x00\x30", 4);
  s.run();
  Cpu& c = s.cpu();
  EXPECT_EQ(c.r[ESI] & 0xFFFF, 0x5678u);
  EXPECT_EQ(c.seg[DS].sel, 0x3000);
  EXPECT_EQ(c.seg[DS].base, 0x30000u);
  EXPECT_EQ(c.seg[ES].base, 0x12340u);
}

TEST(SystemSegment, LssInProtectedMode) {
  Pm p;
  p.enter(0, kCode0);
  p.put32(0x9000, 0x4000);
  p.put16(0x9004, kDS16);
  p.code(kCode0, {0x0F, 0xB2, 0x25, 0x00, 0x90, 0x00, 0x00, 0xF4});  // lss esp,[0x9000]
  p.run();
  EXPECT_EQ(p.cpu().r[ESP], 0x4000u);
  EXPECT_EQ(p.cpu().seg[SS].sel, kDS16);
  EXPECT_FALSE(p.cpu().stack32());
}

}  // namespace rz::test
