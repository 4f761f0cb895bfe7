// benchmarks/guest/numeric.c: the numeric benchmark kernels, freestanding C.
//
// Compiled once per variant and linked unchanged into two programs: the Multiboot guest
// (numeric_start.asm) and a host check program (numeric_host.c, a static i386 Linux
// executable), so the guest's checksum can be compared with the host CPU's result of the
// very same machine code.  Variants (chosen by the compiler flags, see
// benchmarks/CMakeLists.txt):
//   x87     -m32 -mfpmath=387 -mno-sse     scalar double in the x87 (FCW 037FH: 64-bit
//                                          significands, as after FNINIT)
//   sse2    -m32 -msse2 -mfpmath=sse       scalar double in XMM registers
//   packed  the sse2 flags plus -DNUMERIC_PACKED: the kernels written with SSE/SSE2
//           intrinsics (MULPD/ADDPD, CMPLEPD/MOVMSKPD, MULPS/ADDPS)
// Kernels: a dense double matrix multiply, a Mandelbrot set and a single-precision dot
// product (plus a double one in the scalar variants).  SCALE (-DSCALE=n) multiplies the
// repetition counts.  numeric_main() prints "<variant> <kernel> <checksum>" lines and a
// final "checksum <hex>" line through numeric_putc(), supplied by each program.
#include <stdint.h>

#ifdef NUMERIC_PACKED
#include <emmintrin.h>
#endif

#ifndef SCALE
#define SCALE 1
#endif

void numeric_putc(char ch);

static void put_str(const char* s) {
  while (*s) numeric_putc(*s++);
}
static void put_hex(uint64_t v) {
  for (int k = 60; k >= 0; k -= 4) numeric_putc("0123456789abcdef"[(v >> k) & 0xF]);
}

// FNV-1a over 64-bit words: a checksum of exact bit patterns.
static uint64_t fold(uint64_t h, uint64_t w) {
  for (int k = 0; k < 8; ++k) {
    h ^= (w >> (8 * k)) & 0xFF;
    h *= 0x100000001B3ull;
  }
  return h;
}
static uint64_t bits_of(double d) {
  union { double d; uint64_t u; } x = {d};
  return x.u;
}
static uint64_t bits_of_f(float f) {
  union { float f; uint32_t u; } x = {f};
  return x.u;
}

// ---- dense matrix multiply C = A * B, N x N doubles -------------------------------------
#define N 48
static double A[N][N] __attribute__((aligned(16)));
static double B[N][N] __attribute__((aligned(16)));
static double C[N][N] __attribute__((aligned(16)));

static void matrix_init(void) {
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) {
      A[i][j] = (double)((i * 7 + j * 3) % 17) / 8.0 - 1.0 + (double)i / 1024.0;
      B[i][j] = (double)((i * 5 + j * 11) % 13) / 4.0 - 1.5 + (double)j / 2048.0;
    }
}

static void matmul(void) {
  for (int i = 0; i < N; ++i) {
#ifdef NUMERIC_PACKED
    for (int j = 0; j < N; j += 2) _mm_store_pd(&C[i][j], _mm_setzero_pd());
    for (int k = 0; k < N; ++k) {
      const __m128d a = _mm_set1_pd(A[i][k]);
      for (int j = 0; j < N; j += 2) {
        __m128d c = _mm_load_pd(&C[i][j]);
        c = _mm_add_pd(c, _mm_mul_pd(a, _mm_load_pd(&B[k][j])));
        _mm_store_pd(&C[i][j], c);
      }
    }
#else
    for (int j = 0; j < N; ++j) C[i][j] = 0.0;
    for (int k = 0; k < N; ++k) {
      const double a = A[i][k];
      for (int j = 0; j < N; ++j) C[i][j] += a * B[k][j];
    }
#endif
  }
}

static uint64_t matrix_kernel(void) {
  uint64_t h = 0xCBF29CE484222325ull;
  matrix_init();
  for (int rep = 0; rep < 6 * SCALE; ++rep) {
    matmul();
    // feed the result back so that the repetitions are not independent
    for (int i = 0; i < N; ++i) A[i][(i + rep) % N] = C[i][(i * 3) % N] / 64.0;
  }
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) h = fold(h, bits_of(C[i][j]));
  return h;
}

// ---- Mandelbrot set: iteration counts on a W x H grid -------------------------------------
#define MW 64
#define MH 48
#define MAXIT 64

static uint64_t mandel_kernel(void) {
  uint64_t h = 0xCBF29CE484222325ull;
  uint32_t total = 0;
  for (int rep = 0; rep < SCALE; ++rep) {
    const double shift = (double)rep / 4096.0;
    for (int y = 0; y < MH; ++y) {
      const double ci = -1.2 + 2.4 * (double)y / MH + shift;
#ifdef NUMERIC_PACKED
      for (int x = 0; x < MW; x += 2) {
        const __m128d cr = _mm_set_pd(-2.0 + 3.0 * (double)(x + 1) / MW,
                                      -2.0 + 3.0 * (double)x / MW);
        const __m128d civ = _mm_set1_pd(ci), four = _mm_set1_pd(4.0);
        __m128d zr = _mm_setzero_pd(), zi = _mm_setzero_pd();
        __m128i count = _mm_setzero_si128();
        for (int it = 0; it < MAXIT; ++it) {
          const __m128d zr2 = _mm_mul_pd(zr, zr), zi2 = _mm_mul_pd(zi, zi);
          const __m128d inside = _mm_cmple_pd(_mm_add_pd(zr2, zi2), four);
          if (_mm_movemask_pd(inside) == 0) break;
          count = _mm_sub_epi64(count, _mm_castpd_si128(inside));  // +1 in live lanes
          const __m128d zrzi = _mm_mul_pd(zr, zi);
          zi = _mm_add_pd(_mm_add_pd(zrzi, zrzi), civ);
          zr = _mm_add_pd(_mm_sub_pd(zr2, zi2), cr);
        }
        uint64_t c2[2] __attribute__((aligned(16)));
        _mm_store_si128((__m128i*)c2, count);
        total += (uint32_t)(c2[0] + c2[1]);
        h = fold(h, c2[0] | (c2[1] << 32));
      }
#else
      for (int x = 0; x < MW; ++x) {
        const double cr = -2.0 + 3.0 * (double)x / MW;
        double zr = 0.0, zi = 0.0;
        uint32_t count = 0;
        for (int it = 0; it < MAXIT; ++it) {
          const double zr2 = zr * zr, zi2 = zi * zi;
          if (!(zr2 + zi2 <= 4.0)) break;
          ++count;
          const double zrzi = zr * zi;
          zi = (zrzi + zrzi) + ci;
          zr = (zr2 - zi2) + cr;
        }
        total += count;
        h = fold(h, count);
      }
#endif
    }
  }
  return fold(h, total);
}

// ---- dot products ----------------------------------------------------------------------------
#define DN 2048
static float XF[DN] __attribute__((aligned(16)));
static float YF[DN] __attribute__((aligned(16)));

static uint64_t dot_kernel(void) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (int k = 0; k < DN; ++k) {
    XF[k] = (float)((k * 13) % 101) / 7.0f - 0.75f;
    YF[k] = (float)((k * 29) % 97) / 9.0f - 1.5f;
  }
  for (int rep = 0; rep < 24 * SCALE; ++rep) {
#ifdef NUMERIC_PACKED
    __m128 acc = _mm_setzero_ps();
    for (int k = 0; k < DN; k += 4)
      acc = _mm_add_ps(acc, _mm_mul_ps(_mm_load_ps(&XF[k]), _mm_load_ps(&YF[k])));
    float lanes[4] __attribute__((aligned(16)));
    _mm_store_ps(lanes, acc);
    const float s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    h = fold(h, bits_of_f(s));
#else
    float s = 0.0f;
    double d = 0.0;
    for (int k = 0; k < DN; ++k) {
      s += XF[k] * YF[k];
      d += (double)XF[k] * (double)YF[k];
    }
    h = fold(h, bits_of_f(s));
    h = fold(h, bits_of(d));
#endif
    XF[rep % DN] += 0.125f;  // a different sum next time
  }
  return h;
}

#if defined(NUMERIC_PACKED)
#define VARIANT "packed"
#elif defined(__SSE2_MATH__)
#define VARIANT "sse2"
#else
#define VARIANT "x87"
#endif

uint64_t numeric_main(void) {
  const uint64_t m = matrix_kernel();
  put_str(VARIANT " matmul ");
  put_hex(m);
  put_str("\n");
  const uint64_t b = mandel_kernel();
  put_str(VARIANT " mandelbrot ");
  put_hex(b);
  put_str("\n");
  const uint64_t d = dot_kernel();
  put_str(VARIANT " dot ");
  put_hex(d);
  put_str("\n");
  const uint64_t all = fold(fold(m, b), d);
  put_str("checksum ");
  put_hex(all);
  put_str("\n");
  return all;
}
