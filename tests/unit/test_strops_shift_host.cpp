// tests/unit/test_strops_shift_host.cpp: shifts, rotates and SHLD/SHRD against the host
// CPU (for the flags the SDM defines, and all flags on Intel hosts) in 32-bit protected mode
// and real mode.  x86 hosts only: tests/CMakeLists.txt leaves test_*_host*.cpp out elsewhere.
#include <cpuid.h>

#include <random>

#include "tests/unit/test_strops_util.h"

namespace rz::test {

namespace {

bool host_is_intel() {
  static const bool intel = [] {
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return false;
    return b == 0x756E6547u && d == 0x49656E69u && c == 0x6C65746Eu;  // "GenuineIntel"
  }();
  return intel;
}

// The inline assembly moves RSP below the red zone before pushing.
#define RZ_HOST_OP_CL(NAME, INSN)                                           \
  template <typename T>                                                     \
  T NAME(T v, uint8_t cnt, uint64_t fin, uint64_t& fout) {                  \
    if constexpr (sizeof(T) == 1)                                           \
      asm volatile("lea -128(%%rsp),%%rsp\n\tpushq %[fi]\n\tpopfq\n\t" INSN \
                   "b %%cl,%[v]\n\t"                                        \
                   "pushfq\n\tpopq %[fo]\n\tlea 128(%%rsp),%%rsp"           \
                   : [v] "+q"(v), [fo] "=&r"(fout)                          \
                   : [fi] "r"(fin), "c"(cnt)                                \
                   : "cc");                                                 \
    else if constexpr (sizeof(T) == 2)                                      \
      asm volatile("lea -128(%%rsp),%%rsp\n\tpushq %[fi]\n\tpopfq\n\t" INSN \
                   "w %%cl,%[v]\n\t"                                        \
                   "pushfq\n\tpopq %[fo]\n\tlea 128(%%rsp),%%rsp"           \
                   : [v] "+r"(v), [fo] "=&r"(fout)                          \
                   : [fi] "r"(fin), "c"(cnt)                                \
                   : "cc");                                                 \
    else                                                                    \
      asm volatile("lea -128(%%rsp),%%rsp\n\tpushq %[fi]\n\tpopfq\n\t" INSN \
                   "l %%cl,%[v]\n\t"                                        \
                   "pushfq\n\tpopq %[fo]\n\tlea 128(%%rsp),%%rsp"           \
                   : [v] "+r"(v), [fo] "=&r"(fout)                          \
                   : [fi] "r"(fin), "c"(cnt)                                \
                   : "cc");                                                 \
    return v;                                                               \
  }

RZ_HOST_OP_CL(host_rol, "rol")
RZ_HOST_OP_CL(host_ror, "ror")
RZ_HOST_OP_CL(host_rcl, "rcl")
RZ_HOST_OP_CL(host_rcr, "rcr")
RZ_HOST_OP_CL(host_shl, "shl")
RZ_HOST_OP_CL(host_shr, "shr")
RZ_HOST_OP_CL(host_sar, "sar")

#define RZ_HOST_SHXD(NAME, INSN)                                            \
  template <typename T>                                                     \
  T NAME(T v, T src, uint8_t cnt, uint64_t fin, uint64_t& fout) {           \
    if constexpr (sizeof(T) == 2)                                           \
      asm volatile("lea -128(%%rsp),%%rsp\n\tpushq %[fi]\n\tpopfq\n\t" INSN \
                   "w %%cl,%[s],%[v]\n\t"                                   \
                   "pushfq\n\tpopq %[fo]\n\tlea 128(%%rsp),%%rsp"           \
                   : [v] "+r"(v), [fo] "=&r"(fout)                          \
                   : [fi] "r"(fin), [s] "r"(src), "c"(cnt)                  \
                   : "cc");                                                 \
    else                                                                    \
      asm volatile("lea -128(%%rsp),%%rsp\n\tpushq %[fi]\n\tpopfq\n\t" INSN \
                   "l %%cl,%[s],%[v]\n\t"                                   \
                   "pushfq\n\tpopq %[fo]\n\tlea 128(%%rsp),%%rsp"           \
                   : [v] "+r"(v), [fo] "=&r"(fout)                          \
                   : [fi] "r"(fin), [s] "r"(src), "c"(cnt)                  \
                   : "cc");                                                 \
    return v;                                                               \
  }

RZ_HOST_SHXD(host_shld, "shld")
RZ_HOST_SHXD(host_shrd, "shrd")

template <typename T>
T host_group2(int op, T v, uint8_t cnt, uint64_t fin, uint64_t& fout) {
  switch (op) {
    case 0:
      return host_rol<T>(v, cnt, fin, fout);
    case 1:
      return host_ror<T>(v, cnt, fin, fout);
    case 2:
      return host_rcl<T>(v, cnt, fin, fout);
    case 3:
      return host_rcr<T>(v, cnt, fin, fout);
    case 4:
    case 6:
      return host_shl<T>(v, cnt, fin, fout);
    case 5:
      return host_shr<T>(v, cnt, fin, fout);
    default:
      return host_sar<T>(v, cnt, fin, fout);
  }
}

enum class Form { One, Imm, CL };

// Instruction bytes for group 2 `op` on AL/AX/EAX with the given count form.
template <typename T>
std::vector<uint8_t> group2_bytes(int op, Form f, uint8_t cnt, bool code32) {
  std::vector<uint8_t> b;
  if (sizeof(T) != 1 && ((sizeof(T) == 4) != code32)) b.push_back(0x66);
  const uint8_t w = sizeof(T) == 1 ? 0 : 1;
  const uint8_t modrm = uint8_t(0xC0 | (op << 3));
  switch (f) {
    case Form::One:
      b.insert(b.end(), {uint8_t(0xD0 | w), modrm});
      break;
    case Form::Imm:
      b.insert(b.end(), {uint8_t(0xC0 | w), modrm, cnt});
      break;
    case Form::CL:
      b.insert(b.end(), {uint8_t(0xD2 | w), modrm});
      break;
  }
  return b;
}

// Flags compared for group 2: those the SDM defines for this op, width and count.
template <typename T>
uint32_t defined_group2(int op, unsigned count) {
  const unsigned masked = count & 0x1F;
  if (masked == 0) return kArithFlags;  // nothing changes
  uint32_t d = kArithFlags;
  if (masked != 1) d &= ~OF;
  if (op >= 4) {
    d &= ~AF;
    // CF is undefined for SHL/SHR by counts >= the operand width.
    if ((op == 4 || op == 5 || op == 6) && masked >= 8 * sizeof(T)) d &= ~CF;
  }
  return d;
}

template <typename T>
void check_group2(Rig& r, std::mt19937& rng, bool code32) {
  const uint32_t width_mask = sizeof(T) == 4 ? 0xFFFFFFFFu : (1u << (8 * sizeof(T))) - 1;
  for (int op = 0; op < 8; ++op) {
    for (unsigned cnt = 0; cnt < 40; ++cnt) {
      for (int rep = 0; rep < 6; ++rep) {
        const T v = T(rep == 0   ? 0
                      : rep == 1 ? width_mask
                      : rep == 2 ? (width_mask >> 1) + 1
                                 : rng());
        const uint32_t fin = (rng() & kArithFlags) | 2;
        for (Form f : {Form::One, Form::Imm, Form::CL}) {
          const uint8_t c8 = f == Form::One ? 1 : uint8_t(cnt);
          if (f == Form::One && cnt != 1) continue;
          uint64_t fout = 0;
          const T want = host_group2<T>(op, v, c8, fin, fout);
          r.c().eip = code32 ? 0x3000 : 0x1000;
          r.c().r[EAX] = 0xA5A5A5A5u;
          set_reg<T>(r.c(), 0, v);
          r.c().r[ECX] = 0xCAFE0000u | c8;
          r.set_flags(fin);
          ASSERT_FALSE(r.exec(group2_bytes<T>(op, f, c8, code32)));
          const uint32_t defined = defined_group2<T>(op, c8);
          SCOPED_TRACE(testing::Message()
                       << "op /" << op << " width " << sizeof(T) * 8 << " count " << unsigned(c8)
                       << " v " << std::hex << uint32_t(v) << " fin " << fin << " form " << int(f));
          EXPECT_EQ(get_reg<T>(r.c(), 0), want);
          EXPECT_EQ(r.c().r[EAX] & ~width_mask, 0xA5A5A5A5u & ~width_mask);
          EXPECT_EQ(r.flags() & defined, uint32_t(fout) & defined);
          // Our values for the undefined flags are those of Intel processors.
          if (host_is_intel()) {
            EXPECT_EQ(r.flags() & kArithFlags, uint32_t(fout) & kArithFlags);
          }
          // The undefined flags a row admits must cover what we left unchecked.
          EXPECT_EQ(~defined & kArithFlags & ~r.last_row->undef_flags &
                        ~((op == 4 || op == 5 || op == 6) ? uint32_t(CF) : 0u),
                    0u);
          if (::testing::Test::HasFailure()) return;
        }
      }
    }
  }
}

}  // namespace

TEST(StropsShift, Group2MatchesHostProtected32) {
  Rig r;
  r.flat32();
  std::mt19937 rng(1);
  check_group2<uint8_t>(r, rng, true);
  check_group2<uint16_t>(r, rng, true);
  check_group2<uint32_t>(r, rng, true);
}

TEST(StropsShift, Group2MatchesHostRealMode) {
  Rig r;
  std::mt19937 rng(2);
  check_group2<uint8_t>(r, rng, false);
  check_group2<uint16_t>(r, rng, false);
  check_group2<uint32_t>(r, rng, false);
}

template <typename T>
void check_shxd(Rig& r, std::mt19937& rng, bool left, bool imm) {
  const uint32_t width_mask = sizeof(T) == 4 ? 0xFFFFFFFFu : 0xFFFFu;
  for (unsigned cnt = 0; cnt < 36; ++cnt) {
    for (int rep = 0; rep < 8; ++rep) {
      const T v = T(rng()), src = T(rng());
      const uint32_t fin = (rng() & kArithFlags) | 2;
      uint64_t fout = 0;
      const T want = left ? host_shld<T>(v, src, uint8_t(cnt), fin, fout)
                          : host_shrd<T>(v, src, uint8_t(cnt), fin, fout);
      Cpu& c = r.c();
      c.eip = 0x3000;
      c.r[EAX] = 0x5A5A5A5Au;
      set_reg<T>(c, 0, v);
      c.r[EDX] = 0x11110000u;
      set_reg<T>(c, 8, src);
      c.r[ECX] = cnt;
      r.set_flags(fin);
      std::vector<uint8_t> b;
      if (sizeof(T) == 2) b.push_back(0x66);
      // shld/shrd eax, edx, imm8 / cl
      b.insert(b.end(), {0x0F, uint8_t((left ? 0xA4 : 0xAC) | (imm ? 0 : 1)), 0xD0});
      if (imm) b.push_back(uint8_t(cnt));
      ASSERT_FALSE(r.exec(b));
      const unsigned masked = cnt & 31;
      uint32_t defined =
          masked == 0 ? kArithFlags : (kArithFlags & ~AF & ~(masked == 1 ? 0u : uint32_t(OF)));
      bool result_defined = true;
      if (sizeof(T) == 2 && masked > 16) {
        defined = 0;  // result and flags undefined
        result_defined = false;
      }
      SCOPED_TRACE(testing::Message()
                   << (left ? "SHLD" : "SHRD") << sizeof(T) * 8 << " count " << cnt << std::hex
                   << " v " << uint32_t(v) << " src " << uint32_t(src));
      if (result_defined) {
        EXPECT_EQ(get_reg<T>(c, 0), want);
      }
      EXPECT_EQ(c.r[EAX] & ~width_mask, 0x5A5A5A5Au & ~width_mask);
      EXPECT_EQ(r.flags() & defined, uint32_t(fout) & defined);
      // Undefined results and flags: ours are those of Intel processors (P6 and later).
      if (host_is_intel()) {
        EXPECT_EQ(r.flags() & kArithFlags, uint32_t(fout) & kArithFlags);
        EXPECT_EQ(get_reg<T>(c, 0), want);
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(StropsShift, ShldShrdMatchHost) {
  Rig r;
  r.flat32();
  std::mt19937 rng(3);
  for (bool left : {true, false}) {
    for (bool imm : {true, false}) {
      check_shxd<uint16_t>(r, rng, left, imm);
      check_shxd<uint32_t>(r, rng, left, imm);
    }
  }
}

}  // namespace rz::test
