// tests/unit/test_intops_misc.cpp: NOP/hint NOPs, HLT, flag instructions, CLI/STI rules,
// LAHF/SAHF, CBW..CDQ, XLAT, BOUND, UD2, SALC, CPUID, RDTSC and the privilege classes of
// this group's table rows.
#include "cpu/cpuid.h"
#include "tests/unit/test_intops_util.h"

namespace rz::test {
namespace {

TEST(IntopsMisc, MultiByteAndHintNopsNeverTouchMemory) {
  // nop dword [eax+eax] ; 0F 18 [0x80000000] ; 0F 19 C0 ; 0F 1E [0x80000000] ; 0F 18 /7 ;
  // 0F 1A..1D [eax] ; 0F 1F F8 ; hlt -- with DS limited to 0x1FFF nothing may fault.
  Snippet s({0x0f, 0x1f, 0x04, 0x00, 0x0f, 0x18, 0x05, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x19,
             0xc0, 0x0f, 0x1e, 0x3d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x18, 0x38, 0x0f, 0x1a,
             0x00, 0x0f, 0x1b, 0x00, 0x0f, 0x1c, 0x00, 0x0f, 0x1d, 0x00, 0x0f, 0x1f, 0xf8,
             0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.seg[DS].limit = 0x1FFF;
  seg_refresh(c, c.seg[DS], DS);
  c.r[EAX] = 0x40000000;
  EXPECT_EQ(step_to_hlt(s), kNoFault);
  EXPECT_TRUE(c.halted);
  EXPECT_EQ(c.eip, 0x1028u);
  EXPECT_EQ(c.r[EAX], 0x40000000u);
}

TEST(IntopsMisc, FlagInstructions) {
  Snippet s({0xf9, 0xf5, 0xf5, 0xf8, 0xfd, 0xfc, 0xf4});  // stc cmc cmc clc std cld hlt
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_TRUE(s.flags() & CF);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_FALSE(s.flags() & CF);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_TRUE(s.flags() & CF);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_FALSE(s.flags() & CF);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_TRUE(s.flags() & DF);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_FALSE(s.flags() & DF);
}

TEST(IntopsMisc, CmcOnLazyCarry) {
  // mov al,1 ; sub al,2 (CF=1, lazy) ; cmc ; hlt
  Snippet s({0xb0, 0x01, 0x2c, 0x02, 0xf5, 0xf4});
  s.run();
  uint32_t f = s.flags();
  EXPECT_FALSE(f & CF);
  EXPECT_TRUE(f & SF);  // the other flags of the SUB survive
  EXPECT_TRUE(f & AF);
}

TEST(IntopsMisc, SahfLahf) {
  Snippet s({0x9e, 0x9f, 0xf4});  // sahf ; lahf
  Cpu& c = s.cpu();
  c.eflags = 2 | OF;
  c.r[EAX] = 0xFF00;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(s.flags(), 2u | OF | SF | ZF | AF | PF | CF);  // bits 3 and 5 of AH ignored
  c.r[EAX] = 0;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0xD700u);
}

TEST(IntopsMisc, LahfAfterLazyCompare) {
  // mov al,1 ; cmp al,1 ; lahf ; hlt -> ZF PF, bit 1
  Snippet s({0xb0, 0x01, 0x3c, 0x01, 0x9f, 0xf4});
  s.run();
  EXPECT_EQ((s.cpu().r[EAX] >> 8) & 0xFF, uint32_t(ZF | PF | 2));
}

TEST(IntopsMisc, SignExtensions) {
  Snippet s({0x98, 0x66, 0x98, 0x99, 0x66, 0x99, 0xf4});  // cbw cwde cwd cdq
  Cpu& c = s.cpu();
  c.r[EAX] = 0x12345680;
  c.r[EDX] = 0x11111111;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0x1234FF80u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0xFFFFFF80u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EDX], 0x1111FFFFu);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EDX], 0xFFFFFFFFu);
  // Positive values.
  c.eip = 0x1000;
  c.r[EAX] = 0xFFFF807F;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0xFFFF007Fu);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0x0000007Fu);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EDX], 0xFFFF0000u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EDX], 0u);
}

TEST(IntopsMisc, XlatAddressSizeAndOverride) {
  Snippet s({0xd7, 0x26, 0xd7, 0x67, 0xd7, 0xf4});  // xlat ; es xlat ; a32 xlat
  s.load_real(ES, 0x0010);
  Cpu& c = s.cpu();
  c.r[EBX] = 0x0001FFFF;
  c.r[EAX] = 0xAAAA0003;
  s.ram()[0x0002] = 0x44;  // (0xFFFF + 3) mod 64K
  s.ram()[0x0100 + ((0xFFFF + 0x44) & 0xFFFF)] = 0x55;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0xAAAA0044u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0xAAAA0055u);
  // 32-bit address: EBX+AL = 0x20054 is beyond the real-mode limit -> #GP.
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(c.r[EAX], 0xAAAA0055u);
}

TEST(IntopsMisc, Bound16And32) {
  // bound ax,[0x2000] ; bound eax,[0x2010]
  Snippet s({0x62, 0x06, 0x00, 0x20, 0x66, 0x62, 0x06, 0x10, 0x20});
  Cpu& c = s.cpu();
  wr16(s, 0x2000, uint16_t(-5));
  wr16(s, 0x2002, 5);
  wr32(s, 0x2010, uint32_t(-100));
  wr32(s, 0x2014, 100);
  const struct {
    uint16_t ax;
    bool ok;
  } cases16[] = {{0, true}, {5, true}, {uint16_t(-5), true}, {6, false}, {uint16_t(-6), false},
                 {0x8000, false}};
  for (auto k : cases16) {
    c.eip = 0x1000;
    c.r[EAX] = k.ax;
    EXPECT_EQ(step1(s), k.ok ? kNoFault : kBR) << k.ax;
    EXPECT_EQ(c.eip, k.ok ? 0x1004u : 0x1000u);
  }
  const struct {
    uint32_t eax;
    bool ok;
  } cases32[] = {{100, true}, {uint32_t(-100), true}, {101, false}, {uint32_t(-101), false}};
  for (auto k : cases32) {
    c.eip = 0x1004;
    c.r[EAX] = k.eax;
    EXPECT_EQ(step1(s), k.ok ? kNoFault : kBR) << k.eax;
  }
}

TEST(IntopsMisc, BoundFaultInsideABlockPushesItsOwnIp) {
  // nop ; nop ; bound ax,[0x2000] -- #BR through the IVT (vector 5 -> 0000:3000, HLT there).
  Snippet s({0x90, 0x90, 0x62, 0x06, 0x00, 0x20});
  wr16(s, 0x2000, 0);
  wr16(s, 0x2002, 10);
  wr16(s, 5 * 4, 0x3000);
  wr16(s, 5 * 4 + 2, 0);
  s.ram()[0x3000] = 0xF4;
  s.cpu().r[EAX] = 11;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().eip, 0x3001u);
  EXPECT_EQ(rd16(s, 0x7FFA), 0x1002u);  // IP of the BOUND itself (a fault)
}

TEST(IntopsMisc, BoundRegisterFormAndUd2AreUndefined) {
  Snippet s({0x62, 0xc0, 0x0f, 0x0b});
  EXPECT_EQ(step1(s), kUD);
  s.cpu().eip = 0x1002;
  EXPECT_EQ(step1(s), kUD);
  EXPECT_EQ(s.cpu().eip, 0x1002u);
}

TEST(IntopsMisc, Salc) {
  Snippet s({0xd6, 0xd6});
  Cpu& c = s.cpu();
  c.eflags = 2 | CF | ZF;
  c.r[EAX] = 0x1200;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0x12FFu);
  EXPECT_EQ(s.flags(), 2u | CF | ZF);
  c.eflags = 2;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0x1200u);
}

TEST(IntopsMisc, HltPrivilege) {
  Snippet r3({0xf4});
  enter_ring3(r3);
  EXPECT_EQ(step1(r3), kGP);
  EXPECT_FALSE(r3.cpu().halted);
  EXPECT_EQ(r3.cpu().eip, 0x1000u);
  Snippet v({0xf4});
  enter_v86(v, 3);
  EXPECT_EQ(step1(v), kGP);
  Snippet r0({0xf4});
  enter_pm32(r0);
  EXPECT_EQ(step1(r0), kNoFault);
  EXPECT_TRUE(r0.cpu().halted);
  EXPECT_EQ(r0.cpu().eip, 0x1001u);
}

TEST(IntopsMisc, CliStiIoplRules) {
  {
    Snippet s({0xfa, 0xfb});
    enter_ring3(s);  // IOPL 0
    s.cpu().eflags |= IF;
    EXPECT_EQ(step1(s), kGP);
    EXPECT_EQ(s.cpu().exc.error, 0u);
    EXPECT_TRUE(s.cpu().eflags & IF);
    s.cpu().eip = 0x1001;
    EXPECT_EQ(step1(s), kGP);
  }
  {
    Snippet s({0xfa, 0xfb});
    enter_ring3(s);
    s.cpu().eflags |= IOPL | IF;
    EXPECT_EQ(step1(s), kNoFault);
    EXPECT_FALSE(s.cpu().eflags & IF);
    EXPECT_EQ(step1(s), kNoFault);
    EXPECT_TRUE(s.cpu().eflags & IF);
  }
  {
    Snippet s({0xfa});
    enter_v86(s, 2);
    EXPECT_EQ(step1(s), kGP);
  }
  {
    Snippet s({0xfa});
    enter_v86(s, 3);
    s.cpu().eflags |= IF;
    EXPECT_EQ(step1(s), kNoFault);
    EXPECT_FALSE(s.cpu().eflags & IF);
  }
  {
    Snippet s({0xfb, 0xfa});  // real mode: always allowed
    EXPECT_EQ(step1(s), kNoFault);
    EXPECT_TRUE(s.cpu().eflags & IF);
    EXPECT_EQ(step1(s), kNoFault);
    EXPECT_FALSE(s.cpu().eflags & IF);
  }
}

TEST(IntopsMisc, StiShadowOnlyWhenIfWasClear) {
  Snippet s({0xfb, 0x90, 0xfb});  // sti ; nop ; sti
  Cpu& c = s.cpu();
  c.eflags &= ~IF;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.inhibit_irq, 1);
  EXPECT_EQ(step1(s), kNoFault);  // the shadow lasts one instruction
  EXPECT_EQ(c.inhibit_irq, 0);
  EXPECT_EQ(step1(s), kNoFault);  // IF already set: no new shadow
  EXPECT_EQ(c.inhibit_irq, 0);
}

TEST(IntopsMisc, CpuidLeaves) {
  Snippet s({0x0f, 0xa2});
  enter_pm32(s);
  Cpu& c = s.cpu();
  auto query = [&](uint32_t leaf) {
    c.eip = 0x1000;
    c.r[EAX] = leaf;
    c.r[ECX] = 0xDEADBEEF;
    EXPECT_EQ(step1(s), kNoFault);
    return CpuidResult{c.r[EAX], c.r[EBX], c.r[ECX], c.r[EDX]};
  };
  CpuidResult l0 = query(0);
  EXPECT_EQ(l0.eax, 2u);
  char vendor[13] = {};
  std::memcpy(vendor, &l0.ebx, 4);
  std::memcpy(vendor + 4, &l0.edx, 4);
  std::memcpy(vendor + 8, &l0.ecx, 4);
  EXPECT_STREQ(vendor, "GenuineIntel");
  CpuidResult l1 = query(1);
  EXPECT_EQ((l1.eax >> 8) & 0xF, 6u);  // family 6
  EXPECT_TRUE(((l1.eax >> 4) & 0xF) == 3 || ((l1.eax >> 4) & 0xF) == 5);
  EXPECT_EQ(l1.ebx, 4u << 8);  // CLFLUSH line size 32 bytes
  EXPECT_EQ(l1.ecx, 0u);
  EXPECT_EQ(l1.edx, cpuid_features_edx());
  const uint32_t on = (1u << 0) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 8) |
                      (1u << 7) | (1u << 11) | (1u << 12) | (1u << 13) | (1u << 14) | (1u << 15) |
                      (1u << 19) | (1u << 23) | (1u << 24) | (1u << 25) | (1u << 26);
  // FPU DE PSE TSC MSR MCE CX8 SEP MTRR PGE MCA CMOV CLFSH MMX FXSR SSE SSE2
  EXPECT_EQ(l1.edx, on);
  CpuidResult l2 = query(2);
  EXPECT_EQ(l2.eax & 0xFF, 1u);  // one CPUID(2) call gives every descriptor
  EXPECT_EQ(l2.edx, 0x0C040843u);
  for (uint32_t leaf : {3u, 0x7FFFFFFFu, 0x80000000u, 0x80000004u}) {
    CpuidResult r = query(leaf);
    EXPECT_EQ(r.eax, l2.eax) << leaf;
    EXPECT_EQ(r.ebx, l2.ebx) << leaf;
    EXPECT_EQ(r.ecx, l2.ecx) << leaf;
    EXPECT_EQ(r.edx, l2.edx) << leaf;
  }
}

TEST(IntopsMisc, RdtscValueAndTsd) {
  Snippet s({0x0f, 0x31});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.tsc_offset = 0x123456789ull;
  c.cr4 |= CR4_TSD;
  EXPECT_EQ(step1(s), kNoFault);  // CPL 0 may read it with TSD set
  EXPECT_EQ((uint64_t(c.r[EDX]) << 32) | c.r[EAX], c.tsc());
  EXPECT_EQ(c.r[EDX], 1u);
  Snippet u({0x0f, 0x31});
  enter_ring3(u);
  u.cpu().cr4 |= CR4_TSD;
  u.cpu().r[EAX] = 7;
  EXPECT_EQ(step1(u), kGP);
  EXPECT_EQ(u.cpu().r[EAX], 7u);
  u.cpu().cr4 &= ~CR4_TSD;
  EXPECT_EQ(step1(u), kNoFault);
  EXPECT_EQ((uint64_t(u.cpu().r[EDX]) << 32) | u.cpu().r[EAX], u.cpu().tsc());
}

TEST(IntopsMisc, RdtscCountsRetiredInstructionsInsideBlocks) {
  // rdtsc ; mov ebx,eax ; rdtsc ; sub eax,ebx ; hlt -- two instructions retire between reads.
  Snippet s({0x0f, 0x31, 0x66, 0x89, 0xc3, 0x0f, 0x31, 0x66, 0x29, 0xd8, 0xf4});
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().r[EAX], 2u);
}

// The privilege class and block-ending attributes of this group's rows.
TEST(IntopsMisc, RowClasses) {
  const OpTable& t = instruction_table();
  auto row = [&](uint8_t map, uint8_t op, int8_t reg = kAny) -> const OpRow* {
    for (const OpRow& r : t.rows())
      if (r.map == map && r.opcode == op && r.reg == reg) return &r;
    return nullptr;
  };
  struct Expect {
    uint8_t map, op;
    int8_t reg;
    InsnClass cls;
  };
  const Expect ex[] = {
      {kMapOne, 0xF4, kAny, InsnClass::Privileged},
      {kMapOne, 0xFA, kAny, InsnClass::IoplSensitive},
      {kMapOne, 0xFB, kAny, InsnClass::IoplSensitive},
      {kMapOne, 0x9C, kAny, InsnClass::SensitiveUnprivileged},
      {kMapOne, 0x9D, kAny, InsnClass::SensitiveUnprivileged},
      {kMap0F, 0xA2, kAny, InsnClass::Innocuous},
      {kMap0F, 0x31, kAny, InsnClass::Innocuous},
      {kMapOne, 0x60, kAny, InsnClass::Innocuous},
      {kMapOne, 0xC8, kAny, InsnClass::Innocuous},
      {kMapOne, 0xFF, 2, InsnClass::Innocuous},
      {kMap0F, 0xC7, 1, InsnClass::Innocuous},
      {kMapOne, 0xD6, kAny, InsnClass::Innocuous},
  };
  for (const Expect& e : ex) {
    const OpRow* r = row(e.map, e.op, e.reg);
    ASSERT_NE(r, nullptr) << int(e.op);
    EXPECT_EQ(r->cls, e.cls) << r->mnemonic;
  }
  EXPECT_TRUE(row(kMapOne, 0xFB)->attrs & kEndsBlock);
  EXPECT_TRUE(row(kMapOne, 0xFA)->attrs & kEndsBlock);
  EXPECT_TRUE(row(kMap0F, 0x31)->attrs & kEndsBlock);
  EXPECT_TRUE(row(kMapOne, 0xC3)->attrs & kControl);
  EXPECT_TRUE(row(kMapOne, 0xE2)->attrs & kControl);
}

}  // namespace
}  // namespace rz::test
