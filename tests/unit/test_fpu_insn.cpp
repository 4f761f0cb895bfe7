// tests/unit/test_fpu_insn.cpp: x87 instructions run as real-mode programs: results in
// memory and registers, the stack and tag word, stack faults, CR0.EM/TS/MP/NE (#NM, #MF,
// FERR#), the environment and save-image layouts, FIP/FOP, FCOMI/FCMOV, FXSAVE/FXRSTOR,
// and FISTTP being #UD on a P6.
#include <cstring>

#include "cpu/fpu/x87.h"
#include "tests/unit/harness.h"

namespace rz::test {
namespace {

using namespace x87;

constexpr uint32_t kData = 0x3000;

void set_vector(Snippet& s, unsigned vec, uint16_t ip) {
  s.ram()[vec * 4] = uint8_t(ip);
  s.ram()[vec * 4 + 1] = uint8_t(ip >> 8);
  s.ram()[vec * 4 + 2] = 0;
  s.ram()[vec * 4 + 3] = 0;
  s.ram()[ip] = 0xF4;  // HLT
}
uint16_t rd16(Snippet& s, uint32_t a) { uint16_t v; std::memcpy(&v, s.ram() + a, 2); return v; }
uint32_t rd32(Snippet& s, uint32_t a) { uint32_t v; std::memcpy(&v, s.ram() + a, 4); return v; }
void wr16(Snippet& s, uint32_t a, uint16_t v) { std::memcpy(s.ram() + a, &v, 2); }
// The IP an exception pushed (real mode: IP is at SP).
uint16_t pushed_ip(Snippet& s) { return rd16(s, 0x8000 - 6); }

TEST(FpuInsn, AddAndStoreSingle) {
  // FLD1; FLD1; FADDP ST(1),ST(0); FSTP dword [0x3000]
  Snippet s({0xD9, 0xE8, 0xD9, 0xE8, 0xDE, 0xC1, 0xD9, 0x1E, 0x00, 0x30, 0xF4});
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(rd32(s, kData), 0x40000000u);
  EXPECT_EQ(s.cpu().fpu.ftw, 0xFFFF);
  EXPECT_EQ(top(s.cpu().fpu), 0u);
}

TEST(FpuInsn, IntegerDivideAndRoundToEven) {
  // FILD [3000]=7; FILD [3002]=2; FDIVP ST(1),ST(0) -> 3.5; FISTP [3004] -> 4; FNSTSW AX
  Snippet s({0xDF, 0x06, 0x00, 0x30, 0xDF, 0x06, 0x02, 0x30, 0xDE, 0xF9, 0xDF, 0x1E, 0x04, 0x30,
             0xDF, 0xE0, 0xF4});
  wr16(s, kData, 7);
  wr16(s, kData + 2, 2);
  s.run();
  EXPECT_EQ(rd16(s, kData + 4), 4);
  EXPECT_EQ(s.cpu().r[EAX] & 0xFFFF, SW_PE | SW_C1);  // 3.5 -> 4: inexact, rounded up, TOP 0
}

TEST(FpuInsn, StackOverflowAndUnderflow) {
  std::vector<uint8_t> code;
  for (int k = 0; k < 9; ++k) code.insert(code.end(), {0xD9, 0xE8});  // 9 x FLD1
  code.push_back(0xF4);
  Snippet s(code);
  s.run();
  FpuState& f = s.cpu().fpu;
  EXPECT_EQ(f.fsw & (SW_IE | SW_SF | SW_C1), SW_IE | SW_SF | SW_C1);
  EXPECT_TRUE(fp::same_bits(st(f, 0), fp::f80_indefinite()));
  // Underflow: FADD ST(0),ST(1) on an empty stack.
  Snippet u({0xD8, 0xC1, 0xF4});
  u.run();
  FpuState& g = u.cpu().fpu;
  EXPECT_EQ(g.fsw & (SW_IE | SW_SF | SW_C1), SW_IE | SW_SF);
  EXPECT_TRUE(fp::same_bits(st(g, 0), fp::f80_indefinite()));
}

TEST(FpuInsn, EmulationAndTaskSwitchedRaiseNm) {
  Snippet s({0xD9, 0xE8, 0xF4});
  set_vector(s, kNM, 0x2000);
  s.cpu().cr0 |= CR0_EM;
  s.run();
  EXPECT_EQ(s.cpu().eip, 0x2001u);
  EXPECT_EQ(pushed_ip(s), 0x1000);
  EXPECT_EQ(s.cpu().fpu.ftw, 0xFFFF);  // nothing executed

  Snippet t({0xD9, 0xE8, 0xF4});
  set_vector(t, kNM, 0x2000);
  t.cpu().cr0 |= CR0_TS;
  t.run();
  EXPECT_EQ(t.cpu().eip, 0x2001u);
}

TEST(FpuInsn, WaitFaultsOnlyWithTsAndMp) {
  Snippet s({0x9B, 0xF4});
  set_vector(s, kNM, 0x2000);
  s.cpu().cr0 |= CR0_TS | CR0_EM;  // EM alone does not affect WAIT
  s.run();
  EXPECT_EQ(s.cpu().eip, 0x1002u);
  Snippet t({0x9B, 0xF4});
  set_vector(t, kNM, 0x2000);
  t.cpu().cr0 |= CR0_TS | CR0_MP;
  t.run();
  EXPECT_EQ(t.cpu().eip, 0x2001u);
}

// FLDCW [3000] (ZE unmasked); FLDZ; FLD1; FDIV ST(0),ST(1); FWAIT; HLT
std::vector<uint8_t> zero_divide_program() {
  return {0xD9, 0x2E, 0x00, 0x30, 0xD9, 0xEE, 0xD9, 0xE8, 0xD8, 0xF1, 0x9B, 0xF4};
}

TEST(FpuInsn, PendingExceptionRaisesMfWithNe) {
  Snippet s(zero_divide_program());
  wr16(s, kData, 0x037B);
  set_vector(s, kMF, 0x2000);
  s.cpu().cr0 |= CR0_NE;
  s.run();
  EXPECT_EQ(s.cpu().eip, 0x2001u);
  EXPECT_EQ(pushed_ip(s), 0x100A);  // the FWAIT
  FpuState& f = s.cpu().fpu;
  EXPECT_EQ(f.fsw & (SW_ZE | SW_ES | SW_B), SW_ZE | SW_ES | SW_B);
  EXPECT_TRUE(fp::same_bits(st(f, 0), fp::f80_one()));  // unmasked ZE: no result stored
  EXPECT_EQ(f.fip, 0x1008u);                          // FDIV's address
  EXPECT_EQ(f.fop, 0x0F1);                            // D8 F1
}

struct FerrLog {
  const Cpu* cpu = nullptr;
  int asserts = 0, deasserts = 0;
  uint32_t assert_eip = 0;  // EIP of the instruction running when FERR# was asserted
  static void hook(void* ctx, bool on) {
    auto* l = static_cast<FerrLog*>(ctx);
    (on ? l->asserts : l->deasserts)++;
    if (on) l->assert_eip = l->cpu->eip;
  }
};

// CR0.NE=0 (MS-DOS compatibility mode) on a P6: FERR# is asserted when the FDIV completes
// (SDM vol. 3 "Assertion of the FERR# Pin"), and with IGNNE# deasserted the FWAIT freezes
// the processor before it runs: halted with EIP at the FWAIT, no exception delivered.
TEST(FpuInsn, FerrAtTheFaultingInsnThenFreezeAtTheWait) {
  Snippet s(zero_divide_program());
  wr16(s, kData, 0x037B);
  set_vector(s, kMF, 0x2000);
  FerrLog log;
  log.cpu = &s.cpu();
  s.cpu().ferr = FerrLog::hook;
  s.cpu().ferr_ctx = &log;
  EXPECT_EQ(s.run(), StopReason::Halted);  // IF=0: the freeze never ends
  EXPECT_EQ(log.asserts, 1);
  EXPECT_EQ(log.assert_eip, 0x1008u);  // during the FDIV
  EXPECT_EQ(log.deasserts, 0);
  EXPECT_EQ(s.cpu().eip, 0x100Au);  // frozen at the FWAIT, not in the #MF handler
  EXPECT_EQ(s.cpu().stats.exceptions, 0u);
  EXPECT_EQ(s.cpu().fpu.fsw & (SW_ES | SW_ZE), SW_ES | SW_ZE);
}

// With IGNNE# asserted the waiting instructions ignore the pending error; FNCLEX then
// deasserts FERR#.
TEST(FpuInsn, IgnneLetsWaitingInsnsRun) {
  std::vector<uint8_t> code = zero_divide_program();
  code.back() = 0xD9;  // ... FWAIT; FLD1; FNCLEX; HLT
  code.insert(code.end(), {0xE8, 0xDB, 0xE2, 0xF4});
  Snippet s(code);
  wr16(s, kData, 0x037B);
  set_vector(s, kMF, 0x2000);
  FerrLog log;
  log.cpu = &s.cpu();
  s.cpu().ferr = FerrLog::hook;
  s.cpu().ferr_ctx = &log;
  s.cpu().ignne = true;
  s.run();
  EXPECT_EQ(s.cpu().eip, 0x1010u);  // ran to the HLT
  EXPECT_EQ(log.asserts, 1);
  EXPECT_EQ(log.deasserts, 1);
  EXPECT_EQ(top(s.cpu().fpu), 5u);  // FLD1 ran
  EXPECT_EQ(s.cpu().fpu.fsw & (SW_ES | SW_ZE), 0);
}

TEST(FpuInsn, EnvironmentRealMode16And32) {
  // FLD1; FLDZ; FNSTENV [3000]; 66 FNSTENV [3040]; HLT
  Snippet s({0xD9, 0xE8, 0xD9, 0xEE, 0xD9, 0x36, 0x00, 0x30, 0x66, 0xD9, 0x36, 0x40, 0x30, 0xF4});
  s.run();
  // 16-bit real-mode layout.
  EXPECT_EQ(rd16(s, kData + 0), 0x037F);
  EXPECT_EQ(rd16(s, kData + 2), 6 << 11);      // TOP = 6
  EXPECT_EQ(rd16(s, kData + 4), 0x1FFF);       // R7 valid (1.0), R6 zero, rest empty
  EXPECT_EQ(rd16(s, kData + 6), 0x1002);       // FIP (linear) = FLDZ
  EXPECT_EQ(rd16(s, kData + 8), 0x01EE);       // FIP[19:16] | FOP (D9 EE)
  // 32-bit real-mode layout.
  EXPECT_EQ(rd32(s, kData + 0x40), 0xFFFF037Fu);
  EXPECT_EQ(rd32(s, kData + 0x40 + 8), 0xFFFF1FFFu);
  EXPECT_EQ(rd32(s, kData + 0x40 + 12), 0xFFFF1002u);
  EXPECT_EQ(rd32(s, kData + 0x40 + 16), 0x01EEu);
  // FNSTENV masks every exception afterwards.
  EXPECT_EQ(s.cpu().fpu.fcw & 0x3F, 0x3F);
}

TEST(FpuInsn, EnvironmentRoundTrip) {
  // FLDENV [3000] with TOP=3 and an all-empty tag word except R3 (= 2.0 in the register file).
  Snippet s({0xD9, 0x26, 0x00, 0x30, 0xD9, 0xE5, 0xDF, 0xE0, 0xF4});
  s.cpu().fpu.st[3] = fp::from_int(2);
  wr16(s, kData + 0, 0x0C7F);
  wr16(s, kData + 2, 3 << 11);
  wr16(s, kData + 4, 0xFF3F);  // R3 tagged valid
  s.run();
  FpuState& f = s.cpu().fpu;
  EXPECT_EQ(f.fcw, 0x0C7F);
  EXPECT_EQ(top(f), 3u);
  EXPECT_EQ(full_tag_word(f), 0xFF3F);
  // FXAM: positive normal -> C2 only.
  EXPECT_EQ(s.cpu().r[EAX] & (SW_C0 | SW_C1 | SW_C2 | SW_C3), SW_C2);
}

TEST(FpuInsn, SaveAndRestore) {
  // FLD1; FLDPI; FNSAVE [3000]; FRSTOR [3000]; HLT
  Snippet s({0xD9, 0xE8, 0xD9, 0xEB, 0xDD, 0x36, 0x00, 0x30, 0xF4, 0xDD, 0x26, 0x00, 0x30, 0xF4});
  s.run();
  FpuState& f = s.cpu().fpu;
  EXPECT_EQ(f.ftw, 0xFFFF);  // FNSAVE re-initialises
  EXPECT_EQ(f.fcw, 0x037F);
  uint64_t m;
  std::memcpy(&m, s.ram() + kData + 14, 8);
  EXPECT_EQ(m, 0xC90FDAA22168C235ull);  // ST(0) = pi
  EXPECT_EQ(rd16(s, kData + 14 + 8), 0x4000);
  s.cpu().halted = false;
  s.cpu().eip = 0x1009;
  s.run();
  EXPECT_EQ(top(f), 6u);
  EXPECT_TRUE(fp::same_bits(st(f, 0), fp::load_constant(fp::Const::Pi, 0)));
  EXPECT_TRUE(fp::same_bits(st(f, 1), fp::f80_one()));
}

TEST(FpuInsn, ComiAndCmov) {
  // FLD1; FLDZ; FCOMI ST(0),ST(1) (0 < 1: CF); FCMOVB ST(0),ST(1); HLT
  Snippet s({0xD9, 0xE8, 0xD9, 0xEE, 0xDB, 0xF1, 0xDA, 0xC1, 0xF4});
  s.run();
  uint32_t fl = s.flags();
  EXPECT_EQ(fl & (CF | ZF | PF | OF | SF | AF), CF);
  EXPECT_TRUE(fp::same_bits(st(s.cpu().fpu, 0), fp::f80_one()));
}

TEST(FpuInsn, FucomiUnorderedSetsZfPfCf) {
  // FLD1; FLDZ; FDIV ST(0),ST(0) (0/0 -> indefinite, IE masked); FUCOMI ST(0),ST(1)
  Snippet s({0xD9, 0xE8, 0xD9, 0xEE, 0xD8, 0xF0, 0xDB, 0xE9, 0xF4});
  s.run();
  EXPECT_EQ(s.flags() & (CF | ZF | PF), CF | ZF | PF);
}

TEST(FpuInsn, FisttpIsUndefinedOnP6) {
  Snippet s({0xDF, 0x0E, 0x00, 0x30, 0xF4});  // FISTTP m16 (SSE3)
  set_vector(s, kUD, 0x2000);
  s.run();
  EXPECT_EQ(s.cpu().eip, 0x2001u);
}

TEST(FpuInsn, FxsaveFxrstor) {
  // FLD1; FXSAVE [3000]; FNINIT; FXRSTOR [3000]; HLT
  Snippet s({0xD9, 0xE8, 0x0F, 0xAE, 0x06, 0x00, 0x30, 0xDB, 0xE3, 0x0F, 0xAE, 0x0E, 0x00, 0x30,
             0xF4});
  s.run();
  EXPECT_EQ(rd16(s, kData + 0), 0x037F);
  EXPECT_EQ(s.ram()[kData + 4], 0x80);  // abridged tag: R7 valid
  EXPECT_EQ(rd32(s, kData + 24), 0x1F80u);
  FpuState& f = s.cpu().fpu;
  EXPECT_EQ(top(f), 7u);
  EXPECT_TRUE(fp::same_bits(st(f, 0), fp::f80_one()));
  EXPECT_EQ(full_tag_word(f), 0x3FFF);
  // Misaligned: #GP.
  Snippet t({0x0F, 0xAE, 0x06, 0x08, 0x30, 0xF4});
  set_vector(t, kGP, 0x2000);
  t.run();
  EXPECT_EQ(t.cpu().eip, 0x2001u);
}

TEST(FpuInsn, ConstantsCompareAndExamine) {
  // FLDPI; FLDL2E; FCOMPP (pi vs l2e: ST0=l2e < ST1=pi -> C0); FNSTSW AX
  Snippet s({0xD9, 0xEB, 0xD9, 0xEA, 0xDE, 0xD9, 0xDF, 0xE0, 0xF4});
  s.run();
  EXPECT_EQ(s.cpu().r[EAX] & (SW_C0 | SW_C2 | SW_C3), SW_C0);
  EXPECT_EQ(s.cpu().fpu.ftw, 0xFFFF);
  // FXAM of an empty ST(0): C3 and C0.
  Snippet t({0xD9, 0xE5, 0xDF, 0xE0, 0xF4});
  t.run();
  EXPECT_EQ(t.cpu().r[EAX] & (SW_C0 | SW_C2 | SW_C3), SW_C3 | SW_C0);
}

TEST(FpuInsn, BcdRoundTrip) {
  // FBLD [3000]; FBSTP [3010]
  Snippet s({0xDF, 0x26, 0x00, 0x30, 0xDF, 0x36, 0x10, 0x30, 0xF4});
  const uint8_t bcd[10] = {0x99, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x80};
  std::memcpy(s.ram() + kData, bcd, 10);
  s.run();
  EXPECT_EQ(std::memcmp(s.ram() + kData + 0x10, bcd, 10), 0);
}

TEST(FpuInsn, TranscendentalSinOutOfRangeSetsC2) {
  // FLD tbyte [3000] (2^63); FSIN; FNSTSW AX
  Snippet s({0xDB, 0x2E, 0x00, 0x30, 0xD9, 0xFE, 0xDF, 0xE0, 0xF4});
  F80 big = fp::make_f80(false, 0x3FFF + 63, fp::kJ);
  std::memcpy(s.ram() + kData, &big.mant, 8);
  std::memcpy(s.ram() + kData + 8, &big.se, 2);
  s.run();
  EXPECT_TRUE(s.cpu().r[EAX] & SW_C2);
  EXPECT_TRUE(fp::same_bits(st(s.cpu().fpu, 0), big));
}

}  // namespace
}  // namespace rz::test

namespace rz::test {
namespace {

TEST(FpuInsn, EnvironmentProtectedModeLayouts) {
  // FLD1 (at 0x1000); FNSTENV [3000]; 66 FNSTENV [3040].  CR0.PE is set with the real-mode
  // segment caches left in place: only the layout choice depends on it here.
  Snippet s({0xD9, 0xE8, 0xD9, 0x36, 0x00, 0x30, 0x66, 0xD9, 0x36, 0x40, 0x30, 0xF4});
  s.cpu().cr0 |= CR0_PE;
  s.cpu().seg[CS].sel = 0x0008;
  s.cpu().seg[DS].sel = 0x0010;
  s.run();
  // 16-bit protected: FIP offset, FCS selector, FDP, FDS.
  EXPECT_EQ(rd16(s, kData + 6), 0x1000);
  EXPECT_EQ(rd16(s, kData + 8), 0x0008);
  // 32-bit protected: FIP, FCS | FOP << 16.
  EXPECT_EQ(rd32(s, kData + 0x40 + 12), 0x1000u);
  EXPECT_EQ(rd32(s, kData + 0x40 + 16), 0x0008u | (0x1E8u << 16));
  EXPECT_EQ(rd32(s, kData + 0x40 + 24) & 0xFFFF, 0x0000u);  // FDS: FLD1 has no memory operand
}

TEST(FpuInsn, PowerOnState) {
  FpuState f;
  power_on_state(f);
  EXPECT_EQ(f.fcw, 0x0040);
  EXPECT_EQ(full_tag_word(f), 0x5555);
  EXPECT_EQ(f.fsw, 0);
}

TEST(FpuInsn, WaitingFinitDecodesAsWaitPlusFninit) {
  // FLD1; FINIT (9B DB E3); HLT
  Snippet s({0xD9, 0xE8, 0x9B, 0xDB, 0xE3, 0xF4});
  s.run();
  EXPECT_EQ(s.cpu().eip, 0x1006u);
  EXPECT_EQ(s.cpu().fpu.ftw, 0xFFFF);
  EXPECT_EQ(s.cpu().fpu.fcw, 0x037F);
}

TEST(FpuInsn, FldcwUnmaskingAPendingFlagSetsEs) {
  // FLDZ; FLD1; FDIV ST(0),ST(1) (ZE masked: flag only); FLDCW [3000] (unmask ZE)
  Snippet s({0xD9, 0xEE, 0xD9, 0xE8, 0xD8, 0xF1, 0xD9, 0x2E, 0x00, 0x30, 0xF4});
  wr16(s, kData, 0x037B);
  s.run();
  EXPECT_EQ(s.cpu().fpu.fsw & (SW_ZE | SW_ES | SW_B), SW_ZE | SW_ES | SW_B);
}

}  // namespace
}  // namespace rz::test

namespace rz::test {
namespace {

TEST(FpuInsn, Save32ProtectedRoundTrip) {
  // FLD1; FLDZ; 66 FNSAVE [3000]; 66 FRSTOR [3000]; HLT (CR0.PE set, real-mode caches).
  Snippet s({0xD9, 0xE8, 0xD9, 0xEE, 0x66, 0xDD, 0x36, 0x00, 0x30, 0xF4,
             0x66, 0xDD, 0x26, 0x00, 0x30, 0xF4});
  s.cpu().cr0 |= CR0_PE;
  s.cpu().seg[CS].sel = 0x0018;
  s.run();
  EXPECT_EQ(rd32(s, kData + 12), 0x1002u);                   // FIP = FLDZ
  EXPECT_EQ(rd32(s, kData + 16), 0x0018u | (0x1EEu << 16));  // FCS | FOP
  EXPECT_EQ(s.cpu().fpu.ftw, 0xFFFF);
  s.cpu().halted = false;
  s.cpu().eip = 0x100A;
  s.run();
  FpuState& f = s.cpu().fpu;
  EXPECT_EQ(f.fip, 0x1002u);
  EXPECT_EQ(f.fcs, 0x0018);
  EXPECT_EQ(f.fop, 0x1EE);
  EXPECT_EQ(top(f), 6u);
  EXPECT_TRUE(fp::same_bits(st(f, 0), fp::f80_zero(false)));
  EXPECT_TRUE(fp::same_bits(st(f, 1), fp::f80_one()));
  EXPECT_EQ(full_tag_word(f), 0x1FFF);
}

}  // namespace
}  // namespace rz::test
