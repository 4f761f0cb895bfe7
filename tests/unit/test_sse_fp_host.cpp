// tests/unit/test_sse_fp_host.cpp: differential tests of every SSE/SSE2 floating-point
// instruction against the host CPU.
//
// Each case draws xmm0/xmm1 (or mm1, ecx) and an MXCSR (any rounding, DAZ, FTZ, masked or
// unmasked exceptions, some flags already set), runs the same register-form bytes on the
// host (tests/unit/sse_host.h) and on the emulator (tests/unit/sse_rig.h), and compares:
// whether it faulted (#XM; #UD in the cases run with CR4.OSXMMEXCPT clear), MXCSR, xmm0,
// and the GPR, MMX register or EFLAGS the instruction writes.  A quarter of the cases also
// run the memory form ([3000h]) on the emulator against the same host result.  Every
// mismatch is counted; the first few are printed.
// RZ_SSE_CASES=<n> sets the cases per instruction (default: a fast CI subset).
// RCPPS/RSQRTPS are compared too: their tables follow this host (see softfp_approx.cpp).
#if defined(__x86_64__)

#include <cstdio>
#include <cstdlib>
#include <string>

#include <immintrin.h>

#include "cpu/sse/softfp.h"

#include "tests/unit/sse_gen.h"
#include "tests/unit/sse_host.h"
#include "tests/unit/sse_rig.h"

namespace rz::test {
namespace {

enum class Src : uint8_t { F32, F64, I32, Mmx, Gpr };
enum class Out : uint8_t { Xmm, Gpr, Mmx, Flags };

struct Case {
  const char* name;
  std::vector<uint8_t> bytes;
  Src src;
  Out out;
  Src dst_kind;  // how to fill xmm0 (F32/F64: floats related to xmm1)
};

unsigned cases(unsigned ci) {
  const char* e = std::getenv("RZ_SSE_CASES");
  return e ? unsigned(std::strtoul(e, nullptr, 0)) : ci;
}

void fill(Rng& r, Src k, uint8_t* v, const uint8_t* rel = nullptr) {
  for (unsigned b = 0; b < 16;) {
    if (k == Src::F64) {
      uint64_t x = random_f64(r);
      if (rel && r.below(3) == 0) {
        uint64_t o;
        std::memcpy(&o, rel + b, 8);
        x = related_float<uint64_t, 52, 1023>(r, o);
      }
      std::memcpy(v + b, &x, 8);
      b += 8;
    } else {
      uint32_t x = k == Src::F32 ? random_f32(r) : random_i32(r);
      if (k == Src::F32 && rel && r.below(3) == 0) {
        uint32_t o;
        std::memcpy(&o, rel + b, 4);
        x = related_float<uint32_t, 23, 127>(r, o);
      }
      std::memcpy(v + b, &x, 4);
      b += 4;
    }
  }
}

std::string hex16(const uint8_t* v) {
  std::string s;
  char b[4];
  for (int k = 15; k >= 0; --k) {
    std::snprintf(b, sizeof b, "%02X", v[k]);
    s += b;
    if (k == 8) s += '_';
  }
  return s;
}

// Runs n cases of one instruction; returns the mismatch count.
// The same instruction with its r/m operand in memory: ModRM C1 becomes 06 00 30 ([3000h]
// with 16-bit addressing, 16-byte aligned), keeping a trailing immediate.
std::vector<uint8_t> memory_form(const std::vector<uint8_t>& b) {
  std::vector<uint8_t> v;
  for (uint8_t x : b) {
    if (x == 0xC1 && v.size() >= 2 && v[v.size() - 2] == 0x0F) v.insert(v.end(), {0x06, 0x00, 0x30});
    else v.push_back(x);
  }
  return v;
}

// xm_vector: what the emulator must raise where the host raised #XM (#UD when
// CR4.OSXMMEXCPT is clear).
bool same_state(const Case& cs, const HostCtx& h, const SseState& in, const SseState& e,
                int xm_vector = kXM) {
  bool same = (e.vector == (h.faulted ? xm_vector : -1)) && e.mxcsr == h.mxcsr_out &&
              std::memcmp(e.x0, h.x0, 16) == 0;
  if (!h.faulted) {
    if (cs.out == Out::Gpr) same = same && e.eax == h.eax;
    if (cs.out == Out::Mmx) same = same && e.mm0 == h.mm0;
    if (cs.out == Out::Flags) same = same && (e.eflags & kArithFlags) == (h.rflags & kArithFlags);
  } else {
    same = same && e.eax == in.eax;
  }
  return same;
}

unsigned run_case(const Case& cs, unsigned n, uint64_t seed) {
  HostSse host(cs.bytes);
  SseRig rig(cs.bytes);
  const bool has_mem_form = cs.bytes[cs.bytes.size() - 2] != 0x50;  // MOVMSKPS/PD: register only
  SseRig mem_rig(memory_form(cs.bytes));
  unsigned mem_bad = 0;
  Rng r(seed);
  unsigned bad = 0;
  for (unsigned k = 0; k < n; ++k) {
    HostCtx h = {};
    SseState in;
    fill(r, cs.src == Src::Mmx || cs.src == Src::Gpr ? Src::I32 : cs.src, in.x1);
    fill(r, cs.dst_kind, in.x0, cs.dst_kind == cs.src ? in.x1 : nullptr);
    in.mm1 = r.next();
    if (cs.src == Src::Mmx) in.mm1 = uint64_t(random_i32(r)) | uint64_t(random_i32(r)) << 32;
    in.ecx = random_i32(r);
    in.eax = uint32_t(r.next());
    in.mxcsr = random_mxcsr(r);
    in.eflags = uint32_t(r.next()) & kArithFlags;
    std::memcpy(h.x0, in.x0, 16);
    std::memcpy(h.x1, in.x1, 16);
    h.mm1 = in.mm1;
    h.mxcsr = in.mxcsr;
    h.eax = in.eax;
    h.ecx = in.ecx;
    host.run(h);
    // One case in eight runs with CR4.OSXMMEXCPT clear: unmasked exceptions become #UD.
    const bool no_osxmmexcpt = (k & 7) == 5;
    if (no_osxmmexcpt) rig.cpu().cr4 &= ~CR4_OSXMMEXCPT;
    const SseState e = rig.run(in);
    rig.cpu().cr4 |= CR4_OSXMMEXCPT;

    const bool host_fault = h.faulted;
    const bool same = same_state(cs, h, in, e, no_osxmmexcpt ? int(kUD) : int(kXM));
    if (has_mem_form && (k & 3) == 0) {
      if (cs.src == Src::Gpr) std::memcpy(mem_rig.mem(), &in.ecx, 4);
      else if (cs.src == Src::Mmx) std::memcpy(mem_rig.mem(), &in.mm1, 8);
      else std::memcpy(mem_rig.mem(), in.x1, 16);
      if (!same_state(cs, h, in, mem_rig.run(in)) && ++mem_bad <= 3)
        std::printf("%s memory form mismatch: mxcsr_in=%04X x1=%s\n", cs.name, in.mxcsr,
                    hex16(in.x1).c_str());
    }
    if (!same && ++bad <= 5) {
      std::printf("%s mismatch: mxcsr_in=%04X x0=%s x1=%s mm1=%016llX ecx=%08X\n", cs.name, in.mxcsr,
                  hex16(in.x0).c_str(), hex16(in.x1).c_str(), (unsigned long long)in.mm1, in.ecx);
      std::printf("  host: fault=%d mxcsr=%04X x0=%s eax=%08X mm0=%016llX fl=%03llX\n", host_fault,
                  h.mxcsr_out, hex16(h.x0).c_str(), h.eax, (unsigned long long)h.mm0,
                  (unsigned long long)(h.rflags & kArithFlags));
      std::printf("  emu:  vec=%d mxcsr=%04X x0=%s eax=%08X mm0=%016llX fl=%03X\n", e.vector, e.mxcsr,
                  hex16(e.x0).c_str(), e.eax, (unsigned long long)e.mm0, e.eflags & kArithFlags);
    }
  }
  std::printf("[sse-host] %-10s %u cases, %u mismatches; memory form: %u cases, %u mismatches\n",
              cs.name, n, bad, has_mem_form ? (n + 3) / 4 : 0, mem_bad);
  return bad + mem_bad;
}

std::vector<uint8_t> enc(uint8_t pfx, uint8_t op, int imm = -1) {
  std::vector<uint8_t> v;
  if (pfx) v.push_back(pfx);
  v.insert(v.end(), {0x0F, op, 0xC1});
  if (imm >= 0) v.push_back(uint8_t(imm));
  return v;
}

void run_all(const std::vector<Case>& list, unsigned n) {
  for (size_t k = 0; k < list.size(); ++k)
    EXPECT_EQ(run_case(list[k], n, 0x5EED0000 + k * 7919 + list[k].bytes.back()), 0u) << list[k].name;
}

std::vector<Case> arith_cases() {
  struct Op { const char* n[4]; uint8_t op; };
  static const Op kOps[] = {
      {{"ADDPS", "ADDPD", "ADDSS", "ADDSD"}, 0x58}, {{"MULPS", "MULPD", "MULSS", "MULSD"}, 0x59},
      {{"SUBPS", "SUBPD", "SUBSS", "SUBSD"}, 0x5C}, {{"MINPS", "MINPD", "MINSS", "MINSD"}, 0x5D},
      {{"DIVPS", "DIVPD", "DIVSS", "DIVSD"}, 0x5E}, {{"MAXPS", "MAXPD", "MAXSS", "MAXSD"}, 0x5F},
      {{"SQRTPS", "SQRTPD", "SQRTSS", "SQRTSD"}, 0x51}};
  static const uint8_t kPfx[4] = {0, 0x66, 0xF3, 0xF2};
  std::vector<Case> v;
  for (const Op& o : kOps)
    for (int p = 0; p < 4; ++p) {
      const Src s = (p & 1) ? Src::F64 : Src::F32;
      v.push_back({o.n[p], enc(kPfx[p], o.op), s, Out::Xmm, s});
    }
  return v;
}

TEST(SseFpHost, Arithmetic) { run_all(arith_cases(), cases(4000)); }

TEST(SseFpHost, ReciprocalApproximations) {
  run_all({{"RCPPS", enc(0, 0x53), Src::F32, Out::Xmm, Src::F32},
           {"RCPSS", enc(0xF3, 0x53), Src::F32, Out::Xmm, Src::F32},
           {"RSQRTPS", enc(0, 0x52), Src::F32, Out::Xmm, Src::F32},
           {"RSQRTSS", enc(0xF3, 0x52), Src::F32, Out::Xmm, Src::F32}},
          cases(4000));
}

// The table rule of softfp_approx.cpp against the host on every significand of two
// binades, and on a stride through every exponent of both signs (NaNs, denormals and
// infinities included).
TEST(SseFpHost, ReciprocalTablesExhaustive) {
  auto host_rcp = [](uint32_t a) {
    float f;
    std::memcpy(&f, &a, 4);
    const float r = _mm_cvtss_f32(_mm_rcp_ss(_mm_set_ss(f)));
    uint32_t u;
    std::memcpy(&u, &r, 4);
    return u;
  };
  auto host_rsqrt = [](uint32_t a) {
    float f;
    std::memcpy(&f, &a, 4);
    const float r = _mm_cvtss_f32(_mm_rsqrt_ss(_mm_set_ss(f)));
    uint32_t u;
    std::memcpy(&u, &r, 4);
    return u;
  };
  uint64_t n = 0, bad = 0;
  auto check = [&](uint32_t a) {
    ++n;
    if (sse::rcp14(a) != host_rcp(a) || sse::rsqrt14(a) != host_rsqrt(a)) {
      if (++bad <= 5) std::printf("RCP/RSQRT mismatch at %08X\n", a);
    }
  };
  for (uint32_t m = 0; m < (1u << 23); ++m) {
    check(0x3F800000u | m);
    check(0x40000000u | m);
  }
  for (uint32_t a = 0; a < 0xFFFFFFFFu - 1009; a += 1009) check(a);
  std::printf("[sse-host] RCP/RSQRT tables: %llu inputs, %llu mismatches\n", (unsigned long long)n,
              (unsigned long long)bad);
  EXPECT_EQ(bad, 0u);
}

TEST(SseFpHost, Compare) {
  static const char* kNames[4][8] = {
      {"CMPEQPS", "CMPLTPS", "CMPLEPS", "CMPUNORDPS", "CMPNEQPS", "CMPNLTPS", "CMPNLEPS", "CMPORDPS"},
      {"CMPEQPD", "CMPLTPD", "CMPLEPD", "CMPUNORDPD", "CMPNEQPD", "CMPNLTPD", "CMPNLEPD", "CMPORDPD"},
      {"CMPEQSS", "CMPLTSS", "CMPLESS", "CMPUNORDSS", "CMPNEQSS", "CMPNLTSS", "CMPNLESS", "CMPORDSS"},
      {"CMPEQSD", "CMPLTSD", "CMPLESD", "CMPUNORDSD", "CMPNEQSD", "CMPNLTSD", "CMPNLESD", "CMPORDSD"}};
  static const uint8_t kPfx[4] = {0, 0x66, 0xF3, 0xF2};
  std::vector<Case> v;
  for (int p = 0; p < 4; ++p)
    for (int imm = 0; imm < 8; ++imm) {
      const Src s = (p & 1) ? Src::F64 : Src::F32;
      v.push_back({kNames[p][imm], enc(kPfx[p], 0xC2, imm), s, Out::Xmm, s});
    }
  run_all(v, cases(1500));
  run_all({{"COMISS", enc(0, 0x2F), Src::F32, Out::Flags, Src::F32},
           {"COMISD", enc(0x66, 0x2F), Src::F64, Out::Flags, Src::F64},
           {"UCOMISS", enc(0, 0x2E), Src::F32, Out::Flags, Src::F32},
           {"UCOMISD", enc(0x66, 0x2E), Src::F64, Out::Flags, Src::F64}},
          cases(4000));
}

TEST(SseFpHost, Conversions) {
  run_all({{"CVTPI2PS", enc(0, 0x2A), Src::Mmx, Out::Xmm, Src::F32},
           {"CVTPI2PD", enc(0x66, 0x2A), Src::Mmx, Out::Xmm, Src::F64},
           {"CVTSI2SS", enc(0xF3, 0x2A), Src::Gpr, Out::Xmm, Src::F32},
           {"CVTSI2SD", enc(0xF2, 0x2A), Src::Gpr, Out::Xmm, Src::F64},
           {"CVTTPS2PI", enc(0, 0x2C), Src::F32, Out::Mmx, Src::I32},
           {"CVTTPD2PI", enc(0x66, 0x2C), Src::F64, Out::Mmx, Src::I32},
           {"CVTTSS2SI", enc(0xF3, 0x2C), Src::F32, Out::Gpr, Src::I32},
           {"CVTTSD2SI", enc(0xF2, 0x2C), Src::F64, Out::Gpr, Src::I32},
           {"CVTPS2PI", enc(0, 0x2D), Src::F32, Out::Mmx, Src::I32},
           {"CVTPD2PI", enc(0x66, 0x2D), Src::F64, Out::Mmx, Src::I32},
           {"CVTSS2SI", enc(0xF3, 0x2D), Src::F32, Out::Gpr, Src::I32},
           {"CVTSD2SI", enc(0xF2, 0x2D), Src::F64, Out::Gpr, Src::I32},
           {"CVTPS2PD", enc(0, 0x5A), Src::F32, Out::Xmm, Src::F64},
           {"CVTPD2PS", enc(0x66, 0x5A), Src::F64, Out::Xmm, Src::F32},
           {"CVTSS2SD", enc(0xF3, 0x5A), Src::F32, Out::Xmm, Src::F64},
           {"CVTSD2SS", enc(0xF2, 0x5A), Src::F64, Out::Xmm, Src::F32},
           {"CVTDQ2PS", enc(0, 0x5B), Src::I32, Out::Xmm, Src::F32},
           {"CVTPS2DQ", enc(0x66, 0x5B), Src::F32, Out::Xmm, Src::I32},
           {"CVTTPS2DQ", enc(0xF3, 0x5B), Src::F32, Out::Xmm, Src::I32},
           {"CVTTPD2DQ", enc(0x66, 0xE6), Src::F64, Out::Xmm, Src::I32},
           {"CVTDQ2PD", enc(0xF3, 0xE6), Src::I32, Out::Xmm, Src::F64},
           {"CVTPD2DQ", enc(0xF2, 0xE6), Src::F64, Out::Xmm, Src::I32}},
          cases(4000));
}

TEST(SseFpHost, SignMasks) {
  run_all({{"MOVMSKPS", enc(0, 0x50), Src::F32, Out::Gpr, Src::F32},
           {"MOVMSKPD", enc(0x66, 0x50), Src::F64, Out::Gpr, Src::F64}},
          cases(2000));
}

}  // namespace
}  // namespace rz::test

#endif
