// cpu/fpu/control.cpp: x87 instructions that act on the stack as a whole or on the control
// state: FLD constants, FXCH, FCHS/FABS, FTST/FXAM, FCMOVcc, FFREE, FINCSTP/FDECSTP, the
// D9 F0-FF group (transcendentals, FPREM, FSQRT, FRNDINT, FSCALE, FXTRACT), FNINIT/FNCLEX,
// FLDCW/FNSTCW/FNSTSW, FWAIT and FNOP.  Environments and images are in cpu/fpu/env.cpp.
#include "cpu/fpu/mem.h"
#include "cpu/fpu/x87.h"
#include "cpu/table.h"

namespace rz {

void register_x87_env(OpTable& t);  // cpu/fpu/env.cpp

namespace {

using namespace x87;
using fp::Env;

// Masked stack-underflow response for a result in ST(0) (returns true: handled).
bool underflow_st0(Cpu& c, unsigned need) {
  FpuState& f = c.fpu;
  for (unsigned k = 0; k < need; ++k) {
    if (empty(f, k)) {
      if (stack_underflow(c)) write_st(f, 0, fp::f80_indefinite());
      return true;
    }
  }
  return false;
}

void fld_const(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  if (!empty(f, 7)) {
    if (stack_overflow(c)) push(f, fp::f80_indefinite());
    return;
  }
  const uint8_t rc = (f.fcw >> 10) & 3;
  F80 v;
  switch (i.modrm_rm) {
    case 0: v = fp::f80_one(); break;
    case 1: v = fp::load_constant(fp::Const::L2T, rc); break;
    case 2: v = fp::load_constant(fp::Const::L2E, rc); break;
    case 3: v = fp::load_constant(fp::Const::Pi, rc); break;
    case 4: v = fp::load_constant(fp::Const::LG2, rc); break;
    case 5: v = fp::load_constant(fp::Const::LN2, rc); break;
    default: v = fp::f80_zero(false); break;
  }
  set_c1(f, false);
  push(f, v);
}

void fxch(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  const unsigned n = i.modrm_rm;
  if (empty(f, 0) || empty(f, n)) {
    if (!stack_underflow(c)) return;
    if (empty(f, 0)) write_st(f, 0, fp::f80_indefinite());
    if (empty(f, n)) write_st(f, n, fp::f80_indefinite());
  } else {
    set_c1(f, false);
  }
  const F80 a = st(f, 0), b = st(f, n);
  write_st(f, 0, b);
  write_st(f, n, a);
}

template <int Kind>  // 0 FCHS, 1 FABS
void sign_op(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  if (underflow_st0(c, 1)) return;
  F80 v = st(f, 0);
  v.se = Kind == 0 ? uint16_t(v.se ^ 0x8000) : uint16_t(v.se & 0x7FFF);
  set_c1(f, false);
  write_st(f, 0, v);
}

void ftst(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  if (empty(f, 0)) {
    stack_underflow(c);
    set_cc(f, SW_C0 | SW_C2 | SW_C3);  // even when IE is unmasked
    return;
  }
  Env e = env_of(f, false);
  fp::Rel r = fp::compare(e, st(f, 0), fp::f80_zero(false), false);
  f.fsw |= e.exc & 0x3F;
  update_es(c);
  set_cc(f, r == fp::Rel::Greater ? 0 : r == fp::Rel::Less ? SW_C0
            : r == fp::Rel::Equal ? SW_C3 : (SW_C0 | SW_C2 | SW_C3));
}

void fxam(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  const F80 v = st(f, 0);
  uint16_t cc;
  if (empty(f, 0)) {
    cc = SW_C3 | SW_C0;
  } else {
    switch (fp::classify(v)) {
      case fp::Cls::Unsupported: cc = 0; break;
      case fp::Cls::QNaN: case fp::Cls::SNaN: cc = SW_C0; break;
      case fp::Cls::Normal: cc = SW_C2; break;
      case fp::Cls::Inf: cc = SW_C2 | SW_C0; break;
      case fp::Cls::Zero: cc = SW_C3; break;
      default: cc = SW_C3 | SW_C2; break;  // denormal
    }
  }
  if (fp::sign_of(v)) cc |= SW_C1;
  set_cc(f, cc);
}

template <unsigned CC>
void fcmov(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  const unsigned n = i.modrm_rm;
  if (empty(f, 0) || empty(f, n)) {
    if (stack_underflow(c)) write_st(f, 0, fp::f80_indefinite());
    return;
  }
  set_c1(f, false);
  if (test_cc(c, CC)) write_st(f, 0, st(f, n));
}

template <bool Pop>
void ffree(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  set_tag(f, phys(f, i.modrm_rm), kTagEmpty);
  if (Pop) pop(f);
}

template <int Delta>
void fstp_move(Cpu& c, const Insn& i) {  // FINCSTP / FDECSTP
  check_available(c, true);
  note_ip(c, i);
  set_top(c.fpu, top(c.fpu) + Delta);
  set_c1(c.fpu, false);
}

void fnop(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
}

// ---- D9 F0-FF ------------------------------------------------------------------------------

template <F80 (*Fn)(Env&, F80), bool PC>
void unary_st0(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  if (underflow_st0(c, 1)) return;
  Env e = env_of(f, PC);
  F80 r = Fn(e, st(f, 0));
  raise(c, e);
  if (!blocked(e)) write_st(f, 0, r);
}

// ST(1) = Fn(ST(0), ST(1)); pop.  (FYL2X, FYL2XP1, FPATAN)
template <F80 (*Fn)(Env&, F80, F80)>
void binary_st1_pop(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  if (empty(f, 0) || empty(f, 1)) {
    if (stack_underflow(c)) {
      write_st(f, 1, fp::f80_indefinite());
      pop(f);
    }
    return;
  }
  Env e = env_of(f, false);
  F80 r = Fn(e, st(f, 0), st(f, 1));
  raise(c, e);
  if (blocked(e)) return;
  write_st(f, 1, r);
  pop(f);
}

F80 fpatan_args(Env& e, F80 st0, F80 st1) { return fp::fpatan(e, st1, st0); }

void fscale(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  if (underflow_st0(c, 2)) return;
  Env e = env_of(f, false);
  F80 r = fp::scale(e, st(f, 0), st(f, 1));
  raise(c, e);
  if (!blocked(e)) write_st(f, 0, r);
}

template <bool Round>
void fprem(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  if (underflow_st0(c, 2)) return;
  Env e = env_of(f, false);
  unsigned q;
  bool partial;
  F80 r = fp::partial_remainder(e, st(f, 0), st(f, 1), Round, &q, &partial);
  f.fsw |= e.exc & 0x3F;
  update_es(c);
  if (blocked(e)) return;
  uint16_t cc = SW_C2;
  if (!partial) cc = uint16_t(((q & 4) ? unsigned(SW_C0) : 0u) | ((q & 2) ? unsigned(SW_C3) : 0u) |
                              ((q & 1) ? unsigned(SW_C1) : 0u));
  if (e.exc & fp::kIE) cc = 0;
  set_cc(f, cc);
  write_st(f, 0, r);
}

// Results pushed on top of a replaced ST(0): FXTRACT, FPTAN, FSINCOS.
bool push_room(Cpu& c) {
  FpuState& f = c.fpu;
  if (underflow_st0(c, 1)) {
    if (f.fcw & SW_IE) push(f, fp::f80_indefinite());
    return false;
  }
  if (!empty(f, 7)) {
    if (stack_overflow(c)) {
      write_st(f, 0, fp::f80_indefinite());
      push(f, fp::f80_indefinite());
    }
    return false;
  }
  return true;
}

void fxtract(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  if (!push_room(c)) return;
  FpuState& f = c.fpu;
  Env e = env_of(f, false);
  F80 ex;
  F80 sig = fp::extract(e, st(f, 0), &ex);
  raise(c, e);
  if (blocked(e)) return;
  write_st(f, 0, ex);
  push(f, sig);
}

void fptan(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  if (!push_room(c)) return;
  FpuState& f = c.fpu;
  Env e = env_of(f, false);
  F80 t;
  if (!fp::fptan(e, st(f, 0), &t)) {
    f.fsw |= SW_C2;
    return;
  }
  f.fsw &= uint16_t(~SW_C2);
  raise(c, e);
  if (blocked(e)) return;
  write_st(f, 0, t);
  push(f, fp::is_nan(fp::classify(t)) ? t : fp::f80_one());  // a NaN result is pushed twice
}

template <int Kind>  // 0 FSIN, 1 FCOS, 2 FSINCOS
void fsincos(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  if (Kind == 2) {
    if (!push_room(c)) return;
  } else if (underflow_st0(c, 1)) {
    return;
  }
  Env e = env_of(f, false);
  F80 s, co;
  if (!fp::fsincos(e, st(f, 0), &s, &co, Kind != 1, Kind != 0)) {
    f.fsw |= SW_C2;
    return;
  }
  f.fsw &= uint16_t(~SW_C2);
  raise(c, e);
  if (blocked(e)) return;
  if (Kind == 0) write_st(f, 0, s);
  if (Kind == 1) write_st(f, 0, co);
  if (Kind == 2) {
    write_st(f, 0, s);
    push(f, co);
  }
}

// ---- control -----------------------------------------------------------------------------

void fninit(Cpu& c, const Insn&) {
  check_available(c, false);
  reset_state(c.fpu);
  update_es(c);
}

void fnclex(Cpu& c, const Insn&) {
  check_available(c, false);
  c.fpu.fsw &= uint16_t(~(0x00FF | SW_B));
  update_es(c);
}

void fnop_387(Cpu& c, const Insn&) {  // FENI/FDISI/FSETPM: no-ops since the 80387
  check_available(c, false);
}

void fldcw(Cpu& c, const Insn& i) {
  check_available(c, true);
  const uint16_t v = read_mem<uint16_t>(c, i.seg, ea(c, i));
  c.fpu.fcw = uint16_t((v & 0x1F3F) | 0x40);
  update_es(c);
}

void fnstcw(Cpu& c, const Insn& i) {
  check_available(c, false);
  write_mem<uint16_t>(c, i.seg, ea(c, i), c.fpu.fcw);
}

void fnstsw_m(Cpu& c, const Insn& i) {
  check_available(c, false);
  write_mem<uint16_t>(c, i.seg, ea(c, i), c.fpu.fsw);
}

void fnstsw_ax(Cpu& c, const Insn&) {
  check_available(c, false);
  set_reg<uint16_t>(c, 0, c.fpu.fsw);
}

void fwait(Cpu& c, const Insn&) {
  if ((c.cr0 & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP)) raise_fault(c, kNM);
  pending_error(c);
}

void d9(OpTable& t, int reg, int rm, const char* name, Handler h) {
  t.add({.opcode = 0xD9, .reg = int8_t(reg), .mod = 3, .rm = int8_t(rm), .mnemonic = name,
         .form = "", .hs = RZ_HS_1(h)});
}
void regrow(OpTable& t, uint8_t op, int reg, const char* name, const char* form, Handler h) {
  t.add({.opcode = op, .reg = int8_t(reg), .mod = 3, .mnemonic = name, .form = form,
         .hs = {{{h, nullptr}, {h, nullptr}}}});
}
void memrow(OpTable& t, uint8_t op, int reg, const char* name, const char* form, Handler h) {
  t.add({.opcode = op, .reg = int8_t(reg), .mod = 0, .mnemonic = name, .form = form,
         .hs = {{{nullptr, h}, {nullptr, h}}}});
}

}  // namespace

void register_x87_control(OpTable& t) {
  regrow(t, 0xD9, 1, "FXCH", "ST(i)", fxch);
  regrow(t, 0xDD, 1, "FXCH4", "ST(i)", fxch);  // reserved aliases
  regrow(t, 0xDF, 1, "FXCH7", "ST(i)", fxch);
  d9(t, 2, 0, "FNOP", fnop);
  d9(t, 4, 0, "FCHS", sign_op<0>);
  d9(t, 4, 1, "FABS", sign_op<1>);
  d9(t, 4, 4, "FTST", ftst);
  d9(t, 4, 5, "FXAM", fxam);
  static const char* const kConst[7] = {"FLD1", "FLDL2T", "FLDL2E", "FLDPI", "FLDLG2", "FLDLN2", "FLDZ"};
  for (int k = 0; k < 7; ++k) d9(t, 5, k, kConst[k], fld_const);
  d9(t, 6, 0, "F2XM1", unary_st0<fp::f2xm1, false>);
  d9(t, 6, 1, "FYL2X", binary_st1_pop<fp::fyl2x>);
  d9(t, 6, 2, "FPTAN", fptan);
  d9(t, 6, 3, "FPATAN", binary_st1_pop<fpatan_args>);
  d9(t, 6, 4, "FXTRACT", fxtract);
  d9(t, 6, 5, "FPREM1", fprem<true>);
  d9(t, 6, 6, "FDECSTP", fstp_move<-1>);
  d9(t, 6, 7, "FINCSTP", fstp_move<1>);
  d9(t, 7, 0, "FPREM", fprem<false>);
  d9(t, 7, 1, "FYL2XP1", binary_st1_pop<fp::fyl2xp1>);
  d9(t, 7, 2, "FSQRT", unary_st0<fp::sqrt, true>);
  d9(t, 7, 3, "FSINCOS", fsincos<2>);
  d9(t, 7, 4, "FRNDINT", unary_st0<fp::round_to_int, false>);
  d9(t, 7, 5, "FSCALE", fscale);
  d9(t, 7, 6, "FSIN", fsincos<0>);
  d9(t, 7, 7, "FCOS", fsincos<1>);

  regrow(t, 0xDA, 0, "FCMOVB", "ST(0),ST(i)", fcmov<2>);
  regrow(t, 0xDA, 1, "FCMOVE", "ST(0),ST(i)", fcmov<4>);
  regrow(t, 0xDA, 2, "FCMOVBE", "ST(0),ST(i)", fcmov<6>);
  regrow(t, 0xDA, 3, "FCMOVU", "ST(0),ST(i)", fcmov<10>);
  regrow(t, 0xDB, 0, "FCMOVNB", "ST(0),ST(i)", fcmov<3>);
  regrow(t, 0xDB, 1, "FCMOVNE", "ST(0),ST(i)", fcmov<5>);
  regrow(t, 0xDB, 2, "FCMOVNBE", "ST(0),ST(i)", fcmov<7>);
  regrow(t, 0xDB, 3, "FCMOVNU", "ST(0),ST(i)", fcmov<11>);

  regrow(t, 0xDD, 0, "FFREE", "ST(i)", ffree<false>);
  regrow(t, 0xDF, 0, "FFREEP", "ST(i)", ffree<true>);  // undocumented, present on P6

  t.add({.opcode = 0xDB, .reg = 4, .mod = 3, .rm = 0, .mnemonic = "FENI", .form = "", .hs = RZ_HS_1(fnop_387)});
  t.add({.opcode = 0xDB, .reg = 4, .mod = 3, .rm = 1, .mnemonic = "FDISI", .form = "", .hs = RZ_HS_1(fnop_387)});
  t.add({.opcode = 0xDB, .reg = 4, .mod = 3, .rm = 2, .mnemonic = "FNCLEX", .form = "", .hs = RZ_HS_1(fnclex)});
  t.add({.opcode = 0xDB, .reg = 4, .mod = 3, .rm = 3, .mnemonic = "FNINIT", .form = "", .hs = RZ_HS_1(fninit)});
  t.add({.opcode = 0xDB, .reg = 4, .mod = 3, .rm = 4, .mnemonic = "FSETPM", .form = "", .hs = RZ_HS_1(fnop_387)});
  memrow(t, 0xD9, 5, "FLDCW", "m2byte", fldcw);
  memrow(t, 0xD9, 7, "FNSTCW", "m2byte", fnstcw);
  memrow(t, 0xDD, 7, "FNSTSW", "m2byte", fnstsw_m);
  t.add({.opcode = 0xDF, .reg = 4, .mod = 3, .rm = 0, .mnemonic = "FNSTSW", .form = "AX", .hs = RZ_HS_1(fnstsw_ax)});
  t.add({.opcode = 0x9B, .mnemonic = "FWAIT", .form = "", .hs = RZ_HS_1(fwait)});

  register_x87_env(t);
}

}  // namespace rz
