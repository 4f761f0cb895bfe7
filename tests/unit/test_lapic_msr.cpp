// tests/unit/test_lapic_msr.cpp: the CPU's side of the local APIC (cpu/cpu.h LocalApicPort):
// IA32_APIC_BASE (1Bh) reset value, reserved bits, the P6 rule that a globally disabled APIC
// stays disabled until RESET, CPUID.1:EDX.APIC following bit 11, and #GP without an APIC.
#include <vector>

#include "cpu/cpuid.h"
#include "tests/unit/test_system_fixture.h"

namespace rz::test {

struct FakeApic : LocalApicPort {
  std::vector<uint64_t> writes;
  void apic_base_written(uint64_t v) override { writes.push_back(v); }
};

// mov ecx,1Bh ; wrmsr ; rdmsr ; mov esi,eax ; mov eax,1 ; cpuid ; hlt
const std::initializer_list<uint8_t> kWriteReadCpuid = {
    0xB9, 0x1B, 0, 0, 0, 0x0F, 0x30, 0x0F, 0x32, 0x89, 0xC6, 0xB8, 1, 0, 0, 0, 0x0F, 0xA2, 0xF4};

TEST(LapicMsr, ResetValueAndCpuidBit) {
  Pm p;
  FakeApic apic;
  p.cpu().attach_apic(&apic);
  p.enter(0, kCode0);
  ASSERT_EQ(apic.writes.size(), 1u);
  EXPECT_EQ(apic.writes[0], 0xFEE00900u);
  Cpu& c = p.cpu();
  c.r[EAX] = 0xFEE00900u;  // write back the reset value
  c.r[EDX] = 0;
  p.code(kCode0, kWriteReadCpuid);
  p.run();
  EXPECT_EQ(c.r[ESI], 0xFEE00900u);
  EXPECT_EQ(c.r[EDX] & kCpuidApic, kCpuidApic);
  // RESET puts the MSR back and tells the APIC.
  c.apic_base = 0x12345000u;
  c.reset();
  EXPECT_EQ(c.apic_base, 0xFEE00900u);
  EXPECT_EQ(apic.writes.back(), 0xFEE00900u);
}

TEST(LapicMsr, RelocationReachesTheApic) {
  Pm p;
  FakeApic apic;
  p.cpu().attach_apic(&apic);
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[EAX] = 0xFEF00800u;  // new base, enabled, BSP clear
  c.r[EDX] = 0x0000000Fu;  // bits 35:32 are part of the base on a P6
  p.code(kCode0, kWriteReadCpuid);
  p.run();
  EXPECT_EQ(apic.writes.back(), 0xFFEF00800ull);
  EXPECT_EQ(c.r[ESI], 0xFEF00800u);
}

TEST(LapicMsr, ReservedBitsAreGp) {
  for (uint64_t bad : {uint64_t(1) << 0, uint64_t(1) << 7, uint64_t(1) << 9, uint64_t(1) << 10,
                       uint64_t(1) << 36, uint64_t(1) << 63}) {
    Pm p;
    FakeApic apic;
    p.cpu().attach_apic(&apic);
    p.enter(0, kCode0);
    Cpu& c = p.cpu();
    const uint64_t v = 0xFEE00900u | bad;
    c.r[ECX] = 0x1B;
    c.r[EAX] = uint32_t(v);
    c.r[EDX] = uint32_t(v >> 32);
    p.code(kCode0, {0x0F, 0x30, 0xF4});  // wrmsr ; hlt
    p.run();
    EXPECT_EQ(c.eip, handler_addr(kGP) + 1) << std::hex << bad;
    EXPECT_EQ(c.apic_base, 0xFEE00900u);
    EXPECT_EQ(apic.writes.size(), 1u);  // only the reset value
  }
}

TEST(LapicMsr, GlobalDisableClearsCpuidAndSticksUntilReset) {
  Pm p;
  FakeApic apic;
  p.cpu().attach_apic(&apic);
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[EAX] = 0xFEE00100u;  // bit 11 clear
  c.r[EDX] = 0;
  p.code(kCode0, kWriteReadCpuid);
  p.run();
  EXPECT_EQ(c.r[ESI], 0xFEE00100u);
  EXPECT_EQ(c.r[EDX] & kCpuidApic, 0u);
  // Setting bit 11 again does not bring it back on a P6.
  Pm q;
  q.cpu().attach_apic(&apic);
  q.enter(0, kCode0);
  q.cpu().apic_base = 0xFEE00100u;
  q.cpu().r[EAX] = 0xFEE00900u;
  q.cpu().r[EDX] = 0;
  q.code(kCode0, kWriteReadCpuid);
  q.run();
  EXPECT_EQ(q.cpu().r[ESI], 0xFEE00100u);
  EXPECT_EQ(q.cpu().r[EDX] & kCpuidApic, 0u);
}

TEST(LapicMsr, NoApicNoMsrNoCpuidBit) {
  Pm p;
  p.enter(0, kCode0);
  p.cpu().r[ECX] = 0x1B;
  p.code(kCode0, {0x0F, 0x32});  // rdmsr
  p.run();
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  Pm q;
  q.enter(0, kCode0);
  q.code(kCode0, {0xB8, 1, 0, 0, 0, 0x0F, 0xA2, 0xF4});  // mov eax,1 ; cpuid ; hlt
  q.run();
  EXPECT_EQ(q.cpu().r[EDX] & kCpuidApic, 0u);
}

}  // namespace rz::test
