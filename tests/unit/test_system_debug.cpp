// tests/unit/test_system_debug.cpp: debug registers: instruction breakpoints (fault, RF),
// data breakpoints (trap, DR6 B0-B3), and MOV SS holding off the single-step trap.
#include "tests/unit/test_system_fixture.h"

namespace rz::test {

TEST(SystemDebug, InstructionBreakpointFaultsAndRfResumes) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.dr[0] = kCode0 + 2;
  c.dr[7] = 0x401;  // L0, execute
  p.code(kCode0, {0x90, 0x90, 0xF4});
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, handler_addr(kDB) + 1);
  EXPECT_EQ(p.stk(0), kCode0 + 2);  // fault: the breakpointed instruction
  EXPECT_TRUE(c.dr[6] & 1);
  EXPECT_FALSE(p.stk(2) & RF);
  // Handler: or dword [esp+8], RF ; iret  -> the HLT runs once without re-triggering.
  p.code(handler_addr(kDB), {0x81, 0x4C, 0x24, 0x08, 0x00, 0x00, 0x01, 0x00, 0xCF});
  p.m->engine().flush();
  c.eip = handler_addr(kDB);
  c.halted = false;
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, kCode0 + 3);
}

TEST(SystemDebug, DataWriteBreakpointTrapsAfterTheWrite) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.dr[1] = 0x9000;
  c.dr[7] = 0x400 | (1u << 2) | (1u << 20) | (3u << 22);  // L1, write, 4 bytes
  c.r[EAX] = 0x12345678;
  p.code(kCode0, {0x90, 0xA3, 0x00, 0x90, 0x00, 0x00, 0xF4});  // nop ; mov [0x9000],eax
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, handler_addr(kDB) + 1);
  EXPECT_EQ(p.stk(0), kCode0 + 6);  // trap: after the MOV
  EXPECT_EQ(p.rd32(0x9000), 0x12345678u);
  EXPECT_TRUE(c.dr[6] & 2);
}

TEST(SystemDebug, WriteBreakpointIgnoresReadsAndReadWriteCatchesOverlap) {
  {
    Pm p;
    p.enter(0, kCode0);
    Cpu& c = p.cpu();
    c.dr[0] = 0x9000;
    c.dr[7] = 0x401 | (1u << 16) | (3u << 18);  // write only
    p.code(kCode0, {0xA1, 0x00, 0x90, 0x00, 0x00, 0xF4});  // mov eax,[0x9000]
    EXPECT_EQ(p.run(), StopReason::Halted);
    EXPECT_EQ(c.eip, kCode0 + 6);
  }
  {
    Pm p;
    p.enter(0, kCode0);
    Cpu& c = p.cpu();
    c.dr[2] = 0x9000;
    c.dr[7] = 0x400 | (1u << 4) | (3u << 24) | (3u << 26);  // L2, read/write, 4 bytes
    p.code(kCode0, {0xA1, 0x02, 0x90, 0x00, 0x00, 0xF4});  // mov eax,[0x9002]
    EXPECT_EQ(p.run(), StopReason::Halted);
    EXPECT_EQ(c.eip, handler_addr(kDB) + 1);
    EXPECT_TRUE(c.dr[6] & 4);
  }
}

TEST(SystemDebug, MovSsDelaysSingleStepTrap) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[EAX] = kDS0;
  c.eflags = 2 | TF;
  p.code(kCode0, {0x8E, 0xD0, 0x90, 0x90, 0xF4});  // mov ss,ax ; nop ; nop
  EXPECT_EQ(p.run(), StopReason::Halted);
  EXPECT_EQ(c.eip, handler_addr(kDB) + 1);
  EXPECT_EQ(p.stk(0), kCode0 + 3);  // after MOV SS and the NOP it shields
  EXPECT_TRUE(c.dr[6] & 0x4000);
}

}  // namespace rz::test
