/* tests/difftest/protocol.h: the case/result records exchanged between rz_difftest and its
 * 32-bit native helper (rz_difftest_native) over pipes, and the fixed guest addresses both
 * sides use.  Plain C so the helper (gcc -m32) and the tester (C++, 64-bit) share one
 * layout; every field has a fixed width and natural alignment, so no packing is needed. */
#ifndef RZ_DIFFTEST_PROTOCOL_H
#define RZ_DIFFTEST_PROTOCOL_H

#include <stdint.h>

/* Code page: filled with INT3 (0xCC); the instruction under test sits at DT_CODE_INSN, so
 * whatever it falls through or branches to inside the page traps straight away and the
 * landing address is known. */
#define DT_CODE_BASE 0x00200000u
#define DT_CODE_INSN 0x00200800u
/* Two data pages; the data window straddles the boundary between them so memory operands
 * that cross a page are exercised.  Everything of the two pages outside the window is zero
 * and must stay zero. */
#define DT_DATA_BASE 0x00300000u
#define DT_DATA_SIZE 0x2000u
#define DT_WIN_SIZE 256u
#define DT_WIN_BASE (DT_DATA_BASE + 0x1000u - DT_WIN_SIZE / 2)
/* FS is a 32-bit data segment with base DT_WIN_BASE and byte limit DT_FS_LIMIT; 16-bit
 * addressing reaches the window through an FS override (a flat segment cannot: the first
 * 64 KiB of a Linux process are never mappable). */
#define DT_FS_LIMIT 0xFFFFu

#define DT_MAGIC 0x54464452u /* "RDFT" */

/* Outcome kinds. */
#define DT_TRAP_NONE (-1)    /* ran to completion (landed on an INT3 in the code page) */
#define DT_TRAP_TIMEOUT (-2) /* the helper's watchdog fired */

struct dt_hello {
  uint32_t magic;
  uint16_t cs, ds, es, fs, gs, ss; /* the helper's selectors (the tester copies them) */
  uint32_t altstack, altstack_size; /* the helper's signal stack (for the self-test) */
};

/* dt_case.flags: ES holds the FS (window) segment instead of the flat data segment, so
 * string destinations ES:(E)DI are reachable with 16-bit addressing too. */
#define DT_CASE_ES_WINDOW 1u
/* Only for the tester's start-up self-test: the helper aborts instead of running the case,
 * so the handling of a dead helper (report the case, start a new one, go on) is exercised. */
#define DT_CASE_SELFTEST_DIE 0x80000000u
/* dt_case.flags: a SIMD case.  dt_case.fx is loaded with FXRSTOR before the instruction
 * (x87 control/status/tags, ST0-7 = MM0-7, MXCSR, XMM0-7) and dt_result.fx is the FXSAVE
 * image of the state the instruction left (read from the signal frame).  Without the flag
 * both fx fields are unused. */
#define DT_CASE_SIMD 2u

/* The first DT_FX_SIZE bytes of an FXSAVE image (SDM vol. 2 FXSAVE, table 3-53): 0 FCW,
 * 2 FSW, 4 abridged FTW, 6 FOP, 8 FIP, 12 FCS, 16 FDP, 20 FDS, 24 MXCSR, 28 MXCSR_MASK,
 * 32 + 16*i ST(i) (10 bytes + 6 reserved), 160 + 16*i XMMi. */
#define DT_FX_SIZE 288u
#define DT_FX_FCW 0u
#define DT_FX_FSW 2u
#define DT_FX_FTW 4u
#define DT_FX_MXCSR 24u
#define DT_FX_ST 32u
#define DT_FX_XMM 160u

struct dt_case {
  uint32_t regs[8]; /* EAX ECX EDX EBX ESP EBP ESI EDI */
  uint32_t eflags;  /* loaded with POPFD (arithmetic flags and DF only) */
  uint8_t code[16];
  uint32_t len;     /* instruction bytes used */
  uint32_t flags;   /* DT_CASE_* */
  uint8_t mem[DT_WIN_SIZE];
  uint8_t fx[DT_FX_SIZE]; /* DT_CASE_SIMD: the FXSAVE-format state to load */
};

struct dt_result {
  uint32_t regs[8];
  uint32_t eflags;
  uint32_t eip;           /* where execution stopped: the landing address, or the faulting EIP */
  int32_t vector;         /* DT_TRAP_NONE, DT_TRAP_TIMEOUT, or the exception vector */
  uint32_t error;         /* error code pushed by the exception (if any) */
  uint32_t outside_dirty; /* bytes of the data pages outside the window were written */
  uint32_t pad;
  uint8_t mem[DT_WIN_SIZE];
  uint8_t fx[DT_FX_SIZE]; /* DT_CASE_SIMD: the FXSAVE-format state afterwards */
};

#endif
