// tests/unit/test_fpu_host_mem.cpp: differential tests of the x87 memory forms (loads and
// stores of every format, arithmetic with memory operands) against the host's x87.
// Same method as test_fpu_host.cpp; the 16 bytes at the operand are compared too.
#if defined(__x86_64__) || defined(__i386__)

#include <cstdlib>
#include <cstring>

#include "tests/unit/fpu_gen.h"
#include "tests/unit/fpu_rig.h"

namespace rz::test {
namespace {

struct MemObs {
  X87Obs x;
  uint8_t m[16];
};

// One host function per instruction: the asm text must be a literal.
#define RZ_HOST_MEM_OP(fn, insn)                                                        \
  MemObs fn(uint16_t cw, F80 a, F80 b, const uint8_t* mem) {                            \
    MemObs o;                                                                           \
    alignas(16) F80 ea = a, eb = b, r0, r1;                                             \
    alignas(16) uint8_t m[16];                                                          \
    uint8_t env[28];                                                                    \
    std::memcpy(m, mem, 16);                                                            \
    asm volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn             \
                 " %[m]\n\tfnstsw %[sw]\n\tfnstenv %[env]\n\tfnclex\n\t"                 \
                 "fstpt %[r0]\n\tfstpt %[r1]\n\tfninit\n\t"                             \
                 : [r0] "=m"(r0), [r1] "=m"(r1), [sw] "=m"(o.x.fsw), [env] "=m"(env),   \
                   [m] "+m"(m)                                                          \
                 : [cw] "m"(cw), [a] "m"(ea), [b] "m"(eb)                               \
                 : "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", \
                   "st(7)");                                                            \
    o.x.st0 = r0;                                                                       \
    o.x.st1 = r1;                                                                       \
    o.x.ftw = uint16_t(env[8] | env[9] << 8);                                           \
    std::memcpy(o.m, m, 16);                                                            \
    return o;                                                                           \
  }

RZ_HOST_MEM_OP(h_flds, "flds")
RZ_HOST_MEM_OP(h_fldl, "fldl")
RZ_HOST_MEM_OP(h_fldt, "fldt")
RZ_HOST_MEM_OP(h_filds, "filds")
RZ_HOST_MEM_OP(h_fildl, "fildl")
RZ_HOST_MEM_OP(h_fildll, "fildll")
RZ_HOST_MEM_OP(h_fbld, "fbld")
RZ_HOST_MEM_OP(h_fsts, "fsts")
RZ_HOST_MEM_OP(h_fstps, "fstps")
RZ_HOST_MEM_OP(h_fstl, "fstl")
RZ_HOST_MEM_OP(h_fstpl, "fstpl")
RZ_HOST_MEM_OP(h_fstpt, "fstpt")
RZ_HOST_MEM_OP(h_fists, "fists")
RZ_HOST_MEM_OP(h_fistps, "fistps")
RZ_HOST_MEM_OP(h_fistl, "fistl")
RZ_HOST_MEM_OP(h_fistpl, "fistpl")
RZ_HOST_MEM_OP(h_fistpll, "fistpll")
RZ_HOST_MEM_OP(h_fbstp, "fbstp")
RZ_HOST_MEM_OP(h_fadds, "fadds")
RZ_HOST_MEM_OP(h_fsubl, "fsubl")
RZ_HOST_MEM_OP(h_fimull, "fimull")
RZ_HOST_MEM_OP(h_fidivrs, "fidivrs")
RZ_HOST_MEM_OP(h_fdivl, "fdivl")
RZ_HOST_MEM_OP(h_fcoms, "fcoms")
RZ_HOST_MEM_OP(h_ficomps, "ficomps")
#undef RZ_HOST_MEM_OP

using HostMemFn = MemObs (*)(uint16_t, F80, F80, const uint8_t*);

enum class MemKind { F32, F64, F80, I16, I32, I64, Bcd, Store };

void random_mem(Rng& r, MemKind k, uint8_t* m) {
  for (int i = 0; i < 16; ++i) m[i] = 0xA5;
  uint64_t v = r.next();
  switch (k) {
    case MemKind::F32: {
      uint32_t x = uint32_t(v);
      switch (r.below(6)) {
        case 0: x = (x & 0x807FFFFF); break;                   // zero/denormal
        case 1: x = (x & 0x807FFFFF) | 0x7F800000; if (r.below(3) == 0) x &= 0xFF800000; break;
        default: break;
      }
      std::memcpy(m, &x, 4);
      break;
    }
    case MemKind::F64: {
      switch (r.below(6)) {
        case 0: v &= 0x800FFFFFFFFFFFFFull; break;
        case 1: v |= 0x7FF0000000000000ull; if (r.below(3) == 0) v &= 0xFFF0000000000000ull; break;
        default: break;
      }
      std::memcpy(m, &v, 8);
      break;
    }
    case MemKind::F80: {
      F80 x = random_f80(r);
      std::memcpy(m, &x.mant, 8);
      std::memcpy(m + 8, &x.se, 2);
      break;
    }
    case MemKind::I16: case MemKind::I32: case MemKind::I64: {
      if (r.below(4) == 0) v = uint64_t(1) << 63 >> r.below(64);
      if (r.below(3) == 0) v = int64_t(v) >> r.below(64);
      std::memcpy(m, &v, 8);
      break;
    }
    case MemKind::Bcd: {
      for (int i = 0; i < 9; ++i) m[i] = uint8_t(r.below(10) << 4 | r.below(10));
      m[9] = r.below(2) ? 0x80 : 0;
      if (r.below(8) == 0) m[r.below(10)] = uint8_t(r.next());  // invalid digits, sign byte bits
      break;
    }
    case MemKind::Store: break;
  }
}

// For stores, ST(0) is biased toward values that fit the integer and BCD formats.
F80 store_value(Rng& r) {
  if (r.below(3) == 0) {
    const bool s = r.next() & 1;
    return fp::make_f80(s, 16383 + int(r.below(66)) - 1, r.next() | fp::kJ);
  }
  return random_f80(r);
}

unsigned cases(unsigned ci) {
  const char* e = std::getenv("RZ_FPU_CASES");
  return e ? unsigned(std::strtoul(e, nullptr, 0)) : ci;
}

void mem_diff(const char* name, uint8_t opcode, uint8_t reg, MemKind kind, HostMemFn host,
              unsigned n) {
  X87Rig rig({opcode, uint8_t(reg << 3 | 6), 0x00, 0x30});
  Rng r(0x777 + opcode * 8 + reg);
  unsigned bad = 0;
  for (unsigned k = 0; k < n; ++k) {
    static const uint16_t kPc[3] = {0x000, 0x200, 0x300};
    uint16_t masks = r.below(4) ? 0x3F : uint16_t(r.below(64));
    uint16_t cw = uint16_t(0x40 | masks | kPc[r.below(3)] | (r.below(4) << 10));
    F80 a = kind == MemKind::Store ? store_value(r) : random_f80(r);
    F80 b = related_f80(r, a);
    uint8_t m[16];
    random_mem(r, kind, m);
    MemObs h = host(cw, a, b, m);
    rig.load(cw, a, b);
    std::memcpy(rig.mem(), m, 16);
    X87Obs x = rig.run();
    const bool same = same_obs(h.x, x) && std::memcmp(h.m, rig.mem(), 16) == 0;
    if (!same && ++bad <= 6) {
      ADD_FAILURE() << name << " cw=" << std::hex << cw << " a=" << a.se << ":" << a.mant
                    << " mem[0..9]=" << *reinterpret_cast<uint64_t*>(m) << "/"
                    << *reinterpret_cast<uint16_t*>(m + 8) << "\n host st0=" << h.x.st0.se << ":"
                    << h.x.st0.mant << " fsw=" << h.x.fsw << " ftw=" << h.x.ftw << " mem="
                    << *reinterpret_cast<uint64_t*>(h.m) << "/" << *reinterpret_cast<uint16_t*>(h.m + 8)
                    << "\n ours st0=" << x.st0.se << ":" << x.st0.mant << " fsw=" << x.fsw
                    << " ftw=" << x.ftw << " mem=" << *reinterpret_cast<uint64_t*>(rig.mem()) << "/"
                    << *reinterpret_cast<uint16_t*>(rig.mem() + 8);
    }
  }
  EXPECT_EQ(bad, 0u) << name << ": " << bad << " of " << n << " differ";
}

TEST(FpuHostMem, Loads) {
  mem_diff("FLD m32", 0xD9, 0, MemKind::F32, h_flds, cases(20000));
  mem_diff("FLD m64", 0xDD, 0, MemKind::F64, h_fldl, cases(20000));
  mem_diff("FLD m80", 0xDB, 5, MemKind::F80, h_fldt, cases(5000));
  mem_diff("FILD m16", 0xDF, 0, MemKind::I16, h_filds, cases(5000));
  mem_diff("FILD m32", 0xDB, 0, MemKind::I32, h_fildl, cases(5000));
  mem_diff("FILD m64", 0xDF, 5, MemKind::I64, h_fildll, cases(5000));
  mem_diff("FBLD", 0xDF, 4, MemKind::Bcd, h_fbld, cases(5000));
}

TEST(FpuHostMem, Stores) {
  mem_diff("FST m32", 0xD9, 2, MemKind::Store, h_fsts, cases(20000));
  mem_diff("FSTP m32", 0xD9, 3, MemKind::Store, h_fstps, cases(5000));
  mem_diff("FST m64", 0xDD, 2, MemKind::Store, h_fstl, cases(20000));
  mem_diff("FSTP m64", 0xDD, 3, MemKind::Store, h_fstpl, cases(5000));
  mem_diff("FSTP m80", 0xDB, 7, MemKind::Store, h_fstpt, cases(5000));
  mem_diff("FIST m16", 0xDF, 2, MemKind::Store, h_fists, cases(10000));
  mem_diff("FISTP m16", 0xDF, 3, MemKind::Store, h_fistps, cases(5000));
  mem_diff("FIST m32", 0xDB, 2, MemKind::Store, h_fistl, cases(10000));
  mem_diff("FISTP m32", 0xDB, 3, MemKind::Store, h_fistpl, cases(5000));
  mem_diff("FISTP m64", 0xDF, 7, MemKind::Store, h_fistpll, cases(10000));
  mem_diff("FBSTP", 0xDF, 6, MemKind::Store, h_fbstp, cases(10000));
}

TEST(FpuHostMem, ArithmeticWithMemory) {
  mem_diff("FADD m32", 0xD8, 0, MemKind::F32, h_fadds, cases(20000));
  mem_diff("FSUB m64", 0xDC, 4, MemKind::F64, h_fsubl, cases(20000));
  mem_diff("FIMUL m32", 0xDA, 1, MemKind::I32, h_fimull, cases(10000));
  mem_diff("FIDIVR m16", 0xDE, 7, MemKind::I16, h_fidivrs, cases(10000));
  mem_diff("FDIV m64", 0xDC, 6, MemKind::F64, h_fdivl, cases(10000));
  mem_diff("FCOM m32", 0xD8, 2, MemKind::F32, h_fcoms, cases(10000));
  mem_diff("FICOMP m16", 0xDE, 3, MemKind::I16, h_ficomps, cases(10000));
}

}  // namespace
}  // namespace rz::test

#endif  // x86 host
