// tests/unit/test_strops_shift.cpp: shifts, rotates and SHLD/SHRD against hand-checked
// values (P6 SHLD/SHRD model, memory operands, zero counts, faults, undefined-flag masks).
// The comparison with the host CPU is in test_strops_shift_host.cpp.
#include <cstring>

#include "tests/unit/test_strops_util.h"

namespace rz::test {

// 16-bit SHLD/SHRD by more than 16: the P6 model shifts dest:src:dest.
TEST(StropsShift, Shxd16CountAbove16UsesP6Model) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.eip = 0x3000;
  c.r[EAX] = 0x1234;
  c.r[EDX] = 0xABCD;
  ASSERT_FALSE(r.exec({0x66, 0x0F, 0xA4, 0xD0, 20}));  // shld ax, dx, 20
  // dest:src:dest = 1234 ABCD 1234, shifted left 20: bits 47..32 -> BCD1
  EXPECT_EQ(c.r[EAX] & 0xFFFF, 0xBCD1u);
  c.r[EAX] = 0x1234;
  ASSERT_FALSE(r.exec({0x66, 0x0F, 0xAC, 0xD0, 20}));  // shrd ax, dx, 20
  // 1234 ABCD 1234 >> 20, low 16 bits -> 4ABC
  EXPECT_EQ(c.r[EAX] & 0xFFFF, 0x4ABCu);
}

TEST(StropsShift, MemoryOperandAndZeroCount) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.eip = 0x3000;
  c.r[EBX] = 0x5000;
  std::memcpy(r.ram() + 0x5000, "\x81\x00\x00\x80", 4);
  r.set_flags(CF | ZF);
  c.r[ECX] = 32;                       // masked to 0: nothing changes
  ASSERT_FALSE(r.exec({0xD3, 0x23}));  // shl dword [ebx], cl
  EXPECT_EQ(r.flags() & kArithFlags, CF | ZF);
  uint32_t v;
  std::memcpy(&v, r.ram() + 0x5000, 4);
  EXPECT_EQ(v, 0x80000081u);
  ASSERT_FALSE(r.exec({0xD1, 0x03}));  // rol dword [ebx], 1
  std::memcpy(&v, r.ram() + 0x5000, 4);
  EXPECT_EQ(v, 0x00000103u);
  EXPECT_TRUE(r.flags() & CF);
  EXPECT_TRUE(r.flags() & OF);               // MSB(result)=0 xor CF=1
  EXPECT_TRUE(r.flags() & ZF);               // rotates leave ZF alone
  ASSERT_FALSE(r.exec({0xC0, 0x3B, 0x03}));  // sar byte [ebx], 3 : 03 -> 00, CF=0
  EXPECT_EQ(r.ram()[0x5000], 0x00);
  EXPECT_EQ(r.flags() & (CF | ZF), uint32_t(ZF));
}

// A memory operand in a read-only segment faults even for a zero count (the operand is
// checked for writing first), and nothing changes.
TEST(StropsShift, ReadOnlySegmentFaultsBeforeAnyChange) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.seg[DS].ar = 0xC091;  // read-only data
  refresh_all_segments(c);
  c.eip = 0x3000;
  c.r[EBX] = 0x5000;
  r.ram()[0x5000] = 0x81;
  r.set_flags(0);
  for (uint8_t cl : {uint8_t(1), uint8_t(0)}) {
    c.r[ECX] = cl;
    EXPECT_TRUE(r.exec({0xD2, 0x23}));  // shl byte [ebx], cl
    EXPECT_EQ(c.exc.vector, kGP);
    EXPECT_EQ(c.eip, 0x3000u);
    EXPECT_EQ(r.ram()[0x5000], 0x81);
    EXPECT_EQ(r.flags() & kArithFlags, 0u);
  }
  EXPECT_TRUE(r.exec({0x0F, 0xA4, 0x13, 0x04}));  // shld [ebx], edx, 4
  EXPECT_EQ(c.exc.vector, kGP);
}

TEST(StropsShift, RclRcrByteCount9KeepsOperandAndFlags) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.eip = 0x3000;
  c.r[EAX] = 0x5A;
  c.r[ECX] = 9;
  r.set_flags(CF | SF);
  ASSERT_FALSE(r.exec({0xD2, 0xD0}));  // rcl al, cl
  EXPECT_EQ(c.r[EAX], 0x5Au);
  EXPECT_EQ(r.flags() & (CF | SF), CF | SF);
  c.r[ECX] = 17;
  ASSERT_FALSE(r.exec({0x66, 0xD3, 0xD8}));  // rcr ax, cl
  EXPECT_EQ(c.r[EAX], 0x5Au);
  EXPECT_TRUE(r.flags() & CF);
}

TEST(StropsShift, SalAliasAndUndefMasks) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.eip = 0x3000;
  c.r[EAX] = 0x40000001;
  ASSERT_FALSE(r.exec({0xD1, 0xF0}));  // /6: sal eax, 1
  EXPECT_EQ(c.r[EAX], 0x80000002u);
  EXPECT_TRUE(r.flags() & OF);
  EXPECT_FALSE(r.flags() & CF);
  EXPECT_EQ(r.last_row->undef_flags, uint32_t(AF));
  ASSERT_FALSE(r.exec({0xC1, 0xC0, 0x04}));  // rol eax, 4
  EXPECT_EQ(r.last_row->undef_flags, uint32_t(OF));
  ASSERT_FALSE(r.exec({0xD3, 0xF8}));  // sar eax, cl
  EXPECT_EQ(r.last_row->undef_flags, uint32_t(OF | AF));
  ASSERT_FALSE(r.exec({0x0F, 0xA5, 0xD0}));  // shld eax, edx, cl
  EXPECT_EQ(r.last_row->undef_flags, uint32_t(OF | AF));
}

// Through the real run loop in real mode: shl/shr/sar/rcl chain.
TEST(StropsShift, RealModeProgram) {
  // mov ax,0x8001 ; shl ax,1 ; rcl ax,1 (CF from shl=1) ; mov bl,0x81 ; sar bl,1 ; hlt
  Snippet s({0xB8, 0x01, 0x80, 0xD1, 0xE0, 0xD1, 0xD0, 0xB3, 0x81, 0xD0, 0xFB, 0xF4});
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().r[EAX] & 0xFFFF, 0x0005u);  // 0x8001<<1 = 0x0002 CF=1; rcl -> 0x0005
  EXPECT_EQ(s.cpu().r[EBX] & 0xFF, 0xC0u);
  EXPECT_TRUE(s.flags() & CF);
}

}  // namespace rz::test
