// cpu/flags.cpp: computing lazy arithmetic flags and condition codes.
#include "cpu/flags.h"

namespace rz {

namespace {

template <uint32_t Bits>
uint32_t compute(FlagKind k, uint32_t res, uint32_t s1, uint32_t s2) {
  constexpr uint32_t m = Bits == 32 ? 0xFFFFFFFFu : (1u << Bits) - 1;
  constexpr uint32_t sign = 1u << (Bits - 1);
  res &= m;
  s1 &= m;
  s2 &= m;
  uint32_t f = parity_flag(res) | (res == 0 ? ZF : 0) | ((res & sign) ? SF : 0);
  switch (k) {
    case FlagKind::Add:
    case FlagKind::Adc: {
      uint32_t cin = k == FlagKind::Adc ? ((res - s1 - s2) & m) : 0;
      bool c = cin ? res <= s1 : res < s1;
      f |= (c ? CF : 0) | (((s1 ^ res) & (s2 ^ res) & sign) ? OF : 0) | ((s1 ^ s2 ^ res) & AF);
      break;
    }
    case FlagKind::Sub:
    case FlagKind::Sbb: {
      uint32_t cin = k == FlagKind::Sbb ? ((s1 - s2 - res) & m) : 0;
      bool c = cin ? s1 <= s2 : s1 < s2;
      f |= (c ? CF : 0) | (((s1 ^ s2) & (s1 ^ res) & sign) ? OF : 0) | ((s1 ^ s2 ^ res) & AF);
      break;
    }
    case FlagKind::Logic:
      break;
  }
  return f;
}

}  // namespace

uint32_t compute_arith_flags(const LazyFlags& lf) {
  FlagKind k = FlagKind(lf.op / 3);
  switch (lf.op % 3) {
    case 0: return compute<8>(k, lf.res, lf.src1, lf.src2);
    case 1: return compute<16>(k, lf.res, lf.src1, lf.src2);
    default: return compute<32>(k, lf.res, lf.src1, lf.src2);
  }
}

uint32_t compute_cf(const LazyFlags& lf) {
  const uint32_t szi = lf.op % 3;
  const uint32_t m = szi == 0 ? 0xFFu : szi == 1 ? 0xFFFFu : 0xFFFFFFFFu;
  const uint32_t res = lf.res & m, s1 = lf.src1 & m, s2 = lf.src2 & m;
  switch (FlagKind(lf.op / 3)) {
    case FlagKind::Add: return res < s1 ? CF : 0;
    case FlagKind::Adc: return (((res - s1 - s2) & m) ? res <= s1 : res < s1) ? CF : 0;
    case FlagKind::Sub: return s1 < s2 ? CF : 0;
    case FlagKind::Sbb: return (((s1 - s2 - res) & m) ? s1 <= s2 : s1 < s2) ? CF : 0;
    case FlagKind::Logic: return 0;
  }
  return 0;
}

bool test_cc(const CpuState& s, unsigned cc) {
  // ZF and SF come straight from the result whatever the operation was.
  if ((cc >> 1) == 2 && (s.lazy & ZF)) {
    uint32_t szi = s.lf.op % 3;
    uint32_t m = szi == 0 ? 0xFFu : szi == 1 ? 0xFFFFu : 0xFFFFFFFFu;
    return ((s.lf.res & m) == 0) != (cc & 1);
  }
  if ((cc >> 1) == 4 && (s.lazy & SF)) {
    uint32_t szi = s.lf.op % 3;
    uint32_t sign = szi == 0 ? 0x80u : szi == 1 ? 0x8000u : 0x80000000u;
    return ((s.lf.res & sign) != 0) != (cc & 1);
  }
  // Fast paths for the common compare-then-branch pairs.
  if ((s.lazy & (ZF | CF | SF | OF)) == (ZF | CF | SF | OF)) {
    const LazyFlags& lf = s.lf;
    uint32_t szi = lf.op % 3;
    uint32_t m = szi == 0 ? 0xFFu : szi == 1 ? 0xFFFFu : 0xFFFFFFFFu;
    if (lf.op / 3 == uint32_t(FlagKind::Sub)) {
      uint32_t a = lf.src1 & m, b = lf.src2 & m;
      uint32_t sh = 32 - 8 * (szi == 0 ? 1 : szi == 1 ? 2 : 4);
      int32_t sa = int32_t(a << sh), sb = int32_t(b << sh);
      switch (cc) {
        case 2: return a < b;
        case 3: return a >= b;
        case 4: return a == b;
        case 5: return a != b;
        case 6: return a <= b;
        case 7: return a > b;
        case 12: return sa < sb;
        case 13: return sa >= sb;
        case 14: return sa <= sb;
        case 15: return sa > sb;
        default: break;
      }
    } else if (lf.op / 3 == uint32_t(FlagKind::Logic)) {
      uint32_t r = lf.res & m;
      switch (cc) {
        case 4: return r == 0;
        case 5: return r != 0;
        default: break;
      }
    }
  }
  uint32_t f = get_eflags(s);
  bool r;
  switch (cc >> 1) {
    case 0: r = f & OF; break;
    case 1: r = f & CF; break;
    case 2: r = f & ZF; break;
    case 3: r = f & (CF | ZF); break;
    case 4: r = f & SF; break;
    case 5: r = f & PF; break;
    case 6: r = bool(f & SF) != bool(f & OF); break;
    default: r = (f & ZF) || (bool(f & SF) != bool(f & OF)); break;
  }
  return (cc & 1) ? !r : r;
}

}  // namespace rz
