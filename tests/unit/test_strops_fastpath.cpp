// tests/unit/test_strops_fastpath.cpp: the REP fast paths against the per-iteration path.
//
// With EFLAGS.TF set the REP handlers run exactly one iteration per call, through the
// per-iteration code only; without it they use the host-run fast paths.  Random string
// operations (all kinds, sizes, directions, REPE/REPNE, 16/32-bit addresses, runs across
// pages and segment limits that fault part-way) must leave identical registers, flags,
// memory and faults both ways.
#include <random>

#include "tests/unit/test_strops_util.h"

namespace rz::test {

namespace {

struct Scenario {
  std::vector<uint8_t> insn;
  uint32_t esi, edi, ecx, eax;
  bool df;
  uint32_t es_limit;
};

struct Outcome {
  int calls;
  uint32_t esi, edi, ecx, eax, flags, eip;
  uint8_t vector;
  std::vector<uint8_t> mem;  // guest RAM 0 - 0x120000 afterwards
};

Outcome run(const Scenario& sc, bool single_step, const std::vector<uint8_t>& image) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  std::memcpy(r.ram(), image.data(), image.size());  // for 16-bit addresses
  std::memcpy(r.ram() + 0x100000, image.data(), image.size());
  c.seg[ES].limit = sc.es_limit;
  refresh_all_segments(c);
  c.eip = 0x130000;  // the code (rewritten by every Rig::exec) lies outside the data
  c.r[ESI] = sc.esi;
  c.r[EDI] = sc.edi;
  c.r[ECX] = sc.ecx;
  c.r[EAX] = sc.eax;
  r.set_flags(0);
  if (sc.df) c.eflags |= DF;
  if (single_step) c.eflags |= TF;
  Outcome o{};
  o.calls = r.exec_to_end(sc.insn, 1 << 22);
  o.esi = c.r[ESI];
  o.edi = c.r[EDI];
  o.ecx = c.r[ECX];
  o.eax = c.r[EAX];
  o.flags = r.flags() & kArithFlags;
  o.eip = c.eip;
  o.vector = o.calls < 0 ? c.exc.vector : 0xFF;
  o.mem.assign(r.ram(), r.ram() + 0x120000);
  return o;
}

}  // namespace

TEST(StropsFastPath, MatchesPerIterationPath) {
  std::mt19937 rng(99);
  for (int trial = 0; trial < 300; ++trial) {
    // Memory image for 0x100000..0x120000: a small alphabet so REPE/REPNE stop at random.
    std::vector<uint8_t> image(0x20000);
    const unsigned alphabet = 1 + rng() % 4;
    for (auto& b : image) b = uint8_t(rng() % alphabet);
    Scenario sc{};
    const uint8_t kinds[] = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE};  // MOVS CMPS STOS LODS SCAS
    const uint8_t base = kinds[rng() % 5];
    const unsigned size = 1u << (rng() % 3);
    const bool a16 = rng() % 4 == 0;
    sc.df = rng() % 2;
    if (a16) sc.insn.push_back(0x67);
    if (size == 2) sc.insn.push_back(0x66);
    sc.insn.push_back(rng() % 2 ? 0xF3 : 0xF2);
    sc.insn.push_back(uint8_t(base + (size > 1)));
    // Offsets near page boundaries inside the image; with 16-bit addresses, near the
    // 64 KiB wrap.
    auto pick = [&](uint32_t lo) {
      const uint32_t page = lo + (rng() % 0x1E) * 0x1000;
      return page + 0x1000 - (rng() % 24);
    };
    sc.esi = a16 ? 0xFFF0u + rng() % 0x20 - 0x10 : pick(0x100000);
    sc.edi = a16 ? 0x8000u + rng() % 0x100 : pick(0x100000);
    if (rng() % 3 == 0) sc.edi = sc.esi + (rng() % 16) - 8;  // overlap
    sc.ecx = rng() % 3 == 0 ? rng() % 16 : rng() % 12000;
    if (a16) sc.ecx &= 0xFFFF;
    sc.eax = rng() % alphabet * 0x01010101u;
    sc.es_limit = rng() % 4 == 0 ? (sc.edi & ~0xFFFu) + rng() % 0x3000 : 0xFFFFFFFFu;
    const Outcome slow = run(sc, true, image);
    const Outcome fast = run(sc, false, image);
    SCOPED_TRACE(testing::Message()
                 << "trial " << trial << std::hex << " op " << int(sc.insn.back()) << " size "
                 << size << " a16 " << a16 << " df " << sc.df << " esi " << sc.esi << " edi "
                 << sc.edi << " ecx " << sc.ecx << " limit " << sc.es_limit);
    EXPECT_EQ(slow.vector, fast.vector);
    EXPECT_EQ(slow.esi, fast.esi);
    EXPECT_EQ(slow.edi, fast.edi);
    EXPECT_EQ(slow.ecx, fast.ecx);
    EXPECT_EQ(slow.eax, fast.eax);
    EXPECT_EQ(slow.flags, fast.flags);
    EXPECT_EQ(slow.eip, fast.eip);
    EXPECT_TRUE(slow.mem == fast.mem);
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace rz::test
