// tests/unit/test_fpu_host_stack.cpp: whole-stack differential tests against the host x87.
//
// A random FPU state (TOP, a random set of empty registers, random values, random control
// word including unmasked exceptions) is loaded into the host with FRSTOR, one instruction
// runs, and FNSAVE captures the whole state; the emulator starts from the same state and the
// control word, status word (flags, condition codes, TOP), full tag word and all eight
// registers are compared.  This covers stack overflow/underflow responses, pops, FXCH and
// FFREE on empty registers, and the register forms of every arithmetic instruction.
#if defined(__x86_64__) || defined(__i386__)

#include <cstdlib>
#include <cstring>

#include "tests/unit/fpu_gen.h"
#include "tests/unit/fpu_rig.h"

namespace rz::test {
namespace {

struct Image {  // FNSAVE/FRSTOR, 32-bit protected-mode layout
  uint8_t b[108];
};

template <uint8_t B0, uint8_t B1>
Image host_image(const Image& in) {
  Image out;
  asm volatile("frstor %[in]\n\t.byte %c[b0], %c[b1]\n\tfnsave %[out]\n\tfninit\n\t"
               : [out] "=m"(out)
               : [in] "m"(in), [b0] "i"(B0), [b1] "i"(B1)
               : "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
  return out;
}

struct State {
  uint16_t fcw, fsw, ftw;
  F80 st[8];  // in ST order
};

State parse(const Image& im) {
  State s;
  std::memcpy(&s.fcw, im.b + 0, 2);
  std::memcpy(&s.fsw, im.b + 4, 2);
  std::memcpy(&s.ftw, im.b + 8, 2);
  for (int k = 0; k < 8; ++k) {
    std::memcpy(&s.st[k].mant, im.b + 28 + 10 * k, 8);
    std::memcpy(&s.st[k].se, im.b + 36 + 10 * k, 2);
  }
  return s;
}

Image random_image(Rng& r) {
  Image im{};
  std::memset(im.b, 0, sizeof im.b);
  static const uint16_t kPc[3] = {0x000, 0x200, 0x300};
  uint16_t masks = r.below(3) ? 0x3F : uint16_t(r.below(64));
  uint16_t cw = uint16_t(0x40 | masks | kPc[r.below(3)] | (r.below(4) << 10));
  unsigned top = r.below(8);
  uint16_t sw = uint16_t(top << 11);
  uint16_t tw = 0;
  const unsigned fill = r.below(4);  // 0: random, 1: full, 2: nearly empty, 3: nearly full
  for (unsigned p = 0; p < 8; ++p) {
    bool emptyp = fill == 1 ? false : fill == 2 ? r.below(8) != 0 : fill == 3 ? r.below(8) == 0
                                                                                : r.below(3) == 0;
    tw = uint16_t(tw | (emptyp ? 3u : 0u) << (2 * p));
  }
  std::memcpy(im.b + 0, &cw, 2);
  std::memcpy(im.b + 4, &sw, 2);
  std::memcpy(im.b + 8, &tw, 2);
  F80 prev = random_f80(r);
  for (int k = 0; k < 8; ++k) {
    F80 v = r.below(2) ? related_f80(r, prev) : random_f80(r);
    prev = v;
    std::memcpy(im.b + 28 + 10 * k, &v.mant, 8);
    std::memcpy(im.b + 36 + 10 * k, &v.se, 2);
  }
  return im;
}

void load_rig(X87Rig& rig, const Image& im) {
  State s = parse(im);
  FpuState& f = rig.cpu().fpu;
  x87::reset_state(f);
  f.fcw = s.fcw;
  f.fsw = s.fsw;
  for (unsigned k = 0; k < 8; ++k) f.st[(x87::top(f) + k) & 7] = s.st[k];
  f.ftw = 0;
  for (unsigned p = 0; p < 8; ++p)
    x87::set_tag(f, p, ((s.ftw >> (2 * p)) & 3) == 3 ? 3 : x87::tag_for(f.st[p]));
  x87::update_es(rig.cpu());
}

unsigned cases(unsigned ci) {
  const char* e = std::getenv("RZ_FPU_CASES");
  return e ? unsigned(std::strtoul(e, nullptr, 0)) : ci;
}

using HostFn = Image (*)(const Image&);

// Registers may differ by `ulp_bound` ulps (the transcendentals); 0: bit-exact.
bool close_enough(F80 a, F80 b, int ulp_bound) {
  if (fp::same_bits(a, b)) return true;
  if (!ulp_bound || fp::sign_of(a) != fp::sign_of(b)) return false;
  fp::Cls ca = fp::classify(a), cb = fp::classify(b);
  auto finite = [](fp::Cls c) { return c == fp::Cls::Normal || c == fp::Cls::Denormal; };
  if (!finite(ca) || !finite(cb)) return false;
  auto key = [](F80 v) {  // monotonic in |v|, denormals included
    int e = fp::biased_exp(v);
    return (__int128(e ? e - 1 : 0) << 63) + __int128(v.mant);
  };
  __int128 d = key(a) - key(b);
  return d <= ulp_bound && d >= -ulp_bound;
}

void stack_diff(const char* name, uint8_t b0, uint8_t b1, HostFn host, unsigned n,
                int ulp_bound = 0) {
  X87Rig rig({b0, b1});
  Rng r(0x5151 + b0 * 256 + b1);
  unsigned bad = 0;
  for (unsigned k = 0; k < n; ++k) {
    Image in = random_image(r);
    State h = parse(host(in));
    load_rig(rig, in);
    rig.run();
    FpuState& f = rig.cpu().fpu;
    const uint16_t ignore = ulp_bound ? x87::SW_C1 | x87::SW_PE | x87::SW_ES | x87::SW_B : 0;
    // With a ulp tolerance a value may change class (denormal vs smallest normal), so only
    // the empty bits of the tag word are compared.
    auto empties = [](uint16_t tw) {
      uint16_t e = 0;
      for (unsigned p = 0; p < 8; ++p) e = uint16_t(e | (((tw >> (2 * p)) & 3) == 3) << p);
      return e;
    };
    const uint16_t tw = x87::full_tag_word(f);
    bool same = ((f.fsw ^ h.fsw) & ~ignore) == 0 && f.fcw == h.fcw &&
                (ulp_bound ? empties(tw) == empties(h.ftw) : tw == h.ftw);
    for (unsigned j = 0; j < 8 && same; ++j) {
      // FNSAVE stores every register, empty or not.
      same = close_enough(f.st[(x87::top(f) + j) & 7], h.st[j], ulp_bound);
    }
    if (!same && ++bad <= 5) {
      State in_s = parse(in);
      std::string regs;
      char buf[96];
      for (unsigned j = 0; j < 8; ++j) {
        F80 m = f.st[(x87::top(f) + j) & 7];
        std::snprintf(buf, sizeof buf, "\n  ST%u in %04X:%016llX host %04X:%016llX ours %04X:%016llX", j,
                      in_s.st[j].se, (unsigned long long)in_s.st[j].mant, h.st[j].se,
                      (unsigned long long)h.st[j].mant, m.se, (unsigned long long)m.mant);
        regs += buf;
      }
      ADD_FAILURE() << name << std::hex << " cw=" << in_s.fcw << " sw=" << in_s.fsw
                    << " tw=" << in_s.ftw << "\n host fsw=" << h.fsw << " ftw=" << h.ftw
                    << "\n ours fsw=" << f.fsw << " ftw=" << x87::full_tag_word(f) << regs;
    }
  }
  EXPECT_EQ(bad, 0u) << name << ": " << bad << " of " << n << " differ";
}

#define RZ_STACK_CASE(test, b0, b1, n) \
  TEST(FpuHostStack, test) { stack_diff(#test, b0, b1, host_image<b0, b1>, cases(n)); }

RZ_STACK_CASE(FldSt3, 0xD9, 0xC3, 5000)
RZ_STACK_CASE(Fld1, 0xD9, 0xE8, 3000)
RZ_STACK_CASE(Fldpi, 0xD9, 0xEB, 3000)
RZ_STACK_CASE(FxchSt2, 0xD9, 0xCA, 5000)
RZ_STACK_CASE(FstSt4, 0xDD, 0xD4, 3000)
RZ_STACK_CASE(FstpSt1, 0xDD, 0xD9, 3000)
RZ_STACK_CASE(FfreeSt5, 0xDD, 0xC5, 2000)
RZ_STACK_CASE(Fincstp, 0xD9, 0xF7, 2000)
RZ_STACK_CASE(Fdecstp, 0xD9, 0xF6, 2000)
RZ_STACK_CASE(FaddSt0St6, 0xD8, 0xC6, 5000)
RZ_STACK_CASE(FmulSt3St0, 0xDC, 0xCB, 5000)
RZ_STACK_CASE(FsubrpSt2, 0xDE, 0xE2, 5000)
RZ_STACK_CASE(FdivpSt7, 0xDE, 0xFF, 5000)
RZ_STACK_CASE(FcompSt3, 0xD8, 0xDB, 3000)
RZ_STACK_CASE(Fcompp, 0xDE, 0xD9, 3000)
RZ_STACK_CASE(Fucompp, 0xDA, 0xE9, 3000)
RZ_STACK_CASE(Fchs, 0xD9, 0xE0, 2000)
RZ_STACK_CASE(Fsqrt, 0xD9, 0xFA, 3000)
RZ_STACK_CASE(Fscale, 0xD9, 0xFD, 3000)
RZ_STACK_CASE(Fprem1, 0xD9, 0xF5, 3000)
RZ_STACK_CASE(Fxtract, 0xD9, 0xF4, 5000)
RZ_STACK_CASE(Fxam, 0xD9, 0xE5, 2000)
RZ_STACK_CASE(Ftst, 0xD9, 0xE4, 2000)
RZ_STACK_CASE(Frndint, 0xD9, 0xFC, 3000)
RZ_STACK_CASE(Fnclex, 0xDB, 0xE2, 1000)
RZ_STACK_CASE(Fninit, 0xDB, 0xE3, 500)
RZ_STACK_CASE(FsubSt0St0, 0xD8, 0xE0, 2000)
RZ_STACK_CASE(FxchSt0, 0xD9, 0xC8, 1000)
RZ_STACK_CASE(Fprem, 0xD9, 0xF8, 3000)
RZ_STACK_CASE(FfreepSt1, 0xDF, 0xC1, 1000)
#undef RZ_STACK_CASE

// Memory forms from random stack states (empty ST(0), full stack): the operand at m.
#define RZ_HOST_IMAGE_MEM(fn, insn)                                                        \
  Image fn(const Image& in, uint8_t* m) {                                                  \
    Image out;                                                                             \
    alignas(16) uint8_t mm[16];                                                            \
    std::memcpy(mm, m, 16);                                                                \
    asm volatile("frstor %[in]\n\t" insn " %[m]\n\tfnsave %[out]\n\tfninit\n\t"          \
                 : [out] "=m"(out), [m] "+m"(mm)                                           \
                 : [in] "m"(in)                                                            \
                 : "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)",    \
                   "st(7)");                                                               \
    std::memcpy(m, mm, 16);                                                                \
    return out;                                                                            \
  }
RZ_HOST_IMAGE_MEM(hm_flds, "flds")
RZ_HOST_IMAGE_MEM(hm_fildl, "fildl")
RZ_HOST_IMAGE_MEM(hm_fldt, "fldt")
RZ_HOST_IMAGE_MEM(hm_fstps, "fstps")
RZ_HOST_IMAGE_MEM(hm_fstpt, "fstpt")
RZ_HOST_IMAGE_MEM(hm_fistps, "fistps")
RZ_HOST_IMAGE_MEM(hm_fbstp, "fbstp")
RZ_HOST_IMAGE_MEM(hm_faddl, "faddl")
RZ_HOST_IMAGE_MEM(hm_fcomps, "fcomps")
#undef RZ_HOST_IMAGE_MEM

using HostMemFn = Image (*)(const Image&, uint8_t*);

void stack_mem_diff(const char* name, uint8_t op, uint8_t reg, HostMemFn host, unsigned n) {
  X87Rig rig({op, uint8_t(reg << 3 | 6), 0x00, 0x30});
  Rng r(0x9191 + op * 8 + reg);
  unsigned bad = 0;
  for (unsigned k = 0; k < n; ++k) {
    Image in = random_image(r);
    uint8_t m[16];
    F80 mv = random_f80(r);
    std::memcpy(m, &mv.mant, 8);
    std::memcpy(m + 8, &mv.se, 2);
    for (int j = 10; j < 16; ++j) m[j] = 0x5A;
    std::memcpy(rig.mem(), m, 16);
    State h = parse(host(in, m));
    load_rig(rig, in);
    rig.run();
    FpuState& f = rig.cpu().fpu;
    bool same = f.fsw == h.fsw && x87::full_tag_word(f) == h.ftw && std::memcmp(m, rig.mem(), 16) == 0;
    for (unsigned j = 0; j < 8 && same; ++j) same = fp::same_bits(f.st[(x87::top(f) + j) & 7], h.st[j]);
    if (!same && ++bad <= 5) {
      State in_s = parse(in);
      ADD_FAILURE() << name << std::hex << " cw=" << in_s.fcw << " sw=" << in_s.fsw << " tw=" << in_s.ftw
                    << "\n host fsw=" << h.fsw << " ftw=" << h.ftw << " st0=" << h.st[0].se << ":"
                    << h.st[0].mant << "\n ours fsw=" << f.fsw << " ftw=" << x87::full_tag_word(f)
                    << " st0=" << x87::st(f, 0).se << ":" << x87::st(f, 0).mant;
    }
  }
  EXPECT_EQ(bad, 0u) << name << ": " << bad << " of " << n << " differ";
}

TEST(FpuHostStack, MemoryForms) {
  stack_mem_diff("FLD m32", 0xD9, 0, hm_flds, cases(3000));
  stack_mem_diff("FILD m32", 0xDB, 0, hm_fildl, cases(2000));
  stack_mem_diff("FLD m80", 0xDB, 5, hm_fldt, cases(2000));
  stack_mem_diff("FSTP m32", 0xD9, 3, hm_fstps, cases(3000));
  stack_mem_diff("FSTP m80", 0xDB, 7, hm_fstpt, cases(2000));
  stack_mem_diff("FISTP m16", 0xDF, 3, hm_fistps, cases(3000));
  stack_mem_diff("FBSTP", 0xDF, 6, hm_fbstp, cases(3000));
  stack_mem_diff("FADD m64", 0xDC, 0, hm_faddl, cases(3000));
  stack_mem_diff("FCOMP m32", 0xD8, 3, hm_fcomps, cases(3000));
}

// Transcendentals: stack behaviour exact, values within 2 ulps; PE/C1 not compared (they
// follow the rounding of the approximation).
#define RZ_STACK_TRANS(test, b0, b1, n) \
  TEST(FpuHostStack, test) { stack_diff(#test, b0, b1, host_image<b0, b1>, cases(n), 2); }
RZ_STACK_TRANS(Fptan, 0xD9, 0xF2, 3000)
RZ_STACK_TRANS(Fsincos, 0xD9, 0xFB, 3000)
RZ_STACK_TRANS(Fsin, 0xD9, 0xFE, 2000)
RZ_STACK_TRANS(Fyl2x, 0xD9, 0xF1, 3000)
RZ_STACK_TRANS(Fpatan, 0xD9, 0xF3, 3000)
RZ_STACK_TRANS(F2xm1, 0xD9, 0xF0, 2000)
#undef RZ_STACK_TRANS

}  // namespace
}  // namespace rz::test

#endif  // x86 host
