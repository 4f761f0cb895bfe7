// tests/unit/test_fpu_host.cpp: differential tests of the x87 against the host's own x87.
//
// Each case puts the same stack state into the host FPU and the emulated one, runs the same
// instruction bytes on both and compares all 80 bits of ST(0) and ST(1), the whole status
// word (flags, condition codes, TOP) and the full tag word.  Exceptions are masked (the
// host would trap otherwise); precision and rounding control vary.  The transcendentals
// are compared in ulps (the x87's are not correctly rounded) and the worst case printed.
// RZ_FPU_CASES=<n> sets the cases per instruction (default: a fast CI subset).
// Only built on x86 hosts; other hosts have no reference FPU.
#if defined(__x86_64__) || defined(__i386__)

#include <cstdio>
#include <cstdlib>

#include "tests/unit/fpu_gen.h"
#include "tests/unit/fpu_rig.h"

namespace rz::test {
namespace {

struct alignas(16) Ext {
  F80 v;
};

template <uint8_t B0, uint8_t B1>
X87Obs host_op(uint16_t cw, F80 a, F80 b) {
  X87Obs o;
  Ext ea{a}, eb{b}, r0, r1;
  uint8_t env[28];
  asm volatile(
      "fninit\n\t"
      "fldcw %[cw]\n\t"
      "fldt %[b]\n\t"
      "fldt %[a]\n\t"
      ".byte %c[b0], %c[b1]\n\t"
      "fnstsw %[sw]\n\t"
      "fnstenv %[env]\n\t"
      "fnclex\n\t"
      "fstpt %[r0]\n\t"
      "fstpt %[r1]\n\t"
      "fninit\n\t"
      : [r0] "=m"(r0.v), [r1] "=m"(r1.v), [sw] "=m"(o.fsw), [env] "=m"(env)
      : [cw] "m"(cw), [a] "m"(ea.v), [b] "m"(eb.v), [b0] "i"(B0), [b1] "i"(B1)
      : "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
  o.st0 = r0.v;
  o.st1 = r1.v;
  o.ftw = uint16_t(env[8] | env[9] << 8);
  return o;
}

unsigned cases(unsigned ci) {
  const char* e = std::getenv("RZ_FPU_CASES");
  return e ? unsigned(std::strtoul(e, nullptr, 0)) : ci;
}

uint16_t random_cw(Rng& r) {
  static const uint16_t kPc[3] = {0x000, 0x200, 0x300};
  // Exceptions are masked in most cases; the rest unmask a random set (the host's pending
  // exception is cleared with FNCLEX before the results are stored).
  uint16_t masks = r.below(4) ? 0x3F : uint16_t(r.below(64));
  return uint16_t(0x40 | masks | kPc[r.below(3)] | (r.below(4) << 10));
}

std::string hex(F80 v) {
  char b[40];
  std::snprintf(b, sizeof b, "%04X:%016llX", v.se, (unsigned long long)v.mant);
  return b;
}

using HostFn = X87Obs (*)(uint16_t, F80, F80);

// Exact comparison of every observed bit.
void exact_diff(const char* name, std::vector<uint8_t> code, HostFn host, unsigned n,
                F80 (*gen_a)(Rng&) = nullptr, uint16_t fsw_mask = 0xFFFF) {
  X87Rig rig(std::move(code));
  Rng r(0x1234 + code.size() + uint64_t(name[1]) * 7 + uint64_t(name[2]));
  unsigned bad = 0;
  for (unsigned k = 0; k < n; ++k) {
    uint16_t cw = random_cw(r);
    F80 a = gen_a ? gen_a(r) : random_f80(r);
    F80 b = related_f80(r, a);
    X87Obs h = host(cw, a, b);
    rig.load(cw, a, b);
    X87Obs m = rig.run();
    if (!same_obs(h, m, fsw_mask)) {
      if (++bad <= 8) {
        ADD_FAILURE() << name << " cw=" << std::hex << cw << " a=" << hex(a) << " b=" << hex(b)
                      << "\n host st0=" << hex(h.st0) << " st1=" << hex(h.st1) << " fsw=" << h.fsw
                      << " ftw=" << h.ftw << "\n ours st0=" << hex(m.st0) << " st1=" << hex(m.st1)
                      << " fsw=" << m.fsw << " ftw=" << m.ftw;
      }
    }
  }
  EXPECT_EQ(bad, 0u) << name << ": " << bad << " of " << n << " differ";
}

TEST(FpuHost, Fadd) { exact_diff("FADD", {0xD8, 0xC1}, host_op<0xD8, 0xC1>, cases(20000)); }
TEST(FpuHost, Fsub) { exact_diff("FSUB", {0xD8, 0xE1}, host_op<0xD8, 0xE1>, cases(20000)); }
TEST(FpuHost, Fsubr) { exact_diff("FSUBR", {0xD8, 0xE9}, host_op<0xD8, 0xE9>, cases(10000)); }
TEST(FpuHost, Fmul) { exact_diff("FMUL", {0xD8, 0xC9}, host_op<0xD8, 0xC9>, cases(20000)); }
TEST(FpuHost, Fdiv) { exact_diff("FDIV", {0xD8, 0xF1}, host_op<0xD8, 0xF1>, cases(20000)); }
TEST(FpuHost, Fdivr) { exact_diff("FDIVR", {0xD8, 0xF9}, host_op<0xD8, 0xF9>, cases(10000)); }
TEST(FpuHost, Faddp) { exact_diff("FADDP", {0xDE, 0xC1}, host_op<0xDE, 0xC1>, cases(5000)); }
TEST(FpuHost, Fsubp) { exact_diff("FSUBP", {0xDE, 0xE9}, host_op<0xDE, 0xE9>, cases(5000)); }
TEST(FpuHost, Fdivrp) { exact_diff("FDIVRP", {0xDE, 0xF1}, host_op<0xDE, 0xF1>, cases(5000)); }
TEST(FpuHost, Fsqrt) { exact_diff("FSQRT", {0xD9, 0xFA}, host_op<0xD9, 0xFA>, cases(20000)); }
TEST(FpuHost, Frndint) { exact_diff("FRNDINT", {0xD9, 0xFC}, host_op<0xD9, 0xFC>, cases(20000)); }
TEST(FpuHost, Fscale) { exact_diff("FSCALE", {0xD9, 0xFD}, host_op<0xD9, 0xFD>, cases(20000)); }
TEST(FpuHost, Fxtract) { exact_diff("FXTRACT", {0xD9, 0xF4}, host_op<0xD9, 0xF4>, cases(10000)); }
TEST(FpuHost, Fprem) { exact_diff("FPREM", {0xD9, 0xF8}, host_op<0xD9, 0xF8>, cases(20000)); }
TEST(FpuHost, Fprem1) { exact_diff("FPREM1", {0xD9, 0xF5}, host_op<0xD9, 0xF5>, cases(20000)); }
TEST(FpuHost, Fcom) { exact_diff("FCOM", {0xD8, 0xD1}, host_op<0xD8, 0xD1>, cases(10000)); }
TEST(FpuHost, Fucompp) { exact_diff("FUCOMPP", {0xDA, 0xE9}, host_op<0xDA, 0xE9>, cases(10000)); }
TEST(FpuHost, Ftst) { exact_diff("FTST", {0xD9, 0xE4}, host_op<0xD9, 0xE4>, cases(5000)); }
TEST(FpuHost, Fxam) { exact_diff("FXAM", {0xD9, 0xE5}, host_op<0xD9, 0xE5>, cases(5000)); }
TEST(FpuHost, Fxch) { exact_diff("FXCH", {0xD9, 0xC9}, host_op<0xD9, 0xC9>, cases(2000)); }
TEST(FpuHost, FchsFabs) {
  exact_diff("FCHS", {0xD9, 0xE0}, host_op<0xD9, 0xE0>, cases(2000));
  exact_diff("FABS", {0xD9, 0xE1}, host_op<0xD9, 0xE1>, cases(2000));
}

// FCOMI/FUCOMI/FCOMIP: EFLAGS (ZF, PF, CF set; OF, SF, AF cleared) and FSW.
template <uint8_t B0, uint8_t B1>
void host_comi(uint16_t cw, F80 a, F80 b, uint16_t* sw, uint64_t* flags) {
  alignas(16) Ext ea{a}, eb{b};
  uint64_t fl;
  asm volatile(
      "fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t"
      "pushfq\n\torq $0x8d5, (%%rsp)\n\tpopfq\n\t"  // OF SF ZF AF PF CF set beforehand
      ".byte %c[b0], %c[b1]\n\tpushfq\n\tpopq %[fl]\n\tfnstsw %[sw]\n\tfninit\n\t"
      : [sw] "=m"(*sw), [fl] "=r"(fl)
      : [cw] "m"(cw), [a] "m"(ea.v), [b] "m"(eb.v), [b0] "i"(B0), [b1] "i"(B1)
      : "memory", "cc", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
  *flags = fl;
}

template <uint8_t B0, uint8_t B1>
void comi_diff(const char* name, unsigned n) {
  X87Rig rig({B0, B1});
  Rng r(0xC0C0 + B1);
  unsigned bad = 0;
  for (unsigned k = 0; k < n; ++k) {
    uint16_t cw = random_cw(r);
    F80 a = random_f80(r), b = related_f80(r, a);
    uint16_t hsw;
    uint64_t hfl;
#if defined(__x86_64__)
    host_comi<B0, B1>(cw, a, b, &hsw, &hfl);
#endif
    rig.load(cw, a, b);
    set_flags_explicit(rig.cpu(), kArithFlags, kArithFlags);
    X87Obs m = rig.run();
    const uint32_t mask = CF | PF | AF | ZF | SF | OF;
    const uint32_t mfl = get_eflags(rig.cpu());
    if (m.fsw != hsw || (mfl & mask) != (hfl & mask)) {
      if (++bad <= 6)
        ADD_FAILURE() << name << std::hex << " cw=" << cw << " a=" << hex(a) << " b=" << hex(b)
                      << "\n host fsw=" << hsw << " flags=" << (hfl & mask) << "\n ours fsw=" << m.fsw
                      << " flags=" << (mfl & mask);
    }
  }
  EXPECT_EQ(bad, 0u) << name;
}

// FCMOVcc: random arithmetic flags in, ST(0) and FSW out.
template <uint8_t B0, uint8_t B1>
X87Obs host_fcmov(uint16_t cw, F80 a, F80 b, uint64_t fl_in) {
  X87Obs o;
  alignas(16) Ext ea{a}, eb{b}, r0, r1;
  asm volatile(
      "fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t"
      "pushfq\n\tandq $~0x8d5, (%%rsp)\n\torq %[fl], (%%rsp)\n\tpopfq\n\t"
      ".byte %c[b0], %c[b1]\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r0]\n\tfstpt %[r1]\n\tfninit\n\t"
      : [sw] "=m"(o.fsw), [r0] "=m"(r0.v), [r1] "=m"(r1.v)
      : [cw] "m"(cw), [a] "m"(ea.v), [b] "m"(eb.v), [fl] "r"(fl_in), [b0] "i"(B0), [b1] "i"(B1)
      : "memory", "cc", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
  o.st0 = r0.v;
  o.st1 = r1.v;
  return o;
}

template <uint8_t B0, uint8_t B1>
void fcmov_diff(const char* name, unsigned n) {
  X87Rig rig({B0, B1});
  Rng r(0xF00 + B0 * 7 + B1);
  unsigned bad = 0;
  for (unsigned k = 0; k < n; ++k) {
    uint16_t cw = random_cw(r);
    F80 a = random_f80(r), b = related_f80(r, a);
    uint64_t fl = r.next() & (CF | PF | ZF);
    X87Obs h = host_fcmov<B0, B1>(cw, a, b, fl);
    rig.load(cw, a, b);
    set_flags_explicit(rig.cpu(), kArithFlags, uint32_t(fl));
    X87Obs m = rig.run();
    if (!fp::same_bits(h.st0, m.st0) || !fp::same_bits(h.st1, m.st1) || h.fsw != m.fsw) {
      if (++bad <= 4)
        ADD_FAILURE() << name << std::hex << " fl=" << fl << " a=" << hex(a) << " b=" << hex(b)
                      << "\n host " << hex(h.st0) << " fsw=" << h.fsw << "\n ours " << hex(m.st0)
                      << " fsw=" << m.fsw;
    }
  }
  EXPECT_EQ(bad, 0u) << name;
}

#if defined(__x86_64__)
TEST(FpuHost, Fcmov) {
  fcmov_diff<0xDA, 0xC1>("FCMOVB", cases(3000));
  fcmov_diff<0xDA, 0xC9>("FCMOVE", cases(3000));
  fcmov_diff<0xDA, 0xD1>("FCMOVBE", cases(3000));
  fcmov_diff<0xDA, 0xD9>("FCMOVU", cases(3000));
  fcmov_diff<0xDB, 0xC1>("FCMOVNB", cases(3000));
  fcmov_diff<0xDB, 0xC9>("FCMOVNE", cases(3000));
  fcmov_diff<0xDB, 0xD1>("FCMOVNBE", cases(3000));
  fcmov_diff<0xDB, 0xD9>("FCMOVNU", cases(3000));
}
TEST(FpuHost, Fcomi) { comi_diff<0xDB, 0xF1>("FCOMI", cases(20000)); }
TEST(FpuHost, Fucomi) { comi_diff<0xDB, 0xE9>("FUCOMI", cases(20000)); }
TEST(FpuHost, Fcomip) { comi_diff<0xDF, 0xF1>("FCOMIP", cases(10000)); }
#endif

}  // namespace
}  // namespace rz::test

#endif  // x86 host
