// tests/unit/harness.h: run small code snippets on a bare Machine (no devices).
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <memory>
#include <vector>

#include "cpu/flags.h"
#include "frontend/machine.h"

namespace rz::test {

// A machine with `ram_mb` of RAM, CPU in real mode with CS=DS=ES=SS=0, code at 0x1000,
// stack at 0x8000.  run() executes until HLT (with IF=0) and returns the stop reason.
struct Snippet {
  std::unique_ptr<Machine> m;
  explicit Snippet(std::initializer_list<uint8_t> code, uint32_t ram_mb = 4)
      : Snippet(std::vector<uint8_t>(code), ram_mb) {}
  explicit Snippet(const std::vector<uint8_t>& code, uint32_t ram_mb = 4) {
    MachineConfig cfg;
    cfg.ram_mb = ram_mb;
    cfg.virtual_clock = true;
    cfg.timeout_s = 1;
    cfg.no_reboot = true;
    m = std::make_unique<Machine>(cfg);
    Cpu& c = m->cpu();
    for (unsigned s = 0; s < kNumSegs; ++s) load_real(s, 0);
    c.eip = 0x1000;
    c.r[ESP] = 0x8000;
    c.fpu = FpuState{};  // as if the firmware had run FNINIT
    if (!code.empty()) std::memcpy(m->mem().ram() + 0x1000, code.data(), code.size());
  }
  void load_real(unsigned s, uint16_t sel);
  Cpu& cpu() { return m->cpu(); }
  uint8_t* ram() { return m->mem().ram(); }
  StopReason run() { return m->run(); }
  uint32_t flags() { return get_eflags(m->cpu()); }
};

}  // namespace rz::test
