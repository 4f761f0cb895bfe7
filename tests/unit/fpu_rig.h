// tests/unit/fpu_rig.h: run one x87 instruction on the emulated CPU from a given stack
// state (the state "fninit; fldcw cw; fld b; fld a" leaves: ST(0)=a, ST(1)=b) and read back
// ST(0), ST(1), FSW and the full tag word - the same observations the host-x87 differential
// tests take from the real FPU.
#pragma once

#include <vector>

#include "cpu/fpu/x87.h"
#include "tests/unit/harness.h"

namespace rz::test {

struct X87Obs {
  F80 st0, st1;
  uint16_t fsw = 0, ftw = 0;
};

inline bool same_obs(const X87Obs& x, const X87Obs& y, uint16_t fsw_mask = 0xFFFF) {
  return fp::same_bits(x.st0, y.st0) && fp::same_bits(x.st1, y.st1) &&
         ((x.fsw ^ y.fsw) & fsw_mask) == 0 && x.ftw == y.ftw;
}

class X87Rig {
 public:
  // code: the instruction bytes (real mode, 16-bit); memory operands may use [0x3000].
  explicit X87Rig(std::vector<uint8_t> code) : s_(with_hlt(code)) {}

  void load(uint16_t cw, F80 a, F80 b, int depth = 2) {
    Cpu& c = s_.cpu();
    x87::reset_state(c.fpu);
    c.fpu.fcw = cw;
    x87::set_top(c.fpu, 8 - depth);
    if (depth >= 2) x87::write_st(c.fpu, 1, b);
    if (depth >= 1) x87::write_st(c.fpu, 0, a);
  }
  uint8_t* mem() { return s_.ram() + 0x3000; }
  Cpu& cpu() { return s_.cpu(); }

  X87Obs run() {
    Cpu& c = s_.cpu();
    c.eip = 0x1000;
    c.halted = false;
    s_.run();
    X87Obs o;
    o.fsw = c.fpu.fsw;
    o.ftw = x87::full_tag_word(c.fpu);
    o.st0 = x87::empty(c.fpu, 0) ? fp::f80_indefinite() : x87::st(c.fpu, 0);
    // The host stores ST(1) after popping ST(0): it is ST(1) unless the stack underflows.
    o.st1 = x87::empty(c.fpu, 1) ? fp::f80_indefinite() : x87::st(c.fpu, 1);
    return o;
  }

 private:
  static std::vector<uint8_t> with_hlt(std::vector<uint8_t> v) {
    v.push_back(0xF4);
    return v;
  }
  Snippet s_;
};

}  // namespace rz::test
