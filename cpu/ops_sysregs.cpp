// cpu/ops_sysregs.cpp: MOV to/from control and debug registers, RDMSR/WRMSR, RDPMC and
// SYSENTER/SYSEXIT (SDM vol. 2; vol. 3 2.5 control registers, 17.2 debug registers,
// 5.8.7 SYSENTER/SYSEXIT).  Only MSRs that our CPUID reports exist; all others #GP(0).
#include "cpu/debug.h"
#include "cpu/descriptor.h"
#include "cpu/mtrr.h"
#include "cpu/segments.h"
#include "cpu/table.h"

namespace rz {

namespace {

constexpr uint32_t kCr0Defined = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP |
                                 CR0_AM | CR0_NW | CR0_CD | CR0_PG;
// CR4 bits of features this CPU reports (CPUID.1:EDX TSC, DE, PSE, MCE, PGE; RDPMC; the OS
// FXSR/XMM flags for the SSE unit).  VME, PVI and PAE are not reported: setting them is
// #GP(0) as on a processor without them.
constexpr uint32_t kCr4Allowed = CR4_TSD | CR4_DE | CR4_PSE | CR4_MCE | CR4_PGE | CR4_PCE |
                                 CR4_OSFXSR | CR4_OSXMMEXCPT;

// The microcode update MSRs of the P6 family (SDM vol. 3 10.11): IA32_BIOS_UPDT_TRIG (79h,
// write-only) takes the linear address of an update block; IA32_BIOS_SIGN_ID (8Bh) holds the
// loaded update's revision in bits 63:32 after CPUID(1).
constexpr uint32_t kMsrBiosUpdtTrig = 0x79, kMsrBiosSignId = 0x8B;
constexpr uint32_t kMsrApicBase = 0x1B;
constexpr uint32_t kMsrTsc = 0x10, kMsrSysenterCs = 0x174, kMsrSysenterEsp = 0x175,
                   kMsrSysenterEip = 0x176;
constexpr uint32_t kDr6Bd = 1u << 13, kDr7Gd = 1u << 13;
// Machine-check architecture (SDM vol. 3 15.3): the global registers and the banks MCi_CTL,
// MCi_STATUS, MCi_ADDR, MCi_MISC at 400h + 4i.
constexpr uint32_t kMsrMcgCap = 0x179, kMsrMcgStatus = 0x17A, kMsrMcgCtl = 0x17B,
                   kMsrMc0Ctl = 0x400;
constexpr uint32_t kMsrPerfCtr0 = 0xC1, kMsrPerfCtr1 = 0xC2, kMsrPerfEvtSel0 = 0x186,
                   kMsrPerfEvtSel1 = 0x187;

void need_cpl0(Cpu& c) {
  if (c.cpl != 0) raise_gp0(c);
}

// ---- control registers ------------------------------------------------------------------

void write_cr0(Cpu& c, uint32_t v) {
  if ((v & CR0_PG) && !(v & CR0_PE)) raise_gp0(c);
  if ((v & CR0_NW) && !(v & CR0_CD)) raise_gp0(c);
  const uint32_t old = c.cr0;
  c.cr0 = (v & kCr0Defined) | CR0_ET;  // ET is hard-wired to 1 on a P6
  c.mmu->set_cr0(c.cr0);
  if ((old ^ c.cr0) & CR0_PE) {
    // Entering or leaving protected mode does not reload any segment: the caches stay;
    // CPL is 0 in real mode and stays 0 until CS is loaded in protected mode.
    c.cpl = 0;
    refresh_all_segments(c);
  }
}

void mov_cr_r(Cpu& c, const Insn& i) {  // 0F 20: MOV Rd, Cd
  const unsigned n = i.modrm_reg;
  if (n == 1 || n > 4) raise_ud(c);
  need_cpl0(c);
  const uint32_t v = n == 0 ? c.cr0 : n == 2 ? c.cr2 : n == 3 ? c.cr3 : c.cr4;
  c.r[i.modrm_rm] = v;
}

void mov_r_cr(Cpu& c, const Insn& i) {  // 0F 22: MOV Cd, Rd
  const unsigned n = i.modrm_reg;
  if (n == 1 || n > 4) raise_ud(c);
  need_cpl0(c);
  const uint32_t v = c.r[i.modrm_rm];
  switch (n) {
    case 0: write_cr0(c, v); break;
    case 2: c.cr2 = v; break;
    case 3:
      c.cr3 = v & 0xFFFFF018u;
      c.mmu->set_cr3(c.cr3);
      break;
    case 4:
      if (v & ~kCr4Allowed) raise_gp0(c);
      c.cr4 = v;
      c.mmu->set_cr4(v);
      break;
  }
  c.stop_block = true;
}

// ---- debug registers --------------------------------------------------------------------

unsigned debug_reg(Cpu& c, unsigned n) {
  need_cpl0(c);
  if (n == 4 || n == 5) {
    if (c.cr4 & CR4_DE) raise_ud(c);
    n += 2;  // DR4/DR5 alias DR6/DR7 without debug extensions
  }
  if (c.dr[7] & kDr7Gd) {
    // General detect: a fault before the access; the handler sees GD clear.
    c.dr[6] |= kDr6Bd;
    c.dr[7] &= ~kDr7Gd;
    raise_fault(c, kDB);
  }
  return n;
}

void mov_dr_r(Cpu& c, const Insn& i) {  // 0F 21: MOV Rd, Dd
  const unsigned n = debug_reg(c, i.modrm_reg);
  c.r[i.modrm_rm] = c.dr[n];
}

void mov_r_dr(Cpu& c, const Insn& i) {  // 0F 23: MOV Dd, Rd
  const unsigned n = debug_reg(c, i.modrm_reg);
  const uint32_t v = c.r[i.modrm_rm];
  if (n == 6) c.dr[6] = (v & 0xE00Fu) | 0xFFFF0FF0u;  // P6: bit 12 reads 0
  else if (n == 7) c.dr[7] = (v & 0xFFFF23FFu) | 0x400u;
  else c.dr[n] = v;
  if (n != 6) update_breakpoints(c);
  c.stop_block = true;  // breakpoint state the run loop looks at may have changed
}

// ---- P6 performance-monitoring counters --------------------------------------------------
// PerfEvtSel: event (7:0), unit mask (15:8), USR (16), OS (17), E (18), PC (19), INT (20),
// EN (22, in PerfEvtSel0 only: it starts and stops both counters), INV (23), CMASK (31:24).
// Counted events: INST_RETIRED (C0h) and CPU_CLK_UNHALTED (79h, which under ringzero's clock
// is ns_per_insn clocks per retired instruction), at CPL 3 with USR and at CPL 0-2 with OS,
// with E, INV and CMASK clear.  Every other event or setting is not modelled and counts 0.
// There is no local APIC, so INT (an overflow interrupt) has nothing to signal.
constexpr uint32_t kEvtUsr = 1u << 16, kEvtOs = 1u << 17, kEvtEdge = 1u << 18,
                   kEvtEn = 1u << 22, kEvtInv = 1u << 23, kEvtCmask = 0xFF000000u;
constexpr uint8_t kEvInstRetired = 0xC0, kEvCpuClkUnhalted = 0x79;
constexpr uint64_t kPerfCtrMask = (uint64_t(1) << 40) - 1;

// Events counter k has seen since the CPU started, by its current selection.
uint64_t perf_events(const Cpu& c, unsigned k) {
  const uint32_t sel = c.perf_evtsel[k];
  if (!(c.perf_evtsel[0] & kEvtEn) || (sel & (kEvtEdge | kEvtInv | kEvtCmask))) return 0;
  const uint8_t ev = uint8_t(sel);
  if (ev != kEvInstRetired && ev != kEvCpuClkUnhalted) return 0;
  uint64_t n = 0;
  if (sel & kEvtUsr) n += c.icount_user;
  if (sel & kEvtOs) n += c.icount - c.icount_user;
  return ev == kEvCpuClkUnhalted ? n * uint64_t(c.ns_per_insn) : n;
}

uint64_t perf_counter(const Cpu& c, unsigned k) {
  return (c.perf_ctr[k] + perf_events(c, k) - c.perf_mark[k]) & kPerfCtrMask;
}

// Before a selection or a counter changes: fold the counts so far into the counters.
void perf_fold(Cpu& c) {
  for (unsigned k = 0; k < 2; ++k) c.perf_ctr[k] = perf_counter(c, k);
}
void perf_remark(Cpu& c) {
  for (unsigned k = 0; k < 2; ++k) c.perf_mark[k] = perf_events(c, k);
}

// ---- machine-check architecture ----------------------------------------------------------
// A P6 reports MCG_CAP = 105h: 5 banks (Count, bits 7:0) and MCG_CTL present (MCG_CTL_P, bit
// 8); MCG_CAP is read-only.  MCG_STATUS has RIPV, EIPV and MCIP (bits 2:0).  In the banks,
// MCi_CTL takes what software writes (P6 documents only all 0s or all 1s); MCi_STATUS and
// MCi_ADDR hold no error and may only be cleared (writing a 1 bit is #GP); MCi_MISC is not
// implemented in any P6 bank, so any access is #GP.  No error source exists, so no #MC is
// ever raised and the status registers read 0 until software writes them (it may only write 0).
constexpr uint64_t kMcgCap = 0x100 | CpuState::kMcBanks;
constexpr uint64_t kMcgStatusBits = 0x7;

// Bank register `msr` (400h-413h) as {bank, register 0-3}, or {kMcBanks, 0} for other MSRs.
struct McReg {
  unsigned bank, reg;
};
McReg mc_reg(uint32_t msr) {
  if (msr < kMsrMc0Ctl || msr >= kMsrMc0Ctl + 4 * CpuState::kMcBanks)
    return {CpuState::kMcBanks, 0};
  return {(msr - kMsrMc0Ctl) / 4, (msr - kMsrMc0Ctl) % 4};
}

// RDMSR of a machine-check register; false if `msr` is not one.
bool rdmsr_mc(Cpu& c, uint32_t msr, uint64_t& v) {
  switch (msr) {
    case kMsrMcgCap: v = kMcgCap; return true;
    case kMsrMcgStatus: v = c.mcg_status; return true;
    case kMsrMcgCtl: v = c.mcg_ctl; return true;
    default: break;
  }
  const McReg r = mc_reg(msr);
  if (r.bank >= CpuState::kMcBanks) return false;
  switch (r.reg) {
    case 0: v = c.mc_ctl[r.bank]; return true;
    case 1:                  // MCi_STATUS: no error logged
    case 2: v = 0; return true;  // MCi_ADDR: ADDRV is clear, so no address
    default: raise_gp0(c);   // MCi_MISC
  }
}

// WRMSR of a machine-check register (EDX:EAX = v); false if `msr` is not one.
bool wrmsr_mc(Cpu& c, uint32_t msr, uint64_t v) {
  switch (msr) {
    case kMsrMcgCap: raise_gp0(c);
    case kMsrMcgStatus:
      if (v & ~kMcgStatusBits) raise_gp0(c);
      c.mcg_status = v;
      return true;
    case kMsrMcgCtl: c.mcg_ctl = v; return true;
    default: break;
  }
  const McReg r = mc_reg(msr);
  if (r.bank >= CpuState::kMcBanks) return false;
  switch (r.reg) {
    case 0: c.mc_ctl[r.bank] = v; return true;
    case 1:
    case 2:
      if (v != 0) raise_gp0(c);
      return true;
    default: raise_gp0(c);
  }
}

// ---- model-specific registers ------------------------------------------------------------

void rdmsr(Cpu& c, const Insn&) {
  need_cpl0(c);
  uint64_t v;
  switch (c.r[ECX]) {
    case kMsrTsc: v = c.tsc(); break;
    case kMsrSysenterCs: v = c.sysenter_cs; break;
    case kMsrSysenterEsp: v = c.sysenter_esp; break;
    case kMsrSysenterEip: v = c.sysenter_eip; break;
    case kMsrBiosSignId: v = c.bios_sign_id; break;
    case kMsrApicBase:
      if (!c.apic) raise_gp0(c);
      v = c.apic_base;
      break;
    case kMsrPerfEvtSel0: v = c.perf_evtsel[0]; break;
    case kMsrPerfEvtSel1: v = c.perf_evtsel[1]; break;
    case kMsrPerfCtr0: v = perf_counter(c, 0); break;
    case kMsrPerfCtr1: v = perf_counter(c, 1); break;
    default:
      // IA32_BIOS_UPDT_TRIG is write-only.
      if (!rdmsr_mc(c, c.r[ECX], v) && !mtrr_rdmsr(c, c.r[ECX], v)) raise_gp0(c);
  }
  c.r[EAX] = uint32_t(v);
  c.r[EDX] = uint32_t(v >> 32);
}

void wrmsr(Cpu& c, const Insn&) {
  need_cpl0(c);
  const uint32_t lo = c.r[EAX];
  switch (c.r[ECX]) {
    // P6: a write sets the low 32 bits of the counter and clears the high 32.
    case kMsrTsc: c.tsc_offset = uint64_t(lo) - c.virtual_ns(); break;
    case kMsrSysenterCs: c.sysenter_cs = lo; break;
    case kMsrSysenterEsp: c.sysenter_esp = lo; break;
    case kMsrSysenterEip: c.sysenter_eip = lo; break;
    // Software writes 0 here before CPUID(1) so that a stale value cannot be mistaken for
    // the revision; the register takes the whole 64-bit value.
    case kMsrBiosSignId: c.bios_sign_id = (uint64_t(c.r[EDX]) << 32) | lo; break;
    // An update trigger: the processor checks the update block's header and checksum against
    // its signature and loads it only if they match.  No update applies to ringzero (there is
    // no microcode), so, like a processor rejecting an update, nothing changes and no fault.
    case kMsrBiosUpdtTrig: break;
    // IA32_APIC_BASE: reserved bits #GP(0).  A P6 APIC (three-wire APIC bus) that has been
    // globally disabled cannot be enabled again before RESET (SDM vol. 3 10.4.3): bit 11
    // stays clear.
    case kMsrApicBase: {
      uint64_t v = (uint64_t(c.r[EDX]) << 32) | lo;
      if (!c.apic || (v & kApicBaseReserved)) raise_gp0(c);
      if (!(c.apic_base & kApicBaseEnable)) v &= ~kApicBaseEnable;
      c.apic_base = v;
      c.apic->apic_base_written(v);
      break;
    }
    // The selections hold 32 bits.  A counter write sets bits 31:0 and copies bit 31 into
    // bits 39:32 (P6 counters are written 32 bits at a time, sign-extended).
    case kMsrPerfEvtSel0:
    case kMsrPerfEvtSel1:
    case kMsrPerfCtr0:
    case kMsrPerfCtr1: {
      perf_fold(c);
      const uint32_t msr = c.r[ECX];
      if (msr == kMsrPerfEvtSel0 || msr == kMsrPerfEvtSel1) c.perf_evtsel[msr & 1] = lo;
      else c.perf_ctr[msr - kMsrPerfCtr0] = uint64_t(int64_t(int32_t(lo))) & kPerfCtrMask;
      perf_remark(c);
      break;
    }
    default:
      if (!wrmsr_mc(c, c.r[ECX], (uint64_t(c.r[EDX]) << 32) | lo) &&
          !mtrr_wrmsr(c, c.r[ECX], (uint64_t(c.r[EDX]) << 32) | lo))
        raise_gp0(c);
  }
}

// RDPMC: PerfCtr0/1 (ECX 0/1), all 40 bits.
void rdpmc(Cpu& c, const Insn&) {
  if (!(c.cr4 & CR4_PCE) && c.cpl != 0) raise_gp0(c);
  if (c.r[ECX] > 1) raise_gp0(c);
  const uint64_t v = perf_counter(c, c.r[ECX]);
  c.r[EAX] = uint32_t(v);
  c.r[EDX] = uint32_t(v >> 32);
}

// ---- SYSENTER / SYSEXIT -----------------------------------------------------------------

Segment flat_segment(uint16_t sel, uint16_t ar) {
  Segment s;
  s.sel = sel;
  s.base = 0;
  s.limit = 0xFFFFFFFFu;
  s.ar = ar;
  return s;
}

void sysenter(Cpu& c, const Insn&) {
  if (!c.pe() || (c.sysenter_cs & 0xFFFC) == 0) raise_gp0(c);
  materialize_flags(c);
  c.eflags &= ~(VM | IF | RF);
  const uint16_t cs = uint16_t(c.sysenter_cs & 0xFFFC);
  c.seg[CS] = flat_segment(cs, 0xC09B);            // 32-bit code, DPL 0, accessed
  c.seg[SS] = flat_segment(uint16_t(cs + 8), 0xC093);  // 32-bit data, DPL 0
  c.cpl = 0;
  refresh_all_segments(c);
  c.r[ESP] = c.sysenter_esp;
  c.eip = c.sysenter_eip;
  c.stop_block = true;
}

// SYSEXIT is privileged (#GP(0) outside ring 0), so a VMM would trap it.
void sysexit(Cpu& c, const Insn&) {
  if (!c.pe() || (c.sysenter_cs & 0xFFFC) == 0 || c.cpl != 0) raise_gp0(c);
  const uint16_t cs = uint16_t(c.sysenter_cs & 0xFFFC);
  c.seg[CS] = flat_segment(uint16_t((cs + 16) | 3), 0xC0FB);  // 32-bit code, DPL 3
  c.seg[SS] = flat_segment(uint16_t((cs + 24) | 3), 0xC0F3);  // 32-bit data, DPL 3
  c.cpl = 3;
  refresh_all_segments(c);
  c.r[ESP] = c.r[ECX];
  c.eip = c.r[EDX];
  c.stop_block = true;
}

}  // namespace

void register_ops_sysregs(OpTable& t) {
  constexpr auto PR = InsnClass::Privileged;
  // RDMSR, WRMSR and RDPMC end their block, as RDTSC does: a block counts its instructions
  // as retired when it starts, so the TSC and the event counters read exactly only at a
  // block's last instruction (and a counter written mid-block would count the rest of it).
  t.add({.map = kMap0F, .opcode = 0x20, .mnemonic = "MOV", .form = "Rd,Cd", .cls = PR, .hs = RZ_HS_1(mov_cr_r)});
  t.add({.map = kMap0F, .opcode = 0x22, .mnemonic = "MOV", .form = "Cd,Rd", .cls = PR, .attrs = kEndsBlock, .hs = RZ_HS_1(mov_r_cr)});
  t.add({.map = kMap0F, .opcode = 0x21, .mnemonic = "MOV", .form = "Rd,Dd", .cls = PR, .hs = RZ_HS_1(mov_dr_r)});
  t.add({.map = kMap0F, .opcode = 0x23, .mnemonic = "MOV", .form = "Dd,Rd", .cls = PR, .attrs = kEndsBlock, .hs = RZ_HS_1(mov_r_dr)});
  t.add({.map = kMap0F, .opcode = 0x30, .mnemonic = "WRMSR", .form = "", .cls = PR, .attrs = kEndsBlock, .hs = RZ_HS_1(wrmsr)});
  t.add({.map = kMap0F, .opcode = 0x32, .mnemonic = "RDMSR", .form = "", .cls = PR, .attrs = kEndsBlock, .hs = RZ_HS_1(rdmsr)});
  // RDPMC is privileged unless CR4.PCE lets ring 3 use it: the OS decides, so it is
  // sensitive in the Popek-Goldberg sense but traps by default.
  t.add({.map = kMap0F, .opcode = 0x33, .mnemonic = "RDPMC", .form = "", .cls = PR, .attrs = kEndsBlock, .hs = RZ_HS_1(rdpmc)});
  // SYSENTER does not trap at CPL 3 yet enters ring 0 through MSR state: sensitive,
  // unprivileged.  SYSEXIT faults outside ring 0: privileged.
  t.add({.map = kMap0F, .opcode = 0x34, .mnemonic = "SYSENTER", .form = "", .cls = InsnClass::SensitiveUnprivileged, .attrs = kControl, .hs = RZ_HS_1(sysenter)});
  t.add({.map = kMap0F, .opcode = 0x35, .mnemonic = "SYSEXIT", .form = "", .cls = PR, .attrs = kControl, .hs = RZ_HS_1(sysexit)});
}

}  // namespace rz
