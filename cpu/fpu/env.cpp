// cpu/fpu/env.cpp: FNSTENV/FLDENV, FNSAVE/FRSTOR and FXSAVE/FXRSTOR.
//
// The environment has four layouts (SDM vol. 1 figures 8-9 to 8-12): 14 bytes with a 16-bit
// operand size, 28 with 32-bit, each in a real-mode form (20/32-bit linear instruction and
// operand pointers with the opcode) and a protected-mode form (offset plus selector).
// Reserved upper halves are written as 1s, as Intel processors do.  The state is collected
// before the first write, every destination byte is checked writable before any is written,
// and the machine state changes only after the last access that can fault.
#include "cpu/fpu/mem.h"
#include "cpu/fpu/x87.h"
#include "cpu/simd.h"
#include "cpu/table.h"

namespace rz {

namespace {

using namespace x87;

bool pm_format(const Cpu& c) { return c.pe() && !c.v86(); }

void write_env(Cpu& c, uint32_t lin, bool o32) {
  const FpuState& f = c.fpu;
  const uint16_t tw = full_tag_word(f);
  const bool pm = pm_format(c);
  const uint32_t ip_lin = (uint32_t(f.fcs) << 4) + f.fip, dp_lin = (uint32_t(f.fds) << 4) + f.fdp;
  if (o32) {
    wr32(c, lin + 0, 0xFFFF0000u | f.fcw);
    wr32(c, lin + 4, 0xFFFF0000u | f.fsw);
    wr32(c, lin + 8, 0xFFFF0000u | tw);
    if (pm) {
      wr32(c, lin + 12, f.fip);
      wr32(c, lin + 16, f.fcs | (uint32_t(f.fop & 0x7FF) << 16));
      wr32(c, lin + 20, f.fdp);
      wr32(c, lin + 24, 0xFFFF0000u | f.fds);
    } else {
      wr32(c, lin + 12, 0xFFFF0000u | (ip_lin & 0xFFFF));
      wr32(c, lin + 16, ((ip_lin >> 16) << 12) | (f.fop & 0x7FF));
      wr32(c, lin + 20, 0xFFFF0000u | (dp_lin & 0xFFFF));
      wr32(c, lin + 24, (dp_lin >> 16) << 12);
    }
  } else {
    wr16(c, lin + 0, f.fcw);
    wr16(c, lin + 2, f.fsw);
    wr16(c, lin + 4, tw);
    if (pm) {
      wr16(c, lin + 6, uint16_t(f.fip));
      wr16(c, lin + 8, f.fcs);
      wr16(c, lin + 10, uint16_t(f.fdp));
      wr16(c, lin + 12, f.fds);
    } else {
      wr16(c, lin + 6, uint16_t(ip_lin));
      wr16(c, lin + 8, uint16_t(((ip_lin >> 16) & 0xF) << 12 | (f.fop & 0x7FF)));
      wr16(c, lin + 10, uint16_t(dp_lin));
      wr16(c, lin + 12, uint16_t(((dp_lin >> 16) & 0xF) << 12));
    }
  }
}

// Read an environment into `out` (no state change).
void read_env(Cpu& c, uint32_t lin, bool o32, FpuState& out) {
  const bool pm = pm_format(c);
  if (o32) {
    out.fcw = rd16(c, lin + 0);
    out.fsw = rd16(c, lin + 4);
    out.ftw = rd16(c, lin + 8);
    if (pm) {
      out.fip = rd32(c, lin + 12);
      uint32_t w = rd32(c, lin + 16);
      out.fcs = uint16_t(w);
      out.fop = uint16_t((w >> 16) & 0x7FF);
      out.fdp = rd32(c, lin + 20);
      out.fds = rd16(c, lin + 24);
    } else {
      uint32_t w = rd32(c, lin + 16);
      out.fip = (rd16(c, lin + 12)) | (((w >> 12) & 0xFFFF) << 16);
      out.fop = uint16_t(w & 0x7FF);
      out.fdp = rd16(c, lin + 20) | (((rd32(c, lin + 24) >> 12) & 0xFFFF) << 16);
      out.fcs = out.fds = 0;
    }
  } else {
    out.fcw = rd16(c, lin + 0);
    out.fsw = rd16(c, lin + 2);
    out.ftw = rd16(c, lin + 4);
    if (pm) {
      out.fip = rd16(c, lin + 6);
      out.fcs = rd16(c, lin + 8);
      out.fdp = rd16(c, lin + 10);
      out.fds = rd16(c, lin + 12);
    } else {
      uint16_t w = rd16(c, lin + 8);
      out.fip = rd16(c, lin + 6) | (uint32_t(w >> 12) << 16);
      out.fop = uint16_t(w & 0x7FF);
      out.fdp = rd16(c, lin + 10) | (uint32_t(rd16(c, lin + 12) >> 12) << 16);
      out.fcs = out.fds = 0;
    }
  }
}

void install_env(Cpu& c, const FpuState& in, const F80* regs) {
  FpuState& f = c.fpu;
  f.fcw = uint16_t((in.fcw & 0x1F3F) | 0x40);
  f.fsw = in.fsw;
  f.fip = in.fip;
  f.fcs = in.fcs;
  f.fop = in.fop;
  f.fdp = in.fdp;
  f.fds = in.fds;
  if (regs) {
    for (unsigned k = 0; k < 8; ++k) f.st[(top(f) + k) & 7] = regs[k];
  }
  // Only the empty/non-empty information of the tag word is used.
  f.ftw = 0;
  for (unsigned p = 0; p < 8; ++p)
    set_tag(f, p, ((in.ftw >> (2 * p)) & 3) == kTagEmpty ? unsigned(kTagEmpty) : tag_for(f.st[p]));
  update_es(c);
}

template <bool Save>
void fnstenv(Cpu& c, const Insn& i) {
  check_available(c, false);
  const bool o32 = i.osz == 4;
  const unsigned env = o32 ? 28 : 14;
  const uint32_t lin = Save ? (o32 ? span_w<108>(c, i.seg, ea(c, i)) : span_w<94>(c, i.seg, ea(c, i)))
                            : (o32 ? span_w<28>(c, i.seg, ea(c, i)) : span_w<14>(c, i.seg, ea(c, i)));
  write_env(c, lin, o32);
  if (Save) {
    for (unsigned k = 0; k < 8; ++k) wr80(c, lin + env + 10 * k, st(c.fpu, k));
    reset_state(c.fpu);
  } else {
    c.fpu.fcw |= 0x3F;  // FNSTENV masks all exceptions
  }
  update_es(c);
}

template <bool Restore>
void fldenv(Cpu& c, const Insn& i) {
  check_available(c, true);
  const bool o32 = i.osz == 4;
  const unsigned env = o32 ? 28 : 14;
  const uint32_t lin = Restore ? (o32 ? span_r<108>(c, i.seg, ea(c, i)) : span_r<94>(c, i.seg, ea(c, i)))
                               : (o32 ? span_r<28>(c, i.seg, ea(c, i)) : span_r<14>(c, i.seg, ea(c, i)));
  FpuState in;
  read_env(c, lin, o32, in);
  F80 regs[8];
  if (Restore) {
    for (unsigned k = 0; k < 8; ++k) regs[k] = rd80(c, lin + env + 10 * k);
  }
  install_env(c, in, Restore ? regs : nullptr);
}

// FXSAVE/FXRSTOR (0F AE /0, /1): 512-byte image, 16-byte aligned.  MXCSR_MASK is the
// one LDMXCSR uses (cpu/simd.h), DAZ included.
constexpr uint32_t kMxcsrMask = simd::kMxcsrMask;

void fxsave(Cpu& c, const Insn& i) {
  if (c.cr0 & (CR0_EM | CR0_TS)) raise_fault(c, kNM);
  const uint32_t off = ea(c, i);
  const uint32_t lin = span_w<512>(c, i.seg, off);
  if (lin & 15) raise_gp0(c);
  const FpuState& f = c.fpu;
  uint8_t abridged = 0;
  for (unsigned p = 0; p < 8; ++p) abridged |= uint8_t((tag_of(f, p) != kTagEmpty) << p);
  wr16(c, lin + 0, f.fcw);
  wr16(c, lin + 2, f.fsw);
  wr16(c, lin + 4, abridged);
  wr16(c, lin + 6, f.fop & 0x7FF);
  wr32(c, lin + 8, f.fip);
  wr32(c, lin + 12, f.fcs);
  wr32(c, lin + 16, f.fdp);
  wr32(c, lin + 20, f.fds);
  wr32(c, lin + 24, f.mxcsr);
  wr32(c, lin + 28, kMxcsrMask);
  for (unsigned k = 0; k < 8; ++k) {
    wr80(c, lin + 32 + 16 * k, f.st[(top(f) + k) & 7]);
    wr16(c, lin + 42 + 16 * k, 0);
    wr32(c, lin + 44 + 16 * k, 0);
  }
  for (unsigned k = 0; k < 8; ++k)
    for (unsigned b = 0; b < 16; b += 4) {
      uint32_t v;
      std::memcpy(&v, &f.xmm[k][b], 4);
      wr32(c, lin + 160 + 16 * k + b, v);
    }
}

void fxrstor(Cpu& c, const Insn& i) {
  if (c.cr0 & (CR0_EM | CR0_TS)) raise_fault(c, kNM);
  const uint32_t off = ea(c, i);
  const uint32_t lin = span_r<512>(c, i.seg, off);
  if (lin & 15) raise_gp0(c);
  const uint32_t mxcsr = rd32(c, lin + 24);
  if (mxcsr & ~kMxcsrMask) raise_gp0(c);
  FpuState in;
  in.fcw = rd16(c, lin + 0);
  in.fsw = rd16(c, lin + 2);
  const uint8_t abridged = uint8_t(rd16(c, lin + 4));
  in.fop = rd16(c, lin + 6) & 0x7FF;
  in.fip = rd32(c, lin + 8);
  in.fcs = rd16(c, lin + 12);
  in.fdp = rd32(c, lin + 16);
  in.fds = rd16(c, lin + 20);
  F80 regs[8];
  for (unsigned k = 0; k < 8; ++k) regs[k] = rd80(c, lin + 32 + 16 * k);
  uint8_t xmm[8][16];
  for (unsigned k = 0; k < 8; ++k)
    for (unsigned b = 0; b < 16; b += 4) {
      uint32_t v = rd32(c, lin + 160 + 16 * k + b);
      std::memcpy(&xmm[k][b], &v, 4);
    }
  in.ftw = 0;
  for (unsigned p = 0; p < 8; ++p)
    in.ftw = uint16_t(in.ftw | ((abridged >> p & 1) ? 0 : kTagEmpty) << (2 * p));
  install_env(c, in, regs);
  c.fpu.mxcsr = mxcsr;
  std::memcpy(c.fpu.xmm, xmm, sizeof xmm);
}

void memrow(OpTable& t, uint8_t map, uint8_t op, int reg, const char* name, const char* form, Handler h) {
  t.add({.map = map, .opcode = op, .reg = int8_t(reg), .mod = 0, .mnemonic = name, .form = form,
         .hs = {{{nullptr, h}, {nullptr, h}}}});
}

}  // namespace

void register_x87_env(OpTable& t) {
  memrow(t, kMapOne, 0xD9, 4, "FLDENV", "m14/28byte", fldenv<false>);
  memrow(t, kMapOne, 0xD9, 6, "FNSTENV", "m14/28byte", fnstenv<false>);
  memrow(t, kMapOne, 0xDD, 4, "FRSTOR", "m94/108byte", fldenv<true>);
  memrow(t, kMapOne, 0xDD, 6, "FNSAVE", "m94/108byte", fnstenv<true>);
  memrow(t, kMap0F, 0xAE, 0, "FXSAVE", "m512byte", fxsave);
  memrow(t, kMap0F, 0xAE, 1, "FXRSTOR", "m512byte", fxrstor);
}

}  // namespace rz
