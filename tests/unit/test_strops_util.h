// tests/unit/test_strops_util.h: a CPU rig for the shift/bit/BCD/string/IO tests.
//
// Rig executes single instructions exactly as the run loop does (decode, handler, EIP
// advanced unless the row is kControl) but catches guest faults itself, so tests can look
// at faults in protected mode without an IDT.  HostFlags runs a host instruction (the host
// is x86 too) to get reference results for the architecturally defined flags.
#pragma once

#include <csetjmp>
#include <cstring>
#include <vector>

#include "cpu/decode.h"
#include "cpu/segments.h"
#include "tests/unit/harness.h"

namespace rz::test {

// Run one decoded instruction; true if it raised a guest fault (recorded in c.exc).
bool strops_run_handler(Cpu& c, const Insn& insn, bool control);

struct Rig {
  Snippet s{std::vector<uint8_t>{0xF4}};
  const OpRow* last_row = nullptr;

  Cpu& c() { return s.cpu(); }
  uint8_t* ram() { return s.ram(); }

  // 32-bit protected mode, CPL 0, flat 4 GiB code and data segments.
  void flat32() {
    Cpu& c = s.cpu();
    c.cr0 |= CR0_PE;
    load_flat_segments(c, 0x08, 0x10);
  }

  void set_flags(uint32_t f) {
    Cpu& c = s.cpu();
    c.lazy = 0;
    c.eflags = (c.eflags & ~kArithFlags) | (f & kArithFlags);
  }
  uint32_t flags() { return get_eflags(s.cpu()); }

  // Decode and execute `code` placed at CS:EIP.  Returns true on a guest fault.
  bool exec(const std::vector<uint8_t>& code) {
    Cpu& c = s.cpu();
    const uint32_t lin = c.seg[CS].base + c.eip;
    std::memcpy(ram() + lin, code.data(), code.size());
    Insn insn;
    const OpRow* row = nullptr;
    const DecodeMode mode{c.code32(), !c.pe() || c.v86()};
    const DecodeStatus st = decode_insn(code.data(), code.size(), mode, insn, &row);
    EXPECT_EQ(int(st), int(DecodeStatus::Ok));
    if (st != DecodeStatus::Ok) return true;
    EXPECT_EQ(insn.len, code.size());
    last_row = row;
    return strops_run_handler(c, insn, row->attrs & kControl);
  }

  // Execute a (REP) instruction until EIP leaves it or it faults; returns the number of
  // handler calls, or -1 on a fault.
  int exec_to_end(const std::vector<uint8_t>& code, int max_calls = 1 << 20) {
    const uint32_t start = c().eip;
    for (int n = 1; n <= max_calls; ++n) {
      if (exec(code)) return -1;
      if (c().eip != start) return n;
    }
    return 0;
  }
};

}  // namespace rz::test
