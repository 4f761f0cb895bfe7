// tests/unit/test_msr_microcode.cpp: the P6 microcode update MSRs (SDM vol. 3 10.11):
// IA32_BIOS_SIGN_ID (8Bh) is read/write and CPUID(1) loads the update revision into its
// high half; IA32_BIOS_UPDT_TRIG (79h) accepts a write (no update applies) and is write-only.
#include "cpu/cpuid.h"
#include "tests/unit/test_system_fixture.h"

namespace rz::test {

TEST(MsrMicrocode, BiosSignIdHoldsAWrittenValue) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[ECX] = 0x8B;
  c.r[EAX] = 0x89ABCDEF;
  c.r[EDX] = 0x01234567;
  // wrmsr ; xor eax,eax ; xor edx,edx ; rdmsr ; hlt
  p.code(kCode0, {0x0F, 0x30, 0x31, 0xC0, 0x31, 0xD2, 0x0F, 0x32, 0xF4});
  p.run();
  EXPECT_EQ(c.r[EAX], 0x89ABCDEFu);
  EXPECT_EQ(c.r[EDX], 0x01234567u);
}

TEST(MsrMicrocode, CpuidLeaf1LoadsTheRevision) {
  // Linux's intel_get_microcode_revision(): wrmsr 8Bh with a stale value, then CPUID(0),
  // which must not touch it, then CPUID(1), then rdmsr 8Bh.
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[ECX] = 0x8B;
  c.r[EAX] = 0xFFFFFFFF;
  c.r[EDX] = 0xFFFFFFFF;
  p.code(kCode0, {0x0F, 0x30,                          // wrmsr
                  0x31, 0xC0, 0x0F, 0xA2,              // xor eax,eax ; cpuid
                  0xB9, 0x8B, 0, 0, 0, 0x0F, 0x32,     // mov ecx,8Bh ; rdmsr
                  0x89, 0xD6,                          // mov esi,edx
                  0xB8, 1, 0, 0, 0, 0x0F, 0xA2,        // mov eax,1 ; cpuid
                  0xB9, 0x8B, 0, 0, 0, 0x0F, 0x32,     // mov ecx,8Bh ; rdmsr
                  0xF4});
  p.run();
  EXPECT_EQ(c.r[ESI], 0xFFFFFFFFu) << "CPUID(0) left IA32_BIOS_SIGN_ID alone";
  EXPECT_EQ(c.r[EDX], kMicrocodeRevision);
  EXPECT_EQ(c.r[EAX], 0u);
}

TEST(MsrMicrocode, UpdateTriggerWriteIsAcceptedReadIsGp) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[ECX] = 0x79;
  c.r[EAX] = 0x3000;
  c.r[EDX] = 0;
  p.code(kCode0, {0x0F, 0x30, 0xF4});  // wrmsr ; hlt
  p.run();
  EXPECT_EQ(c.eip, kCode0 + 3) << "the write completes without a fault";
  Pm q;
  q.enter(0, kCode0);
  q.cpu().r[ECX] = 0x79;
  q.code(kCode0, {0x0F, 0x32});  // rdmsr
  q.run();
  EXPECT_EQ(q.cpu().eip, handler_addr(kGP) + 1);
}

TEST(MsrMicrocode, BiosSignIdIsPrivileged) {
  Pm p;
  p.enter(3, kCode3);
  p.cpu().r[ECX] = 0x8B;
  p.code(kCode3, {0x0F, 0x32});  // rdmsr at CPL 3
  p.run();
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
}

}  // namespace rz::test
