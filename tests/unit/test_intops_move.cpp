// tests/unit/test_intops_move.cpp: MOV, XCHG, LEA, MOVZX/MOVSX, CMOVcc, BSWAP, XADD,
// CMPXCHG, CMPXCHG8B in real mode and 32-bit protected mode.
#include "tests/unit/test_intops_util.h"

namespace rz::test {
namespace {

// Identity-map the first 4 MiB with 4 KiB pages (page directory 0x10000, table 0x11000),
// page 0x5000 read-only, and turn paging on with CR0.WP so supervisor writes obey R/W.
void enable_paging_ro_5000(Snippet& s) {
  wr32(s, 0x10000, 0x11000 | 0x7);
  for (uint32_t p = 0; p < 1024; ++p) wr32(s, 0x11000 + p * 4, (p << 12) | 0x7);
  wr32(s, 0x11000 + 5 * 4, 0x5000 | 0x5);  // present, user, read-only
  Cpu& c = s.cpu();
  c.cr3 = 0x10000;
  c.cr0 |= CR0_PG | CR0_WP;
  c.mmu->set_cr3(c.cr3);
  c.mmu->set_cr0(c.cr0);
}

TEST(IntopsMove, MoffsAndImmediateForms) {
  // mov ax,[0x2000] ; mov [es:0x2002],al ; mov al,[0x2001] ; mov [0x2004],ax ; hlt
  Snippet s({0xa1, 0x00, 0x20, 0x26, 0xa2, 0x02, 0x20, 0xa0, 0x01, 0x20, 0xa3, 0x04, 0x20, 0xf4});
  s.load_real(ES, 0x0010);  // ES base 0x100
  wr16(s, 0x2000, 0xBEEF);
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.ram()[0x2102], 0xEF);       // ES override honoured
  EXPECT_EQ(s.ram()[0x2002], 0x00);
  EXPECT_EQ(s.cpu().r[EAX] & 0xFFFF, 0xBEBEu);
  EXPECT_EQ(rd16(s, 0x2004), 0xBEBEu);
}

TEST(IntopsMove, MovC6C7AndHighByteRegs) {
  // mov byte [0x2000],0x12 ; mov word [bx+si+2],0x3456 ; mov ah,0x77 ; mov ch,ah ; hlt
  Snippet s({0xc6, 0x06, 0x00, 0x20, 0x12, 0xc7, 0x40, 0x02, 0x56, 0x34, 0xb4, 0x77, 0x88, 0xe5, 0xf4});
  s.cpu().r[EBX] = 0x2000;
  s.cpu().r[ESI] = 0x0010;
  s.cpu().r[ECX] = 0x11223344;
  s.run();
  EXPECT_EQ(s.ram()[0x2000], 0x12);
  EXPECT_EQ(rd16(s, 0x2012), 0x3456);
  EXPECT_EQ(s.cpu().r[EAX] & 0xFF00, 0x7700u);
  EXPECT_EQ(s.cpu().r[ECX], 0x11227744u);
}

TEST(IntopsMove, C6WithNonZeroRegIsUndefined) {
  Snippet s({0xc6, 0x0e, 0x00, 0x20, 0x12});
  EXPECT_EQ(step1(s), kUD);
  EXPECT_EQ(s.ram()[0x2000], 0x00);
  EXPECT_EQ(s.cpu().eip, 0x1000u);
}

TEST(IntopsMove, MovWordAtSegmentEndFaults) {
  // mov ax,[0xFFFF]: the second byte is beyond the 64 KiB real-mode limit -> #GP(0).
  Snippet s({0xa1, 0xff, 0xff});
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(s.cpu().eip, 0x1000u);
}

TEST(IntopsMove, Xchg16) {
  // xchg ax,bx ; xchg cx,[0x2000] ; xchg al,ah ; xchg dl,[0x2002] ; hlt
  Snippet s({0x93, 0x87, 0x0e, 0x00, 0x20, 0x86, 0xc4, 0x86, 0x16, 0x02, 0x20, 0xf4});
  Cpu& c = s.cpu();
  c.r[EAX] = 0xAAAA1111;
  c.r[EBX] = 0xBBBB2222;
  c.r[ECX] = 0xCCCC3333;
  c.r[EDX] = 0xDDDD4455;
  wr16(s, 0x2000, 0x9999);
  s.ram()[0x2002] = 0x66;
  s.run();
  EXPECT_EQ(c.r[EAX], 0xAAAA2222u);  // then xchg al,ah on 0x2222 -> 0x2222
  EXPECT_EQ(c.r[EBX], 0xBBBB1111u);
  EXPECT_EQ(c.r[ECX], 0xCCCC9999u);
  EXPECT_EQ(rd16(s, 0x2000), 0x3333u);
  EXPECT_EQ(c.r[EDX], 0xDDDD4466u);
  EXPECT_EQ(s.ram()[0x2002], 0x55);
}

TEST(IntopsMove, Xchg32ProtectedMode) {
  // xchg eax,esi ; xchg edx,edx ; xchg [0x2000],ecx ; hlt
  Snippet s({0x96, 0x87, 0xd2, 0x87, 0x0d, 0x00, 0x20, 0x00, 0x00, 0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.r[EAX] = 1;
  c.r[ESI] = 2;
  c.r[EDX] = 0x12345678;
  c.r[ECX] = 0xCAFEBABE;
  wr32(s, 0x2000, 0x0BADF00D);
  EXPECT_EQ(step_to_hlt(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 2u);
  EXPECT_EQ(c.r[ESI], 1u);
  EXPECT_EQ(c.r[EDX], 0x12345678u);
  EXPECT_EQ(c.r[ECX], 0x0BADF00Du);
  EXPECT_EQ(rd32(s, 0x2000), 0xCAFEBABEu);
}

TEST(IntopsMove, Lea16WrapsAndOperandSize) {
  // lea ax,[bx+si+0x10] ; lea ecx,[bx+di-2] ; hlt
  Snippet s({0x8d, 0x40, 0x10, 0x66, 0x8d, 0x49, 0xfe, 0xf4});
  Cpu& c = s.cpu();
  c.r[EAX] = 0xFFFF0000;
  c.r[EBX] = 0xFFF8;
  c.r[ESI] = 0x0004;
  c.r[EDI] = 0x0001;
  c.r[ECX] = 0xFFFFFFFF;
  s.run();
  EXPECT_EQ(c.r[EAX], 0xFFFF000Cu);  // (0xFFF8+4+0x10) mod 64K
  EXPECT_EQ(c.r[ECX], 0x0000FFF7u);  // 16-bit address zero-extended into ECX
}

TEST(IntopsMove, Lea32) {
  // lea eax,[ebx+ecx*4+0x100] ; lea ax,[ebx+ecx*4+0x100] ; lea edx,[bx+si] ; hlt
  Snippet s({0x8d, 0x84, 0x8b, 0x00, 0x01, 0x00, 0x00, 0x66, 0x8d, 0x84, 0x8b, 0x00, 0x01,
             0x00, 0x00, 0x67, 0x8d, 0x10, 0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.r[EBX] = 0x12340000;
  c.r[ECX] = 0x10;
  c.r[ESI] = 0x9;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0x12340140u);
  c.r[EAX] = 0xAAAAAAAA;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0xAAAA0140u);
  c.r[EBX] = 0x1234FFF9;
  c.r[ESI] = 0x0009;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EDX], 0x00000002u);  // BX+SI wraps at 64K
}

TEST(IntopsMove, LeaRegisterFormIsUndefined) {
  Snippet s({0x8d, 0xc0});
  enter_pm32(s);
  EXPECT_EQ(step1(s), kUD);
}

TEST(IntopsMove, MovzxMovsx) {
  // movzx eax,bl ; movzx ecx,word [0x2000] ; movsx edx,bh ; movsx esi,word [0x2000] ;
  // movzx di,bl ; movsx bp,bl ; hlt
  Snippet s({0x0f, 0xb6, 0xc3, 0x0f, 0xb7, 0x0d, 0x00, 0x20, 0x00, 0x00, 0x0f, 0xbe, 0xd7,
             0x0f, 0xbf, 0x35, 0x00, 0x20, 0x00, 0x00, 0x66, 0x0f, 0xb6, 0xfb, 0x66, 0x0f,
             0xbe, 0xeb, 0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.r[EAX] = 0xFFFFFFFF;
  c.r[EBX] = 0x000080F0;
  c.r[EDI] = 0x11111111;
  c.r[EBP] = 0x22222222;
  wr16(s, 0x2000, 0x8001);
  EXPECT_EQ(step_to_hlt(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0x000000F0u);
  EXPECT_EQ(c.r[ECX], 0x00008001u);
  EXPECT_EQ(c.r[EDX], 0xFFFFFF80u);
  EXPECT_EQ(c.r[ESI], 0xFFFF8001u);
  EXPECT_EQ(c.r[EDI], 0x111100F0u);
  EXPECT_EQ(c.r[EBP], 0x2222FFF0u);
}

TEST(IntopsMove, Cmovcc) {
  // cmp eax,ebx ; cmovz ecx,edx ; cmovnz esi,edx ; cmovb di,dx ; cmova edi,[0x2000] ; hlt
  Snippet s({0x39, 0xd8, 0x0f, 0x44, 0xca, 0x0f, 0x45, 0xf2, 0x66, 0x0f, 0x42, 0xfa, 0x0f,
             0x47, 0x3d, 0x00, 0x20, 0x00, 0x00, 0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.r[EAX] = 1;
  c.r[EBX] = 2;  // 1 - 2: not zero, below, not above
  c.r[ECX] = 0xC0C0C0C0;
  c.r[EDX] = 0x0000D00D;
  c.r[ESI] = 0x51515151;
  c.r[EDI] = 0xD1D1D1D1;
  wr32(s, 0x2000, 0x77777777);
  EXPECT_EQ(step_to_hlt(s), kNoFault);
  EXPECT_EQ(c.r[ECX], 0xC0C0C0C0u);  // false: untouched, upper half included
  EXPECT_EQ(c.r[ESI], 0x0000D00Du);
  EXPECT_EQ(c.r[EDI], 0xD1D1D00Du);  // 16-bit move keeps the upper half
}

TEST(IntopsMove, CmovFalseStillReadsMemory) {
  // cmovz eax,[0x2000] with ZF=0 and DS limit 0x1FFF: the read faults anyway.
  Snippet s({0x0f, 0x44, 0x05, 0x00, 0x20, 0x00, 0x00});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.seg[DS].limit = 0x1FFF;
  seg_refresh(c, c.seg[DS], DS);
  c.eflags &= ~ZF;
  c.r[EAX] = 5;
  EXPECT_EQ(step1(s), kGP);
  EXPECT_EQ(c.r[EAX], 5u);
  EXPECT_EQ(c.eip, 0x1000u);
}

TEST(IntopsMove, Bswap) {
  // bswap eax ; bswap edi ; bswap cx (66 0F C9) ; hlt
  Snippet s({0x0f, 0xc8, 0x0f, 0xcf, 0x66, 0x0f, 0xc9, 0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.r[EAX] = 0x11223344;
  c.r[EDI] = 0x80000001;
  c.r[ECX] = 0xAABBCCDD;
  EXPECT_EQ(step_to_hlt(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 0x44332211u);
  EXPECT_EQ(c.r[EDI], 0x01000080u);
  EXPECT_EQ(c.r[ECX], 0xAABB0000u);  // 16-bit form: P6 hardware leaves 0 in the low word
}

TEST(IntopsMove, Xadd) {
  // xadd eax,ebx ; xadd [0x2000],ecx ; xadd dl,dl ; lock xadd word [0x2004],si ; hlt
  Snippet s({0x0f, 0xc1, 0xd8, 0x0f, 0xc1, 0x0d, 0x00, 0x20, 0x00, 0x00, 0x0f, 0xc0, 0xd2,
             0xf0, 0x66, 0x0f, 0xc1, 0x35, 0x04, 0x20, 0x00, 0x00, 0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.r[EAX] = 10;
  c.r[EBX] = 0xFFFFFFFF;
  c.r[ECX] = 3;
  c.r[EDX] = 0x1234;
  c.r[ESI] = 0x8000;
  wr32(s, 0x2000, 100);
  wr16(s, 0x2004, 0x8000);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EAX], 9u);
  EXPECT_EQ(c.r[EBX], 10u);
  EXPECT_TRUE(s.flags() & CF);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(rd32(s, 0x2000), 103u);
  EXPECT_EQ(c.r[ECX], 100u);
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(c.r[EDX], 0x1268u);  // same register: the sum is written last
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(rd16(s, 0x2004), 0u);
  EXPECT_EQ(c.r[ESI], 0x8000u);
  uint32_t f = s.flags();
  EXPECT_EQ(f & (CF | ZF | OF | SF), CF | ZF | OF);
}

TEST(IntopsMove, CmpxchgRegisterAndMemory) {
  // cmpxchg ecx,edx ; cmpxchg [0x2000],ebx ; cmpxchg bl,cl ; hlt
  Snippet s({0x0f, 0xb1, 0xd1, 0x0f, 0xb1, 0x1d, 0x00, 0x20, 0x00, 0x00, 0x0f, 0xb0, 0xcb, 0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.r[EAX] = 7;
  c.r[ECX] = 7;
  c.r[EDX] = 0x42;
  c.r[EBX] = 0x99;
  wr32(s, 0x2000, 0x55);
  EXPECT_EQ(step1(s), kNoFault);  // equal: ECX = EDX
  EXPECT_EQ(c.r[ECX], 0x42u);
  EXPECT_TRUE(s.flags() & ZF);
  EXPECT_EQ(step1(s), kNoFault);  // 7 != 0x55: EAX = 0x55, memory unchanged
  EXPECT_EQ(c.r[EAX], 0x55u);
  EXPECT_EQ(rd32(s, 0x2000), 0x55u);
  uint32_t f = s.flags();
  EXPECT_FALSE(f & ZF);
  EXPECT_TRUE(f & CF);  // flags of CMP 7,0x55
  EXPECT_TRUE(f & SF);
  c.r[EAX] = 0x99;
  EXPECT_EQ(step1(s), kNoFault);  // AL == BL: BL = CL
  EXPECT_EQ(c.r[EBX], 0x42u);
  EXPECT_TRUE(s.flags() & ZF);
}

TEST(IntopsMove, CmpxchgFailureStillWritesReadOnlyPage) {
  // cmpxchg [0x5000],ebx on a read-only page with CR0.WP: #PF even though it fails.
  Snippet s({0x0f, 0xb1, 0x1d, 0x00, 0x50, 0x00, 0x00});
  enter_pm32(s);
  enable_paging_ro_5000(s);
  Cpu& c = s.cpu();
  wr32(s, 0x5000, 1);
  c.r[EAX] = 2;
  c.r[EBX] = 3;
  EXPECT_EQ(step1(s), kPF);
  EXPECT_EQ(c.cr2, 0x5000u);
  EXPECT_EQ(c.exc.error, 0x3u);  // present, write, supervisor
  EXPECT_EQ(c.r[EAX], 2u);       // nothing changed
  EXPECT_EQ(rd32(s, 0x5000), 1u);
  EXPECT_EQ(c.eip, 0x1000u);
}

TEST(IntopsMove, Cmpxchg8b) {
  // lock cmpxchg8b [0x2000] ; cmpxchg8b [esi] ; hlt
  Snippet s({0xf0, 0x0f, 0xc7, 0x0d, 0x00, 0x20, 0x00, 0x00, 0x0f, 0xc7, 0x0e, 0xf4});
  enter_pm32(s);
  Cpu& c = s.cpu();
  wr32(s, 0x2000, 0x11111111);
  wr32(s, 0x2004, 0x22222222);
  wr32(s, 0x3000, 0x33333333);
  wr32(s, 0x3004, 0x44444444);
  c.r[EAX] = 0x11111111;
  c.r[EDX] = 0x22222222;
  c.r[EBX] = 0xAAAAAAAA;
  c.r[ECX] = 0xBBBBBBBB;
  c.r[ESI] = 0x3000;
  // Make CF lazy-true beforehand: only ZF may change.
  c.eflags |= CF;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(rd32(s, 0x2000), 0xAAAAAAAAu);
  EXPECT_EQ(rd32(s, 0x2004), 0xBBBBBBBBu);
  EXPECT_EQ(s.flags() & (ZF | CF), ZF | CF);
  EXPECT_EQ(step1(s), kNoFault);  // EDX:EAX != m64
  EXPECT_EQ(c.r[EAX], 0x33333333u);
  EXPECT_EQ(c.r[EDX], 0x44444444u);
  EXPECT_EQ(rd32(s, 0x3000), 0x33333333u);
  EXPECT_EQ(s.flags() & (ZF | CF), CF);
}

TEST(IntopsMove, Cmpxchg8bFailureOnReadOnlyPageFaults) {
  Snippet s({0x0f, 0xc7, 0x0e});  // cmpxchg8b [esi]
  enter_pm32(s);
  enable_paging_ro_5000(s);
  Cpu& c = s.cpu();
  c.r[ESI] = 0x5000;
  c.r[EAX] = 1;
  EXPECT_EQ(step1(s), kPF);
  EXPECT_EQ(c.r[EAX], 1u);
}

TEST(IntopsMove, Cmpxchg8bRegisterFormIsUndefined) {
  Snippet s({0x0f, 0xc7, 0xc8});
  enter_pm32(s);
  EXPECT_EQ(step1(s), kUD);
}

TEST(IntopsMove, LockOnlyWithMemoryDestinations) {
  // lock cmpxchg ecx,edx (register destination) and lock mov [0x2000],eax are #UD;
  // lock xadd [0x2000],ecx is fine.
  Snippet s({0xf0, 0x0f, 0xb1, 0xd1, 0xf0, 0x89, 0x05, 0x00, 0x20, 0x00, 0x00, 0xf0, 0x0f,
             0xc1, 0x0d, 0x00, 0x20, 0x00, 0x00});
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.r[ECX] = 5;
  EXPECT_EQ(step1(s), kUD);
  c.eip = 0x1004;
  EXPECT_EQ(step1(s), kUD);
  EXPECT_EQ(rd32(s, 0x2000), 0u);
  c.eip = 0x100B;
  EXPECT_EQ(step1(s), kNoFault);
  EXPECT_EQ(rd32(s, 0x2000), 5u);
}

}  // namespace
}  // namespace rz::test
