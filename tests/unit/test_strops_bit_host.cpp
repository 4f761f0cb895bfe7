// tests/unit/test_strops_bit_host.cpp: BT/BTS/BTR/BTC register forms, BSF/BSR and SETcc
// against the host CPU (the SDM-defined flags, and all flags on Intel hosts).  x86 hosts
// only: tests/CMakeLists.txt leaves test_*_host*.cpp out elsewhere.
#include <cpuid.h>

#include <random>

#include "tests/unit/test_strops_util.h"

namespace rz::test {

namespace {

bool host_is_intel() {
  static const bool intel = [] {
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return false;
    return b == 0x756E6547u && d == 0x49656E69u && c == 0x6C65746Eu;
  }();
  return intel;
}

// Host "INSN src, dst" on 16/32-bit registers with the given input flags.
#define RZ_HOST_RR(NAME, INSN)                                              \
  template <typename T>                                                     \
  T NAME(T dst, T src, uint64_t fin, uint64_t& fout) {                      \
    if constexpr (sizeof(T) == 2)                                           \
      asm volatile("lea -128(%%rsp),%%rsp\n\tpushq %[fi]\n\tpopfq\n\t" INSN \
                   "w %[s],%[d]\n\t"                                        \
                   "pushfq\n\tpopq %[fo]\n\tlea 128(%%rsp),%%rsp"           \
                   : [d] "+r"(dst), [fo] "=&r"(fout)                        \
                   : [fi] "r"(fin), [s] "r"(src)                            \
                   : "cc");                                                 \
    else                                                                    \
      asm volatile("lea -128(%%rsp),%%rsp\n\tpushq %[fi]\n\tpopfq\n\t" INSN \
                   "l %[s],%[d]\n\t"                                        \
                   "pushfq\n\tpopq %[fo]\n\tlea 128(%%rsp),%%rsp"           \
                   : [d] "+r"(dst), [fo] "=&r"(fout)                        \
                   : [fi] "r"(fin), [s] "r"(src)                            \
                   : "cc");                                                 \
    return dst;                                                             \
  }

RZ_HOST_RR(host_bt, "bt")
RZ_HOST_RR(host_bts, "bts")
RZ_HOST_RR(host_btr, "btr")
RZ_HOST_RR(host_btc, "btc")
RZ_HOST_RR(host_bsf, "bsf")
RZ_HOST_RR(host_bsr, "bsr")

template <typename T>
T host_bit(int op, T dst, T src, uint64_t fin, uint64_t& fout) {
  switch (op) {
    case 0:
      return host_bt<T>(dst, src, fin, fout);
    case 1:
      return host_bts<T>(dst, src, fin, fout);
    case 2:
      return host_btr<T>(dst, src, fin, fout);
    default:
      return host_btc<T>(dst, src, fin, fout);
  }
}

constexpr uint8_t kBtOpcode[4] = {0xA3, 0xAB, 0xB3, 0xBB};

template <typename T>
void check_bt_reg(Rig& r, std::mt19937& rng, bool code32) {
  for (int op = 0; op < 4; ++op) {
    for (int k = 0; k < 300; ++k) {
      const T dst = T(rng()), off = T(k < 64 ? k : rng());
      const uint32_t fin = (rng() & kArithFlags) | 2;
      uint64_t fout = 0;
      const T want = host_bit<T>(op, dst, off, fin, fout);
      for (bool imm : {false, true}) {
        Cpu& c = r.c();
        c.eip = code32 ? 0x3000 : 0x1000;
        c.r[EAX] = 0x77777777u;
        set_reg<T>(c, 0, dst);
        c.r[EDX] = off;
        r.set_flags(fin);
        std::vector<uint8_t> b;
        if ((sizeof(T) == 4) != code32) b.push_back(0x66);
        if (imm)
          b.insert(b.end(),
                   {0x0F, 0xBA, uint8_t(0xE0 | (op << 3)), uint8_t(off)});  // bt* eax, imm8
        else
          b.insert(b.end(), {0x0F, kBtOpcode[op], 0xD0});  // bt* eax, edx
        // The immediate form takes only the low byte of the offset.
        uint64_t fout_i = fout;
        T want_i = want;
        if (imm) want_i = host_bit<T>(op, dst, T(uint8_t(off)), fin, fout_i);
        ASSERT_FALSE(r.exec(b));
        SCOPED_TRACE(testing::Message()
                     << "op " << op << " width " << sizeof(T) * 8 << " imm " << imm << std::hex
                     << " dst " << uint32_t(dst) << " off " << uint32_t(off));
        EXPECT_EQ(get_reg<T>(c, 0), want_i);
        EXPECT_EQ(r.flags() & (CF | ZF), uint32_t(fout_i) & (CF | ZF));
        EXPECT_EQ(r.last_row->undef_flags, uint32_t(OF | SF | AF | PF));
        if (host_is_intel()) {
          EXPECT_EQ(r.flags() & kArithFlags, uint32_t(fout_i) & kArithFlags);
        }
        if (::testing::Test::HasFailure()) return;
      }
    }
  }
}

template <typename T>
void check_bitscan(Rig& r, std::mt19937& rng) {
  for (bool rev : {false, true}) {
    for (int k = 0; k < 400; ++k) {
      T src = T(rng());
      if (k < 2)
        src = 0;
      else if (k < 40)
        src = T(T(1) << (k % (8 * sizeof(T))));
      else if (k < 80)
        src = T(src >> (k % (8 * sizeof(T))));
      const T dst = T(rng());
      const uint32_t fin = (rng() & kArithFlags) | 2;
      uint64_t fout = 0;
      const T want = rev ? host_bsr<T>(dst, src, fin, fout) : host_bsf<T>(dst, src, fin, fout);
      Cpu& c = r.c();
      c.eip = 0x3000;
      c.r[EAX] = 0x12345678u;
      set_reg<T>(c, 0, dst);
      c.r[EDX] = src;
      r.set_flags(fin);
      std::vector<uint8_t> b;
      if (sizeof(T) == 2) b.push_back(0x66);
      b.insert(b.end(), {0x0F, uint8_t(rev ? 0xBD : 0xBC), 0xC2});  // bsf/bsr eax, edx
      ASSERT_FALSE(r.exec(b));
      SCOPED_TRACE(testing::Message() << (rev ? "BSR" : "BSF") << sizeof(T) * 8 << std::hex
                                      << " src " << uint32_t(src));
      EXPECT_EQ(r.flags() & ZF, uint32_t(fout) & ZF);
      // Unchanged for a zero source, as on P6.
      EXPECT_EQ(get_reg<T>(c, 0), src == 0 ? dst : want);
      EXPECT_EQ(c.r[EAX] & (sizeof(T) == 2 ? 0xFFFF0000u : 0u),
                0x12345678u & (sizeof(T) == 2 ? 0xFFFF0000u : 0u));
      EXPECT_EQ(r.last_row->undef_flags, uint32_t(CF | OF | SF | AF | PF));
      if (host_is_intel()) {
        EXPECT_EQ(r.flags() & kArithFlags, uint32_t(fout) & kArithFlags);
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
}

}  // namespace

TEST(StropsBit, BtRegisterFormsMatchHost) {
  std::mt19937 rng(11);
  Rig pm;
  pm.flat32();
  check_bt_reg<uint16_t>(pm, rng, true);
  check_bt_reg<uint32_t>(pm, rng, true);
  Rig rm;
  check_bt_reg<uint16_t>(rm, rng, false);
  check_bt_reg<uint32_t>(rm, rng, false);
}

TEST(StropsBit, BsfBsrMatchHost) {
  std::mt19937 rng(12);
  Rig r;
  r.flat32();
  check_bitscan<uint16_t>(r, rng);
  check_bitscan<uint32_t>(r, rng);
}

TEST(StropsBit, SetccAllConditionsMatchFlags) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  std::mt19937 rng(13);
  for (int k = 0; k < 64; ++k) {
    const uint32_t f = (k < 64 ? uint32_t(k) * 0x2F1u : rng()) & kArithFlags;
    for (unsigned cc = 0; cc < 16; ++cc) {
      // Reference: SETcc on the host with the same flags.
      uint64_t fin = f | 2, got = 0;
      switch (cc) {
#define RZ_HOST_SET(N, M)                                                                          \
  case N:                                                                                          \
    asm volatile("lea -128(%%rsp),%%rsp\n\tpushq %1\n\tpopfq\n\t" M " %b0\n\tlea 128(%%rsp),%%rsp" \
                 : "=&q"(got)                                                                      \
                 : "r"(fin)                                                                        \
                 : "cc");                                                                          \
    break;
        RZ_HOST_SET(0, "seto")
        RZ_HOST_SET(1, "setno") RZ_HOST_SET(2, "setb") RZ_HOST_SET(3, "setae")
            RZ_HOST_SET(4, "sete") RZ_HOST_SET(5, "setne") RZ_HOST_SET(6, "setbe")
                RZ_HOST_SET(7, "seta") RZ_HOST_SET(8, "sets") RZ_HOST_SET(9, "setns")
                    RZ_HOST_SET(10, "setp") RZ_HOST_SET(11, "setnp") RZ_HOST_SET(12, "setl")
                        RZ_HOST_SET(13, "setge") RZ_HOST_SET(14, "setle") RZ_HOST_SET(15, "setg")
#undef RZ_HOST_SET
      }
      got &= 0xFF;
      c.eip = 0x3000;
      c.r[EBX] = 0xFFFFFFFFu;
      r.set_flags(f);
      ASSERT_FALSE(r.exec({0x0F, uint8_t(0x90 + cc), 0xC7}));  // setcc bh
      EXPECT_EQ(c.r[EBX], 0xFFFF00FFu | (uint32_t(got) << 8)) << "cc " << cc << " flags " << f;
      r.ram()[0x7000] = 0xEE;
      c.r[EAX] = 0x7000;
      ASSERT_FALSE(r.exec({0x0F, uint8_t(0x90 + cc), 0x00}));  // setcc byte [eax]
      EXPECT_EQ(r.ram()[0x7000], got);
      EXPECT_EQ(r.flags() & kArithFlags, f);
    }
  }
}

}  // namespace rz::test
