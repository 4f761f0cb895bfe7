// tests/unit/test_system_task.cpp: hardware task switches by JMP, CALL (+IRET with NT),
// task gates, the busy bits, back link, faults in the new task and the T-bit trap.
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
uint8_t type_byte(Pm& p, uint16_t sel) { return p.ram()[kGdt + (sel & ~7u) + 5]; }
}  // namespace

TEST(SystemTask, JmpToTss) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[EAX] = 0x1234;
  c.eflags = 2 | DF;
  p.put32(kTss1 + 0x28, 0xCAFE);  // new EAX
  p.bytes(kCode0, far_ptr(0xEA, 0, kTssSel1));
  p.code(kCode0 + 0x800, {0xF4});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, kCode0 + 0x801);
  EXPECT_EQ(c.tr.sel, kTssSel1);
  EXPECT_EQ(c.r[EAX], 0xCAFEu);
  EXPECT_EQ(c.r[ESP], kStack0 - 0x1000);
  EXPECT_TRUE(c.cr0 & CR0_TS);
  EXPECT_FALSE(c.eflags & NT);
  EXPECT_EQ(type_byte(p, kTssSel1), 0x8B);  // busy
  EXPECT_EQ(type_byte(p, kTssSel0), 0x89);  // available again
  EXPECT_EQ(p.rd32(kTss0 + 0x20), kCode0 + 7);  // saved EIP: after the JMP
  EXPECT_EQ(p.rd32(kTss0 + 0x28), 0x1234u);
  EXPECT_EQ(p.rd32(kTss0 + 0x24) & DF, DF);
  EXPECT_EQ(p.rd16(kTss0 + 0x4C), kCS0);
}

TEST(SystemTask, CallTssAndIretBack) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  std::vector<uint8_t> b = far_ptr(0x9A, 0, kTssSel1);
  b.push_back(0xF4);
  p.bytes(kCode0, b);
  p.code(kCode0 + 0x800, {0xCF});  // the nested task returns
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, kCode0 + 8);
  EXPECT_EQ(c.tr.sel, kTssSel0);
  EXPECT_EQ(p.rd16(kTss1), kTssSel0);  // back link
  EXPECT_EQ(type_byte(p, kTssSel1), 0x89);
  EXPECT_EQ(type_byte(p, kTssSel0), 0x8B);
  EXPECT_FALSE(c.eflags & NT);
  EXPECT_EQ(p.rd32(kTss1 + 0x24) & NT, 0u);
  EXPECT_EQ(c.r[ESP], kStack0);
}

TEST(SystemTask, JmpToBusyTssIsGp) {
  Pm p;
  p.enter(0, kCode0);
  p.bytes(kCode0, far_ptr(0xEA, 0, kTssSel0));  // the current (busy) task
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), uint32_t(kTssSel0));
}

TEST(SystemTask, CallThroughTaskGateFromRing3) {
  Pm p;
  p.enter(3, kCode3);
  Cpu& c = p.cpu();
  p.gdt_gate(kFreeSel, kTssSel1, 0, kTaskGate, 3);
  p.bytes(kCode3, far_ptr(0x9A, 0, kFreeSel | 3));
  p.code(kCode0 + 0x800, {0xF4});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.tr.sel, kTssSel1);
  EXPECT_EQ(c.cpl, 0);
  EXPECT_TRUE(c.eflags & NT);
  EXPECT_EQ(p.rd16(kTss0 + 0x4C), kCS3);
  EXPECT_EQ(p.rd16(kTss0 + 0x50), kDS3);
}

TEST(SystemTask, NewTaskWithLdtDataSegment) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  const uint16_t ldt_ds = 0x08 | 4;  // LDT entry 1
  p.desc(ldt_ds, 0x7000, 0xFFFF, kData0Acc, 0x4);
  p.put16(kTss1 + 0x60, kLdtSel);
  p.put16(kTss1 + 0x54, ldt_ds);  // DS
  p.bytes(kCode0, far_ptr(0xEA, 0, kTssSel1));
  p.code(kCode0 + 0x800, {0xF4});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.ldtr.sel, kLdtSel);
  EXPECT_EQ(c.seg[DS].sel, ldt_ds);
  EXPECT_EQ(c.seg[DS].base, 0x7000u);
}

TEST(SystemTask, BadCsInNewTaskRaisesTsInNewTask) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  p.put16(kTss1 + 0x4C, kDS0);  // CS is a data segment
  p.idt_gate(kTS, kTssSel2, 0, kTaskGate, 0);
  p.code(kCode0 + 0xC00, {0xF4});
  p.bytes(kCode0, far_ptr(0xEA, 0, kTssSel1));
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.tr.sel, kTssSel2);
  EXPECT_EQ(c.eip, kCode0 + 0xC01);
  EXPECT_EQ(p.stk(0), uint32_t(kDS0));         // #TS(CS selector)
  EXPECT_EQ(p.rd16(kTss2), kTssSel1);          // nested from the faulting new task
  EXPECT_EQ(p.rd32(kTss1 + 0x20), kCode0 + 0x800);  // its EIP: the new task's first
}

TEST(SystemTask, TssTooShortIsTs) {
  Pm p;
  p.enter(0, kCode0);
  p.desc(kTssSel1, kTss1, 0x50, 0x89, 0);
  p.bytes(kCode0, far_ptr(0xEA, 0, kTssSel1));
  p.m->engine().run(1);
  EXPECT_EQ(p.cpu().tr.sel, kTssSel0);
  // #TS(TSS1) was delivered through the (interrupt-gate) handler in the old task.
  EXPECT_EQ(p.cpu().eip, handler_addr(kTS));
  EXPECT_EQ(p.stk(0), uint32_t(kTssSel1));
}

TEST(SystemTask, TBitTrapsAfterSwitch) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  p.put16(kTss1 + 0x64, 1);
  p.bytes(kCode0, far_ptr(0xEA, 0, kTssSel1));
  p.code(kCode0 + 0x800, {0xF4});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, handler_addr(kDB) + 1);
  EXPECT_EQ(p.stk(0), kCode0 + 0x800);
  EXPECT_TRUE(c.dr[6] & 0x8000);
}

TEST(SystemTask, InterruptThroughTaskGateAndIretBack) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  p.idt_gate(0x50, kTssSel1, 0, kTaskGate, 0);
  p.code(kCode0, {0xCD, 0x50, 0xF4});
  p.code(kCode0 + 0x800, {0xCF});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.tr.sel, kTssSel0);
  EXPECT_EQ(c.eip, kCode0 + 3);
}

}  // namespace rz::test
