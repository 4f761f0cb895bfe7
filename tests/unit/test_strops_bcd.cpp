// tests/unit/test_strops_bcd.cpp: DAA/DAS/AAA/AAS/AAM/AAD.  Packed and unpacked BCD
// arithmetic is checked exhaustively against decimal arithmetic (ADD/SUB then the adjust
// instruction, through the emulator), plus the SDM corner cases and #DE for AAM 0.
#include "tests/unit/test_strops_util.h"

namespace rz::test {

namespace {

uint8_t to_bcd(unsigned v) { return uint8_t(((v / 10) << 4) | (v % 10)); }

}  // namespace

TEST(StropsBcd, DaaAfterAddIsDecimalAddition) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  for (unsigned a = 0; a < 100; ++a) {
    for (unsigned b = 0; b < 100; ++b) {
      for (unsigned cin = 0; cin < 2; ++cin) {
        c.eip = 0x3000;
        c.r[EAX] = to_bcd(a);
        c.r[EBX] = to_bcd(b);
        r.set_flags(cin ? CF : 0);
        ASSERT_FALSE(r.exec({0x12, 0xC3}));  // adc al, bl
        ASSERT_FALSE(r.exec({0x27}));        // daa
        const unsigned sum = a + b + cin;
        ASSERT_EQ(c.r[EAX] & 0xFF, to_bcd(sum % 100)) << a << "+" << b << "+" << cin;
        ASSERT_EQ(bool(r.flags() & CF), sum >= 100);
        ASSERT_EQ(bool(r.flags() & ZF), sum % 100 == 0);
        ASSERT_EQ(bool(r.flags() & SF), bool(to_bcd(sum % 100) & 0x80));
      }
    }
  }
}

TEST(StropsBcd, DasAfterSubIsDecimalSubtraction) {
  Rig r;
  Cpu& c = r.c();  // real mode
  for (unsigned a = 0; a < 100; ++a) {
    for (unsigned b = 0; b < 100; ++b) {
      for (unsigned bin = 0; bin < 2; ++bin) {
        c.eip = 0x1000;
        c.r[EAX] = to_bcd(a);
        c.r[EBX] = to_bcd(b);
        r.set_flags(bin ? CF : 0);
        ASSERT_FALSE(r.exec({0x1A, 0xC3}));  // sbb al, bl
        ASSERT_FALSE(r.exec({0x2F}));        // das
        const int diff = int(a) - int(b) - int(bin);
        ASSERT_EQ(c.r[EAX] & 0xFF, to_bcd(unsigned((diff + 100) % 100))) << a << "-" << b << "-" << bin;
        ASSERT_EQ(bool(r.flags() & CF), diff < 0);
      }
    }
  }
}

TEST(StropsBcd, DaaDasSdmCorners) {
  Rig r;
  Cpu& c = r.c();
  // SDM example: AL = 79h + 35h = AEh -> DAA -> 14h, CF=1, AF=1.
  c.r[EAX] = 0xAE;
  r.set_flags(0);
  ASSERT_FALSE(r.exec({0x27}));
  EXPECT_EQ(c.r[EAX], 0x14u);
  EXPECT_EQ(r.flags() & (CF | AF), CF | AF);
  // SDM example: AL = 35h - 47h = EEh, CF=1 AF=1 -> DAS -> 88h, CF=1.
  c.r[EAX] = 0xEE;
  r.set_flags(CF | AF);
  ASSERT_FALSE(r.exec({0x2F}));
  EXPECT_EQ(c.r[EAX], 0x88u);
  EXPECT_EQ(r.flags() & (CF | AF), CF | AF);
  // DAS keeps the borrow of the low-nibble adjustment: AL=03 AF=1 CF=0 -> FD, CF=1.
  c.r[EAX] = 0x03;
  r.set_flags(AF);
  ASSERT_FALSE(r.exec({0x2F}));
  EXPECT_EQ(c.r[EAX], 0xFDu);
  EXPECT_TRUE(r.flags() & CF);
  // DAA only touches AL.
  c.r[EAX] = 0xABCD120Fu;
  r.set_flags(0);
  ASSERT_FALSE(r.exec({0x27}));
  EXPECT_EQ(c.r[EAX], 0xABCD1215u);
  EXPECT_EQ(r.last_row->undef_flags, uint32_t(OF));
  // OF model: the signed overflow of AL + adjustment (7A + 66 = E0).
  c.r[EAX] = 0x7A;
  r.set_flags(CF);
  ASSERT_FALSE(r.exec({0x27}));
  EXPECT_EQ(c.r[EAX], 0xE0u);
  EXPECT_TRUE(r.flags() & OF);
}

TEST(StropsBcd, AaaAasUnpacked) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  for (unsigned hi = 0; hi < 10; ++hi) {
    for (unsigned a = 0; a < 10; ++a) {
      for (unsigned b = 0; b < 10; ++b) {
        c.eip = 0x3000;
        c.r[EAX] = 0xFFFF0000u | (hi << 8) | a;
        c.r[EBX] = b;
        ASSERT_FALSE(r.exec({0x00, 0xD8}));  // add al, bl
        ASSERT_FALSE(r.exec({0x37}));        // aaa
        const unsigned s = hi * 10 + a + b;
        ASSERT_EQ(c.r[EAX], 0xFFFF0000u | ((s / 10) << 8) | (s % 10));
        ASSERT_EQ(bool(r.flags() & CF), a + b >= 10);
        ASSERT_EQ(bool(r.flags() & AF), a + b >= 10);

        c.eip = 0x3000;
        c.r[EAX] = 0xFFFF0000u | (hi << 8) | a;
        ASSERT_FALSE(r.exec({0x28, 0xD8}));  // sub al, bl
        ASSERT_FALSE(r.exec({0x3F}));        // aas
        const int d = int(hi * 10 + a) - int(b);
        const unsigned want_ah = unsigned(d < 0 ? (d - 9) / 10 : d / 10) & 0xFF;
        const unsigned want_al = unsigned((d % 10 + 10) % 10);
        ASSERT_EQ(c.r[EAX], 0xFFFF0000u | (want_ah << 8) | want_al) << hi << a << "-" << b;
        ASSERT_EQ(bool(r.flags() & CF), a < b);
      }
    }
  }
}

TEST(StropsBcd, AaaP6AddsToWholeAx) {
  Rig r;
  Cpu& c = r.c();
  // AL = FA: (AL & 0F) > 9 -> AX += 106h: 00FA -> 0200, AL masked -> 00.  (An 8086 would
  // give AH=01.)
  c.r[EAX] = 0x00FA;
  r.set_flags(0);
  ASSERT_FALSE(r.exec({0x37}));
  EXPECT_EQ(c.r[EAX], 0x0200u);
  // AAS: AX = 0100, AF=1 -> AX - 6 = 00FA, AH - 1 -> FFFA, AL masked -> FF0A.
  c.r[EAX] = 0x0100;
  r.set_flags(AF);
  ASSERT_FALSE(r.exec({0x3F}));
  EXPECT_EQ(c.r[EAX], 0xFF0Au);
  EXPECT_EQ(r.last_row->undef_flags, uint32_t(OF | SF | ZF | PF));
}

TEST(StropsBcd, AamAad) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  for (unsigned base : {10u, 16u, 7u, 255u, 1u}) {
    for (unsigned v = 0; v < 256; ++v) {
      c.eip = 0x3000;
      c.r[EAX] = 0x12340000u | 0xEE00 | v;
      ASSERT_FALSE(r.exec({0xD4, uint8_t(base)}));
      ASSERT_EQ(c.r[EAX], 0x12340000u | ((v / base) << 8) | (v % base));
      ASSERT_EQ(bool(r.flags() & ZF), v % base == 0);
      ASSERT_EQ(bool(r.flags() & SF), bool((v % base) & 0x80));
      // AAD undoes AAM (for results that fit in a byte).
      ASSERT_FALSE(r.exec({0xD5, uint8_t(base)}));
      ASSERT_EQ(c.r[EAX], 0x12340000u | v);
      ASSERT_EQ(bool(r.flags() & ZF), v == 0);
    }
  }
  // AAD: AL = (AL + AH*imm) & FF, AH = 0; flags of that byte addition (model).
  c.r[EAX] = 0x0F09;
  ASSERT_FALSE(r.exec({0xD5, 0x12}));  // 09 + 0F*12 = 09 + 0E (byte) = 0x17
  EXPECT_EQ(c.r[EAX], 0x0017u);
  c.r[EAX] = 0x08FF;
  ASSERT_FALSE(r.exec({0xD5, 0x20}));  // FF + 00 = FF, no carry; AH*20h = 100h -> 00
  EXPECT_EQ(c.r[EAX], 0x00FFu);
  EXPECT_FALSE(r.flags() & CF);
  EXPECT_TRUE(r.flags() & SF);
  EXPECT_EQ(r.last_row->undef_flags, uint32_t(OF | AF | CF));
}

TEST(StropsBcd, AamZeroRaisesDivideError) {
  Rig r;
  Cpu& c = r.c();
  c.r[EAX] = 0x1234;
  r.set_flags(CF);
  EXPECT_TRUE(r.exec({0xD4, 0x00}));
  EXPECT_EQ(c.exc.vector, kDE);
  EXPECT_EQ(c.r[EAX], 0x1234u);
  EXPECT_EQ(c.eip, 0x1000u);
  EXPECT_EQ(r.flags() & kArithFlags, uint32_t(CF));
}

// AAM 0 through the real-mode run loop: #DE is a fault, the pushed IP is the AAM.
TEST(StropsBcd, AamZeroRealModeDelivery) {
  Snippet s({0xB8, 0x34, 0x12, 0xD4, 0x00, 0xF4});  // mov ax,1234 ; aam 0 ; hlt
  s.ram()[0x2000] = 0xF4;
  s.ram()[0] = 0x00;  // IVT[0] -> 0000:2000
  s.ram()[1] = 0x20;
  s.run();
  EXPECT_EQ(s.cpu().eip, 0x2001u);
  EXPECT_EQ(s.ram()[0x8000 - 6], 0x03);  // IP of the AAM
  EXPECT_EQ(s.ram()[0x8000 - 5], 0x10);
}

}  // namespace rz::test
