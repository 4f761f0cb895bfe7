// tests/difftest/emulate.cpp: the ringzero side of a case.
//
// One Machine (4 MiB RAM, paging off) is reused for every case.  Its CPU is put directly
// into the state of the helper's Linux process: protected mode, CPL 3, IOPL 0, IF=1, flat
// 4 GiB CS/DS/ES/SS with the helper's selectors, FS a byte-granular 64 KiB data segment
// based at the data window (ES too for string cases), and a TR whose TSS has no I/O
// bitmap, so IN/OUT at CPL 3 fault as they do on the host.  The instruction runs through
// Engine::step(); a guest exception longjmps to Cpu::fault_jmp, which points here, and the
// pending vector and error code in CpuState are the result (nothing is delivered).
#include <csetjmp>
#include <cstring>

#include "cpu/fpu/x87.h"
#include "cpu/segments.h"
#include "frontend/machine.h"
#include "tests/difftest/difftest.h"

namespace rz::difftest {

namespace {
constexpr uint32_t kTssBase = 0x00100000;
}

struct Emulator::Impl {
  Machine m;
  dt_hello sel;
  explicit Impl(const dt_hello& h) : m(config()), sel(h) {
    uint8_t* ram = m.mem().ram();
    std::memset(ram + DT_CODE_BASE, 0xCC, 0x1000);
    std::memset(ram + kTssBase, 0, 0x68);
    ram[kTssBase + 0x66] = 0x68;  // I/O map base beyond the limit: no bitmap
  }
  static MachineConfig config() {
    MachineConfig cfg;
    cfg.ram_mb = 4;
    cfg.virtual_clock = true;
    return cfg;
  }
};

Emulator::Emulator(const dt_hello& selectors) : impl_(new Impl(selectors)) {}
Emulator::~Emulator() { delete impl_; }

namespace {

void flat(Segment& s, uint16_t sel, uint16_t ar) {
  s.sel = sel;
  s.base = 0;
  s.limit = 0xFFFFFFFFu;
  s.ar = ar;
}

// The FXSAVE-format image (protocol.h DT_FX_*) into and out of ringzero's FpuState, the
// way FXRSTOR and FXSAVE map it: ST(i) is physical register (TOP + i) & 7, the abridged
// tag bit says "not empty".
void load_fx(FpuState& f, const uint8_t* fx) {
  auto u16 = [&](unsigned o) { return uint16_t(fx[o] | fx[o + 1] << 8); };
  f.fcw = u16(DT_FX_FCW);
  f.fsw = u16(DT_FX_FSW);
  const uint8_t abridged = fx[DT_FX_FTW];
  f.ftw = 0;
  for (unsigned p = 0; p < 8; ++p)
    f.ftw = uint16_t(f.ftw | ((abridged >> p & 1) ? x87::kTagValid : x87::kTagEmpty) << (2 * p));
  const unsigned top = (f.fsw >> 11) & 7;
  for (unsigned k = 0; k < 8; ++k) {
    F80& r = f.st[(top + k) & 7];
    std::memcpy(&r.mant, fx + DT_FX_ST + 16 * k, 8);
    r.se = u16(DT_FX_ST + 16 * k + 8);
  }
  std::memcpy(&f.mxcsr, fx + DT_FX_MXCSR, 4);
  std::memcpy(f.xmm, fx + DT_FX_XMM, sizeof f.xmm);
  f.fop = 0;
  f.fip = f.fdp = 0;
  f.fcs = f.fds = 0;
}

void save_fx(const FpuState& f, uint8_t* fx) {
  std::memset(fx, 0, DT_FX_SIZE);
  std::memcpy(fx + DT_FX_FCW, &f.fcw, 2);
  std::memcpy(fx + DT_FX_FSW, &f.fsw, 2);
  uint8_t abridged = 0;
  for (unsigned p = 0; p < 8; ++p)
    abridged |= uint8_t((x87::tag_of(f, p) != x87::kTagEmpty) << p);
  fx[DT_FX_FTW] = abridged;
  const unsigned top = (f.fsw >> 11) & 7;
  for (unsigned k = 0; k < 8; ++k) {
    const F80& r = f.st[(top + k) & 7];
    std::memcpy(fx + DT_FX_ST + 16 * k, &r.mant, 8);
    std::memcpy(fx + DT_FX_ST + 16 * k + 8, &r.se, 2);
  }
  std::memcpy(fx + DT_FX_MXCSR, &f.mxcsr, 4);
  std::memcpy(fx + DT_FX_XMM, f.xmm, sizeof f.xmm);
}

// Everything that must survive the longjmp lives outside the frame that calls setjmp.
void step_catching(Machine& m, unsigned steps, dt_result& out) {
  Cpu& c = m.cpu();
  std::jmp_buf jb;
  std::jmp_buf* saved = c.fault_jmp;
  c.fault_jmp = &jb;
  if (setjmp(jb) == 0) {
    for (unsigned k = 0; k < steps; ++k) m.engine().step();
    out.vector = DT_TRAP_NONE;
    out.error = 0;
  } else {
    out.vector = c.exc.vector;
    out.error = c.exc.has_error ? c.exc.error : 0;
  }
  c.fault_jmp = saved;
}

}  // namespace

void Emulator::run(const dt_case& in, unsigned steps, dt_result& out) {
  Machine& m = impl_->m;
  const dt_hello& h = impl_->sel;
  Cpu& c = m.cpu();
  uint8_t* ram = m.mem().ram();

  c.reset();
  // Like a Linux process: CR0.MP and NE set (x87 errors are #MF), TS clear (eager FPU),
  // CR4.OSFXSR and OSXMMEXCPT set (SSE enabled, SIMD FP errors are #XM).
  c.cr0 |= CR0_PE | CR0_MP | CR0_NE;
  m.mmu().set_cr0(c.cr0);
  c.cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
  if (in.flags & DT_CASE_SIMD) load_fx(c.fpu, in.fx);
  c.cpl = 3;
  flat(c.seg[CS], h.cs, 0xC0FB);  // code, execute/read, accessed, DPL 3, D, G
  flat(c.seg[SS], h.ss, 0xC0F3);  // data, read/write, accessed, DPL 3, B, G
  flat(c.seg[DS], h.ds, 0xC0F3);
  flat(c.seg[ES], h.es, 0xC0F3);
  flat(c.seg[GS], h.gs, 0xC0F3);
  Segment& fs = c.seg[FS];
  fs.sel = h.fs;
  fs.base = DT_WIN_BASE;
  fs.limit = DT_FS_LIMIT;
  fs.ar = 0x40F3;  // byte granular
  if (in.flags & DT_CASE_ES_WINDOW) c.seg[ES] = fs;
  c.tr.sel = 0x80;
  c.tr.base = kTssBase;
  c.tr.limit = 0x67;
  c.tr.ar = 0x8B;  // busy 32-bit TSS
  refresh_all_segments(c);

  std::memcpy(c.r, in.regs, sizeof in.regs);
  c.eip = DT_CODE_INSN;
  c.eflags = in.eflags | 0x202;
  c.lazy = 0;

  std::memcpy(ram + DT_CODE_INSN, in.code, in.len);
  std::memset(ram + DT_DATA_BASE, 0, DT_DATA_SIZE);
  std::memcpy(ram + DT_WIN_BASE, in.mem, DT_WIN_SIZE);

  step_catching(m, steps, out);

  std::memcpy(out.regs, c.r, sizeof out.regs);
  out.eflags = get_eflags(c);
  out.eip = c.eip;
  if (in.flags & DT_CASE_SIMD) save_fx(c.fpu, out.fx);
  std::memcpy(out.mem, ram + DT_WIN_BASE, DT_WIN_SIZE);
  std::memset(ram + DT_WIN_BASE, 0, DT_WIN_SIZE);
  out.outside_dirty = 0;
  for (uint32_t k = 0; k < DT_DATA_SIZE; ++k) {
    if (ram[DT_DATA_BASE + k]) {
      out.outside_dirty = 1;
      break;
    }
  }
  std::memset(ram + DT_CODE_BASE, 0xCC, 0x1000);
}

}  // namespace rz::difftest
