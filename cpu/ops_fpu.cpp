// cpu/ops_fpu.cpp: x87 arithmetic, comparison, load and store instructions (D8-DF).
//
// Handlers fetch operands (memory first: it can fault), check the stack, run the
// arithmetic core (cpu/fpu/softfloat.h) and commit through cpu/fpu/x87.h.  The control
// instructions, environments and transcendentals are in cpu/fpu/control.cpp.
// Rows are in SDM vol. 2 notation.  FISTTP (SSE3) does not exist on a P6: its encodings
// (DB /1, DD /1, DF /1) have no rows and decode to #UD.
#include "cpu/fpu/mem.h"
#include "cpu/fpu/x87.h"
#include "cpu/table.h"

namespace rz {

void register_x87_control(OpTable& t);  // cpu/fpu/control.cpp

namespace {

using namespace x87;
using fp::Env;

enum class Op : uint8_t { Add, Mul, Com, Comp, Sub, Subr, Div, Divr };
enum class Src : uint8_t { F32, F64, I16, I32 };

// Operand fetch and conversion.
template <Src S>
uint64_t fetch(Cpu& c, const Insn& i) {
  uint32_t off = ea(c, i);
  if constexpr (S == Src::F32 || S == Src::I32) return read_mem<uint32_t>(c, i.seg, off);
  if constexpr (S == Src::I16) return read_mem<uint16_t>(c, i.seg, off);
  return rd64(c, span_r<8>(c, i.seg, off));
}
template <Src S>
F80 convert(Env& e, uint64_t raw) {
  if constexpr (S == Src::F32) return fp::from_f32(e, uint32_t(raw));
  if constexpr (S == Src::F64) return fp::from_f64(e, raw);
  if constexpr (S == Src::I16) return fp::from_int(int16_t(raw));
  return fp::from_int(int32_t(raw));
}

F80 compute(Op op, Env& e, F80 a, F80 b) {
  switch (op) {
    case Op::Add: return fp::add(e, a, b);
    case Op::Mul: return fp::mul(e, a, b);
    case Op::Sub: return fp::sub(e, a, b);
    case Op::Subr: return fp::sub(e, b, a);
    case Op::Div: return fp::div(e, a, b);
    case Op::Divr: return fp::div(e, b, a);
    default: return a;
  }
}

constexpr uint16_t cc_of(fp::Rel r) {
  switch (r) {
    case fp::Rel::Greater: return 0;
    case fp::Rel::Less: return SW_C0;
    case fp::Rel::Equal: return SW_C3;
    default: return SW_C0 | SW_C2 | SW_C3;
  }
}

// Compare ST(0) with b and set C3/C2/C0 (C1 = 0); pops `pops` times unless blocked.
void commit_compare(Cpu& c, Env& e, fp::Rel r, int pops) {
  FpuState& f = c.fpu;
  f.fsw |= e.exc & 0x3F;
  update_es(c);
  set_cc(f, cc_of(r));  // the condition codes are written even when an exception is unmasked
  if (blocked(e)) return;
  for (int k = 0; k < pops; ++k) pop(f);
}

// ---- arithmetic with a memory operand: ST(0) = ST(0) op m ------------------------------

template <Op O, Src S>
void arith_m(Cpu& c, const Insn& i) {
  check_available(c, true);
  const uint64_t raw = fetch<S>(c, i);
  note_ip(c, i);
  FpuState& f = c.fpu;
  constexpr bool cmp = O == Op::Com || O == Op::Comp;
  const int pops = O == Op::Comp ? 1 : 0;
  if (empty(f, 0)) {
    const bool masked = stack_underflow(c);
    if (cmp) {
      set_cc(f, SW_C0 | SW_C2 | SW_C3);  // "unordered" even when IE is unmasked
      if (masked) for (int k = 0; k < pops; ++k) pop(f);
    } else if (masked) {
      write_st(f, 0, fp::f80_indefinite());
    }
    return;
  }
  Env e = env_of(f, !cmp);
  F80 b = convert<S>(e, raw);
  // A denormal memory operand raises DE only when the operation goes ahead: not next to a
  // NaN or an unsupported encoding.
  const fp::Cls ca = fp::classify(st(f, 0)), cb = fp::classify(b);
  if (fp::is_nan(ca) || ca == fp::Cls::Unsupported || fp::is_nan(cb)) e.exc &= uint16_t(~fp::kDE);
  if (cmp) {
    fp::Rel r = fp::compare(e, st(f, 0), b, false);
    commit_compare(c, e, r, pops);
    return;
  }
  F80 r = blocked(e) ? b : compute(O, e, st(f, 0), b);
  raise(c, e);
  if (!blocked(e)) write_st(f, 0, r);
}

// ---- register forms ----------------------------------------------------------------------

// D8: ST(0) = ST(0) op ST(i).  DC: ST(i) = ST(i) op ST(0).  DE: as DC, then pop.
enum class RegForm : uint8_t { ToST0, ToSTi, ToSTiPop };

template <Op O, RegForm F>
void arith_r(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  const unsigned n = i.modrm_rm;
  const unsigned dst = F == RegForm::ToST0 ? 0 : n;
  if (empty(f, 0) || empty(f, n)) {
    if (stack_underflow(c)) {
      write_st(f, dst, fp::f80_indefinite());
      if (F == RegForm::ToSTiPop) pop(f);
    }
    return;
  }
  Env e = env_of(f, true);
  F80 a = F == RegForm::ToST0 ? st(f, 0) : st(f, n);
  F80 b = F == RegForm::ToST0 ? st(f, n) : st(f, 0);
  F80 r = compute(O, e, a, b);
  raise(c, e);
  if (blocked(e)) return;
  write_st(f, dst, r);
  if (F == RegForm::ToSTiPop) pop(f);
}

// FCOM/FCOMP/FCOMPP/FUCOM/FUCOMP/FUCOMPP ST(i).
template <bool Quiet, int Pops>
void com_r(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  const unsigned n = i.modrm_rm;
  if (empty(f, 0) || empty(f, n)) {
    const bool masked = stack_underflow(c);
    set_cc(f, SW_C0 | SW_C2 | SW_C3);  // "unordered" even when IE is unmasked
    if (masked) for (int k = 0; k < Pops; ++k) pop(f);
    return;
  }
  Env e = env_of(f, false);
  commit_compare(c, e, fp::compare(e, st(f, 0), st(f, n), Quiet), Pops);
}

// FCOMI/FCOMIP/FUCOMI/FUCOMIP: ZF, PF, CF from the comparison; OF, SF, AF cleared.
template <bool Quiet, bool Pop>
void comi_r(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  const unsigned n = i.modrm_rm;
  fp::Rel r;
  bool stop;
  if (empty(f, 0) || empty(f, n)) {
    stop = !stack_underflow(c);
    r = fp::Rel::Unordered;
  } else {
    Env e = env_of(f, false);
    r = fp::compare(e, st(f, 0), st(f, n), Quiet);
    f.fsw |= e.exc & 0x3F;
    set_c1(f, false);
    update_es(c);
    stop = blocked(e);
  }
  // EFLAGS are written even when the exception is unmasked (as the host x87 does).
  uint32_t fl = r == fp::Rel::Less ? CF : r == fp::Rel::Equal ? ZF
              : r == fp::Rel::Unordered ? (ZF | PF | CF) : 0;
  set_flags_explicit(c, kArithFlags, fl);
  if (Pop && !stop) pop(f);
}

// FICOM/FICOMP and FCOM/FCOMP with memory operands go through arith_m.

// ---- loads ---------------------------------------------------------------------------------

// Push v (computed with e) unless an unmasked exception or an unmasked overflow stops it.
void push_result(Cpu& c, Env& e, F80 v) {
  FpuState& f = c.fpu;
  if (!empty(f, 7)) {
    if (stack_overflow(c)) push(f, fp::f80_indefinite());
    return;
  }
  f.fsw |= e.exc & 0x3F;
  set_c1(f, false);
  update_es(c);
  if (e.exc & ~e.masks & fp::kIE) return;  // an unmasked DE does not stop a load
  push(f, v);
}

template <Src S>
void fld_m(Cpu& c, const Insn& i) {
  check_available(c, true);
  const uint64_t raw = fetch<S>(c, i);
  note_ip(c, i);
  Env e = env_of(c.fpu, false);
  F80 v = convert<S>(e, raw);
  if (fp::classify(v) == fp::Cls::SNaN) v = fp::propagate_nan(e, v);  // IE, quieted
  push_result(c, e, v);
}

void fild_m64(Cpu& c, const Insn& i) {
  check_available(c, true);
  const uint64_t raw = rd64(c, span_r<8>(c, i.seg, ea(c, i)));
  note_ip(c, i);
  Env e = env_of(c.fpu, false);
  push_result(c, e, fp::from_int(int64_t(raw)));
}

void fld_m80(Cpu& c, const Insn& i) {
  check_available(c, true);
  const F80 v = rd80(c, span_r<10>(c, i.seg, ea(c, i)));
  note_ip(c, i);
  Env e = env_of(c.fpu, false);
  push_result(c, e, v);
}

void fbld(Cpu& c, const Insn& i) {
  check_available(c, true);
  const uint32_t lin = span_r<10>(c, i.seg, ea(c, i));
  uint8_t b[10];
  for (int k = 0; k < 10; ++k) b[k] = read_lin<uint8_t>(c, lin + k, c.user());
  note_ip(c, i);
  Env e = env_of(c.fpu, false);
  push_result(c, e, fp::from_bcd(b));
}

void fld_r(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  const unsigned n = i.modrm_rm;
  if (empty(f, n)) {  // underflow takes priority over a full stack (C1 = 0)
    if (stack_underflow(c)) push(f, fp::f80_indefinite());
    return;
  }
  Env e = env_of(f, false);
  push_result(c, e, st(f, n));
}

// ---- stores -------------------------------------------------------------------------------

enum class Dst : uint8_t { F32, F64, F80, I16, I32, I64, Bcd };

template <Dst D, bool Pop>
void fst_m(Cpu& c, const Insn& i) {
  check_available(c, true);
  constexpr unsigned N = D == Dst::F32 || D == Dst::I32 ? 4 : D == Dst::I16 ? 2
                         : D == Dst::F64 || D == Dst::I64 ? 8 : 10;
  const uint32_t lin = span_w<N>(c, i.seg, ea(c, i));
  FpuState& f = c.fpu;
  Env e = env_of(f, false);
  uint64_t bits = 0;
  F80 ext{};
  uint8_t bcd[10] = {};
  bool underflow = empty(f, 0);
  if (underflow) {
    e.exc |= fp::kIE;
    bits = D == Dst::F32 ? 0xFFC00000u : D == Dst::F64 ? 0xFFF8000000000000ull
         : D == Dst::I16 ? 0x8000u : D == Dst::I32 ? 0x80000000u : uint64_t(1) << 63;
    ext = fp::f80_indefinite();
    bcd[7] = 0xC0;
    bcd[8] = bcd[9] = 0xFF;
  } else {
    const F80 v = st(f, 0);
    bool ok;
    switch (D) {
      case Dst::F32: bits = fp::to_f32(e, v); break;
      case Dst::F64: bits = fp::to_f64(e, v); break;
      case Dst::F80: ext = v; break;
      case Dst::I16: bits = uint16_t(fp::to_int(e, v, 16, &ok)); break;
      case Dst::I32: bits = uint32_t(fp::to_int(e, v, 32, &ok)); break;
      case Dst::I64: bits = uint64_t(fp::to_int(e, v, 64, &ok)); break;
      case Dst::Bcd: fp::to_bcd(e, v, bcd, &ok); break;
    }
  }
  const bool stop = blocked(e, D == Dst::F32 || D == Dst::F64);
  if (!stop) {
    switch (D) {
      case Dst::F32: wr32(c, lin, uint32_t(bits)); break;
      case Dst::I32: wr32(c, lin, uint32_t(bits)); break;
      case Dst::I16: wr16(c, lin, uint16_t(bits)); break;
      case Dst::F64: case Dst::I64: wr64(c, lin, bits); break;
      case Dst::F80: wr80(c, lin, ext); break;
      case Dst::Bcd:
        for (int k = 0; k < 10; ++k) write_lin<uint8_t>(c, lin + k, bcd[k], c.user());
        break;
    }
  }
  note_ip(c, i);
  if (underflow) {
    f.fsw |= SW_SF;
    e.c1 = false;
  }
  raise(c, e);
  if (!stop && Pop) pop(f);
}

// FST/FSTP ST(i).
template <bool Pop>
void fst_r(Cpu& c, const Insn& i) {
  check_available(c, true);
  note_ip(c, i);
  FpuState& f = c.fpu;
  const unsigned n = i.modrm_rm;
  if (empty(f, 0)) {
    if (stack_underflow(c)) {
      write_st(f, n, fp::f80_indefinite());
      if (Pop) pop(f);
    }
    return;
  }
  set_c1(f, false);
  write_st(f, n, st(f, 0));
  if (Pop) pop(f);
}

// ---- row helpers ---------------------------------------------------------------------------

constexpr const char* kArithNames[8] = {"FADD", "FMUL", "FCOM", "FCOMP",
                                        "FSUB", "FSUBR", "FDIV", "FDIVR"};
constexpr const char* kIntNames[8] = {"FIADD", "FIMUL", "FICOM", "FICOMP",
                                      "FISUB", "FISUBR", "FIDIV", "FIDIVR"};

template <Src S, int N>
void add_mem_arith_row(OpTable& t, uint8_t opcode, const char* const* names, const char* form) {
  constexpr Op op = Op(N);
  Handler h = arith_m<op, S>;
  t.add({.opcode = opcode, .reg = N, .mod = 0, .mnemonic = names[N], .form = form,
         .hs = {{{nullptr, h}, {nullptr, h}}}});
}
template <Src S>
void add_mem_arith(OpTable& t, uint8_t opcode, const char* const* names, const char* form) {
  add_mem_arith_row<S, 0>(t, opcode, names, form);
  add_mem_arith_row<S, 1>(t, opcode, names, form);
  add_mem_arith_row<S, 2>(t, opcode, names, form);
  add_mem_arith_row<S, 3>(t, opcode, names, form);
  add_mem_arith_row<S, 4>(t, opcode, names, form);
  add_mem_arith_row<S, 5>(t, opcode, names, form);
  add_mem_arith_row<S, 6>(t, opcode, names, form);
  add_mem_arith_row<S, 7>(t, opcode, names, form);
}

void reg_row(OpTable& t, uint8_t opcode, int reg, const char* name, const char* form, Handler h) {
  t.add({.opcode = opcode, .reg = int8_t(reg), .mod = 3, .mnemonic = name, .form = form,
         .hs = {{{h, nullptr}, {h, nullptr}}}});
}
void mem_row(OpTable& t, uint8_t opcode, int reg, const char* name, const char* form, Handler h) {
  t.add({.opcode = opcode, .reg = int8_t(reg), .mod = 0, .mnemonic = name, .form = form,
         .hs = {{{nullptr, h}, {nullptr, h}}}});
}

}  // namespace

void register_ops_fpu(OpTable& t) {
  // D8: arithmetic on ST(0) with m32fp or ST(i).
  add_mem_arith<Src::F32>(t, 0xD8, kArithNames, "m32fp");
  add_mem_arith<Src::F64>(t, 0xDC, kArithNames, "m64fp");
  add_mem_arith<Src::I32>(t, 0xDA, kIntNames, "m32int");
  add_mem_arith<Src::I16>(t, 0xDE, kIntNames, "m16int");
  reg_row(t, 0xD8, 0, "FADD", "ST(0),ST(i)", arith_r<Op::Add, RegForm::ToST0>);
  reg_row(t, 0xD8, 1, "FMUL", "ST(0),ST(i)", arith_r<Op::Mul, RegForm::ToST0>);
  reg_row(t, 0xD8, 2, "FCOM", "ST(i)", com_r<false, 0>);
  reg_row(t, 0xD8, 3, "FCOMP", "ST(i)", com_r<false, 1>);
  reg_row(t, 0xD8, 4, "FSUB", "ST(0),ST(i)", arith_r<Op::Sub, RegForm::ToST0>);
  reg_row(t, 0xD8, 5, "FSUBR", "ST(0),ST(i)", arith_r<Op::Subr, RegForm::ToST0>);
  reg_row(t, 0xD8, 6, "FDIV", "ST(0),ST(i)", arith_r<Op::Div, RegForm::ToST0>);
  reg_row(t, 0xD8, 7, "FDIVR", "ST(0),ST(i)", arith_r<Op::Divr, RegForm::ToST0>);
  // DC: ST(i) = ST(i) op ST(0); the /4../7 register forms swap SUB/SUBR and DIV/DIVR.
  reg_row(t, 0xDC, 0, "FADD", "ST(i),ST(0)", arith_r<Op::Add, RegForm::ToSTi>);
  reg_row(t, 0xDC, 1, "FMUL", "ST(i),ST(0)", arith_r<Op::Mul, RegForm::ToSTi>);
  reg_row(t, 0xDC, 2, "FCOM2", "ST(i)", com_r<false, 0>);   // reserved alias of D8 D0+i
  reg_row(t, 0xDC, 3, "FCOMP3", "ST(i)", com_r<false, 1>);  // reserved alias of D8 D8+i
  reg_row(t, 0xDC, 4, "FSUBR", "ST(i),ST(0)", arith_r<Op::Subr, RegForm::ToSTi>);
  reg_row(t, 0xDC, 5, "FSUB", "ST(i),ST(0)", arith_r<Op::Sub, RegForm::ToSTi>);
  reg_row(t, 0xDC, 6, "FDIVR", "ST(i),ST(0)", arith_r<Op::Divr, RegForm::ToSTi>);
  reg_row(t, 0xDC, 7, "FDIV", "ST(i),ST(0)", arith_r<Op::Div, RegForm::ToSTi>);
  reg_row(t, 0xDE, 0, "FADDP", "ST(i),ST(0)", arith_r<Op::Add, RegForm::ToSTiPop>);
  reg_row(t, 0xDE, 1, "FMULP", "ST(i),ST(0)", arith_r<Op::Mul, RegForm::ToSTiPop>);
  reg_row(t, 0xDE, 2, "FCOMP5", "ST(i)", com_r<false, 1>);  // reserved alias
  t.add({.opcode = 0xDE, .reg = 3, .mod = 3, .rm = 1, .mnemonic = "FCOMPP", .form = "",
         .hs = RZ_HS_1((com_r<false, 2>))});
  reg_row(t, 0xDE, 4, "FSUBRP", "ST(i),ST(0)", arith_r<Op::Subr, RegForm::ToSTiPop>);
  reg_row(t, 0xDE, 5, "FSUBP", "ST(i),ST(0)", arith_r<Op::Sub, RegForm::ToSTiPop>);
  reg_row(t, 0xDE, 6, "FDIVRP", "ST(i),ST(0)", arith_r<Op::Divr, RegForm::ToSTiPop>);
  reg_row(t, 0xDE, 7, "FDIVP", "ST(i),ST(0)", arith_r<Op::Div, RegForm::ToSTiPop>);
  reg_row(t, 0xDD, 4, "FUCOM", "ST(i)", com_r<true, 0>);
  reg_row(t, 0xDD, 5, "FUCOMP", "ST(i)", com_r<true, 1>);
  t.add({.opcode = 0xDA, .reg = 5, .mod = 3, .rm = 1, .mnemonic = "FUCOMPP", .form = "",
         .hs = RZ_HS_1((com_r<true, 2>))});
  reg_row(t, 0xDB, 5, "FUCOMI", "ST(0),ST(i)", comi_r<true, false>);
  reg_row(t, 0xDB, 6, "FCOMI", "ST(0),ST(i)", comi_r<false, false>);
  reg_row(t, 0xDF, 5, "FUCOMIP", "ST(0),ST(i)", comi_r<true, true>);
  reg_row(t, 0xDF, 6, "FCOMIP", "ST(0),ST(i)", comi_r<false, true>);

  // Loads.
  mem_row(t, 0xD9, 0, "FLD", "m32fp", fld_m<Src::F32>);
  mem_row(t, 0xDD, 0, "FLD", "m64fp", fld_m<Src::F64>);
  mem_row(t, 0xDB, 5, "FLD", "m80fp", fld_m80);
  mem_row(t, 0xDF, 0, "FILD", "m16int", fld_m<Src::I16>);
  mem_row(t, 0xDB, 0, "FILD", "m32int", fld_m<Src::I32>);
  mem_row(t, 0xDF, 5, "FILD", "m64int", fild_m64);
  mem_row(t, 0xDF, 4, "FBLD", "m80bcd", fbld);
  reg_row(t, 0xD9, 0, "FLD", "ST(i)", fld_r);

  // Stores.
  mem_row(t, 0xD9, 2, "FST", "m32fp", fst_m<Dst::F32, false>);
  mem_row(t, 0xD9, 3, "FSTP", "m32fp", fst_m<Dst::F32, true>);
  mem_row(t, 0xDD, 2, "FST", "m64fp", fst_m<Dst::F64, false>);
  mem_row(t, 0xDD, 3, "FSTP", "m64fp", fst_m<Dst::F64, true>);
  mem_row(t, 0xDB, 7, "FSTP", "m80fp", fst_m<Dst::F80, true>);
  mem_row(t, 0xDF, 2, "FIST", "m16int", fst_m<Dst::I16, false>);
  mem_row(t, 0xDF, 3, "FISTP", "m16int", fst_m<Dst::I16, true>);
  mem_row(t, 0xDB, 2, "FIST", "m32int", fst_m<Dst::I32, false>);
  mem_row(t, 0xDB, 3, "FISTP", "m32int", fst_m<Dst::I32, true>);
  mem_row(t, 0xDF, 7, "FISTP", "m64int", fst_m<Dst::I64, true>);
  mem_row(t, 0xDF, 6, "FBSTP", "m80bcd", fst_m<Dst::Bcd, true>);
  reg_row(t, 0xDD, 2, "FST", "ST(i)", fst_r<false>);
  reg_row(t, 0xDD, 3, "FSTP", "ST(i)", fst_r<true>);
  reg_row(t, 0xD9, 3, "FSTP1", "ST(i)", fst_r<true>);  // reserved aliases of DD D8+i
  reg_row(t, 0xDF, 2, "FSTP8", "ST(i)", fst_r<true>);
  reg_row(t, 0xDF, 3, "FSTP9", "ST(i)", fst_r<true>);

  register_x87_control(t);
}

}  // namespace rz
