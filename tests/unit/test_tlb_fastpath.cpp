// tests/unit/test_tlb_fastpath.cpp: the TLB hit path of guest data accesses (cpu/cpu.h).
//
// A hit is one compare: the entry of the first byte's page against the page of the last
// byte.  These tests pin the cases that compare must send to the slow path: an access that
// crosses into a page mapped elsewhere (whose host memory is not adjacent), for reads,
// writes and read-modify-writes, with both pages already in the TLB; and a write to a page
// that holds translated code beside data.
#include "tests/unit/harness.h"
#include "tests/unit/test_intops_util.h"

namespace rz::test {

namespace {

void put(Snippet& s, uint32_t addr, std::initializer_list<uint8_t> bytes) {
  std::memcpy(s.ram() + addr, bytes.begin(), bytes.size());
}

// Flat 32-bit protected mode with paging: the first 4 MiB identity-mapped except linear
// 200000h -> physical 300000h and linear 201000h -> physical 305000h, so the host page after
// linear page 200000h's is physical 301000h, not the guest's next page.
void split_pages(Snippet& s) {
  for (uint32_t p = 0; p < 1024; ++p) wr32(s, 0x12000 + 4 * p, (p << 12) | 7);
  wr32(s, 0x12000 + 4 * 0x200, 0x300000 | 7);
  wr32(s, 0x12000 + 4 * 0x201, 0x305000 | 7);
  wr32(s, 0x10000, 0x12000 | 7);
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.cr3 = 0x10000;
  c.mmu->set_cr3(c.cr3);
  c.cr0 |= CR0_PG;
  c.mmu->set_cr0(c.cr0);
}

}  // namespace

TEST(TlbFastPath, PageCrossingAccessesSplitEvenWhenBothPagesAreCached) {
  //   1000: mov eax, [200FFEh]      (fills both pages' entries)
  //   1005: mov ebx, [200FFEh]      (both cached: must still split)
  //   100B: mov [200FFDh], ecx
  //   1011: mov [200FFDh], esi      (both cached for writing)
  //   1017: mov dx, [200FFFh]
  //   101E: add [200FFEh], edi       (read-modify-write across the pages)
  //   1024: hlt
  Snippet s({0xA1, 0xFE, 0x0F, 0x20, 0x00,
             0x8B, 0x1D, 0xFE, 0x0F, 0x20, 0x00,
             0x89, 0x0D, 0xFD, 0x0F, 0x20, 0x00,
             0x89, 0x35, 0xFD, 0x0F, 0x20, 0x00,
             0x66, 0x8B, 0x15, 0xFF, 0x0F, 0x20, 0x00,
             0x01, 0x3D, 0xFE, 0x0F, 0x20, 0x00,
             0xF4});
  put(s, 0x300FFE, {0x01, 0x02});
  put(s, 0x305000, {0x03, 0x04});
  put(s, 0x301000, {0xEE, 0xEE, 0xEE, 0xEE});  // decoy: the host bytes after page 300000h
  split_pages(s);
  Cpu& c = s.cpu();
  c.r[ECX] = 0x11223344;
  c.r[ESI] = 0xAABBCCDD;
  c.r[EDI] = 0x01010101;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(c.r[EAX], 0x04030201u);
  EXPECT_EQ(c.r[EBX], 0x04030201u);
  EXPECT_EQ(c.r[EDX] & 0xFFFF, 0xAABBu);
  // After the second store: DD CC BB | AA 04; then add 01010101h to the dword at 200FFEh
  // (CC BB | AA 04 -> CD BC | AB 05).
  EXPECT_EQ(s.ram()[0x300FFD], 0xDDu);
  EXPECT_EQ(s.ram()[0x300FFE], 0xCDu);
  EXPECT_EQ(s.ram()[0x300FFF], 0xBCu);
  EXPECT_EQ(s.ram()[0x305000], 0xABu);
  EXPECT_EQ(s.ram()[0x305001], 0x05u);
  EXPECT_EQ(rd32(s, 0x301000), 0xEEEEEEEEu);  // never written through the host neighbour
}

TEST(TlbFastPath, LastByteOfAPageIsAHit) {
  // A dword ending exactly at the end of a page does not cross: it reads the right bytes
  // (this is the boundary of the one-compare test).
  //   1000: mov eax, [200FFCh] ; 1005: mov ebx, [200FFCh] ; hlt
  Snippet s({0xA1, 0xFC, 0x0F, 0x20, 0x00, 0x8B, 0x1D, 0xFC, 0x0F, 0x20, 0x00, 0xF4});
  put(s, 0x300FFC, {0x10, 0x20, 0x30, 0x40});
  split_pages(s);
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().r[EAX], 0x40302010u);
  EXPECT_EQ(s.cpu().r[EBX], 0x40302010u);
}

TEST(TlbFastPath, WriteBesideCodeOnACodePageStoresAndKeepsBlocks) {
  // Code and data share the page; the data store goes through the code-page write path
  // (no write tag, the supervisor write bit of the entry) and must land, repeatedly, without
  // discarding the loop's blocks.
  //   1000: mov ecx, 5 ; 1005: add [1800h], ecx ; 100B: dec ecx ; 100C: jnz 1005 ; 100E: hlt
  Snippet s({0xB9, 0x05, 0x00, 0x00, 0x00, 0x01, 0x0D, 0x00, 0x18, 0x00, 0x00, 0x49, 0x75,
             0xF7, 0xF4});
  split_pages(s);
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(rd32(s, 0x1800), 15u);
  EXPECT_EQ(s.cpu().stats.blocks_invalidated, 0u);
}

}  // namespace rz::test
