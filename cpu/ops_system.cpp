// cpu/ops_system.cpp: system instructions (SDM vol. 2): LGDT/LIDT/SGDT/SIDT, LLDT/SLDT,
// LTR/STR, LMSW/SMSW, CLTS, INVLPG, INVD/WBINVD, LAR/LSL/VERR/VERW and ARPL.  Control and
// debug registers, MSRs and SYSENTER/SYSEXIT are in cpu/ops_sysregs.cpp; far transfers
// and INT/IRET in cpu/ops_far.cpp; segment-register moves in cpu/ops_segment.cpp.  This
// file's registration function also registers those groups.
#include "cpu/descriptor.h"
#include "cpu/segments.h"
#include "cpu/table.h"

namespace rz {

namespace {

bool protected_only(const Cpu& c) { return c.pe() && !c.v86(); }
void need_pm(Cpu& c) {
  if (!protected_only(c)) raise_ud(c);
}
void need_cpl0(Cpu& c) {
  if (c.cpl != 0) raise_gp0(c);
}

// ---- descriptor-table registers ---------------------------------------------------------

// LGDT/LIDT: limit (16 bits) then base (32 bits; 24 bits with a 16-bit operand size).
template <typename T>
void lgdt_lidt(Cpu& c, const Insn& i) {
  need_cpl0(c);
  const uint32_t a = ea(c, i);
  const uint16_t limit = read_mem<uint16_t>(c, i.seg, a);
  uint32_t base = read_mem<uint32_t>(c, i.seg, (a + 2) & i.amask);
  if (sizeof(T) == 2) base &= 0xFFFFFF;
  TableReg& tr = i.modrm_reg == 2 ? c.gdtr : c.idtr;
  tr.base = base;
  tr.limit = limit;
}

// SGDT/SIDT: limit and base; with a 16-bit operand size the base's top byte is stored as
// 0 (386 and later; the 286 stored ones).
template <typename T>
void sgdt_sidt(Cpu& c, const Insn& i) {
  const uint32_t a = ea(c, i);
  const TableReg& tr = i.modrm_reg == 0 ? c.gdtr : c.idtr;
  const uint32_t base = sizeof(T) == 2 ? (tr.base & 0xFFFFFF) : tr.base;
  // Check both parts before storing either.
  const uint32_t lin = lin_write<6>(c, i.seg, a);
  probe_write(c, lin, 6, c.user());
  write_mem<uint16_t>(c, i.seg, a, tr.limit);
  write_mem<uint32_t>(c, i.seg, (a + 2) & i.amask, base);
}

// ---- LDTR and TR ------------------------------------------------------------------------

template <typename T, bool Mem>
void sldt_str(Cpu& c, const Insn& i) {
  need_pm(c);
  const uint16_t sel = i.modrm_reg == 0 ? c.ldtr.sel : c.tr.sel;
  if constexpr (Mem) write_mem<uint16_t>(c, i.seg, ea(c, i), sel);
  else set_reg<T>(c, i.m, T(sel));  // 32-bit register: zero-extended (P6)
}

template <typename T, bool Mem>
void lldt(Cpu& c, const Insn& i) {
  need_pm(c);
  need_cpl0(c);
  const uint16_t sel = read_E<uint16_t, Mem>(c, i);
  if (sel_null(sel)) {
    c.ldtr.sel = sel;
    c.ldtr.ar &= ~0x80;
    return;
  }
  Descriptor d;
  if (sel & 4) raise_fault(c, kGP, sel_error(sel, 0));
  fetch_descriptor(c, sel, d, kGP, 0);
  if (d.s() || d.type() != kLdt) raise_fault(c, kGP, sel_error(sel, 0));
  if (!d.present()) raise_fault(c, kNP, sel_error(sel, 0));
  c.ldtr = segment_from(sel, d);
}

template <typename T, bool Mem>
void ltr(Cpu& c, const Insn& i) {
  need_pm(c);
  need_cpl0(c);
  const uint16_t sel = read_E<uint16_t, Mem>(c, i);
  if (sel_null(sel)) raise_gp0(c);
  Descriptor d;
  if (sel & 4) raise_fault(c, kGP, sel_error(sel, 0));
  fetch_descriptor(c, sel, d, kGP, 0);
  if (d.s() || (d.type() != kTss16Avail && d.type() != kTss32Avail))
    raise_fault(c, kGP, sel_error(sel, 0));
  if (!d.present()) raise_fault(c, kNP, sel_error(sel, 0));
  set_tss_busy(c, sel, true);
  c.tr = segment_from(sel, d);
  c.tr.ar |= 2;
}

// ---- machine status word ----------------------------------------------------------------

// SMSW: a 32-bit register destination receives all of CR0 (P6); memory gets 16 bits.
template <typename T, bool Mem>
void smsw(Cpu& c, const Insn& i) {
  if constexpr (Mem) write_mem<uint16_t>(c, i.seg, ea(c, i), uint16_t(c.cr0));
  else set_reg<T>(c, i.m, T(c.cr0));
}

// LMSW: loads PE, MP, EM, TS; it can set PE but never clear it.
template <typename T, bool Mem>
void lmsw(Cpu& c, const Insn& i) {
  need_cpl0(c);
  const uint16_t v = read_E<uint16_t, Mem>(c, i);
  const uint32_t old = c.cr0;
  c.cr0 = (old & ~0xEu) | (v & 0xF) | (old & CR0_PE);
  c.mmu->set_cr0(c.cr0);
  if ((c.cr0 ^ old) & CR0_PE) refresh_all_segments(c);
  c.stop_block = true;
}

void clts(Cpu& c, const Insn&) {
  need_cpl0(c);
  c.cr0 &= ~CR0_TS;
}

// ---- caches and TLB ---------------------------------------------------------------------

template <typename T>
void invlpg(Cpu& c, const Insn& i) {
  need_cpl0(c);
  c.mmu->invlpg(c.seg[i.seg].base + ea(c, i));
}

// INVD/WBINVD: no caches are modelled; only the privilege check has an effect.
void invd(Cpu& c, const Insn&) { need_cpl0(c); }

// ---- LAR, LSL, VERR, VERW, ARPL ---------------------------------------------------------

enum class Probe { Lar, Lsl, Verr, Verw };

// Is the descriptor of `sel` visible to the probe at the current CPL and selector RPL?
bool probe_ok(Cpu& c, uint16_t sel, Probe p, Descriptor& d) {
  if (sel_null(sel) || !read_descriptor(c, sel, d)) return false;
  if (d.s()) {
    if (p == Probe::Verr && !d.readable()) return false;
    if (p == Probe::Verw && !d.writable()) return false;
    if (d.conforming() && p != Probe::Verw) return true;
  } else {
    const uint8_t t = d.type();
    if (p == Probe::Verr || p == Probe::Verw) return false;
    const bool lsl_ok = t == kTss16Avail || t == kLdt || t == kTss16Busy || t == kTss32Avail ||
                        t == kTss32Busy;
    const bool lar_ok = lsl_ok || t == kCallGate16 || t == kTaskGate || t == kCallGate32;
    if (p == Probe::Lsl ? !lsl_ok : !lar_ok) return false;
  }
  return d.dpl() >= c.cpl && d.dpl() >= sel_rpl(sel);
}

template <typename T, bool Mem>
void lar(Cpu& c, const Insn& i) {
  need_pm(c);
  Descriptor d;
  const bool ok = probe_ok(c, read_E<uint16_t, Mem>(c, i), Probe::Lar, d);
  if (ok) write_G<T>(c, i, T(d.hi & (sizeof(T) == 4 ? 0x00FFFF00u : 0xFF00u)));
  set_flags_explicit(c, ZF, ok ? ZF : 0);
}

template <typename T, bool Mem>
void lsl(Cpu& c, const Insn& i) {
  need_pm(c);
  Descriptor d;
  const bool ok = probe_ok(c, read_E<uint16_t, Mem>(c, i), Probe::Lsl, d);
  if (ok) write_G<T>(c, i, T(d.limit()));
  set_flags_explicit(c, ZF, ok ? ZF : 0);
}

template <typename T, bool Mem>
void verr_verw(Cpu& c, const Insn& i) {
  need_pm(c);
  Descriptor d;
  const bool ok =
      probe_ok(c, read_E<uint16_t, Mem>(c, i), i.modrm_reg == 4 ? Probe::Verr : Probe::Verw, d);
  set_flags_explicit(c, ZF, ok ? ZF : 0);
}

// ARPL Ew,Gw: raise the destination selector's RPL to the source's.
template <typename T, bool Mem>
void arpl(Cpu& c, const Insn& i) {
  need_pm(c);
  const uint16_t src = get_reg<uint16_t>(c, i.r);
  if constexpr (Mem) {
    // The destination is written only when its RPL is raised: real hardware reads it
    // and does not fault on a read-only segment or page when no adjustment is needed
    // (found by the host-CPU differential tester).
    const uint32_t off = ea(c, i);
    const uint16_t dst = read_mem<uint16_t>(c, i.seg, off);
    const bool adj = (dst & 3) < (src & 3);
    if (adj) write_mem<uint16_t>(c, i.seg, off, uint16_t((dst & ~3) | (src & 3)));
    set_flags_explicit(c, ZF, adj ? ZF : 0);
  } else {
    const uint16_t dst = get_reg<uint16_t>(c, i.m);
    const bool adj = (dst & 3) < (src & 3);
    if (adj) set_reg<uint16_t>(c, i.m, uint16_t((dst & ~3) | (src & 3)));
    set_flags_explicit(c, ZF, adj ? ZF : 0);
  }
}

}  // namespace

void register_ops_system(OpTable& t) {
  constexpr auto PR = InsnClass::Privileged;
  constexpr auto SU = InsnClass::SensitiveUnprivileged;
  t.add({.map = kMap0F, .opcode = 0x00, .reg = 0, .mnemonic = "SLDT", .form = "Ew", .cls = SU, .hs = RZ_HS_V(sldt_str)});
  t.add({.map = kMap0F, .opcode = 0x00, .reg = 1, .mnemonic = "STR", .form = "Ew", .cls = SU, .hs = RZ_HS_V(sldt_str)});
  t.add({.map = kMap0F, .opcode = 0x00, .reg = 2, .mnemonic = "LLDT", .form = "Ew", .cls = PR, .hs = RZ_HS_V(lldt)});
  t.add({.map = kMap0F, .opcode = 0x00, .reg = 3, .mnemonic = "LTR", .form = "Ew", .cls = PR, .hs = RZ_HS_V(ltr)});
  t.add({.map = kMap0F, .opcode = 0x00, .reg = 4, .mnemonic = "VERR", .form = "Ew", .cls = SU, .hs = RZ_HS_V(verr_verw)});
  t.add({.map = kMap0F, .opcode = 0x00, .reg = 5, .mnemonic = "VERW", .form = "Ew", .cls = SU, .hs = RZ_HS_V(verr_verw)});
  t.add({.map = kMap0F, .opcode = 0x01, .reg = 0, .mod = 0, .mnemonic = "SGDT", .form = "Ms", .cls = SU, .hs = RZ_HS_M(sgdt_sidt)});
  t.add({.map = kMap0F, .opcode = 0x01, .reg = 1, .mod = 0, .mnemonic = "SIDT", .form = "Ms", .cls = SU, .hs = RZ_HS_M(sgdt_sidt)});
  t.add({.map = kMap0F, .opcode = 0x01, .reg = 2, .mod = 0, .mnemonic = "LGDT", .form = "Ms", .cls = PR, .hs = RZ_HS_M(lgdt_lidt)});
  t.add({.map = kMap0F, .opcode = 0x01, .reg = 3, .mod = 0, .mnemonic = "LIDT", .form = "Ms", .cls = PR, .hs = RZ_HS_M(lgdt_lidt)});
  t.add({.map = kMap0F, .opcode = 0x01, .reg = 4, .mnemonic = "SMSW", .form = "Ew", .cls = SU, .hs = RZ_HS_V(smsw)});
  t.add({.map = kMap0F, .opcode = 0x01, .reg = 6, .mnemonic = "LMSW", .form = "Ew", .cls = PR, .attrs = kEndsBlock, .hs = RZ_HS_V(lmsw)});
  t.add({.map = kMap0F, .opcode = 0x01, .reg = 7, .mod = 0, .mnemonic = "INVLPG", .form = "Mb", .cls = PR, .attrs = kEndsBlock, .hs = RZ_HS_M(invlpg)});
  t.add({.map = kMap0F, .opcode = 0x02, .mnemonic = "LAR", .form = "Gv,Ew", .cls = SU, .hs = RZ_HS_V(lar)});
  t.add({.map = kMap0F, .opcode = 0x03, .mnemonic = "LSL", .form = "Gv,Ew", .cls = SU, .hs = RZ_HS_V(lsl)});
  t.add({.map = kMap0F, .opcode = 0x06, .mnemonic = "CLTS", .form = "", .cls = PR, .hs = RZ_HS_1(clts)});
  t.add({.map = kMap0F, .opcode = 0x08, .mnemonic = "INVD", .form = "", .cls = PR, .hs = RZ_HS_1(invd)});
  t.add({.map = kMap0F, .opcode = 0x09, .mnemonic = "WBINVD", .form = "", .cls = PR, .hs = RZ_HS_1(invd)});
  t.add({.opcode = 0x63, .mnemonic = "ARPL", .form = "Ew,Gw", .hs = RZ_HS_V(arpl)});
  register_ops_far(t);
  register_ops_segment(t);
  register_ops_sysregs(t);
}

}  // namespace rz
