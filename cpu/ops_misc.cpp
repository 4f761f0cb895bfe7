// cpu/ops_misc.cpp: NOP and hint NOPs, HLT, CLC/STC/CMC/CLD/STD, CLI/STI, LAHF/SAHF,
// CBW/CWDE/CWD/CDQ, XLAT, BOUND, UD2, SALC, CPUID, RDTSC.
//
// Small instructions with no common operand shape.  The privilege rules (HLT privileged,
// CLI/STI IOPL-sensitive, RDTSC gated by CR4.TSD) follow SDM vol. 2; there is no VME/PVI on
// this CPU (CPUID.1:EDX.VME = 0), so V86 mode with IOPL < 3 always faults.
#include <type_traits>

#include "cpu/cpuid.h"
#include "cpu/table.h"

namespace rz {

namespace {

inline unsigned iopl(const Cpu& c) { return (c.eflags >> 12) & 3; }

// ---- NOP ----------------------------------------------------------------------------------

void nop(Cpu&, const Insn&) {}

// ---- HLT ----------------------------------------------------------------------------------

void hlt(Cpu& c, const Insn& i) {
  if (c.cpl != 0 || c.v86()) raise_gp0(c);
  c.eip += i.len;
  c.halted = true;
  c.stop_block = true;
}

// ---- flag instructions --------------------------------------------------------------------

void clc(Cpu& c, const Insn&) { set_flags_explicit(c, CF, 0); }
void stc(Cpu& c, const Insn&) { set_flags_explicit(c, CF, CF); }
void cmc(Cpu& c, const Insn&) { set_flags_explicit(c, CF, get_cf(c) ? 0u : uint32_t(CF)); }
void cld(Cpu& c, const Insn&) { c.eflags &= ~DF; }
void std_(Cpu& c, const Insn&) { c.eflags |= DF; }

// CLI/STI: allowed in real mode, in protected mode when CPL <= IOPL, in V86 mode when
// IOPL = 3; otherwise #GP(0).
inline void check_iopl(Cpu& c) {
  if (!c.pe()) return;
  if (c.v86() ? iopl(c) < 3 : c.cpl > iopl(c)) raise_gp0(c);
}
void cli(Cpu& c, const Insn&) {
  check_iopl(c);
  c.eflags &= ~IF;
}
// STI: when it sets IF from 0, interrupts stay blocked until after the next instruction.
void sti(Cpu& c, const Insn&) {
  check_iopl(c);
  if (!(c.eflags & IF)) c.inhibit_irq = 1;
  c.eflags |= IF;
}

// LAHF: AH = SF:ZF:0:AF:0:PF:1:CF.  SAHF: the same five flags from AH.
constexpr uint32_t kAhFlags = SF | ZF | AF | PF | CF;
void lahf(Cpu& c, const Insn&) { set_reg<uint8_t>(c, 1, uint8_t((get_eflags(c) & kAhFlags) | 2)); }
void sahf(Cpu& c, const Insn&) { set_flags_explicit(c, kAhFlags, get_reg<uint8_t>(c, 1)); }

// SALC (D6, undocumented, on every Intel CPU up to the P6 and later): AL = CF ? FFh : 00h.
void salc(Cpu& c, const Insn&) { set_reg<uint8_t>(c, 0, get_cf(c) ? 0xFF : 0x00); }

// ---- sign extension of the accumulator ------------------------------------------------------

// CBW: AX = sext(AL); CWDE: EAX = sext(AX).
template <typename T>
void cbw(Cpu& c, const Insn&) {
  if constexpr (sizeof(T) == 2) set_reg<uint16_t>(c, 0, uint16_t(int16_t(int8_t(get_reg<uint8_t>(c, 0)))));
  else c.r[EAX] = uint32_t(int32_t(int16_t(get_reg<uint16_t>(c, 0))));
}
// CWD: DX = sign of AX; CDQ: EDX = sign of EAX.
template <typename T>
void cwd(Cpu& c, const Insn&) {
  using S = std::make_signed_t<T>;
  set_reg<T>(c, reg_offset(EDX), T(S(get_reg<T>(c, 0)) < 0 ? ~T(0) : T(0)));
}

// ---- XLAT, BOUND ----------------------------------------------------------------------------

// XLAT: AL = [seg:(e)BX + AL] with the address size's wrap; DS unless overridden.
void xlat(Cpu& c, const Insn& i) {
  uint32_t off = (c.r[EBX] + (c.r[EAX] & 0xFF)) & i.amask;
  set_reg<uint8_t>(c, 0, read_mem<uint8_t>(c, i.seg, off));
}

// BOUND r, m16&16 / m32&32: #BR (a fault, EIP at BOUND) when the signed index is below the
// lower bound or above the upper bound.  The register form does not exist (#UD, from the
// memory-only handler set).
template <typename T>
void bound(Cpu& c, const Insn& i) {
  using S = std::make_signed_t<T>;
  const uint32_t off = ea(c, i);
  S lower = S(read_mem<T>(c, i.seg, off));
  S upper = S(read_mem<T>(c, i.seg, (off + sizeof(T)) & i.amask));
  S idx = S(read_G<T>(c, i));
  if (idx < lower || idx > upper) raise_fault(c, kBR);
}

void ud2(Cpu& c, const Insn&) { raise_ud(c); }

// ---- CPUID, RDTSC ---------------------------------------------------------------------------

void cpuid(Cpu& c, const Insn&) {
  const uint32_t leaf = c.r[EAX];
  const CpuidResult r = cpuid_of(c, leaf);
  c.r[EAX] = r.eax;
  c.r[EBX] = r.ebx;
  c.r[ECX] = r.ecx;
  c.r[EDX] = r.edx;
  // CPUID leaf 1 loads the microcode update signature into IA32_BIOS_SIGN_ID[63:32]; this is
  // how software reads the revision (write 0 to MSR 8Bh, CPUID(1), RDMSR 8Bh).
  if (leaf == 1) c.bios_sign_id = uint64_t(kMicrocodeRevision) << 32;
}

// RDTSC: #GP(0) when CR4.TSD is set and CPL > 0 (V86 mode runs at CPL 3).
void rdtsc(Cpu& c, const Insn&) {
  if ((c.cr4 & CR4_TSD) && (c.cpl != 0 || c.v86())) raise_gp0(c);
  const uint64_t t = c.tsc();
  c.r[EAX] = uint32_t(t);
  c.r[EDX] = uint32_t(t >> 32);
}

}  // namespace

void register_ops_misc(OpTable& t) {
  // 90 is XCHG eAX,eAX = NOP (and F3 90 = PAUSE, also a NOP on a P6).
  t.add({.opcode = 0x90, .mnemonic = "NOP", .form = "", .hs = RZ_HS_1(nop)});
  // 0F 18 - 0F 1F with a ModRM byte: the P6 introduced this block as "hintable NOPs"
  // (0F 1F /0 is the documented multi-byte NOP, SDM vol. 2 "NOP", available when
  // CPUID.1:EAX family = 6).  A Pentium Pro/II executes every reg value and every form of
  // the block as a NOP that neither reads memory nor faults; the Pentium III later gave
  // 0F 18 /0-3 the PREFETCHh meaning, which is also architecturally a NOP.
  for (int op = 0x18; op <= 0x1F; ++op)
    t.add({.map = kMap0F, .opcode = uint8_t(op), .mnemonic = "NOP", .form = "Ev", .hs = RZ_HS_1(nop)});

  t.add({.opcode = 0xF4, .mnemonic = "HLT", .form = "", .cls = InsnClass::Privileged, .attrs = kControl, .hs = RZ_HS_1(hlt)});

  t.add({.opcode = 0xF8, .mnemonic = "CLC", .form = "", .hs = RZ_HS_1(clc)});
  t.add({.opcode = 0xF9, .mnemonic = "STC", .form = "", .hs = RZ_HS_1(stc)});
  t.add({.opcode = 0xF5, .mnemonic = "CMC", .form = "", .hs = RZ_HS_1(cmc)});
  t.add({.opcode = 0xFC, .mnemonic = "CLD", .form = "", .hs = RZ_HS_1(cld)});
  t.add({.opcode = 0xFD, .mnemonic = "STD", .form = "", .hs = RZ_HS_1(std_)});
  t.add({.opcode = 0xFA, .mnemonic = "CLI", .form = "", .cls = InsnClass::IoplSensitive, .attrs = kEndsBlock, .hs = RZ_HS_1(cli)});
  t.add({.opcode = 0xFB, .mnemonic = "STI", .form = "", .cls = InsnClass::IoplSensitive, .attrs = kEndsBlock, .hs = RZ_HS_1(sti)});
  t.add({.opcode = 0x9F, .mnemonic = "LAHF", .form = "", .hs = RZ_HS_1(lahf)});
  t.add({.opcode = 0x9E, .mnemonic = "SAHF", .form = "", .hs = RZ_HS_1(sahf)});
  t.add({.opcode = 0xD6, .mnemonic = "SALC", .form = "", .hs = RZ_HS_1(salc)});

  t.add({.opcode = 0x98, .mnemonic = "CBW", .form = "", .hs = RZ_HS_VN(cbw)});
  t.add({.opcode = 0x99, .mnemonic = "CWD", .form = "", .hs = RZ_HS_VN(cwd)});
  t.add({.opcode = 0xD7, .mnemonic = "XLAT", .form = "", .hs = RZ_HS_1(xlat)});
  t.add({.opcode = 0x62, .mnemonic = "BOUND", .form = "Gv,Ma", .hs = RZ_HS_M(bound)});
  t.add({.map = kMap0F, .opcode = 0x0B, .mnemonic = "UD2", .form = "", .attrs = kEndsBlock, .hs = RZ_HS_1(ud2)});

  t.add({.map = kMap0F, .opcode = 0xA2, .mnemonic = "CPUID", .form = "", .hs = RZ_HS_1(cpuid)});
  // RDTSC ends its block: the run loop counts a block's instructions when it starts and
  // gives back the unexecuted ones if the block stops early, so only as the last
  // instruction of a block does c.tsc() equal the exact retired count (and never runs
  // backwards between two reads).
  t.add({.map = kMap0F, .opcode = 0x31, .mnemonic = "RDTSC", .form = "", .attrs = kEndsBlock, .hs = RZ_HS_1(rdtsc)});
}

}  // namespace rz
