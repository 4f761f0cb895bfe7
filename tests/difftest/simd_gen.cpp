// tests/difftest/simd_gen.cpp: random SIMD state for kind-Simd cases, and its comparison.
//
// A SIMD case carries the first DT_FX_SIZE bytes of an FXSAVE image (protocol.h): the host
// helper loads it with FXRSTOR before the instruction and reads the state the instruction
// left from its signal frame; ringzero loads it into FpuState (emulate.cpp).  Values are
// biased to what breaks SIMD code: per-lane integer edges at byte/word/dword/qword width
// (0, 1, -1, the sign bit, saturation bounds), float32/float64 specials (+-0, +-inf, QNaN,
// SNaN, denormals, the smallest normal, 1.0, the largest finite value, values that round
// at .5), registers equal or one off from each other (so compares hit equality), and x87
// state around MMX (TOP, tags, exponent words, now and then a pending unmasked x87
// exception, which MMX instructions must report as #MF).
#include <cstdio>
#include <cstring>

#include "tests/difftest/difftest.h"

namespace rz::difftest {

namespace {

uint64_t edge_lane(Rng& rng, unsigned bytes) {
  const unsigned bits = bytes * 8;
  const uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
  const uint64_t sign = 1ull << (bits - 1);
  switch (rng.below(12)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return mask;                 // -1
    case 3: return sign;                 // most negative
    case 4: return sign - 1;             // most positive
    case 5: return sign + 1;
    case 6: return (1ull << rng.below(bits)) & mask;
    case 7: return ((1ull << rng.below(bits)) - 1) & mask;
    case 8: return uint64_t(int64_t(rng.below(9)) - 4) & mask;  // small +-
    case 9: return (0xFFull << (8 * rng.below(bytes))) & mask;
    default: return rng.next() & mask;
  }
}

uint32_t special_f32(Rng& rng) {
  static const uint32_t k[] = {
      0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000,  // 0 inf QNaN
      0x7F800001, 0x7FBFFFFF, 0xFF812345,                                       // SNaN
      0x00000001, 0x007FFFFF, 0x80400000,                                       // denormal
      0x00800000, 0x80800000, 0x3F800000, 0xBF800000, 0x7F7FFFFF, 0xFF7FFFFF,  // normal
      0x3F000000, 0x3FC00000, 0x40200000, 0x4B000000, 0x4F000000, 0xCF000000,  // .5, 2^31
      0x5F000000, 0x7FC12345, 0x3EAAAAAB};
  const uint32_t n = sizeof k / sizeof k[0];
  if (rng.chance(30)) {  // random sign/exponent/fraction, exponent near the edges
    uint32_t e = rng.chance(50) ? rng.below(256) : (rng.chance(50) ? rng.below(4) : 252 + rng.below(4));
    if (rng.chance(40)) e = 127 + rng.below(64) - 32;
    return (rng.u32() & 0x807FFFFFu) | (e << 23);
  }
  return k[rng.below(n)];
}

uint64_t special_f64(Rng& rng) {
  static const uint64_t k[] = {
      0x0000000000000000ull, 0x8000000000000000ull, 0x7FF0000000000000ull,
      0xFFF0000000000000ull, 0x7FF8000000000000ull, 0xFFF8000000000000ull,
      0x7FF0000000000001ull, 0x7FF7FFFFFFFFFFFFull, 0xFFF0123456789ABCull,
      0x0000000000000001ull, 0x000FFFFFFFFFFFFFull, 0x8008000000000000ull,
      0x0010000000000000ull, 0x8010000000000000ull, 0x3FF0000000000000ull,
      0xBFF0000000000000ull, 0x7FEFFFFFFFFFFFFFull, 0xFFEFFFFFFFFFFFFFull,
      0x3FE0000000000000ull, 0x3FF8000000000000ull, 0x41E0000000000000ull,
      0xC1E0000000000000ull, 0x43E0000000000000ull, 0x47EFFFFFE0000000ull,
      0x36A0000000000000ull, 0x3FD5555555555555ull, 0x7FF8123456789ABCull};
  const uint32_t n = sizeof k / sizeof k[0];
  if (rng.chance(30)) {
    uint64_t e = rng.chance(50) ? rng.below(2048) : (rng.chance(50) ? rng.below(4) : 2044 + rng.below(4));
    if (rng.chance(40)) e = 1023 + rng.below(128) - 64;
    return (rng.next() & 0x800FFFFFFFFFFFFFull) | (e << 52);
  }
  return k[rng.below(n)];
}

// Fill `n` bytes (a multiple of 4) with one lane style.
void fill_lanes(Rng& rng, uint8_t* p, unsigned n) {
  const unsigned style = rng.below(8);
  for (unsigned o = 0; o < n;) {
    uint64_t v;
    unsigned w;
    switch (style) {
      case 0: w = 1; v = edge_lane(rng, 1); break;
      case 1: w = 2; v = edge_lane(rng, 2); break;
      case 2: w = 4; v = edge_lane(rng, 4); break;
      case 3: w = 8; v = edge_lane(rng, 8); break;
      case 4: w = 4; v = special_f32(rng); break;
      case 5: w = 8; v = special_f64(rng); break;
      default: w = 4; v = rng.u32(); break;
    }
    if (w > n - o) w = n - o;
    std::memcpy(p + o, &v, w);
    o += w;
  }
}

}  // namespace

void generate_simd_state(Rng& rng, uint8_t* fx) {
  std::memset(fx, 0, DT_FX_SIZE);
  // XMM0-7 and MM0-7 (ST significands).
  for (unsigned k = 0; k < 8; ++k) fill_lanes(rng, fx + DT_FX_XMM + 16 * k, 16);
  for (unsigned k = 0; k < 8; ++k) fill_lanes(rng, fx + DT_FX_ST + 16 * k, 8);
  if (rng.chance(20)) {  // registers equal or nearly equal: compares hit equality
    const unsigned src = rng.below(8);
    for (unsigned k = 0; k < 8; ++k) {
      if (rng.chance(40)) continue;
      std::memcpy(fx + DT_FX_XMM + 16 * k, fx + DT_FX_XMM + 16 * src, 16);
      std::memcpy(fx + DT_FX_ST + 16 * k, fx + DT_FX_ST + 16 * src, 8);
      if (rng.chance(50)) fx[DT_FX_XMM + 16 * k + rng.below(16)] ^= uint8_t(1u << rng.below(8));
      if (rng.chance(50)) fx[DT_FX_ST + 16 * k + rng.below(8)] ^= uint8_t(1u << rng.below(8));
    }
  }
  // Exponent/sign words of ST0-7: MMX writes set them to all ones.
  for (unsigned k = 0; k < 8; ++k) {
    uint16_t se = rng.chance(40) ? 0xFFFF : uint16_t(rng.u32());
    std::memcpy(fx + DT_FX_ST + 16 * k + 8, &se, 2);
  }
  // x87 control, status (TOP anywhere), abridged tags.
  uint16_t fcw = rng.chance(80) ? 0x037F : uint16_t((rng.u32() & 0x0F3F) | 0x0040);
  uint16_t fsw = uint16_t(rng.below(8) << 11);
  if (rng.chance(20)) fsw |= uint16_t(rng.u32() & 0x4700);  // condition codes
  if (rng.chance(3)) {  // a pending unmasked x87 exception: MMX instructions raise #MF
    fcw &= uint16_t(~0x0001);
    fsw |= 0x0001 | 0x0080 | 0x8000;  // IE, ES, B
  }
  std::memcpy(fx + DT_FX_FCW, &fcw, 2);
  std::memcpy(fx + DT_FX_FSW, &fsw, 2);
  fx[DT_FX_FTW] = rng.chance(30) ? 0xFF : rng.chance(30) ? 0x00 : uint8_t(rng.u32());
  // MXCSR: mostly the default (all masked, round to nearest), else random masks, rounding,
  // FTZ/DAZ and sticky flags.
  uint32_t mxcsr = 0x1F80;
  if (rng.chance(40)) {
    mxcsr = rng.u32() & 0xFFFF;
    if (rng.chance(50)) mxcsr |= 0x1F80;  // all masked, other fields random
  }
  std::memcpy(fx + DT_FX_MXCSR, &mxcsr, 4);
}

void generate_simd_memory(Rng& rng, uint8_t* win, uint32_t off, unsigned size) {
  if (off >= DT_WIN_SIZE || size == 0 || rng.chance(15)) return;  // keep the window's bytes
  uint8_t tmp[16];
  fill_lanes(rng, tmp, 16);
  for (unsigned k = 0; k < size && off + k < DT_WIN_SIZE; ++k) win[off + k] = tmp[k % 16];
}

const uint8_t* simd_compared_bytes() {
  static const auto mask = [] {
    struct M { uint8_t b[DT_FX_SIZE]; } m{};
    for (unsigned k = 0; k < 5; ++k) m.b[k] = 0xFF;                    // FCW FSW FTW
    for (unsigned k = 0; k < 4; ++k) m.b[DT_FX_MXCSR + k] = 0xFF;      // MXCSR
    for (unsigned r = 0; r < 8; ++r)
      for (unsigned k = 0; k < 10; ++k) m.b[DT_FX_ST + 16 * r + k] = 0xFF;
    for (unsigned k = 0; k < 128; ++k) m.b[DT_FX_XMM + k] = 0xFF;
    return m;
  }();
  return mask.b;
}

namespace {

std::string hex_le(const uint8_t* p, unsigned n) {
  std::string s;
  char b[4];
  for (unsigned k = n; k-- > 0;) {
    std::snprintf(b, sizeof b, "%02x", p[k]);
    s += b;
    if (k && k % 4 == 0 && n > 8) s += '_';
  }
  return s;
}

uint32_t u32_at(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint16_t u16_at(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }

}  // namespace

std::string describe_simd(const uint8_t* fx) {
  char b[96];
  std::snprintf(b, sizeof b, "fcw=%04x fsw=%04x ftw=%02x mxcsr=%08x\n", u16_at(fx + DT_FX_FCW),
                u16_at(fx + DT_FX_FSW), fx[DT_FX_FTW], u32_at(fx + DT_FX_MXCSR));
  std::string s = b;
  for (unsigned k = 0; k < 8; ++k) {
    std::snprintf(b, sizeof b, "            st%u=%s:%s  xmm%u=%s\n", k,
                  hex_le(fx + DT_FX_ST + 16 * k + 8, 2).c_str(),
                  hex_le(fx + DT_FX_ST + 16 * k, 8).c_str(), k,
                  hex_le(fx + DT_FX_XMM + 16 * k, 16).c_str());
    s += b;
  }
  return s;
}

std::string simd_diff(const uint8_t* host, const uint8_t* emu, const uint8_t* undef) {
  const uint8_t* cmp = simd_compared_bytes();
  auto differs = [&](unsigned lo, unsigned n) {
    for (unsigned k = lo; k < lo + n; ++k)
      if ((host[k] ^ emu[k]) & cmp[k] & ~undef[k]) return true;
    return false;
  };
  std::string d;
  char b[160];
  if (differs(DT_FX_FCW, 2) || differs(DT_FX_FSW, 2) || differs(DT_FX_FTW, 1)) {
    std::snprintf(b, sizeof b, "x87 fcw/fsw/ftw: host %04x/%04x/%02x ringzero %04x/%04x/%02x; ",
                  u16_at(host), u16_at(host + 2), host[4], u16_at(emu), u16_at(emu + 2), emu[4]);
    d += b;
  }
  if (differs(DT_FX_MXCSR, 4)) {
    std::snprintf(b, sizeof b, "mxcsr: host %08x ringzero %08x; ", u32_at(host + DT_FX_MXCSR),
                  u32_at(emu + DT_FX_MXCSR));
    d += b;
  }
  for (unsigned k = 0; k < 8; ++k)
    if (differs(DT_FX_ST + 16 * k, 10))
      d += "st" + std::to_string(k) + "/mm: host " + hex_le(host + DT_FX_ST + 16 * k + 8, 2) + ":" +
           hex_le(host + DT_FX_ST + 16 * k, 8) + " ringzero " + hex_le(emu + DT_FX_ST + 16 * k + 8, 2) +
           ":" + hex_le(emu + DT_FX_ST + 16 * k, 8) + "; ";
  for (unsigned k = 0; k < 8; ++k)
    if (differs(DT_FX_XMM + 16 * k, 16))
      d += "xmm" + std::to_string(k) + ": host " + hex_le(host + DT_FX_XMM + 16 * k, 16) +
           " ringzero " + hex_le(emu + DT_FX_XMM + 16 * k, 16) + "; ";
  return d;
}

}  // namespace rz::difftest
