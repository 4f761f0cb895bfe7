// cpu/state.h: CpuState, the architectural state of one IA-32 (P6-class) processor.
//
// Plain data only: the interpreter handlers and (later) JIT code reach it through offsetof.
// Arithmetic flags are lazy (cpu/flags.h): `eflags` holds every bit, but the arithmetic bits
// named in `lazy` are stale and must be computed from `lf` when read.
#pragma once

#include <csetjmp>
#include <cstdint>

#include "cpu/fpu_state.h"

namespace rz {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ringzero assumes a little-endian host");

enum Gpr : uint8_t { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, kZeroReg = 8 };
enum SegReg : uint8_t { ES, CS, SS, DS, FS, GS, kNumSegs = 6 };

// EFLAGS bits (constants, not enumerators, so they mix with integers in expressions).
inline constexpr uint32_t
  CF = 1u << 0, PF = 1u << 2, AF = 1u << 4, ZF = 1u << 6, SF = 1u << 7, TF = 1u << 8,
  IF = 1u << 9, DF = 1u << 10, OF = 1u << 11, IOPL = 3u << 12, NT = 1u << 14, RF = 1u << 16,
  VM = 1u << 17, AC = 1u << 18, VIF = 1u << 19, VIP = 1u << 20, ID = 1u << 21,
  kArithFlags = CF | PF | AF | ZF | SF | OF;

// CR0/CR4 bits.
inline constexpr uint32_t
  CR0_PE = 1u << 0, CR0_MP = 1u << 1, CR0_EM = 1u << 2, CR0_TS = 1u << 3, CR0_ET = 1u << 4,
  CR0_NE = 1u << 5, CR0_WP = 1u << 16, CR0_AM = 1u << 18, CR0_NW = 1u << 29,
  CR0_CD = 1u << 30, CR0_PG = 1u << 31,
  CR4_VME = 1u << 0, CR4_PVI = 1u << 1, CR4_TSD = 1u << 2, CR4_DE = 1u << 3,
  CR4_PSE = 1u << 4, CR4_PAE = 1u << 5, CR4_MCE = 1u << 6, CR4_PGE = 1u << 7,
  CR4_PCE = 1u << 8, CR4_OSFXSR = 1u << 9, CR4_OSXMMEXCPT = 1u << 10;

// Exception vectors.
enum : uint8_t {
  kDE = 0, kDB = 1, kNMI = 2, kBP = 3, kOF = 4, kBR = 5, kUD = 6, kNM = 7, kDF = 8,
  kTS = 10, kNP = 11, kSS = 12, kGP = 13, kPF = 14, kMF = 16, kAC = 17, kMC = 18, kXM = 19,
};

// A segment register with its hidden descriptor cache.
struct Segment {
  uint16_t sel = 0;
  uint32_t base = 0;
  uint32_t limit = 0xFFFF;  // effective byte limit (granularity applied)
  // Descriptor attribute bits as in the high dword, shifted down by 8: type(0-3) S(4)
  // DPL(5-6) P(7) AVL(12) D/B(14) G(15).
  uint16_t ar = 0x93;
  // Precomputed access window (cpu/segments.cpp, seg_refresh): an access of `n` bytes at
  // offset `off` is inside the segment iff uint32(off - lo) + (n - 1) <= span.  A span of
  // -1 means the access kind is not allowed at all (null selector, execute-only, ...).
  uint32_t lo = 0;
  int64_t rspan = 0xFFFF, wspan = 0xFFFF;

  bool big() const { return ar & 0x4000; }  // D/B bit
  uint8_t dpl() const { return (ar >> 5) & 3; }
  bool present() const { return ar & 0x80; }
};

// GDTR/IDTR.
struct TableReg {
  uint32_t base = 0;
  uint16_t limit = 0xFFFF;
};

// The record from which lazy arithmetic flags are computed (cpu/flags.h).
struct LazyFlags {
  uint32_t res = 0, src1 = 0, src2 = 0;
  uint32_t op = 0;  // FlagOp
};

// How the last guest exception is described to the run loop.
struct PendingException {
  uint8_t vector = 0;
  bool has_error = false;
  uint32_t error = 0;
  // Not an exception: the instruction did not start and the CPU waits for an interrupt
  // with EIP at it (the x87 freeze of MS-DOS compatibility mode, raise_freeze()).
  bool freeze = false;
};

struct CpuState {
  uint32_t r[9] = {};  // EAX..EDI, then an always-zero slot used by address generation
  uint32_t eip = 0;
  uint32_t eflags = 2;
  uint32_t lazy = 0;  // arithmetic flags (kArithFlags subset) that must come from lf
  LazyFlags lf;

  Segment seg[kNumSegs];
  Segment ldtr, tr;
  TableReg gdtr, idtr;
  uint32_t cr0 = CR0_ET, cr2 = 0, cr3 = 0, cr4 = 0;
  uint32_t dr[8] = {0, 0, 0, 0, 0xFFFF0FF0u, 0x400, 0xFFFF0FF0u, 0x400};
  uint8_t cpl = 0;

  // Model-specific registers that exist.
  uint64_t tsc_offset = 0;
  uint32_t sysenter_cs = 0, sysenter_esp = 0, sysenter_eip = 0;
  uint64_t bios_sign_id = 0;  // IA32_BIOS_SIGN_ID (8Bh): microcode revision in bits 63:32
  uint64_t apic_base = 0;
  // Memory-type range registers (cpu/mtrr.h): IA32_MTRR_DEF_TYPE, the variable ranges as
  // PHYSBASE0, PHYSMASK0, PHYSBASE1, ... and the fixed ranges in MSR order (250h, 258h,
  // 259h, 268h-26Fh).  Power-on: all 0 (MTRRs disabled).
  static constexpr unsigned kMtrrVar = 8, kMtrrFix = 11;
  uint64_t mtrr_def_type = 0;
  uint64_t mtrr_var[2 * kMtrrVar] = {};
  uint64_t mtrr_fix[kMtrrFix] = {};
  // P6 performance monitoring (SDM vol. 3, "Performance Monitoring for P6 Family"):
  // PerfEvtSel0/1 (186h/187h) and the 40-bit PerfCtr0/1 (C1h/C2h).  A counter's value is
  // perf_ctr plus the events counted since perf_mark (see cpu/ops_sysregs.cpp).
  uint32_t perf_evtsel[2] = {};
  uint64_t perf_ctr[2] = {};
  uint64_t perf_mark[2] = {};
  // P6 machine-check architecture (SDM vol. 3 ch. 15): 5 error-reporting banks.  Nothing in
  // ringzero detects hardware errors, so MCG_STATUS and every MCi_STATUS stay 0 unless
  // software writes them; what is kept is what software wrote to the control registers.
  static constexpr unsigned kMcBanks = 5;
  uint64_t mcg_status = 0;
  uint64_t mcg_ctl = 0;
  uint64_t mc_ctl[kMcBanks] = {};

  FpuState fpu;

  // Run-state.
  bool halted = false;
  bool shutdown = false;      // triple fault: the machine resets (or stops with -no-reboot)
  uint8_t inhibit_irq = 0;    // 1 after STI: no interrupts before the next instruction ends;
                              // 2 after MOV SS/POP SS: no interrupts and no #DB either
  bool stop_block = false;    // leave the current block after this instruction
  uint32_t pending_dbg = 0;   // DR6 bits of a debug trap to deliver after this instruction
  PendingException exc;
  int exc_nesting = 0;        // exceptions being delivered (for #DF and triple fault)

  uint64_t icount = 0;        // instructions retired
  uint64_t icount_user = 0;   // of those, the ones that started at CPL 3
};

}  // namespace rz
