// cpu/ops_sysregs.cpp: MOV to/from control and debug registers, RDMSR/WRMSR, RDPMC and
// SYSENTER/SYSEXIT (SDM vol. 2; vol. 3 2.5 control registers, 17.2 debug registers,
// 5.8.7 SYSENTER/SYSEXIT).  Only MSRs that our CPUID reports exist; all others #GP(0).
#include "cpu/debug.h"
#include "cpu/descriptor.h"
#include "cpu/segments.h"
#include "cpu/table.h"

namespace rz {

namespace {

constexpr uint32_t kCr0Defined = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP |
                                 CR0_AM | CR0_NW | CR0_CD | CR0_PG;
// CR4 bits of features this CPU reports (CPUID.1:EDX TSC, DE, PSE, PGE; RDPMC; the OS
// FXSR/XMM flags for the SSE unit).  VME, PVI, PAE and MCE are not reported: setting them
// is #GP(0) as on a processor without them.
constexpr uint32_t kCr4Allowed =
    CR4_TSD | CR4_DE | CR4_PSE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT;

// The microcode update MSRs of the P6 family (SDM vol. 3 10.11): IA32_BIOS_UPDT_TRIG (79h,
// write-only) takes the linear address of an update block; IA32_BIOS_SIGN_ID (8Bh) holds the
// loaded update's revision in bits 63:32 after CPUID(1).
constexpr uint32_t kMsrBiosUpdtTrig = 0x79, kMsrBiosSignId = 0x8B;
constexpr uint32_t kMsrTsc = 0x10, kMsrSysenterCs = 0x174, kMsrSysenterEsp = 0x175,
                   kMsrSysenterEip = 0x176;
constexpr uint32_t kDr6Bd = 1u << 13, kDr7Gd = 1u << 13;

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
    default: raise_gp0(c);  // including IA32_BIOS_UPDT_TRIG, which is write-only
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
    default: raise_gp0(c);
  }
}

// RDPMC: the two P6 counters exist architecturally but no events are modelled: they read 0.
void rdpmc(Cpu& c, const Insn&) {
  if (!(c.cr4 & CR4_PCE) && c.cpl != 0) raise_gp0(c);
  if (c.r[ECX] > 1) raise_gp0(c);
  c.r[EAX] = 0;
  c.r[EDX] = 0;
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
  t.add({.map = kMap0F, .opcode = 0x20, .mnemonic = "MOV", .form = "Rd,Cd", .cls = PR, .hs = RZ_HS_1(mov_cr_r)});
  t.add({.map = kMap0F, .opcode = 0x22, .mnemonic = "MOV", .form = "Cd,Rd", .cls = PR, .attrs = kEndsBlock, .hs = RZ_HS_1(mov_r_cr)});
  t.add({.map = kMap0F, .opcode = 0x21, .mnemonic = "MOV", .form = "Rd,Dd", .cls = PR, .hs = RZ_HS_1(mov_dr_r)});
  t.add({.map = kMap0F, .opcode = 0x23, .mnemonic = "MOV", .form = "Dd,Rd", .cls = PR, .attrs = kEndsBlock, .hs = RZ_HS_1(mov_r_dr)});
  t.add({.map = kMap0F, .opcode = 0x30, .mnemonic = "WRMSR", .form = "", .cls = PR, .hs = RZ_HS_1(wrmsr)});
  t.add({.map = kMap0F, .opcode = 0x32, .mnemonic = "RDMSR", .form = "", .cls = PR, .hs = RZ_HS_1(rdmsr)});
  // RDPMC is privileged unless CR4.PCE lets ring 3 use it: the OS decides, so it is
  // sensitive in the Popek-Goldberg sense but traps by default.
  t.add({.map = kMap0F, .opcode = 0x33, .mnemonic = "RDPMC", .form = "", .cls = PR, .hs = RZ_HS_1(rdpmc)});
  // SYSENTER does not trap at CPL 3 yet enters ring 0 through MSR state: sensitive,
  // unprivileged.  SYSEXIT faults outside ring 0: privileged.
  t.add({.map = kMap0F, .opcode = 0x34, .mnemonic = "SYSENTER", .form = "", .cls = InsnClass::SensitiveUnprivileged, .attrs = kControl, .hs = RZ_HS_1(sysenter)});
  t.add({.map = kMap0F, .opcode = 0x35, .mnemonic = "SYSEXIT", .form = "", .cls = PR, .attrs = kControl, .hs = RZ_HS_1(sysexit)});
}

}  // namespace rz
