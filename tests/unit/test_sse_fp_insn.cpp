// tests/unit/test_sse_fp_insn.cpp: SSE/SSE2 floating-point instructions as programs on the
// emulator, for what the host comparison cannot show: memory forms and their alignment
// rule, LDMXCSR/STMXCSR and the reserved-bit #GP, #UD/#NM availability, #XM versus #UD by
// CR4.OSXMMEXCPT, "no destination written" on a fault, per-lane flag merging, DAZ/FTZ and
// the rounding modes on known values, and the MMX transition of the CVT*PI forms.
#include <algorithm>
#include <cstring>

#include "cpu/fpu/x87.h"
#include "cpu/sse/softfp.h"
#include "tests/unit/sse_rig.h"

namespace rz::test {
namespace {

using Bytes = std::vector<uint8_t>;

uint32_t f2u(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
uint64_t d2u(double d) { uint64_t u; std::memcpy(&u, &d, 8); return u; }
template <typename T>
T lane(const uint8_t* v, unsigned k) { T x; std::memcpy(&x, v + k * sizeof(T), sizeof(T)); return x; }
template <typename T>
void put(uint8_t* v, unsigned k, T x) { std::memcpy(v + k * sizeof(T), &x, sizeof(T)); }

SseState ps(std::initializer_list<float> a, std::initializer_list<float> b, uint32_t mxcsr = 0x1F80) {
  SseState s;
  unsigned k = 0;
  for (float f : a) put<uint32_t>(s.x0, k++, f2u(f));
  k = 0;
  for (float f : b) put<uint32_t>(s.x1, k++, f2u(f));
  s.mxcsr = mxcsr;
  return s;
}

TEST(SseFpInsn, AddpsAndScalarKeepsUpperLanes) {
  SseRig add({0x0F, 0x58, 0xC1});  // ADDPS xmm0, xmm1
  SseState o = add.run(ps({1, 2, 3, 4}, {10, 20, 30, 40}));
  EXPECT_EQ(o.vector, -1);
  EXPECT_EQ(lane<uint32_t>(o.x0, 0), f2u(11));
  EXPECT_EQ(lane<uint32_t>(o.x0, 3), f2u(44));
  SseRig adds({0xF3, 0x0F, 0x58, 0xC1});  // ADDSS
  o = adds.run(ps({1, 2, 3, 4}, {10, 20, 30, 40}));
  EXPECT_EQ(lane<uint32_t>(o.x0, 0), f2u(11));
  EXPECT_EQ(lane<uint32_t>(o.x0, 1), f2u(2));
  EXPECT_EQ(lane<uint32_t>(o.x0, 3), f2u(4));
  EXPECT_EQ(o.mxcsr, 0x1F80u);
}

TEST(SseFpInsn, MemoryFormsAndAlignment) {
  // ADDPD xmm0, [0x3000] (16-bit addressing: 66 0F 58 06 00 30) and at 0x3008 (#GP).
  SseRig ok({0x66, 0x0F, 0x58, 0x06, 0x00, 0x30});
  put<uint64_t>(ok.mem(), 0, d2u(0.5));
  put<uint64_t>(ok.mem(), 1, d2u(-2.0));
  SseState in;
  put<uint64_t>(in.x0, 0, d2u(1.0));
  put<uint64_t>(in.x0, 1, d2u(1.0));
  SseState o = ok.run(in);
  EXPECT_EQ(o.vector, -1);
  EXPECT_EQ(lane<uint64_t>(o.x0, 0), d2u(1.5));
  EXPECT_EQ(lane<uint64_t>(o.x0, 1), d2u(-1.0));
  SseRig mis({0x66, 0x0F, 0x58, 0x06, 0x08, 0x30});
  o = mis.run(in);
  EXPECT_EQ(o.vector, int(kGP));
  EXPECT_EQ(lane<uint64_t>(o.x0, 0), d2u(1.0));
  // The scalar form reads 8 bytes anywhere: ADDSD xmm0, [0x3008].
  SseRig sd({0xF2, 0x0F, 0x58, 0x06, 0x08, 0x30});
  put<uint64_t>(sd.mem(), 1, d2u(2.0));
  o = sd.run(in);
  EXPECT_EQ(o.vector, -1);
  EXPECT_EQ(lane<uint64_t>(o.x0, 0), d2u(3.0));
  EXPECT_EQ(lane<uint64_t>(o.x0, 1), d2u(1.0));
  // CVTPS2PD reads an m64: no alignment rule.
  SseRig cv({0x0F, 0x5A, 0x06, 0x04, 0x30});
  put<uint32_t>(cv.mem(), 1, f2u(1.25f));
  put<uint32_t>(cv.mem(), 2, f2u(-3.0f));
  o = cv.run(in);
  EXPECT_EQ(o.vector, -1);
  EXPECT_EQ(lane<uint64_t>(o.x0, 0), d2u(1.25));
  EXPECT_EQ(lane<uint64_t>(o.x0, 1), d2u(-3.0));
}

TEST(SseFpInsn, LdmxcsrStmxcsr) {
  // LDMXCSR [0x3000]; STMXCSR [0x3004]
  SseRig r({0x0F, 0xAE, 0x16, 0x00, 0x30, 0x0F, 0xAE, 0x1E, 0x04, 0x30});
  put<uint32_t>(r.mem(), 0, 0xFFFF);  // every defined bit, DAZ included
  SseState o = r.run(SseState{});
  EXPECT_EQ(o.vector, -1);
  EXPECT_EQ(o.mxcsr, 0xFFFFu);
  EXPECT_EQ(lane<uint32_t>(r.mem(), 1), 0xFFFFu);
  put<uint32_t>(r.mem(), 0, 0x11F80);  // reserved bit 16
  put<uint32_t>(r.mem(), 1, 0);
  o = r.run(SseState{});
  EXPECT_EQ(o.vector, int(kGP));
  EXPECT_EQ(o.mxcsr, 0x1F80u);
  EXPECT_EQ(lane<uint32_t>(r.mem(), 1), 0u);
}

TEST(SseFpInsn, FxsaveReportsDazInMxcsrMask) {
  // FXSAVE [0x3000]: MXCSR_MASK (offset 28) has DAZ (bit 6); FXRSTOR accepts DAZ and #GPs
  // on a reserved bit, like LDMXCSR.
  SseRig save({0x0F, 0xAE, 0x06, 0x00, 0x30});
  SseState in;
  in.mxcsr = 0x1FC0;
  SseState o = save.run(in);
  EXPECT_EQ(o.vector, -1);
  EXPECT_EQ(lane<uint32_t>(save.mem(), 6), 0x1FC0u);
  EXPECT_EQ(lane<uint32_t>(save.mem(), 7), 0xFFFFu);
  SseRig restore({0x0F, 0xAE, 0x0E, 0x00, 0x30});
  std::memcpy(restore.mem(), save.mem(), 512);
  put<uint32_t>(restore.mem(), 6, 0x9FC0);  // FTZ and DAZ
  o = restore.run(SseState{});
  EXPECT_EQ(o.vector, -1);
  EXPECT_EQ(o.mxcsr, 0x9FC0u);
  put<uint32_t>(restore.mem(), 6, 0x21F80);
  o = restore.run(SseState{});
  EXPECT_EQ(o.vector, int(kGP));
  EXPECT_EQ(o.mxcsr, 0x1F80u);
}

TEST(SseFpInsn, AvailabilityUdAndNm) {
  SseRig r({0x0F, 0x58, 0xC1});
  r.cpu().cr4 &= ~CR4_OSFXSR;
  EXPECT_EQ(r.run(ps({1}, {1})).vector, int(kUD));
  r.cpu().cr4 |= CR4_OSFXSR;
  r.cpu().cr0 |= CR0_EM;
  EXPECT_EQ(r.run(ps({1}, {1})).vector, int(kUD));
  r.cpu().cr0 = (r.cpu().cr0 & ~CR0_EM) | CR0_TS;
  SseState o = r.run(ps({1}, {1}));
  EXPECT_EQ(o.vector, int(kNM));
  EXPECT_EQ(lane<uint32_t>(o.x0, 0), f2u(1));
}

TEST(SseFpInsn, UnmaskedExceptionXmOrUd) {
  // DIVPS with lane 1 dividing by zero, ZE unmasked: #XM, ZE set, nothing written.
  const uint32_t mx = 0x1F80 & ~(1u << 9);
  SseRig r({0x0F, 0x5E, 0xC1});
  SseState in = ps({1, 1, 3, 4}, {2, 0, 1, 1}, mx);
  SseState o = r.run(in);
  EXPECT_EQ(o.vector, int(kXM));
  EXPECT_EQ(o.mxcsr, mx | sse::kZE);
  EXPECT_EQ(std::memcmp(o.x0, in.x0, 16), 0);
  r.cpu().cr4 &= ~CR4_OSXMMEXCPT;
  o = r.run(in);
  EXPECT_EQ(o.vector, int(kUD));
  EXPECT_EQ(o.mxcsr, mx | sse::kZE);
  EXPECT_EQ(std::memcmp(o.x0, in.x0, 16), 0);
}

TEST(SseFpInsn, PreComputationStopsBeforePostComputation) {
  // Lane 0 overflows (OE masked? no: everything unmasked except DE), lane 1 divides by
  // zero with ZE unmasked: only the pre-computation flag ZE is set.
  const uint32_t mx = (1u << 8);  // only DM masked
  SseRig r({0x0F, 0x5E, 0xC1});
  SseState in = ps({3e38f, 1, 1, 1}, {1e-5f, 0, 1, 1}, mx);
  SseState o = r.run(in);
  EXPECT_EQ(o.vector, int(kXM));
  EXPECT_EQ(o.mxcsr, mx | sse::kZE);
  // Without the zero divisor, the overflow is reported with PE, still no write.
  in = ps({3e38f, 1, 1, 1}, {1e-5f, 1, 1, 1}, mx);
  o = r.run(in);
  EXPECT_EQ(o.vector, int(kXM));
  EXPECT_EQ(o.mxcsr, mx | sse::kOE | sse::kPE);
  EXPECT_EQ(std::memcmp(o.x0, in.x0, 16), 0);
}

TEST(SseFpInsn, MaskedLanesMergeFlags) {
  // MULPS, all masked: lane 0 overflow, lane 1 exact, lane 2 denormal operand, lane 3
  // inexact: OE|PE|DE, masked results written.
  SseRig r({0x0F, 0x59, 0xC1});
  SseState in = ps({3e38f, 2, 1e-40f, 1.0f / 3}, {10, 3, 1, 3});
  SseState o = r.run(in);
  EXPECT_EQ(o.vector, -1);
  EXPECT_EQ(o.mxcsr, 0x1F80u | sse::kOE | sse::kPE | sse::kDE);
  EXPECT_EQ(lane<uint32_t>(o.x0, 0), 0x7F800000u);
  EXPECT_EQ(lane<uint32_t>(o.x0, 1), f2u(6));
  EXPECT_EQ(lane<uint32_t>(o.x0, 2), f2u(1e-40f));
}

TEST(SseFpInsn, DazAndFtz) {
  SseRig r({0xF3, 0x0F, 0x58, 0xC1});  // ADDSS
  const float den = 1e-40f;
  // DAZ: the denormal reads as zero, no DE.
  SseState o = r.run(ps({den}, {0}, 0x1F80 | (1u << 6)));
  EXPECT_EQ(lane<uint32_t>(o.x0, 0), 0u);
  EXPECT_EQ(o.mxcsr, 0x1F80u | (1u << 6));
  // Without DAZ: the denormal sum is exact and stays (DE only).
  o = r.run(ps({den}, {0}));
  EXPECT_EQ(lane<uint32_t>(o.x0, 0), f2u(den));
  EXPECT_EQ(o.mxcsr, 0x1F80u | sse::kDE);
  // FTZ: a tiny result becomes zero with UE and PE.
  SseRig m({0xF3, 0x0F, 0x59, 0xC1});  // MULSS
  o = m.run(ps({1e-20f}, {-1e-20f}, 0x1F80 | (1u << 15)));
  EXPECT_EQ(lane<uint32_t>(o.x0, 0), 0x80000000u);
  EXPECT_EQ(o.mxcsr, 0x1F80u | (1u << 15) | sse::kUE | sse::kPE);
  // Without FTZ: the gradual-underflow denormal, UE and PE.
  o = m.run(ps({1e-20f}, {-1e-20f}));
  EXPECT_EQ(lane<uint32_t>(o.x0, 0) & 0x7F800000u, 0u);
  EXPECT_NE(lane<uint32_t>(o.x0, 0) & 0x007FFFFFu, 0u);
  EXPECT_EQ(o.mxcsr, 0x1F80u | sse::kUE | sse::kPE);
}

TEST(SseFpInsn, RoundingModesOnOneThird) {
  SseRig r({0xF2, 0x0F, 0x5E, 0xC1});  // DIVSD 1/3 and -1/3
  const uint64_t third = 0x3FD5555555555555ull;  // round-to-nearest = truncated
  for (int sign = 0; sign < 2; ++sign)
    for (uint32_t rc = 0; rc < 4; ++rc) {
      SseState in;
      put<uint64_t>(in.x0, 0, d2u(sign ? -1.0 : 1.0));
      put<uint64_t>(in.x1, 0, d2u(3.0));
      in.mxcsr = 0x1F80 | rc << 13;
      SseState o = r.run(in);
      const bool away = (rc == 1 && sign) || (rc == 2 && !sign);
      const uint64_t want = (third + (away ? 1 : 0)) | (uint64_t(sign) << 63);
      EXPECT_EQ(lane<uint64_t>(o.x0, 0), want) << "rc=" << rc << " sign=" << sign;
      EXPECT_EQ(o.mxcsr & 0x3F, sse::kPE);
    }
  // CVTSD2SI by each rounding mode on -2.5 and the truncating form.
  SseRig cv({0xF2, 0x0F, 0x2D, 0xC1});
  static const int32_t kWant[4] = {-2, -3, -2, -2};
  for (uint32_t rc = 0; rc < 4; ++rc) {
    SseState in;
    put<uint64_t>(in.x1, 0, d2u(-2.5));
    in.mxcsr = 0x1F80 | rc << 13;
    EXPECT_EQ(int32_t(cv.run(in).eax), kWant[rc]) << rc;
  }
  SseRig cvt({0xF2, 0x0F, 0x2C, 0xC1});
  SseState in;
  put<uint64_t>(in.x1, 0, d2u(-2.7));
  in.mxcsr = 0x1F80 | 1u << 13;
  EXPECT_EQ(int32_t(cvt.run(in).eax), -2);
}

TEST(SseFpInsn, NanRulesAndIndefinites) {
  SseRig add({0x0F, 0x58, 0xC1});
  // Lane 0: QNaN + SNaN -> first operand's QNaN, IE. Lane 1: SNaN + 1 -> quieted.
  // Lane 2: inf - inf -> indefinite. Lane 3: 1 + QNaN -> the second's QNaN.
  SseState in;
  put<uint32_t>(in.x0, 0, 0x7FC00011u);
  put<uint32_t>(in.x1, 0, 0xFF800022u);
  put<uint32_t>(in.x0, 1, 0xFF800033u);
  put<uint32_t>(in.x1, 1, f2u(1));
  put<uint32_t>(in.x0, 2, 0x7F800000u);
  put<uint32_t>(in.x1, 2, 0xFF800000u);
  put<uint32_t>(in.x0, 3, f2u(1));
  put<uint32_t>(in.x1, 3, 0x7FC00044u);
  SseState o = add.run(in);
  EXPECT_EQ(lane<uint32_t>(o.x0, 0), 0x7FC00011u);
  EXPECT_EQ(lane<uint32_t>(o.x0, 1), 0xFFC00033u);
  EXPECT_EQ(lane<uint32_t>(o.x0, 2), 0xFFC00000u);
  EXPECT_EQ(lane<uint32_t>(o.x0, 3), 0x7FC00044u);
  EXPECT_EQ(o.mxcsr, 0x1F80u | sse::kIE);
  // MAXSS returns the second operand for a NaN or for two zeros; IE for a QNaN.
  SseRig mx({0xF3, 0x0F, 0x5F, 0xC1});
  o = mx.run(ps({0.0f}, {-0.0f}));
  EXPECT_EQ(lane<uint32_t>(o.x0, 0), 0x80000000u);
  SseState q = ps({1}, {0});
  put<uint32_t>(q.x0, 0, 0x7FC00001u);
  put<uint32_t>(q.x1, 0, f2u(5));
  o = mx.run(q);
  EXPECT_EQ(lane<uint32_t>(o.x0, 0), f2u(5));
  EXPECT_EQ(o.mxcsr, 0x1F80u | sse::kIE);
  // CVTTSS2SI of 3e9 and of a NaN: integer indefinite with IE.
  SseRig cv({0xF3, 0x0F, 0x2C, 0xC1});
  o = cv.run(ps({}, {3e9f}));
  EXPECT_EQ(o.eax, 0x80000000u);
  EXPECT_EQ(o.mxcsr, 0x1F80u | sse::kIE);
}

TEST(SseFpInsn, ComisFlags) {
  SseRig r({0x0F, 0x2F, 0xC1});  // COMISS xmm0, xmm1
  struct { float a, b; uint32_t f; } kCases[] = {{1, 2, CF}, {2, 1, 0}, {3, 3, ZF}, {-0.0f, 0.0f, ZF}};
  for (auto& k : kCases) {
    SseState in = ps({k.a}, {k.b});
    in.eflags = OF | SF | AF;
    SseState o = r.run(in);
    EXPECT_EQ(o.eflags & kArithFlags, k.f) << k.a << " " << k.b;
  }
  SseState n = ps({1}, {1});
  put<uint32_t>(n.x1, 0, 0x7FC00000u);
  SseState o = r.run(n);
  EXPECT_EQ(o.eflags & kArithFlags, ZF | PF | CF);
  EXPECT_EQ(o.mxcsr, 0x1F80u | sse::kIE);  // COMISS signals on a QNaN
  SseRig u({0x0F, 0x2E, 0xC1});             // UCOMISS does not
  o = u.run(n);
  EXPECT_EQ(o.eflags & kArithFlags, ZF | PF | CF);
  EXPECT_EQ(o.mxcsr, 0x1F80u);
}

TEST(SseFpInsn, MmxTransitionOfPiConversions) {
  // CVTPI2PS xmm0, mm1 makes TOP 0 and tags everything valid.
  SseRig r({0x0F, 0x2A, 0xC1});
  Cpu& c = r.cpu();
  x87::reset_state(c.fpu);
  x87::set_top(c.fpu, 5);
  SseState in;
  in.mm1 = uint64_t(uint32_t(-7)) << 32 | 3;
  // The rig writes MMX registers through set_mm, which leaves TOP and tags alone.
  SseState o = r.run(in);
  EXPECT_EQ(o.vector, -1);
  EXPECT_EQ(lane<uint32_t>(o.x0, 0), f2u(3));
  EXPECT_EQ(lane<uint32_t>(o.x0, 1), f2u(-7));
  EXPECT_EQ(x87::top(c.fpu), 0u);
  EXPECT_EQ(c.fpu.ftw, 0u);
  // CVTPI2PD xmm0, [0x3000] does not.
  SseRig m({0x66, 0x0F, 0x2A, 0x06, 0x00, 0x30});
  Cpu& d = m.cpu();
  put<uint32_t>(m.mem(), 0, 5);
  put<uint32_t>(m.mem(), 1, uint32_t(-1));
  x87::reset_state(d.fpu);
  x87::set_top(d.fpu, 5);
  o = m.run(SseState{});
  EXPECT_EQ(lane<uint64_t>(o.x0, 0), d2u(5));
  EXPECT_EQ(lane<uint64_t>(o.x0, 1), d2u(-1));
  EXPECT_EQ(x87::top(d.fpu), 5u);
  EXPECT_EQ(d.fpu.ftw, 0xFFFF);
  // CVTPS2PI mm0, xmm1 with a pending unmasked x87 exception: #MF (CR0.NE), no change.
  SseRig p({0x0F, 0x2D, 0xC1});
  Cpu& e = p.cpu();
  e.cr0 |= CR0_NE;
  x87::reset_state(e.fpu);
  e.fpu.fcw = 0x037E;  // IM clear
  e.fpu.fsw = x87::SW_IE | x87::SW_ES | x87::SW_B;
  SseState pi = ps({}, {1.0f, 2.0f});
  o = p.run(pi);
  EXPECT_EQ(o.vector, int(kMF));
  EXPECT_EQ(o.mm0, 0u);
}

TEST(SseFpInsn, MovmskAndReciprocalBound) {
  SseRig r({0x0F, 0x50, 0xC1});  // MOVMSKPS eax, xmm1
  SseState in = ps({}, {-1, 2, -0.0f, 4});
  EXPECT_EQ(r.run(in).eax, 0x5u);
  // RCPPS/RSQRTPS meet the documented |relative error| <= 1.5 * 2^-12 on every
  // significand of [1, 2) and [2, 4).
  double worst_rcp = 0, worst_rsqrt = 0;
  for (uint32_t m = 0; m < (1u << 23); m += 37) {
    for (uint32_t be : {127u, 128u}) {
      const uint32_t a = be << 23 | m;
      float x;
      std::memcpy(&x, &a, 4);
      uint32_t rr = sse::rcp14(a), rs = sse::rsqrt14(a);
      float fr, fs;
      std::memcpy(&fr, &rr, 4);
      std::memcpy(&fs, &rs, 4);
      const double er = double(fr) * double(x) - 1.0;
      const double es = double(fs) * __builtin_sqrt(double(x)) - 1.0;
      worst_rcp = std::max(worst_rcp, er < 0 ? -er : er);
      worst_rsqrt = std::max(worst_rsqrt, es < 0 ? -es : es);
    }
  }
  EXPECT_LE(worst_rcp, 1.5 / 4096);
  EXPECT_LE(worst_rsqrt, 1.5 / 4096);
}

}  // namespace
}  // namespace rz::test
