/* tests/difftest/native_helper.c: rz_difftest_native, the host-CPU oracle.
 *
 * A 32-bit program (gcc -m32) that reads struct dt_case records on stdin and answers each
 * with a struct dt_result on stdout (tests/difftest/protocol.h).  For every case it copies
 * the instruction into a code page full of INT3 bytes, copies the data window, loads all
 * eight GPRs and EFLAGS and jumps to the instruction.  Whatever happens next arrives as a
 * signal on an alternate stack: SIGTRAP from the INT3 the instruction fell through or
 * branched to (a normal completion), or SIGFPE/SIGSEGV/SIGILL/SIGBUS from an exception; the
 * kernel's signal context gives every register, EFLAGS, EIP and the hardware vector
 * (REG_TRAPNO) and error code, and the handler siglongjmps back to the loop.
 * A branch to an unmapped address (for example a 16-bit near branch, whose target is below
 * 64 KiB) shows up as a #PF on fetch at an EIP other than the instruction's: that counts as
 * landing there.  A watchdog (alarm) turns a hang into DT_TRAP_TIMEOUT.  The helper must
 * survive every case: whatever ESP a case leaves, signals go to the top of the signal stack
 * (SS_AUTODISARM, below). */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "protocol.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31) /* <linux/signal.h>; older C libraries lack the name */
#endif

/* State read by the entry trampoline (absolute addresses: built with -fno-pie). */
uint32_t g_regs[8];
uint32_t g_eflags;
uint32_t g_target = DT_CODE_INSN;
uint32_t g_es; /* ES for the case (loaded by the trampoline: libc may use ES) */
uint32_t g_simd; /* nonzero: load g_fx with FXRSTOR first (DT_CASE_SIMD) */
uint8_t g_fx[512] __attribute__((aligned(16)));

static sigjmp_buf g_env;
static struct dt_result g_out;
static uint16_t g_fs_sel;

/* Load ES, EFLAGS and every GPR (ESP last), then jump to the instruction.  Never returns: the
 * signal handler leaves through siglongjmp. */
void dt_enter(void);
__asm__(
    ".text\n"
    ".globl dt_enter\n"
    "dt_enter:\n"
    "  cmpl $0, g_simd\n"
    "  je 1f\n"
    "  fxrstor g_fx\n"
    "1:\n"
    "  pushl g_eflags\n"
    "  popfl\n"
    "  movl g_es, %eax\n"
    "  movw %ax, %es\n"
    "  movl g_regs+0, %eax\n"
    "  movl g_regs+4, %ecx\n"
    "  movl g_regs+8, %edx\n"
    "  movl g_regs+12, %ebx\n"
    "  movl g_regs+20, %ebp\n"
    "  movl g_regs+24, %esi\n"
    "  movl g_regs+28, %edi\n"
    "  movl g_regs+16, %esp\n"
    "  jmp *g_target\n");

static void on_signal(int sig, siginfo_t* si, void* ucv) {
  ucontext_t* uc = (ucontext_t*)ucv;
  greg_t* g = uc->uc_mcontext.gregs;
  (void)si;
  g_out.regs[0] = (uint32_t)g[REG_EAX];
  g_out.regs[1] = (uint32_t)g[REG_ECX];
  g_out.regs[2] = (uint32_t)g[REG_EDX];
  g_out.regs[3] = (uint32_t)g[REG_EBX];
  g_out.regs[4] = (uint32_t)g[REG_ESP];
  g_out.regs[5] = (uint32_t)g[REG_EBP];
  g_out.regs[6] = (uint32_t)g[REG_ESI];
  g_out.regs[7] = (uint32_t)g[REG_EDI];
  g_out.eflags = (uint32_t)g[REG_EFL];
  g_out.eip = (uint32_t)g[REG_EIP];
  g_out.vector = (int32_t)g[REG_TRAPNO];
  g_out.error = (uint32_t)g[REG_ERR];
  /* The SIMD state at the trap: the kernel saved it in the signal frame (the handler itself
   * runs with a fresh FPU state).  On i386 the frame holds the FSAVE-format image (108 bytes),
   * a status word and a magic word (0x0000: an FXSAVE image follows at offset 112). */
  if (g_simd) {
    const uint8_t* fp = (const uint8_t*)uc->uc_mcontext.fpregs;
    if (fp && *(const uint16_t*)(fp + 110) == 0)
      memcpy(g_out.fx, fp + 112, DT_FX_SIZE);
    else
      memset(g_out.fx, 0xEE, DT_FX_SIZE); /* no FXSAVE image: compares as a difference */
  }
  if (sig == SIGALRM) {
    g_out.vector = DT_TRAP_TIMEOUT;
  } else if (sig == SIGTRAP && g_out.vector == 3) {
    g_out.vector = DT_TRAP_NONE;  /* landed on an INT3: EIP points after it */
    g_out.eip -= 1;
  } else if (g_out.vector == 14 && g_out.eip != DT_CODE_INSN) {
    g_out.vector = DT_TRAP_NONE;  /* a branch landed on an unmapped page */
    g_out.error = 0;
  }
  siglongjmp(g_env, 1);
}

static int read_full(void* p, size_t n) {
  char* c = (char*)p;
  while (n) {
    ssize_t k = read(0, c, n);
    if (k <= 0) return 0;
    c += k;
    n -= (size_t)k;
  }
  return 1;
}

static int write_full(const void* p, size_t n) {
  const char* c = (const char*)p;
  while (n) {
    ssize_t k = write(1, c, n);
    if (k <= 0) return 0;
    c += k;
    n -= (size_t)k;
  }
  return 1;
}

static void die(const char* what) {
  perror(what);
  exit(2);
}

/* The signal stack.  A case's ESP is any value, so it can point into this very array; the
 * kernel would then take the signal for a nested one, push the frame at that ESP and, near
 * the array's low end, run off the stack and kill the helper with SIGSEGV.  SS_AUTODISARM
 * makes the kernel ignore where ESP is and always start at the top of the stack; it also
 * disarms the stack while the handler runs, and since the handler leaves by siglongjmp
 * rather than sigreturn, the stack is armed again before every case. */
static char g_altstack_mem[1 << 16];
static stack_t g_altstack;

static void arm_altstack(void) {
  if (sigaltstack(&g_altstack, NULL) != 0) die("sigaltstack (SS_AUTODISARM needs Linux 4.7)");
}

static void setup(void) {
  void* code = mmap((void*)DT_CODE_BASE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (code != (void*)DT_CODE_BASE) die("mmap code page");
  memset(code, 0xCC, 0x1000);
  void* data = mmap((void*)DT_DATA_BASE, DT_DATA_SIZE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (data != (void*)DT_DATA_BASE) die("mmap data pages");

  struct user_desc d;
  memset(&d, 0, sizeof d);
  d.entry_number = (unsigned)-1;
  d.base_addr = DT_WIN_BASE;
  d.limit = DT_FS_LIMIT;
  d.seg_32bit = 1;
  d.useable = 1;
  if (syscall(SYS_set_thread_area, &d) != 0) die("set_thread_area");
  g_fs_sel = (uint16_t)((d.entry_number << 3) | 3);

  g_altstack.ss_sp = g_altstack_mem;
  g_altstack.ss_size = sizeof g_altstack_mem;
  g_altstack.ss_flags = SS_AUTODISARM;
  arm_altstack();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGALRM};
  for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; ++k)
    if (sigaction(sigs[k], &sa, NULL) != 0) die("sigaction");
}

static void load_fs(void) { __asm__ volatile("movw %0, %%fs" : : "r"(g_fs_sel)); }
static void load_es(uint16_t sel) { __asm__ volatile("movw %0, %%es" : : "r"(sel) : "memory"); }

int main(void) {
  setup();
  load_fs();
  struct dt_hello h;
  memset(&h, 0, sizeof h);
  h.magic = DT_MAGIC;
  __asm__ volatile("movw %%cs, %0" : "=r"(h.cs));
  __asm__ volatile("movw %%ds, %0" : "=r"(h.ds));
  __asm__ volatile("movw %%es, %0" : "=r"(h.es));
  __asm__ volatile("movw %%fs, %0" : "=r"(h.fs));
  __asm__ volatile("movw %%gs, %0" : "=r"(h.gs));
  __asm__ volatile("movw %%ss, %0" : "=r"(h.ss));
  h.altstack = (uint32_t)(uintptr_t)g_altstack_mem;
  h.altstack_size = sizeof g_altstack_mem;
  if (!write_full(&h, sizeof h)) return 2;

  uint8_t* code = (uint8_t*)DT_CODE_INSN;
  uint8_t* data = (uint8_t*)DT_DATA_BASE;
  uint8_t* win = (uint8_t*)DT_WIN_BASE;
  static struct dt_case c;
  while (read_full(&c, sizeof c)) {
    if (c.len > sizeof c.code) return 2;
    memcpy(code, c.code, c.len);
    memcpy(win, c.mem, DT_WIN_SIZE);
    memcpy(g_regs, c.regs, sizeof g_regs);
    g_eflags = c.eflags;
    memset(&g_out, 0, sizeof g_out);
    g_simd = (c.flags & DT_CASE_SIMD) != 0;
    if (g_simd) {
      memset(g_fx, 0, sizeof g_fx);
      memcpy(g_fx, c.fx, DT_FX_SIZE);
    }
    load_fs();
    g_es = (c.flags & DT_CASE_ES_WINDOW) ? g_fs_sel : h.ds;
    if (c.flags & DT_CASE_SELFTEST_DIE) abort(); /* self-test: the tester must restart us */
    arm_altstack();
    alarm(2);
    if (sigsetjmp(g_env, 1) == 0) dt_enter();
    alarm(0);
    /* Back from the signal handler: a sane EFLAGS (DF=0, AC=0) for the C code. */
    __asm__ volatile("pushl $0x202\n\tpopfl" ::: "cc", "memory");
    load_es(h.ds);
    memset(code - 0x800, 0xCC, 0x1000);
    memcpy(g_out.mem, win, DT_WIN_SIZE);
    memset(win, 0, DT_WIN_SIZE);
    g_out.outside_dirty = 0;
    for (uint32_t k = 0; k < DT_DATA_SIZE; k += 4) {
      if (*(uint32_t*)(data + k)) {
        g_out.outside_dirty = 1;
        memset(data, 0, DT_DATA_SIZE);
        break;
      }
    }
    if (!write_full(&g_out, sizeof g_out)) return 2;
  }
  return 0;
}
