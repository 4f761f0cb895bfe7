// cpu/sse/softfp_cmp.cpp: ordered/unordered comparison for COMISS/UCOMISS/COMISD/UCOMISD and
// the eight CMPPS/CMPPD predicates.  Comparisons raise IE (any NaN for the signalling
// forms, an SNaN for the quiet ones) and DE; they produce no post-computation exceptions.
#include "cpu/sse/softfp_core.h"

namespace rz::sse {

using namespace core;

template <class F>
Rel compare(Env& e, typename F::U a, typename F::U b, bool signaling) {
  using M = Fmt<F>;
  Cls ca = classify<F>(a), cb = classify<F>(b);
  a = daz<F>(e, a, &ca);
  b = daz<F>(e, b, &cb);
  if (nan(ca) || nan(cb)) {
    if (signaling || ca == Cls::SNaN || cb == Cls::SNaN) e.exc |= kIE;
    return Rel::Unordered;
  }
  if (ca == Cls::Denormal || cb == Cls::Denormal) e.exc |= kDE;
  if (ca == Cls::Zero && cb == Cls::Zero) return Rel::Equal;
  if (a == b) return Rel::Equal;
  const bool sa = M::sign(a), sb = M::sign(b);
  const auto ma = a & ~M::kSign, mb = b & ~M::kSign;
  bool lt;
  if (sa != sb) lt = sa;
  else lt = sa ? ma > mb : ma < mb;
  return lt ? Rel::Less : Rel::Greater;
}

template <class F>
bool compare_predicate(Env& e, typename F::U a, typename F::U b, unsigned imm) {
  const unsigned p = imm & 7;
  // LT, LE, NLT, NLE signal on QNaNs; EQ, UNORD, NEQ, ORD only on SNaNs.
  const bool signaling = p == 1 || p == 2 || p == 5 || p == 6;
  const Rel r = compare<F>(e, a, b, signaling);
  switch (p) {
    case 0: return r == Rel::Equal;
    case 1: return r == Rel::Less;
    case 2: return r == Rel::Less || r == Rel::Equal;
    case 3: return r == Rel::Unordered;
    case 4: return r != Rel::Equal;
    case 5: return r != Rel::Less;
    case 6: return r != Rel::Less && r != Rel::Equal;
    default: return r != Rel::Unordered;
  }
}

template Rel compare<F32>(Env&, uint32_t, uint32_t, bool);
template Rel compare<F64>(Env&, uint64_t, uint64_t, bool);
template bool compare_predicate<F32>(Env&, uint32_t, uint32_t, unsigned);
template bool compare_predicate<F64>(Env&, uint64_t, uint64_t, unsigned);

}  // namespace rz::sse
