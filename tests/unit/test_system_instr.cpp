// tests/unit/test_system_instr.cpp: LGDT/SGDT, LLDT/LTR/SLDT/STR, LMSW/SMSW/CLTS, MOV CRn
// and DRn, RDMSR/WRMSR, RDPMC, SYSENTER/SYSEXIT, LAR/LSL/VERR/VERW and ARPL.
#include "cpu/cpuid.h"
#include "tests/unit/test_system_fixture.h"

namespace rz::test {

TEST(SystemInstr, LgdtSgdtOperandSizes) {
  // Real mode: lgdt [0x2000] (16-bit: 24-bit base) ; sgdt [0x2010] ; o32 sgdt [0x2020]
  Snippet s({0x0F, 0x01, 0x16, 0x00, 0x20, 0x0F, 0x01, 0x06, 0x10, 0x20,
             0x66, 0x0F, 0x01, 0x06, 0x20, 0x20, 0xF4});
  std::memcpy(s.ram() + 0x2000, "\xFF\x00\x44\x33\x22\x11", 6);
  s.run();
  Cpu& c = s.cpu();
  EXPECT_EQ(c.gdtr.limit, 0xFF);
  EXPECT_EQ(c.gdtr.base, 0x223344u);
  EXPECT_EQ(std::memcmp(s.ram() + 0x2010, "\xFF\x00\x44\x33\x22\x00", 6), 0);
  EXPECT_EQ(std::memcmp(s.ram() + 0x2020, "\xFF\x00\x44\x33\x22\x00", 6), 0);
}

TEST(SystemInstr, LgdtAtCpl3IsGp) {
  Pm p;
  p.enter(3, kCode3);
  p.code(kCode3, {0x0F, 0x01, 0x15, 0x00, 0x90, 0x00, 0x00});
  p.run();
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.cpu().gdtr.base, kGdt);
}

TEST(SystemInstr, SgdtRegisterFormIsUd) {
  Pm p;
  p.enter(0, kCode0);
  p.code(kCode0, {0x0F, 0x01, 0xC0 | (0 << 3)});  // 0F 01 C0 (VMX on later CPUs)
  p.run();
  EXPECT_EQ(p.cpu().eip, handler_addr(kUD) + 1);
}

TEST(SystemInstr, LtrSetsBusyAndStrReads) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[EAX] = kTssSel1;
  c.r[EBX] = 0xFFFFFFFF;
  p.code(kCode0, {0x0F, 0x00, 0xD8, 0x0F, 0x00, 0xCB, 0xF4});  // ltr ax ; str ebx
  p.run();
  EXPECT_EQ(c.tr.sel, kTssSel1);
  EXPECT_EQ(c.tr.base, kTss1);
  EXPECT_EQ(p.ram()[kGdt + kTssSel1 + 5], 0x8B);
  EXPECT_EQ(c.r[EBX], uint32_t(kTssSel1));
}

TEST(SystemInstr, LtrBusyTssIsGp) {
  Pm p;
  p.enter(0, kCode0);
  p.cpu().r[EAX] = kTssSel0;  // busy (current)
  p.code(kCode0, {0x0F, 0x00, 0xD8});
  p.run();
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(0), uint32_t(kTssSel0));
}

TEST(SystemInstr, LldtAndSldt) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[EAX] = kLdtSel;
  p.code(kCode0, {0x0F, 0x00, 0xD0, 0x0F, 0x00, 0xC1, 0xF4});  // lldt ax ; sldt ecx
  p.run();
  EXPECT_EQ(c.ldtr.base, kLdtBase);
  EXPECT_EQ(c.ldtr.limit, 0xFFu);
  EXPECT_EQ(c.r[ECX], uint32_t(kLdtSel));
}

TEST(SystemInstr, SldtInRealModeIsUd) {
  Snippet s({0x0F, 0x00, 0xC0});
  s.ram()[0x3000] = 0xF4;
  s.ram()[6 * 4 + 1] = 0x30;
  s.run();
  EXPECT_EQ(s.cpu().eip, 0x3001u);
}

TEST(SystemInstr, LmswCannotClearPe) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[EAX] = 0x000E;  // PE=0, MP, EM, TS
  p.code(kCode0, {0x0F, 0x01, 0xF0, 0x0F, 0x01, 0xE3, 0xF4});  // lmsw ax ; smsw ebx
  p.run();
  EXPECT_EQ(c.cr0 & 0xF, 0xFu);
  EXPECT_EQ(c.r[EBX], c.cr0);
}

TEST(SystemInstr, MovCr0Rules) {
  {
    Pm p;
    p.enter(0, kCode0);
    p.cpu().r[EAX] = CR0_PG;  // PG without PE
    p.code(kCode0, {0x0F, 0x22, 0xC0});
    p.run();
    EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
    EXPECT_TRUE(p.cpu().cr0 & CR0_PE);
  }
  {
    Pm p;
    p.enter(0, kCode0);
    p.cpu().r[EAX] = CR0_PE | CR0_NW;  // NW without CD
    p.code(kCode0, {0x0F, 0x22, 0xC0});
    p.run();
    EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  }
  {
    Pm p;
    p.enter(0, kCode0);
    p.cpu().r[EAX] = CR0_PE | CR0_TS;
    p.code(kCode0, {0x0F, 0x22, 0xC0, 0x0F, 0x20, 0xC3, 0xF4});  // mov cr0,eax ; mov ebx,cr0
    p.run();
    EXPECT_EQ(p.cpu().r[EBX], CR0_PE | CR0_TS | CR0_ET);  // ET is hard-wired
  }
}

TEST(SystemInstr, MovCrAtCpl3IsGpAndCr1IsUd) {
  {
    Pm p;
    p.enter(3, kCode3);
    p.code(kCode3, {0x0F, 0x20, 0xC0});
    p.run();
    EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  }
  {
    Pm p;
    p.enter(0, kCode0);
    p.code(kCode0, {0x0F, 0x20, 0xC8});  // mov eax,cr1
    p.run();
    EXPECT_EQ(p.cpu().eip, handler_addr(kUD) + 1);
  }
}

TEST(SystemInstr, Cr4ReservedAndUnreportedBitsAreGp) {
  Pm p;
  p.enter(0, kCode0);
  p.cpu().r[EAX] = CR4_PAE;  // PAE is not reported by CPUID
  p.code(kCode0, {0x0F, 0x22, 0xE0});
  p.run();
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.cpu().cr4, 0u);
}

TEST(SystemInstr, SwitchToProtectedModeAndBackWithMovCr0) {
  // Real mode: mov cr0,eax (PE) ; jmp far 0008:2000 (ptr16:16) ; at 0x2000 in 16-bit?
  // Use a 32-bit code segment: 66 EA ptr16:32.
  Snippet s({0x0F, 0x22, 0xC0, 0x66, 0xEA, 0x00, 0x20, 0x00, 0x00, 0x08, 0x00});
  Cpu& c = s.cpu();
  // GDT at 0x500: null, flat 32-bit code.
  const uint32_t gdt[4] = {0, 0, 0x0000FFFF, 0x00CF9A00};
  std::memcpy(s.ram() + 0x500, gdt, sizeof gdt);
  c.gdtr.base = 0x500;
  c.gdtr.limit = 15;
  c.r[EAX] = CR0_PE;
  s.ram()[0x2000] = 0xF4;
  EXPECT_EQ(s.run(), StopReason::Halted);
  EXPECT_EQ(c.seg[CS].sel, 8);
  EXPECT_TRUE(c.code32());
  EXPECT_EQ(c.cpl, 0);
  EXPECT_EQ(c.eip, 0x2001u);
  // DS still holds its real-mode cache (selector 0) and stays usable.
  EXPECT_GE(c.seg[DS].rspan, 0);
}

TEST(SystemInstr, DebugRegisterAliasesAndGeneralDetect) {
  {
    Pm p;
    p.enter(0, kCode0);
    Cpu& c = p.cpu();
    c.r[EAX] = 0x0F;
    p.code(kCode0, {0x0F, 0x23, 0xF0, 0x0F, 0x21, 0xE3, 0xF4});  // mov dr6,eax ; mov ebx,dr4
    p.run();
    EXPECT_EQ(c.r[EBX], 0xFFFF0FFFu);  // DR4 aliases DR6; reserved bits read as 1
  }
  {
    Pm p;
    p.enter(0, kCode0);
    p.cpu().cr4 = CR4_DE;
    p.code(kCode0, {0x0F, 0x21, 0xE3});
    p.run();
    EXPECT_EQ(p.cpu().eip, handler_addr(kUD) + 1);
  }
  {
    Pm p;
    p.enter(0, kCode0);
    Cpu& c = p.cpu();
    c.dr[7] = 0x2400;  // GD
    p.code(kCode0, {0x0F, 0x21, 0xC3});
    p.run();
    EXPECT_EQ(c.eip, handler_addr(kDB) + 1);
    EXPECT_EQ(p.stk(0), kCode0);  // fault: the MOV itself
    EXPECT_TRUE(c.dr[6] & 0x2000);
    EXPECT_FALSE(c.dr[7] & 0x2000);
  }
}

TEST(SystemInstr, MsrsAndUnknownMsrGp) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  // wrmsr SYSENTER_EIP ; rdmsr SYSENTER_EIP into EDX:EAX after clearing
  c.r[ECX] = 0x176;
  c.r[EAX] = 0xDEADBEEF;
  c.r[EDX] = 0;
  p.code(kCode0, {0x0F, 0x30, 0x31, 0xC0, 0x0F, 0x32, 0xF4});  // wrmsr ; xor eax,eax ; rdmsr
  p.run();
  EXPECT_EQ(c.sysenter_eip, 0xDEADBEEFu);
  EXPECT_EQ(c.r[EAX], 0xDEADBEEFu);
  Pm q;
  q.enter(0, kCode0);
  q.cpu().r[ECX] = 0x1B;  // APIC base: no APIC reported
  q.code(kCode0, {0x0F, 0x32});
  q.run();
  EXPECT_EQ(q.cpu().eip, handler_addr(kGP) + 1);
}

// Machine-check architecture of a P6 (SDM vol. 3 15.3): MCG_CAP 105h (5 banks, MCG_CTL_P),
// read-only; MCG_STATUS keeps bits 2:0 only; MCi_CTL keeps what is written; MCi_STATUS and
// MCi_ADDR read 0 and may only be cleared; MCi_MISC does not exist in any P6 bank.
namespace {
struct MsrResult {
  bool gp;
  uint64_t value;
};
MsrResult run_msr(bool write, uint32_t msr, uint64_t v = 0) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[ECX] = msr;
  c.r[EAX] = uint32_t(v);
  c.r[EDX] = uint32_t(v >> 32);
  if (write) p.code(kCode0, {0x0F, 0x30, 0x0F, 0x32, 0xF4});  // wrmsr ; rdmsr ; hlt
  else p.code(kCode0, {0x0F, 0x32, 0xF4});                     // rdmsr ; hlt
  p.run();
  return {c.eip == handler_addr(kGP) + 1, (uint64_t(c.r[EDX]) << 32) | c.r[EAX]};
}
}  // namespace

TEST(SystemInstr, MachineCheckRegisters) {
  EXPECT_EQ(cpuid_query(1).edx & ((1u << 7) | (1u << 14)), (1u << 7) | (1u << 14));
  MsrResult r = run_msr(false, 0x179);
  EXPECT_FALSE(r.gp);
  EXPECT_EQ(r.value, 0x105u);
  EXPECT_TRUE(run_msr(true, 0x179, 0x105).gp);  // MCG_CAP is read-only
  r = run_msr(true, 0x17A, 0x4);                 // MCG_STATUS.MCIP
  EXPECT_FALSE(r.gp);
  EXPECT_EQ(r.value, 0x4u);
  EXPECT_TRUE(run_msr(true, 0x17A, 0x8).gp);  // reserved bit
  r = run_msr(true, 0x17B, ~uint64_t(0));      // MCG_CTL: all enabled
  EXPECT_FALSE(r.gp);
  EXPECT_EQ(r.value, ~uint64_t(0));
  for (uint32_t bank = 0; bank < 5; ++bank) {
    const uint32_t base = 0x400 + 4 * bank;
    r = run_msr(true, base, ~uint64_t(0));  // MCi_CTL
    EXPECT_FALSE(r.gp) << bank;
    EXPECT_EQ(r.value, ~uint64_t(0)) << bank;
    r = run_msr(true, base + 1, 0);  // MCi_STATUS: clearing is allowed, no error logged
    EXPECT_FALSE(r.gp) << bank;
    EXPECT_EQ(r.value, 0u) << bank;
    EXPECT_TRUE(run_msr(true, base + 1, uint64_t(1) << 63).gp) << bank;  // writing a 1
    r = run_msr(false, base + 2);  // MCi_ADDR: no address (ADDRV clear)
    EXPECT_FALSE(r.gp) << bank;
    EXPECT_EQ(r.value, 0u) << bank;
    EXPECT_TRUE(run_msr(true, base + 2, 0x1000).gp) << bank;
    EXPECT_TRUE(run_msr(false, base + 3).gp) << bank;  // MCi_MISC: not implemented
    EXPECT_TRUE(run_msr(true, base + 3, 0).gp) << bank;
  }
  EXPECT_TRUE(run_msr(false, 0x414).gp);  // there is no sixth bank
}

// P6 MTRRs (SDM vol. 3 11.11): MTRRCAP 508h (8 variable ranges, fixed ranges, WC) is
// read-only; memory types 2, 3 and 7-FFh and reserved bits are #GP(0); the physical address
// fields have 36 bits.
TEST(SystemInstr, MtrrRegisters) {
  EXPECT_TRUE(cpuid_query(1).edx & (1u << 12));
  MsrResult r = run_msr(false, 0xFE);
  EXPECT_FALSE(r.gp);
  EXPECT_EQ(r.value, 0x508u);
  EXPECT_TRUE(run_msr(true, 0xFE, 0x508).gp);
  r = run_msr(true, 0x2FF, 0xC06);  // E, FE, WB
  EXPECT_FALSE(r.gp);
  EXPECT_EQ(r.value, 0xC06u);
  EXPECT_TRUE(run_msr(true, 0x2FF, 0xC02).gp);    // type 2 is reserved
  EXPECT_TRUE(run_msr(true, 0x2FF, 0xC07).gp);    // type 7 is reserved
  EXPECT_TRUE(run_msr(true, 0x2FF, 0x1006).gp);   // bit 12 is reserved
  r = run_msr(true, 0x20E, 0xFE0000000ull | 5);  // PHYSBASE7: WP at 63.5 GiB (36-bit)
  EXPECT_FALSE(r.gp);
  EXPECT_EQ(r.value, 0xFE0000005ull);
  EXPECT_TRUE(run_msr(true, 0x200, 0xE0000003ull).gp);   // type 3 is reserved
  EXPECT_TRUE(run_msr(true, 0x200, 0xE0000100ull).gp);   // bits 11:8 are reserved
  EXPECT_TRUE(run_msr(true, 0x200, 0x1000000000ull).gp);  // bit 36: beyond 36 bits
  r = run_msr(true, 0x201, 0xFE0000800ull);  // PHYSMASK0: 512 MiB, valid
  EXPECT_FALSE(r.gp);
  EXPECT_EQ(r.value, 0xFE0000800ull);
  EXPECT_TRUE(run_msr(true, 0x201, 0xFE0000801ull).gp);  // bits 10:0 are reserved
  EXPECT_TRUE(run_msr(false, 0x210).gp);                 // no ninth range
  for (uint32_t msr : {0x250u, 0x258u, 0x259u, 0x268u, 0x26Fu}) {
    r = run_msr(true, msr, 0x0006050401000605ull);
    EXPECT_FALSE(r.gp) << std::hex << msr;
    EXPECT_EQ(r.value, 0x0006050401000605ull) << std::hex << msr;
    EXPECT_TRUE(run_msr(true, msr, 0x0606060606070606ull).gp) << std::hex << msr;
  }
  for (uint32_t msr : {0x251u, 0x25Au, 0x267u, 0x270u}) EXPECT_TRUE(run_msr(false, msr).gp) << msr;
}

TEST(SystemInstr, Cr4MceIsWritable) {
  Pm p;
  p.enter(0, kCode0);
  p.cpu().r[EAX] = CR4_MCE;
  p.code(kCode0, {0x0F, 0x22, 0xE0, 0xF4});  // mov cr4,eax ; hlt
  p.run();
  EXPECT_EQ(p.cpu().cr4, uint32_t(CR4_MCE));
}

TEST(SystemInstr, WrmsrTscSetsLow32ClearsHigh) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[ECX] = 0x10;
  c.r[EAX] = 0x1000;
  c.r[EDX] = 0x55;
  p.code(kCode0, {0x0F, 0x30, 0x0F, 0x32, 0xF4});
  p.run();
  EXPECT_EQ(c.r[EDX], 0u);
  EXPECT_GE(c.r[EAX], 0x1000u);
  EXPECT_LT(c.r[EAX], 0x1010u);
}

TEST(SystemInstr, SysenterSysexitRoundTrip) {
  Pm p;
  p.enter(3, kCode3);
  Cpu& c = p.cpu();
  c.sysenter_cs = kCS0;  // CS0, SS0 = +8 (kDS0), ring-3 CS = +16 (0x1B), SS = +24 (0x23)
  c.sysenter_esp = kStack0 - 0x40;
  c.sysenter_eip = kCode0 + 0x300;
  c.r[ECX] = kStack3 - 0x20;
  c.r[EDX] = kCode3 + 0x10;
  c.eflags = 2 | IF;
  p.code(kCode3, {0x0F, 0x34});
  p.code(kCode0 + 0x300, {0x0F, 0x35});  // sysexit
  p.code(kCode3 + 0x10, {0xF4});          // ring-3 hlt -> #GP (IF was cleared)
  p.run();
  EXPECT_EQ(c.eip, handler_addr(kGP) + 1);
  EXPECT_EQ(p.stk(1), kCode3 + 0x10);
  EXPECT_EQ(p.stk(2), uint32_t(kCS3));
  EXPECT_EQ(p.stk(4), kStack3 - 0x20);
  EXPECT_EQ(p.stk(5), uint32_t(kDS3));
}

TEST(SystemInstr, SysenterWithZeroCsIsGp) {
  Pm p;
  p.enter(3, kCode3);
  p.code(kCode3, {0x0F, 0x34});
  p.run();
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
}

// P6 PerfEvtSel0/1 and PerfCtr0/1: INST_RETIRED counted at CPL 0 with OS (counter 0), not
// with USR only (counter 1); a counter write sign-extends bit 31 into the 40-bit counter.
TEST(SystemInstr, P6PerfCountersCountRetiredInstructionsByCpl) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  std::vector<uint8_t> code = {
      0x31, 0xD2,                                // xor edx,edx
      0xB9, 0x86, 0x01, 0x00, 0x00,              // mov ecx,186h
      0xB8, 0xC0, 0x00, 0x42, 0x00,              // mov eax,004200C0h (INST_RETIRED, OS, EN)
      0x0F, 0x30,                                // wrmsr
      0xB9, 0x87, 0x01, 0x00, 0x00,              // mov ecx,187h
      0xB8, 0xC0, 0x00, 0x01, 0x00,              // mov eax,000100C0h (INST_RETIRED, USR)
      0x0F, 0x30,                                // wrmsr
      0xB9, 0xC2, 0x00, 0x00, 0x00,              // mov ecx,C2h
      0xB8, 0x00, 0x00, 0x00, 0x80,              // mov eax,80000000h
      0x0F, 0x30,                                // wrmsr: PerfCtr1 = FF80000000h
      0xB9, 0xC1, 0x00, 0x00, 0x00,              // mov ecx,C1h
      0x31, 0xC0,                                // xor eax,eax
      0x0F, 0x30};                               // wrmsr: PerfCtr0 = 0
  for (int k = 0; k < 10; ++k) code.push_back(0x90);  // 10 x nop
  const std::vector<uint8_t> tail = {
      0x0F, 0x32,                                // rdmsr PerfCtr0 (ECX still C1h)
      0x89, 0xC3,                                // mov ebx,eax
      0xB9, 0x01, 0x00, 0x00, 0x00,              // mov ecx,1
      0x0F, 0x33,                                // rdpmc: PerfCtr1
      0xF4};                                     // hlt
  code.insert(code.end(), tail.begin(), tail.end());
  p.bytes(kCode0, code);
  p.run();
  EXPECT_EQ(c.r[EBX], 11u);  // the 10 NOPs and the RDMSR
  EXPECT_EQ(c.r[EAX], 0x80000000u);
  EXPECT_EQ(c.r[EDX], 0xFFu);
  EXPECT_EQ(c.perf_evtsel[0], 0x004200C0u);
}

TEST(SystemInstr, RdpmcNeedsPceAtCpl3) {
  Pm p;
  p.enter(3, kCode3);
  p.code(kCode3, {0x0F, 0x33});
  p.run();
  EXPECT_EQ(p.cpu().eip, handler_addr(kGP) + 1);
}

TEST(SystemInstr, LarLslVerrVerw) {
  Pm p;
  p.enter(3, kCode3);
  Cpu& c = p.cpu();
  p.desc(kFreeSel, 0x1000, 0x12, kData3Acc, 0x8);  // 4 KiB granular, DPL 3
  // lar eax,cx ; setz? (no SETcc here) -> check EAX and flags after each via separate runs
  c.r[ECX] = kFreeSel | 3;
  c.r[EAX] = 0;
  p.code(kCode3, {0x0F, 0x02, 0xC1, 0x0F, 0x03, 0xD1, 0x0F, 0x00, 0xE9, 0xF4});
  // lar eax,ecx ; lsl edx,ecx ; verw cx ; hlt(#GP)
  p.run();
  EXPECT_EQ(c.r[EAX], 0x0080F200u);  // G, P, DPL 3, S, type 2
  EXPECT_EQ(c.r[EDX], (0x12u << 12) | 0xFFF);
  EXPECT_TRUE(p.stk(3) & ZF);  // VERW: writable DPL-3 data
}

TEST(SystemInstr, LarFailsForDpl0FromRing3AndInvalidTypes) {
  Pm p;
  p.enter(3, kCode3);
  Cpu& c = p.cpu();
  c.r[ECX] = kDS0;
  c.r[EAX] = 0x5555;
  p.code(kCode3, {0x0F, 0x02, 0xC1, 0xF4});
  p.run();
  EXPECT_EQ(c.r[EAX], 0x5555u);  // unchanged
  EXPECT_FALSE(p.stk(3) & ZF);
}

TEST(SystemInstr, VerrOnExecuteOnlyCodeFails) {
  Pm p;
  p.enter(0, kCode0);
  p.desc(kFreeSel, 0, 0xFFFFF, 0x98, 0xC);
  p.cpu().r[ECX] = kFreeSel;
  p.code(kCode0, {0x0F, 0x00, 0xE1, 0x0F, 0x0B});  // verr cx ; ud2
  p.run();
  EXPECT_FALSE(p.stk(2) & ZF);
}

TEST(SystemInstr, ArplAdjustsRpl) {
  Pm p;
  p.enter(0, kCode0);
  Cpu& c = p.cpu();
  c.r[ECX] = 0x10;
  c.r[EAX] = 0x3;
  p.code(kCode0, {0x63, 0xC1, 0x0F, 0x0B});  // arpl cx,ax ; ud2
  p.run();
  EXPECT_EQ(c.r[ECX], 0x13u);
  EXPECT_TRUE(p.stk(2) & ZF);
}

TEST(SystemInstr, ArplInRealModeIsUd) {
  Snippet s({0x63, 0xC1});
  s.ram()[0x3000] = 0xF4;
  s.ram()[6 * 4 + 1] = 0x30;
  s.run();
  EXPECT_EQ(s.cpu().eip, 0x3001u);
}

TEST(SystemInstr, ClTsAndInvlpgPrivileged) {
  Pm p;
  p.enter(0, kCode0);
  p.cpu().cr0 |= CR0_TS;
  p.code(kCode0, {0x0F, 0x06, 0x0F, 0x01, 0x3D, 0x00, 0x10, 0x00, 0x00, 0xF4});  // clts ; invlpg [0x1000]
  p.run();
  EXPECT_FALSE(p.cpu().cr0 & CR0_TS);
  EXPECT_EQ(p.cpu().eip, kCode0 + 10);
}

}  // namespace rz::test
