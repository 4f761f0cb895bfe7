// tests/unit/test_chain.cpp: block chaining (translator/engine.h, BLOCK CHAINING).
//
// A block remembers the blocks that followed it; the run loop follows such a link instead
// of translating CS:EIP and looking the block up.  Each test below runs a loop whose
// successor block changes meaning between iterations through one invalidation path (a code
// write into the successor, a CR3 load, INVLPG, an A20 toggle) or must be cut short by a
// CS limit, and checks the guest computed what the manual says.  A link that survived the
// change would run the old successor and give a different sum.  The paging loops keep their
// own code and data on global pages, so their TLB entries survive the CR3 load: only the
// path under test can drop the link.
#include "tests/unit/harness.h"
#include "tests/unit/test_intops_util.h"

namespace rz::test {

namespace {

void put(Snippet& s, uint32_t addr, std::initializer_list<uint8_t> bytes) {
  std::memcpy(s.ram() + addr, bytes.begin(), bytes.size());
}

// Paging for the CR3 and INVLPG tests: page table `pt` maps the first 4 MiB identically with
// G set (CR4.PGE is on), except linear page 0x200 (2 MiB), which maps to `l_phys`, not global.
void identity_pt(Snippet& s, uint32_t pt, uint32_t l_phys) {
  for (uint32_t p = 0; p < 1024; ++p) wr32(s, pt + 4 * p, (p << 12) | 0x107);  // P RW US G
  wr32(s, pt + 4 * 0x200, l_phys | 7);
}

void enable_paging(Snippet& s, uint32_t cr3) {
  Cpu& c = s.cpu();
  c.cr4 |= CR4_PGE;
  c.mmu->set_cr4(c.cr4);
  c.cr3 = cr3;
  c.mmu->set_cr3(c.cr3);
  c.cr0 |= CR0_PG;
  c.mmu->set_cr0(c.cr0);
}

// The two versions of the successor block at linear 0x200000, each ending `jmp back`:
// "add eax, 1" at phys 0x300000 and "add eax, 0x100" at phys 0x301000.
void successors(Snippet& s, uint32_t back) {
  put(s, 0x300000, {0x83, 0xC0, 0x01, 0xE9});
  wr32(s, 0x300004, back - 0x200008);
  put(s, 0x301000, {0x05, 0x00, 0x01, 0x00, 0x00, 0xE9});
  wr32(s, 0x301006, back - 0x20000A);
}

}  // namespace

TEST(BlockChain, HotLoopFollowsLinks) {
  // 1000: mov cx, 1000 / 1003: jmp 1010 / 1010: dec cx / jnz 1003 / hlt
  Snippet s({0xB9, 0xE8, 0x03, 0xEB, 0x0B});
  put(s, 0x1010, {0x49, 0x75, 0xF0, 0xF4});
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().r[ECX] & 0xFFFF, 0u);
  EXPECT_EQ(s.cpu().icount, 1u + 1000u * 3u + 1u);
  // 2000 block entries; only the first entries of each block (and the first entries after
  // each 1 ms slice of the virtual clock) go through the lookup.
  EXPECT_LT(s.m->engine().looked_up(), 20u);
}

TEST(BlockChain, BudgetStillBoundsARunOfLinkedBlocks) {
  // An endless loop of two linked blocks: run(N) stops at the first block boundary at or
  // after N retired instructions.
  Snippet s({0xEB, 0x0E});                  // 1000: jmp 1010
  put(s, 0x1010, {0x40, 0x40, 0xEB, 0xEC});  // 1010: inc ax; inc ax; jmp 1000
  Engine& e = s.m->engine();
  uint64_t n = e.run(1001);
  EXPECT_GE(n, 1001u);
  EXPECT_LT(n, 1001u + 3u);
  EXPECT_EQ(s.cpu().icount, n);
}

TEST(BlockChain, CodeWriteIntoSuccessorDropsLink) {
  // 1000: jmp 1100            (the link under test: this block -> the block at 1100)
  // 1003: dec cx
  // 1004: jz 1010
  // 1006: mov byte [1101], 10h  (patches the successor's immediate: add ax,1 -> add ax,10h)
  // 100B: jmp 1000
  // 1010: hlt
  // 1100: add ax, 1 ; jmp 1003
  Snippet s({0xE9, 0xFD, 0x00, 0x49, 0x74, 0x0A, 0xC6, 0x06, 0x01, 0x11, 0x10, 0xEB, 0xF3});
  put(s, 0x1010, {0xF4});
  put(s, 0x1100, {0x05, 0x01, 0x00, 0xE9, 0xFD, 0xFE});
  s.cpu().r[ECX] = 3;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(s.cpu().r[EAX] & 0xFFFF, 0x21u);  // 1 + 10h + 10h
  EXPECT_GE(s.cpu().stats.blocks_invalidated, 2u);
}

TEST(BlockChain, Cr3LoadRemapsSuccessor) {
  // Two page directories that differ only in where linear page 0x200000 goes; the loop
  // loads CR3 with each in turn and jumps there.  The loop's own page is global, so the
  // CR3 load is the only thing that can drop the link to the old successor.
  //   1000: mov cr3, ebx ; 1003: xchg ebx, edx ; 1005: jmp 200000
  //   100A: dec ecx ; 100B: jnz 1000 ; 100D: hlt
  Snippet s({0x0F, 0x22, 0xDB, 0x87, 0xD3, 0xE9, 0, 0, 0, 0, 0x49, 0x75, 0xF3, 0xF4});
  wr32(s, 0x1006, 0x200000 - 0x100A);
  successors(s, 0x100A);
  identity_pt(s, 0x12000, 0x300000);
  identity_pt(s, 0x13000, 0x301000);
  wr32(s, 0x10000, 0x12000 | 7);
  wr32(s, 0x11000, 0x13000 | 7);
  enter_pm32(s);
  enable_paging(s, 0x10000);
  Cpu& c = s.cpu();
  c.r[EAX] = 0;
  c.r[EBX] = 0x10000;
  c.r[EDX] = 0x11000;
  c.r[ECX] = 4;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(c.r[EAX], 0x202u);  // 1 + 100h + 1 + 100h
}

TEST(BlockChain, Cr3LoadAndRefilledEntryRemapsSuccessor) {
  // As above, but a data read of the successor's page after the CR3 load puts the new
  // translation back in the TLB before the jump: the entry's tag matches again, and only
  // its physical page tells the link is stale.
  //   1000: mov cr3, ebx ; 1003: xchg ebx, edx ; 1005: mov esi, [200000] ; 100B: jmp 200000
  //   1010: dec ecx ; 1011: jnz 1000 ; 1013: hlt
  Snippet s({0x0F, 0x22, 0xDB, 0x87, 0xD3, 0x8B, 0x35, 0x00, 0x00, 0x20, 0x00, 0xE9, 0, 0, 0,
             0, 0x49, 0x75, 0xED, 0xF4});
  wr32(s, 0x100C, 0x200000 - 0x1010);
  successors(s, 0x1010);
  identity_pt(s, 0x12000, 0x300000);
  identity_pt(s, 0x13000, 0x301000);
  wr32(s, 0x10000, 0x12000 | 7);
  wr32(s, 0x11000, 0x13000 | 7);
  enter_pm32(s);
  enable_paging(s, 0x10000);
  Cpu& c = s.cpu();
  c.r[EAX] = 0;
  c.r[EBX] = 0x10000;
  c.r[EDX] = 0x11000;
  c.r[ECX] = 4;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(c.r[EAX], 0x202u);
  EXPECT_EQ(c.r[ESI], 0x00010005u);  // the last read saw "add eax, 100h" (05 00 01 00)
}

TEST(BlockChain, InvlpgRemapsSuccessor) {
  // One page table; the loop rewrites the PTE of linear 0x200000 (the page table's page is
  // global and stays in the TLB), invalidates it with INVLPG and jumps there.
  //   1000: mov [12800], ebx ; 1006: xchg ebx, edx ; 1008: invlpg [200000]
  //   100F: jmp 200000 ; 1014: dec ecx ; 1015: jnz 1000 ; 1017: hlt
  Snippet s({0x89, 0x1D, 0x00, 0x28, 0x01, 0x00, 0x87, 0xD3, 0x0F, 0x01, 0x3D, 0x00, 0x00,
             0x20, 0x00, 0xE9, 0, 0, 0, 0, 0x49, 0x75, 0xE9, 0xF4});
  wr32(s, 0x1010, 0x200000 - 0x1014);
  successors(s, 0x1014);
  identity_pt(s, 0x12000, 0x300000);
  wr32(s, 0x10000, 0x12000 | 7);
  enter_pm32(s);
  enable_paging(s, 0x10000);
  Cpu& c = s.cpu();
  c.r[EAX] = 0;
  c.r[EBX] = 0x300000 | 7;
  c.r[EDX] = 0x301000 | 7;
  c.r[ECX] = 4;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(c.r[EAX], 0x202u);
}

TEST(BlockChain, A20ToggleRemapsSuccessor) {
  // Real mode: FFFF:0010 is linear 100000h, physical 100000h with A20 on and 0 with it off.
  // The loop jumps there and back, then flips A20 through a test port.
  //   1000: jmp far FFFF:0010 ; 1005: xor al, 2 ; 1007: out E0h, al ; 1009: dec cx
  //   100A: jnz 1000 ; 100C: hlt
  // phys 100000: add bx, 1 ; jmp far 0000:1005      phys 0: add bx, 100h ; jmp far 0000:1005
  Snippet s({0xEA, 0x10, 0x00, 0xFF, 0xFF, 0x34, 0x02, 0xE6, 0xE0, 0x49, 0x75, 0xF4, 0xF4});
  put(s, 0x100000, {0x81, 0xC3, 0x01, 0x00, 0xEA, 0x05, 0x10, 0x00, 0x00});
  put(s, 0x000000, {0x81, 0xC3, 0x00, 0x01, 0xEA, 0x05, 0x10, 0x00, 0x00});
  PhysMem& mem = s.m->mem();
  PortHandler h;
  h.read = [](uint16_t, unsigned) -> uint32_t { return 0xFF; };
  h.write = [&mem](uint16_t, unsigned, uint32_t v) { mem.set_a20(v & 2); };
  s.m->ports().map(0xE0, 1, std::move(h), "a20-test");
  Cpu& c = s.cpu();
  c.r[EAX] = 2;
  c.r[EBX] = 0;
  c.r[ECX] = 4;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(c.r[EBX] & 0xFFFF, 0x202u);
}

TEST(BlockChain, CsLimitIsCheckedOnLinkedEntry) {
  // Flat 32-bit code runs a loop twice through a linked successor of eight INC EAX at 2000h,
  // then reloads CS with a selector whose limit is 2003h and runs the same loop: entering
  // the successor through its link must still stop at the limit (#GP at 2004h after four
  // increments), not run the whole block.
  Snippet s({});
  // GDT: null, 08h flat code, 10h flat data, 18h code with byte limit 2003h.
  wr32(s, 0x20008, 0x0000FFFF); wr32(s, 0x2000C, 0x00CF9A00);
  wr32(s, 0x20010, 0x0000FFFF); wr32(s, 0x20014, 0x00CF9200);
  wr32(s, 0x20018, 0x00002003); wr32(s, 0x2001C, 0x00409A00);
  // IDT entry 13: interrupt gate to 08h:3000h, where the handler halts.
  wr32(s, 0x21000 + 13 * 8, (0x08u << 16) | 0x3000); wr32(s, 0x21000 + 13 * 8 + 4, 0x8E00);
  put(s, 0x3000, {0xF4});
  //   0FF0: mov eax, [20000h] (puts the GDT's page in the TLB before the loop)
  //   0FF5: xor eax, eax ; 0FF7: jmp 1000
  //   1000: jmp 2000 ; 1005: dec ecx ; 1006: jnz 1000 ; 1008: jmp far 18h:1000
  put(s, 0x0FF0, {0xA1, 0x00, 0x00, 0x02, 0x00, 0x31, 0xC0, 0xEB, 0x07});
  put(s, 0x1000, {0xE9, 0xFB, 0x0F, 0x00, 0x00, 0x49, 0x75, 0xF8,
                  0xEA, 0x00, 0x10, 0x00, 0x00, 0x18, 0x00});
  put(s, 0x2000, {0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0xE9});
  wr32(s, 0x2009, 0x1005 - 0x200D);
  enter_pm32(s);
  Cpu& c = s.cpu();
  c.gdtr = {0x20000, 0x1F};
  c.idtr = {0x21000, 0x7FF};
  c.eip = 0x0FF0;
  c.r[ECX] = 2;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(c.r[EAX], 8u + 8u + 4u);
  EXPECT_EQ(c.seg[CS].sel, 0x08u);             // in the handler
  EXPECT_EQ(rd32(s, c.r[ESP] + 4), 0x2004u);   // #GP's saved EIP: the first INC past the limit
  EXPECT_EQ(rd32(s, c.r[ESP] + 8), 0x18u);     // and its CS
}

}  // namespace rz::test
