// tests/baremetal/c_kernel.c: a freestanding C Multiboot kernel (gcc -m32 -ffreestanding).
// It checks what a C kernel relies on from the loader - initialised data copied, bss
// zeroed, the information structure - and runs compiler-generated integer code (64-bit
// division through libgcc, loops, string moves) against independent computations.
// Reports "PASS name" / "FAIL name" on port 0xE9; c_start.asm turns the failure count into
// the isa-debug-exit status.
// RUN-ARGS: -append "hello=world"
#include <stddef.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) {
  __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void puts(const char* s) {
  while (*s) outb(0xE9, (uint8_t)*s++);
}

// The freestanding environment must provide memmove: REP MOVSB forwards, or backwards with
// EFLAGS.DF set when the destination overlaps the end of the source.
void* memmove(void* dst, const void* src, size_t n) {
  uint8_t* d = dst;
  const uint8_t* s = src;
  if (d <= s || d >= s + n) {
    __asm__ volatile("cld; rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  } else {
    d += n - 1;
    s += n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  }
  return dst;
}

static int failures;

static void report(const char* name, int ok) {
  puts(ok ? "PASS " : "FAIL ");
  puts(name);
  puts("\n");
  if (!ok) ++failures;
}

struct multiboot_info {
  uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
  uint32_t syms[4];
  uint32_t mmap_length, mmap_addr, drives_length, drives_addr, config_table;
  uint32_t boot_loader_name;
};

// .data: the loader must copy these from the file.
uint32_t initialised[4] = {0x01234567u, 0x89ABCDEFu, 0xDEADBEEFu, 0x0BADF00Du};
// .bss: the loader must zero this (p_memsz beyond p_filesz), wherever RAM held junk.
uint32_t zeroed[8192];

// Restoring shift-subtract division: an independent check of the DIV-based libgcc code.
static uint64_t slow_div(uint64_t n, uint64_t d, uint64_t* rem) {
  uint64_t q = 0, r = 0;
  for (int i = 63; i >= 0; --i) {
    r = (r << 1) | ((n >> i) & 1);
    if (r >= d) {
      r -= d;
      q |= 1ull << i;
    }
  }
  *rem = r;
  return q;
}

static uint32_t lcg(uint32_t* s) {
  *s = *s * 1103515245u + 12345u;
  return *s >> 8;
}

static size_t c_strlen(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

static int ends_with(const char* s, const char* suffix) {
  size_t a = c_strlen(s), b = c_strlen(suffix);
  if (b > a) return 0;
  for (size_t i = 0; i < b; ++i)
    if (s[a - b + i] != suffix[i]) return 0;
  return 1;
}

int kmain(uint32_t magic, const struct multiboot_info* mbi) {
  report("c_multiboot_magic", magic == 0x2BADB002u);

  report("c_data_copied", initialised[0] == 0x01234567u && initialised[1] == 0x89ABCDEFu &&
                              initialised[2] == 0xDEADBEEFu && initialised[3] == 0x0BADF00Du);

  int bss_ok = 1;
  for (size_t i = 0; i < sizeof zeroed / sizeof zeroed[0]; ++i) bss_ok &= zeroed[i] == 0;
  report("c_bss_zeroed", bss_ok);

  report("c_cmdline", (mbi->flags & 4) && ends_with((const char*)mbi->cmdline, " hello=world"));

  // 64-bit division and remainder (libgcc __udivdi3/__umoddi3) against shift-subtract.
  uint32_t seed = 12345;
  int div_ok = 1;
  for (int i = 0; i < 2000; ++i) {
    uint64_t n = ((uint64_t)lcg(&seed) << 40) ^ ((uint64_t)lcg(&seed) << 16) ^ lcg(&seed);
    uint64_t d = ((uint64_t)lcg(&seed) << (lcg(&seed) % 40)) | 1;
    uint64_t r;
    uint64_t q = slow_div(n, d, &r);
    div_ok &= (n / d == q) && (n % d == r) && (q * d + r == n);
  }
  report("c_uint64_divmod", div_ok);

  // Signed 32-bit arithmetic identities through IMUL/IDIV/CDQ.
  int sdiv_ok = 1;
  for (int i = 0; i < 2000; ++i) {
    int32_t a = (int32_t)(lcg(&seed) << 8), b = (int32_t)lcg(&seed) - 0x400000;
    if (b == 0) continue;
    int32_t q = a / b, r = a % b;
    sdiv_ok &= (q * b + r == a) && (r == 0 || (r < 0) == (a < 0));
  }
  report("c_int32_divmod", sdiv_ok);

  // Insertion sort of pseudo-random values: sorted, and the same multiset (sum, xor).
  static uint32_t v[512];
  uint64_t sum0 = 0;
  uint32_t x0 = 0;
  for (int i = 0; i < 512; ++i) {
    v[i] = lcg(&seed);
    sum0 += v[i];
    x0 ^= v[i];
  }
  for (int i = 1; i < 512; ++i) {
    uint32_t key = v[i];
    int j = i - 1;
    while (j >= 0 && v[j] > key) {
      v[j + 1] = v[j];
      --j;
    }
    v[j + 1] = key;
  }
  int sorted = 1;
  uint64_t sum1 = v[0];
  uint32_t x1 = v[0];
  for (int i = 1; i < 512; ++i) {
    sorted &= v[i - 1] <= v[i];
    sum1 += v[i];
    x1 ^= v[i];
  }
  report("c_sort", sorted && sum0 == sum1 && x0 == x1);

  // Overlapping moves both ways (REP MOVSB with DF=1 and DF=0).
  static uint8_t buf[256];
  for (int i = 0; i < 256; ++i) buf[i] = (uint8_t)i;
  __builtin_memmove(buf + 16, buf, 200);
  int move_ok = 1;
  for (int i = 0; i < 200; ++i) move_ok &= buf[16 + i] == (uint8_t)i;
  __builtin_memmove(buf, buf + 16, 200);
  for (int i = 0; i < 200; ++i) move_ok &= buf[i] == (uint8_t)i;
  report("c_memmove_overlap", move_ok);

  return failures;
}
