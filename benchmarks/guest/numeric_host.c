// benchmarks/guest/numeric_host.c: the host side of the numeric benchmark's checksum check.
// Linked with the same numeric.o as the guest into a static i386 Linux program (no libc:
// Linux system calls through INT 80h), so the host CPU runs the very same machine code and
// prints what the guest must print.  The host x87 starts with FCW 037FH as FNINIT leaves it.
#include <stdint.h>

uint64_t numeric_main(void);

static char buf[4096];
static unsigned len;

void numeric_putc(char ch) {
  if (len < sizeof buf) buf[len++] = ch;
}

static long sys3(long nr, long a, long b, long c) {
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
  return r;
}

__attribute__((force_align_arg_pointer)) void _start(void) {
  numeric_main();
  sys3(4, 1, (long)buf, (long)len);  // write(1, buf, len)
  sys3(1, 0, 0, 0);                  // exit(0)
  for (;;) {
  }
}
