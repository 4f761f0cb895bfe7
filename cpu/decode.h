// cpu/decode.h: Zydis -> Insn, once per instruction when a block is built.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cpu/insn.h"
#include "cpu/table.h"

namespace rz {

enum class DecodeStatus : uint8_t {
  Ok,
  Invalid,   // #UD: undefined opcode, illegal LOCK, no P6 form
  TooLong,   // #GP(0): more than 15 bytes
  NeedMore,  // the bytes ran out (caller fetches more or faults)
};

struct DecodeMode {
  bool code32;  // CS.D
  bool real;    // real or virtual-8086 mode
};

// Decode one instruction from `bytes` (at most `n`; 15 is always enough).  On Ok, `out` is
// complete and `row` points at its table row; on Invalid, `out.len` is still set when known
// and `out.fn` raises #UD.
DecodeStatus decode_insn(const uint8_t* bytes, size_t n, DecodeMode mode, Insn& out,
                         const OpRow** row);

// The handler used for forms with no row (raises #UD).
void op_undefined(Cpu& c, const Insn& i);

}  // namespace rz
