// tests/unit/test_strops_string.cpp: MOVS/CMPS/STOS/LODS/SCAS with and without REP, in
// real mode through the run loop and in 32-bit protected mode through Rig: address-size
// wrap, DF, segment overrides, batching, partial progress on faults and restart, TF, and
// the MOVS/STOS fast path against a byte-by-byte reference.
#include <random>

#include "tests/unit/test_strops_util.h"

namespace rz::test {

namespace {

// Identity-map the first 4 MiB with 4 KiB pages (PD at 0x200000, PT at 0x201000).
void enable_paging(Rig& r) {
  Cpu& c = r.c();
  uint8_t* m = r.ram();
  const uint32_t pd = 0x200000, pt = 0x201000;
  std::memset(m + pd, 0, 0x1000);
  const uint32_t pde = pt | 7;
  std::memcpy(m + pd, &pde, 4);
  for (uint32_t k = 0; k < 1024; ++k) {
    const uint32_t pte = (k << 12) | 7;
    std::memcpy(m + pt + 4 * k, &pte, 4);
  }
  c.cr3 = pd;
  c.mmu->set_cr3(pd);
  c.cr0 |= CR0_PG;
  c.mmu->set_cr0(c.cr0);
}

void set_pte(Rig& r, uint32_t page, uint32_t value) {
  std::memcpy(r.ram() + 0x201000 + 4 * page, &value, 4);
  r.c().mmu->invlpg(page << 12);
}

}  // namespace

TEST(StropsString, RealModeRepMovsbAndStosw) {
  // mov si,0x3000 ; mov di,0x4000 ; mov cx,100 ; nop ; rep movsb ;
  // mov ax,0xBEEF ; mov di,0x5000 ; mov cx,10 ; rep stosw ; hlt   (DF=0 from reset)
  Snippet s({0xBE, 0x00, 0x30, 0xBF, 0x00, 0x40, 0xB9, 0x64, 0x00, 0x90, 0xF3, 0xA4,
             0xB8, 0xEF, 0xBE, 0xBF, 0x00, 0x50, 0xB9, 0x0A, 0x00, 0xF3, 0xAB, 0xF4});
  for (int k = 0; k < 100; ++k) s.ram()[0x3000 + k] = uint8_t(k * 7 + 1);
  EXPECT_EQ(s.run(), StopReason::Halted);
  for (int k = 0; k < 100; ++k) ASSERT_EQ(s.ram()[0x4000 + k], uint8_t(k * 7 + 1));
  for (int k = 0; k < 10; ++k) {
    ASSERT_EQ(s.ram()[0x5000 + 2 * k], 0xEF);
    ASSERT_EQ(s.ram()[0x5001 + 2 * k], 0xBE);
  }
  Cpu& c = s.cpu();
  EXPECT_EQ(c.r[ESI] & 0xFFFF, 0x3064u);
  EXPECT_EQ(c.r[EDI] & 0xFFFF, 0x5014u);
  EXPECT_EQ(c.r[ECX] & 0xFFFF, 0u);
}

TEST(StropsString, RealModeBackwardsAndSegmentOverride) {
  Rig r;
  Cpu& c = r.c();
  uint8_t* m = r.ram();
  r.s.load_real(DS, 0x0100);  // 0x1000
  r.s.load_real(ES, 0x0200);  // 0x2000
  r.s.load_real(FS, 0x0300);  // 0x3000
  c.eip = 0x0800;
  for (int k = 0; k < 16; ++k) {
    m[0x1000 + 0x100 + k] = uint8_t(0x10 + k);
    m[0x3000 + 0x100 + k] = uint8_t(0x30 + k);
  }
  // std ; rep movsw with SI=DI=0x10E, CX=8: copies words 0x10E,0x10C,...,0x100 backwards.
  c.eflags |= DF;
  c.r[ESI] = 0x10E;
  c.r[EDI] = 0x10E;
  c.r[ECX] = 8;
  EXPECT_EQ(r.exec_to_end({0xF3, 0xA5}), 1);
  for (int k = 0; k < 16; ++k) ASSERT_EQ(m[0x2000 + 0x100 + k], uint8_t(0x10 + k));
  EXPECT_EQ(c.r[ESI], 0xFEu);
  EXPECT_EQ(c.r[EDI], 0xFEu);
  // fs: movsb copies from FS, still to ES.
  c.eflags &= ~DF;
  c.r[ESI] = 0x100;
  c.r[EDI] = 0x180;
  ASSERT_FALSE(r.exec({0x64, 0xA4}));
  EXPECT_EQ(m[0x2000 + 0x180], 0x30);
  EXPECT_EQ(c.r[ESI], 0x101u);
  EXPECT_EQ(c.r[EDI], 0x181u);
  // lodsw with ES override: AX = word at ES:SI.
  m[0x2000 + 0x101] = 0x34;
  m[0x2000 + 0x102] = 0x12;
  c.r[EAX] = 0xFFFF0000u;
  ASSERT_FALSE(r.exec({0x26, 0xAD}));
  EXPECT_EQ(c.r[EAX], 0xFFFF1234u);
  EXPECT_EQ(c.r[ESI], 0x103u);
}

TEST(StropsString, SixteenBitAddressesWrapAndKeepUpperHalves) {
  Rig r;
  Cpu& c = r.c();
  uint8_t* m = r.ram();
  c.eip = 0x0800;
  r.s.load_real(ES, 0x2000);  // destination at 0x20000
  for (int k = 0; k < 4; ++k) m[0xFFFE + k - (k >= 2 ? 0x10000 : 0)] = uint8_t(0xA0 + k);
  c.r[ESI] = 0x1234FFFEu;
  c.r[EDI] = 0x5678FFFFu;
  c.r[ECX] = 0xABCD0004u;
  ASSERT_EQ(r.exec_to_end({0xF3, 0xA4}), 1);  // rep movsb, 16-bit addressing
  EXPECT_EQ(c.r[ESI], 0x12340002u);
  EXPECT_EQ(c.r[EDI], 0x56780003u);
  EXPECT_EQ(c.r[ECX], 0xABCD0000u);
  EXPECT_EQ(m[0x2FFFF], 0xA0);
  EXPECT_EQ(m[0x20000], 0xA1);
  EXPECT_EQ(m[0x20001], 0xA2);
  EXPECT_EQ(m[0x20002], 0xA3);
}

TEST(StropsString, CmpsScasConditionsAndFlags) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  uint8_t* m = r.ram();
  c.eip = 0x3000;
  std::memcpy(m + 0x10000, "hello world!", 12);
  std::memcpy(m + 0x20000, "hello there!", 12);
  c.r[ESI] = 0x10000;
  c.r[EDI] = 0x20000;
  c.r[ECX] = 12;
  EXPECT_EQ(r.exec_to_end({0xF3, 0xA6}), 1);  // repe cmpsb: stops after 'w' vs 't'
  EXPECT_EQ(c.r[ECX], 12u - 7u);
  EXPECT_EQ(c.r[ESI], 0x10007u);
  EXPECT_EQ(c.r[EDI], 0x20007u);
  EXPECT_FALSE(r.flags() & ZF);
  EXPECT_FALSE(r.flags() & CF);  // 'w' > 't'
  // repne scasb for '!' from 0x20000.
  c.eip = 0x3000;
  c.r[EAX] = '!';
  c.r[EDI] = 0x20000;
  c.r[ECX] = 100;
  EXPECT_EQ(r.exec_to_end({0xF2, 0xAE}), 1);
  EXPECT_EQ(c.r[EDI], 0x2000Cu);
  EXPECT_EQ(c.r[ECX], 100u - 12u);
  EXPECT_TRUE(r.flags() & ZF);
  // repe scasd on equal dwords runs out the count with ZF=1.
  c.eip = 0x3000;
  std::memset(m + 0x30000, 0x11, 64);
  c.r[EAX] = 0x11111111u;
  c.r[EDI] = 0x30000;
  c.r[ECX] = 16;
  EXPECT_EQ(r.exec_to_end({0xF3, 0xAF}), 1);
  EXPECT_EQ(c.r[ECX], 0u);
  EXPECT_TRUE(r.flags() & ZF);
  // cmpsw (no REP): flags of [ESI] - [EDI]; a 1 - 2 borrow.
  c.eip = 0x3000;
  m[0x40000] = 1; m[0x40001] = 0;
  m[0x40002] = 2; m[0x40003] = 0;
  c.r[ESI] = 0x40000;
  c.r[EDI] = 0x40002;
  ASSERT_FALSE(r.exec({0x66, 0xA7}));
  EXPECT_EQ(c.eip, 0x3002u);
  EXPECT_EQ(r.flags() & (CF | ZF | SF), CF | SF);
  EXPECT_EQ(c.r[ESI], 0x40002u);
  EXPECT_EQ(c.r[EDI], 0x40004u);
  // REP with a zero count does nothing but move EIP on.
  c.eip = 0x3000;
  c.r[ECX] = 0;
  r.set_flags(0);
  EXPECT_EQ(r.exec_to_end({0xF3, 0xA6}), 1);
  EXPECT_EQ(c.r[ESI], 0x40002u);
  EXPECT_EQ(r.flags() & ZF, 0u);
}

TEST(StropsString, RepneOnMovsRepeatsLikeRep) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.eip = 0x3000;
  std::memset(r.ram() + 0x10000, 0x5C, 10);
  c.r[ESI] = 0x10000;
  c.r[EDI] = 0x11000;
  c.r[ECX] = 10;
  EXPECT_EQ(r.exec_to_end({0xF2, 0xA4}), 1);
  EXPECT_EQ(c.r[ECX], 0u);
  EXPECT_EQ(r.ram()[0x11009], 0x5C);
}

// Long copies run in batches (EIP stays until the count is done) and equal a byte-by-byte
// reference, including overlapping forward copies that replicate a pattern.
TEST(StropsString, LongAndOverlappingCopiesMatchReference) {
  std::mt19937 rng(21);
  for (int trial = 0; trial < 24; ++trial) {
    Rig r;
    r.flat32();
    if (trial & 1) enable_paging(r);
    Cpu& c = r.c();
    uint8_t* m = r.ram();
    const unsigned size = 1u << (trial % 3);  // 1, 2, 4
    const uint32_t src = 0x100000 + (rng() % 0x3000);
    const uint32_t dst = (trial % 4 == 0) ? src + 1 + rng() % 8 : 0x180000 + (rng() % 0x3000);
    const uint32_t count = 5000 + rng() % 20000;
    for (uint32_t k = 0; k < 0x30000; ++k) m[0x100000 + k] = uint8_t(rng());
    std::vector<uint8_t> ref(m, m + 0x200000);
    // Element by element, in order (each element read whole before it is written).
    for (uint32_t k = 0; k < count; ++k) std::memmove(&ref[dst + k * size], &ref[src + k * size], size);
    c.eip = 0x3000;
    c.r[ESI] = src;
    c.r[EDI] = dst;
    c.r[ECX] = count;
    std::vector<uint8_t> insn = {0xF3, uint8_t(size == 1 ? 0xA4 : 0xA5)};
    if (size == 2) insn.insert(insn.begin(), 0x66);
    const int calls = r.exec_to_end(insn);
    EXPECT_GT(calls, 1);  // more than one batch
    EXPECT_EQ(c.r[ECX], 0u);
    EXPECT_EQ(c.r[ESI], src + count * size);
    EXPECT_EQ(c.r[EDI], dst + count * size);
    EXPECT_EQ(std::memcmp(m + 0x100000, ref.data() + 0x100000, 0x100000), 0) << "trial " << trial;
  }
}

TEST(StropsString, StosFastPathMatchesSlowPathBackwards) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  uint8_t* m = r.ram();
  c.eip = 0x3000;
  // Forward (fast path) then backward (per-iteration path) over the same range.
  c.r[EAX] = 0x01020304u;
  c.r[EDI] = 0x100FF2;  // unaligned, crosses pages
  c.r[ECX] = 3000;
  r.exec_to_end({0xF3, 0xAB});
  EXPECT_EQ(c.r[EDI], 0x100FF2u + 12000u);
  for (uint32_t k = 0; k < 12000; ++k) ASSERT_EQ(m[0x100FF2 + k], uint8_t(4 - k % 4));
  c.eflags |= DF;
  c.r[EAX] = 0xA1B2C3D4u;
  c.r[EDI] = 0x100FF2 + 11996;
  c.r[ECX] = 3000;
  r.exec_to_end({0xF3, 0xAB});
  EXPECT_EQ(c.r[EDI], 0x100FF2u - 4u);
  for (uint32_t k = 0; k < 12000; k += 4) {
    uint32_t v;
    std::memcpy(&v, m + 0x100FF2 + k, 4);
    ASSERT_EQ(v, 0xA1B2C3D4u);
  }
}

// A fault part-way leaves the registers of the completed iterations; the instruction
// restarts from there.  Protected mode, segment limit.
TEST(StropsString, SegmentFaultMidwayKeepsProgress) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.seg[ES].limit = 0x20FFF;
  refresh_all_segments(c);
  c.eip = 0x3000;
  c.r[EAX] = 0x99999999u;
  c.r[EDI] = 0x20F00;
  c.r[ECX] = 0x100;  // dwords: the 64th store would cross the limit
  EXPECT_EQ(r.exec_to_end({0xF3, 0xAB}), -1);
  EXPECT_EQ(c.exc.vector, kGP);
  EXPECT_EQ(c.eip, 0x3000u);
  EXPECT_EQ(c.r[EDI], 0x21000u);
  EXPECT_EQ(c.r[ECX], 0x100u - 64u);
  EXPECT_EQ(r.ram()[0x20FFF], 0x99);
  EXPECT_EQ(r.ram()[0x21000], 0x00);
  // Restart after fixing the limit: completes.
  c.seg[ES].limit = 0xFFFFFFFFu;
  refresh_all_segments(c);
  EXPECT_EQ(r.exec_to_end({0xF3, 0xAB}), 1);
  EXPECT_EQ(c.r[ECX], 0u);
  EXPECT_EQ(c.r[EDI], 0x20F00u + 0x400u);
}

TEST(StropsString, PageFaultMidwayKeepsProgressAndRestarts) {
  Rig r;
  r.flat32();
  enable_paging(r);
  Cpu& c = r.c();
  uint8_t* m = r.ram();
  set_pte(r, 0x51, 0);  // page 0x51000 not present
  for (uint32_t k = 0; k < 0x3000; ++k) m[0x60000 + k] = uint8_t(k ^ 0x5A);
  c.eip = 0x3000;
  c.r[ESI] = 0x60000;
  c.r[EDI] = 0x50FF0;  // 16 bytes before the hole, then a dword crossing nothing
  c.r[ECX] = 0x400;
  EXPECT_EQ(r.exec_to_end({0xF3, 0xA5}), -1);  // rep movsd
  EXPECT_EQ(c.exc.vector, kPF);
  EXPECT_EQ(c.exc.error, 2u);  // write, not present, supervisor
  EXPECT_EQ(c.cr2, 0x51000u);
  EXPECT_EQ(c.r[ECX], 0x400u - 4u);
  EXPECT_EQ(c.r[ESI], 0x60010u);
  EXPECT_EQ(c.r[EDI], 0x51000u);
  // A page fault on a dword that straddles into the hole: nothing of it is written.
  c.r[EDI] = 0x50FFE;
  c.r[ESI] = 0x60000;
  c.r[ECX] = 1;
  const uint8_t before[2] = {m[0x50FFE], m[0x50FFF]};
  EXPECT_EQ(r.exec_to_end({0xF3, 0xA5}), -1);
  EXPECT_EQ(c.cr2, 0x51000u);
  EXPECT_EQ(m[0x50FFE], before[0]);
  EXPECT_EQ(m[0x50FFF], before[1]);
  EXPECT_EQ(c.r[ECX], 1u);
  // Map the page and restart the first copy where it stopped.
  set_pte(r, 0x51, (0x51u << 12) | 7);
  c.r[ESI] = 0x60010;
  c.r[EDI] = 0x51000;
  c.r[ECX] = 0x400 - 4;
  EXPECT_GE(r.exec_to_end({0xF3, 0xA5}), 1);
  EXPECT_EQ(c.r[ECX], 0u);
  EXPECT_EQ(std::memcmp(m + 0x50FF0, m + 0x60000, 0x1000), 0);
}

// Real mode through the run loop: a32 rep movsb runs past the 64 KiB limit -> #GP (int 13)
// with the pushed IP on the MOVS and the completed iterations kept.
TEST(StropsString, RealModeFaultMidwayThroughRunLoop) {
  // mov esi,0xFFF0 ; mov edi,0x2000 ; mov ecx,0x20 ; a32 rep movsb ; hlt.  ES base 0x10000.
  // The source offset runs past DS's 64 KiB limit after 16 bytes.
  Snippet s({0x66, 0xBE, 0xF0, 0xFF, 0x00, 0x00, 0x66, 0xBF, 0x00, 0x20, 0x00, 0x00, 0x66, 0xB9,
             0x20, 0x00, 0x00, 0x00, 0x67, 0xF3, 0xA4, 0xF4});
  s.load_real(ES, 0x1000);
  for (int k = 0; k < 16; ++k) s.ram()[0xFFF0 + k] = uint8_t(0xC0 + k);
  s.ram()[0x3000] = 0xF4;
  s.ram()[13 * 4] = 0x00;  // IVT[13] -> 0000:3000
  s.ram()[13 * 4 + 1] = 0x30;
  s.run();
  Cpu& c = s.cpu();
  EXPECT_EQ(c.eip, 0x3001u);
  EXPECT_EQ(c.r[ESI], 0x10000u);
  EXPECT_EQ(c.r[EDI], 0x2010u);
  EXPECT_EQ(c.r[ECX], 0x10u);
  EXPECT_EQ(s.ram()[0x10000 + 0x200F], 0xCF);
  EXPECT_EQ(s.ram()[0x8000 - 6], 0x12);  // pushed IP = the a32 rep movsb at 0x1012
  EXPECT_EQ(s.ram()[0x8000 - 5], 0x10);
}

TEST(StropsString, TrapFlagRunsOneIterationPerCall) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.eip = 0x3000;
  c.eflags |= TF;
  c.r[EDI] = 0x10000;
  c.r[ECX] = 5;
  EXPECT_EQ(r.exec_to_end({0xF3, 0xAA}), 5);
  EXPECT_EQ(c.r[EDI], 0x10005u);
}

TEST(StropsString, PendingInterruptEndsTheBatchAfterProgress) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.eip = 0x3000;
  c.eflags |= IF;
  c.intr_line = true;
  c.r[ESI] = 0x10000;
  c.r[EDI] = 0x20000;
  c.r[ECX] = 1000;
  ASSERT_FALSE(r.exec({0xF3, 0xA4}));
  EXPECT_EQ(c.eip, 0x3000u);  // not done: re-executed after the interrupt
  EXPECT_LT(c.r[ECX], 1000u);
  EXPECT_GT(c.r[ECX], 0u);
  c.intr_line = false;
  EXPECT_EQ(r.exec_to_end({0xF3, 0xA4}), 1);
  EXPECT_EQ(c.r[ECX], 0u);
}

TEST(StropsString, RowsAndClasses) {
  Rig r;
  r.flat32();
  r.c().eip = 0x3000;
  r.c().r[ECX] = 0;
  ASSERT_FALSE(r.exec({0xA4}));
  EXPECT_FALSE(r.last_row->attrs & kControl);  // a single MOVS does not end the block
  EXPECT_EQ(r.last_row->cls, InsnClass::Innocuous);
  ASSERT_FALSE(r.exec({0xF3, 0xA5}));
  EXPECT_TRUE(r.last_row->attrs & kControl);
  ASSERT_FALSE(r.exec({0x66, 0xF2, 0xAF}));
  EXPECT_TRUE(r.last_row->attrs & kControl);
}

}  // namespace rz::test
