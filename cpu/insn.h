// cpu/insn.h: the decoded instruction (DecodedInsn) every handler receives.
//
// Built once per block by cpu/decode.cpp from Zydis's output and the instruction table
// row (cpu/table.h).  Handlers read operands through the helpers below, so one handler
// body serves every addressing form.
#pragma once

#include <cstdint>

#include "cpu/cpu.h"

namespace rz {

struct Insn;
using Handler = void (*)(Cpu&, const Insn&);

enum : uint8_t { kRepNone = 0, kRepE = 1, kRepNE = 2 };
constexpr uint16_t kNoRow = 0xFFFF;  // Insn::row of an instruction that did not decode

struct Insn {
  Handler fn;
  uint32_t disp;    // memory displacement
  uint32_t imm;     // first immediate (sign-extended to the operand size when the form says
                    // so), relative branch displacement, or far-pointer offset
  uint32_t imm2;    // second immediate: ENTER nesting level, far-pointer selector
  uint32_t amask;   // 0xFFFF (16-bit addressing) or 0xFFFFFFFF
  uint16_t row;     // index of the instruction-table row, or kNoRow
  uint8_t len;      // instruction length in bytes
  uint8_t r;        // ModRM.reg / opcode register operand, as a byte offset into Cpu::r
  uint8_t m;        // ModRM.rm register operand (register forms), as a byte offset
  uint8_t base;     // memory operand base register index, kZeroReg if none
  uint8_t index;    // memory operand index register index, kZeroReg if none
  uint8_t scale;    // shift count 0-3
  uint8_t seg;      // segment of the memory operand (after overrides)
  uint8_t osz;      // operand size in bytes: 2 or 4
  uint8_t asz;      // address size in bytes: 2 or 4
  uint8_t rep;      // kRepNone / kRepE / kRepNE
  uint8_t lock;     // LOCK prefix present
  uint8_t modrm_reg;  // raw ModRM.reg (segment register, CRn, DRn numbers)
  uint8_t modrm_rm;   // raw ModRM.rm
  uint8_t is_mem;   // the ModRM operand is memory
  uint8_t seg_override;  // a segment-override prefix was given
  uint8_t opcode;   // last opcode byte
  uint8_t modrm;    // raw ModRM byte (0 if none): the x87 FOP register needs mod too
};

// Effective address (offset within the segment) of the memory operand.
inline uint32_t ea(const Cpu& c, const Insn& i) {
  return (i.disp + c.r[i.base] + (c.r[i.index] << i.scale)) & i.amask;
}

// Operand access for handlers templated on width T and on whether E is memory.
template <typename T, bool Mem>
inline T read_E(Cpu& c, const Insn& i) {
  if constexpr (Mem) return read_mem<T>(c, i.seg, ea(c, i));
  else return get_reg<T>(c, i.m);
}
template <typename T, bool Mem>
inline void write_E(Cpu& c, const Insn& i, T v) {
  if constexpr (Mem) write_mem<T>(c, i.seg, ea(c, i), v);
  else set_reg<T>(c, i.m, v);
}
template <typename T>
inline T read_G(const Cpu& c, const Insn& i) { return get_reg<T>(c, i.r); }
template <typename T>
inline void write_G(Cpu& c, const Insn& i, T v) {
  set_reg<T>(c, i.r, v);
}

// Next-instruction EIP, for control transfers.
inline uint32_t next_eip(const Cpu& c, const Insn& i) { return c.eip + i.len; }

}  // namespace rz
