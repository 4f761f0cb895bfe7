// tests/unit/test_fpu_host_trans.cpp: the transcendental instructions against the host x87.
//
// The x87's transcendentals are not correctly rounded and differ between processor
// generations, so results are compared in ulps of the 64-bit significand: special results
// (NaN, infinity, zero, C2 out-of-range) must match bit for bit, finite results within a
// bound; exception flags other than PE/C1 must match.  The worst case is printed
// (RZ_FPU_CASES raises the count for the long run).
#if defined(__x86_64__) || defined(__i386__)

#include <cstdio>
#include <cstdlib>

#include "tests/unit/fpu_gen.h"
#include "tests/unit/fpu_rig.h"

namespace rz::test {
namespace {

template <uint8_t B0, uint8_t B1>
X87Obs host_op(uint16_t cw, F80 a, F80 b) {
  X87Obs o;
  alignas(16) F80 ea = a, eb = b, r0, r1;
  uint8_t env[28];
  asm volatile(
      "fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t.byte %c[b0], %c[b1]\n\t"
      "fnstsw %[sw]\n\tfnstenv %[env]\n\tfnclex\n\tfstpt %[r0]\n\tfstpt %[r1]\n\tfninit\n\t"
      : [r0] "=m"(r0), [r1] "=m"(r1), [sw] "=m"(o.fsw), [env] "=m"(env)
      : [cw] "m"(cw), [a] "m"(ea), [b] "m"(eb), [b0] "i"(B0), [b1] "i"(B1)
      : "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
  o.st0 = r0;
  o.st1 = r1;
  o.ftw = uint16_t(env[8] | env[9] << 8);
  return o;
}

unsigned cases(unsigned ci) {
  const char* e = std::getenv("RZ_FPU_CASES");
  return e ? unsigned(std::strtoul(e, nullptr, 0)) : ci;
}

// Distance in ulps between two finite values of the same sign; -1 if not comparable.
int64_t ulps(F80 x, F80 y) {
  if (fp::sign_of(x) != fp::sign_of(y)) return -1;
  auto key = [](F80 v) -> __int128 {
    int e = fp::biased_exp(v);
    return (__int128(e ? e - 1 : 0) << 63) + __int128(v.mant);  // monotonic in |v|
  };
  __int128 d = key(x) - key(y);
  if (d < 0) d = -d;
  return d > (__int128(1) << 62) ? -1 : int64_t(d);
}

bool finite_nonzero(F80 v) {
  fp::Cls c = fp::classify(v);
  return c == fp::Cls::Normal || c == fp::Cls::Denormal;
}

using HostFn = X87Obs (*)(uint16_t, F80, F80);
using GenFn = F80 (*)(Rng&);

struct Stats {
  int64_t worst = 0;
  unsigned exact = 0, n = 0;
};

Stats trans_diff(const char* name, std::vector<uint8_t> code, HostFn host, GenFn gen_a,
                 GenFn gen_b, unsigned n, int64_t bound) {
  X87Rig rig(std::move(code));
  Rng r(0xBEEF + uint64_t(name[1]) * 31 + uint64_t(name[3]));
  Stats s;
  unsigned bad = 0;
  for (unsigned k = 0; k < n; ++k) {
    static const uint16_t kPc[3] = {0x000, 0x200, 0x300};
    uint16_t cw = uint16_t(0x7F | kPc[r.below(3)] | (r.below(4) << 10));
    F80 a = gen_a(r), b = gen_b(r);
    X87Obs h = host(cw, a, b);
    rig.load(cw, a, b);
    X87Obs m = rig.run();
    bool ok = ((h.fsw ^ m.fsw) & ~uint16_t(x87::SW_PE | x87::SW_C1)) == 0 && h.ftw == m.ftw;
    int64_t worst_here = 0;
    for (int j = 0; j < 2; ++j) {
      F80 hv = j ? h.st1 : h.st0, mv = j ? m.st1 : m.st0;
      if (fp::same_bits(hv, mv)) continue;
      int64_t u = finite_nonzero(hv) && finite_nonzero(mv) ? ulps(hv, mv) : -1;
      if (u < 0 || u > bound) ok = false;
      if (u > worst_here) worst_here = u;
    }
    ++s.n;
    if (worst_here == 0 && ok) ++s.exact;
    if (worst_here > s.worst) s.worst = worst_here;
    if (!ok && ++bad <= 6) {
      ADD_FAILURE() << name << std::hex << " cw=" << cw << " a=" << a.se << ":" << a.mant
                    << " b=" << b.se << ":" << b.mant << "\n host " << h.st0.se << ":" << h.st0.mant
                    << " " << h.st1.se << ":" << h.st1.mant << " fsw=" << h.fsw << "\n ours "
                    << m.st0.se << ":" << m.st0.mant << " " << m.st1.se << ":" << m.st1.mant
                    << " fsw=" << m.fsw;
    }
  }
  std::printf("[ ulps     ] %-8s worst %lld ulp, %u of %u bit-exact\n", name, (long long)s.worst,
              s.exact, s.n);
  EXPECT_EQ(bad, 0u) << name;
  return s;
}

F80 any(Rng& r) { return random_f80(r); }
// Non-finite and denormal operands (the screening rules), never out-of-domain finite ones:
// outside the domain the SDM leaves F2XM1 and FYL2XP1 undefined.
F80 special(Rng& r) {
  for (;;) {
    F80 v = random_f80(r);
    fp::Cls c = fp::classify(v);
    if (c != fp::Cls::Normal) return v;
  }
}
F80 unit_range(Rng& r) {  // |x| <= 1
  if (r.below(10) == 0) return special(r);
  if (r.below(20) == 0) return fp::f80_one(r.below(2));
  return fp::make_f80(r.below(2), 16382 - int(r.below(r.below(4) ? 8 : 80)), r.next() | fp::kJ);
}
F80 positive(Rng& r) {
  if (r.below(10) == 0) return random_f80(r);
  F80 v = fp::make_f80(false, 16383 + int(r.below(r.below(3) ? 4 : 400)) - int(r.below(r.below(3) ? 4 : 400)),
                       r.next() | fp::kJ);
  if (r.below(8) == 0) v = fp::make_f80(false, 16383 - r.below(2), r.below(2) ? ~(r.next() >> 40) : (fp::kJ | (r.next() >> 40)));
  if (r.below(8) == 0) {  // a few ulps from 1: log2 must keep its relative precision
    uint64_t k = 1 + r.below(1000);
    v = r.below(2) ? fp::make_f80(false, 16383, fp::kJ + k) : fp::make_f80(false, 16382, ~uint64_t(0) - k);
  }
  return v;
}
F80 small_x(Rng& r) {  // FYL2XP1 domain |x| < 1 - sqrt(2)/2
  if (r.below(10) == 0) return special(r);
  return fp::make_f80(r.below(2), 16381 - int(r.below(r.below(4) ? 6 : 70)), r.next() | fp::kJ);
}
F80 moderate(Rng& r) {
  if (r.below(10) == 0) return random_f80(r);
  return fp::make_f80(r.below(2), 16383 + int(r.below(30)) - 15, r.next() | fp::kJ);
}
F80 angle(Rng& r) {
  if (r.below(10) == 0) return random_f80(r);
  int e = r.below(4) ? int(r.below(8)) - 3 : int(r.below(70)) - 5;
  F80 v = fp::make_f80(r.below(2), 16383 + e, r.next() | fp::kJ);
  if (r.below(8) == 0) {  // near multiples of pi/2
    const uint64_t pio2 = 0xC90FDAA22168C235ull;
    int k = 1 + int(r.below(6));
    unsigned __int128 p = (unsigned __int128)pio2 * unsigned(k);
    int sh = 64 - __builtin_clzll(uint64_t(p >> 64) | 1);
    uint64_t m = uint64_t(p >> sh) + r.below(5) - 2;
    v = fp::make_f80(r.below(2), 16383 + sh, m | fp::kJ);
  }
  return v;
}

F80 small_angle(Rng& r) {  // 2^-45 .. 2^-15: where the tiny-argument shortcut begins
  return fp::make_f80(r.below(2), 16383 - 15 - int(r.below(31)), r.next() | fp::kJ);
}

constexpr int64_t kBound = 2;  // measured worst against an Intel host: 1 ulp

TEST(FpuHostTrans, F2xm1) { trans_diff("F2XM1", {0xD9, 0xF0}, host_op<0xD9, 0xF0>, unit_range, any, cases(20000), kBound); }
TEST(FpuHostTrans, Fyl2x) { trans_diff("FYL2X", {0xD9, 0xF1}, host_op<0xD9, 0xF1>, positive, moderate, cases(20000), kBound); }
TEST(FpuHostTrans, Fyl2xp1) { trans_diff("FYL2XP1", {0xD9, 0xF9}, host_op<0xD9, 0xF9>, small_x, moderate, cases(20000), kBound); }
TEST(FpuHostTrans, Fpatan) { trans_diff("FPATAN", {0xD9, 0xF3}, host_op<0xD9, 0xF3>, any, any, cases(20000), kBound); }
TEST(FpuHostTrans, Fsin) { trans_diff("FSIN", {0xD9, 0xFE}, host_op<0xD9, 0xFE>, angle, any, cases(20000), kBound); }
TEST(FpuHostTrans, Fcos) { trans_diff("FCOS", {0xD9, 0xFF}, host_op<0xD9, 0xFF>, angle, any, cases(20000), kBound); }
TEST(FpuHostTrans, Fsincos) { trans_diff("FSINCOS", {0xD9, 0xFB}, host_op<0xD9, 0xFB>, angle, any, cases(10000), kBound); }
TEST(FpuHostTrans, SmallAngles) {
  trans_diff("FSIN-s", {0xD9, 0xFE}, host_op<0xD9, 0xFE>, small_angle, any, cases(5000), kBound);
  trans_diff("FCOS-s", {0xD9, 0xFF}, host_op<0xD9, 0xFF>, small_angle, any, cases(5000), kBound);
  trans_diff("FPTAN-s", {0xD9, 0xF2}, host_op<0xD9, 0xF2>, small_angle, any, cases(5000), kBound);
}
TEST(FpuHostTrans, Fptan) { trans_diff("FPTAN", {0xD9, 0xF2}, host_op<0xD9, 0xF2>, angle, any, cases(10000), kBound); }

}  // namespace
}  // namespace rz::test

#endif  // x86 host
