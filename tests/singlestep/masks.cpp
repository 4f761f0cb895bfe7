// tests/singlestep/masks.cpp: the rules that let a P6 be judged by tests captured on an
// 80286 (or 386), each with its reason next to it.  Sources: the SingleStepTests README
// (/work/shared/tests/singlestep-80286/README.md), the Intel SDM vol. 2 "Flags Affected"
// sections, and the 80286 Programmer's Reference for what the 286 lacks or does otherwise.
#include "tests/singlestep/masks.h"

namespace rz::ss {

namespace {

bool is_prefix(uint8_t b) {
  switch (b) {
    case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65: case 0x66: case 0x67:
    case 0xF0: case 0xF2: case 0xF3:
      return true;
    default:
      return false;
  }
}

// One-byte opcodes that carry a ModRM byte (SDM vol. 2 appendix A, table A-2).
bool one_byte_has_modrm(uint8_t op) {
  if (op < 0x40) return (op & 7) < 4;
  if (op >= 0x80 && op <= 0x8F) return true;
  if (op >= 0xD0 && op <= 0xD3) return true;
  if (op >= 0xD8 && op <= 0xDF) return true;
  switch (op) {
    case 0x62: case 0x63: case 0x69: case 0x6B: case 0xC0: case 0xC1: case 0xC4: case 0xC5:
    case 0xC6: case 0xC7: case 0xF6: case 0xF7: case 0xFE: case 0xFF:
      return true;
    default:
      return false;
  }
}

// Two-byte opcodes without ModRM among those that matter here.
bool two_byte_has_modrm(uint8_t op) {
  if (op >= 0x80 && op <= 0x8F) return false;  // Jcc rel
  if (op >= 0xC8 && op <= 0xCF) return false;  // BSWAP
  switch (op) {
    case 0x05: case 0x06: case 0x07: case 0x08: case 0x09: case 0x0B: case 0x30: case 0x31:
    case 0x32: case 0x33: case 0x34: case 0x35: case 0x77: case 0xA0: case 0xA1: case 0xA2:
    case 0xA8: case 0xA9: case 0xAA:
      return false;
    default:
      return true;
  }
}

// LOCK is legal only on these read-modify-write forms with a memory destination
// (SDM vol. 2, LOCK: "#UD if the LOCK prefix is used with an instruction not listed").
bool lockable(const InsnInfo& in) {
  if (!in.has_modrm || in.mod == 3) return false;
  const uint8_t op = in.opcode;
  if (!in.map0f) {
    if (op < 0x38 && (op & 7) < 2) return true;  // ADD OR ADC SBB AND SUB XOR Eb/Ev,G
    if (op >= 0x80 && op <= 0x83) return in.reg != 7;  // group 1 except CMP
    if (op == 0x86 || op == 0x87) return true;  // XCHG
    if (op == 0xF6 || op == 0xF7) return in.reg == 2 || in.reg == 3;  // NOT NEG
    if (op == 0xFE || op == 0xFF) return in.reg <= 1;  // INC DEC
    return false;
  }
  switch (op) {
    case 0xAB: case 0xB3: case 0xBB: case 0xB0: case 0xB1: case 0xC0: case 0xC1: return true;
    case 0xBA: return in.reg >= 5;
    case 0xC7: return in.reg == 1;
    default: return false;
  }
}

// Instructions that access the stack through SS without a ModRM memory operand.
bool implicit_stack(const InsnInfo& in) {
  if (in.map0f) return in.opcode == 0xA0 || in.opcode == 0xA1 || in.opcode == 0xA8 || in.opcode == 0xA9;
  const uint8_t op = in.opcode;
  if (op >= 0x50 && op <= 0x61) return true;  // PUSH/POP r16, PUSHA, POPA
  switch (op) {
    case 0x06: case 0x07: case 0x0E: case 0x16: case 0x17: case 0x1E: case 0x1F: case 0x68:
    case 0x6A: case 0x8F: case 0x9A: case 0x9C: case 0x9D: case 0xC2: case 0xC3: case 0xC8:
    case 0xC9: case 0xCA: case 0xCB: case 0xCC: case 0xCD: case 0xCE: case 0xCF: case 0xE8:
      return true;
    case 0xFF: return in.reg == 2 || in.reg == 3 || in.reg == 6;  // CALL, CALL far, PUSH
    default: return false;
  }
}

}  // namespace

InsnInfo analyse(const TestCase& t) {
  InsnInfo in;
  const std::vector<uint8_t>& b = t.bytes;
  in.length = unsigned(b.size() - 1);  // the trailing HLT is not part of the instruction
  size_t p = 0;
  while (p < in.length && is_prefix(b[p])) {
    if (b[p] == 0xF0) in.lock = true;
    if (b[p] == 0xF2 || b[p] == 0xF3) in.rep = true;
    if (b[p] == 0x66 || b[p] == 0x67) in.has_66_67 = true;
    if (b[p] == 0x64 || b[p] == 0x65) in.has_fs_gs = true;
    ++p;
  }
  in.prefixes = unsigned(p);
  if (p < in.length && b[p] == 0x0F) {
    in.map0f = true;
    ++p;
  }
  if (p < b.size()) in.opcode = b[p++];
  in.has_modrm = in.map0f ? two_byte_has_modrm(in.opcode) : one_byte_has_modrm(in.opcode);
  if (in.has_modrm && p < b.size()) {
    in.mod = b[p] >> 6;
    in.reg = (b[p] >> 3) & 7;
    in.rm = b[p] & 7;
  }
  // Our decoder, in real mode (every test set so far runs in real mode).
  in.status = decode_insn(b.data(), in.length, DecodeMode{false, true}, in.insn, &in.row);
  if (in.status != DecodeStatus::Ok) in.row = nullptr;
  return in;
}

const char* skip_reason(const TestCase& t, const InsnInfo& in) {
  // The harness sets tests up in real mode only (segment base = selector << 4).
  if (t.initial.present[kCR0] && (t.initial.value[kCR0] & 1)) return "CR0.PE set: not a real-mode test";
  if (t.initial.value[kFlags] & (1u << 17)) return "EFLAGS.VM set: not a real-mode test";
  // SHLD/SHRD with a 16-bit operand and a (5-bit masked) count above 16: the SDM says the
  // destination and the flags are undefined.
  if (in.map0f && in.status == DecodeStatus::Ok && in.insn.osz == 2 &&
      (in.opcode == 0xA4 || in.opcode == 0xA5 || in.opcode == 0xAC || in.opcode == 0xAD)) {
    const unsigned count =
        ((in.opcode & 1) ? t.initial.value[kCX] : in.insn.imm) & 0x1F;
    if (count > 16) return "SHLD/SHRD count > 16: result undefined";
  }
  if (!t.is286) return nullptr;
  // --- 80286 tests ---
  if (in.map0f) {
    // LOADALL is a 286-only opcode (on a P6, 0F 05 is SYSCALL, #UD on Intel outside 64-bit).
    if (in.opcode == 0x05) return "0F 05 LOADALL is 286-only";
    // 286 SMSW reads MSW bits 4-15 as ones; a P6 returns CR0[15:0] (ET set, rest zero).
    if (in.opcode == 0x01 && in.reg == 4) return "SMSW: 286 MSW reserved bits read as 1";
    // 286 SGDT/SIDT store 0xFF as the 6th byte; a P6 with 16-bit operand size stores 0.
    if (in.opcode == 0x01 && in.reg <= 1) return "SGDT/SIDT: 286 stores FFh in byte 5";
    // The 286's two-byte map ends at 0F 06 (CLTS) plus LOADALL; everything else is 386+.
    if (in.opcode > 0x06 || in.opcode == 0x04) return "0F opcode not in the 286 set (386+)";
  }
  // F1 is undocumented on the 286; a P6 executes it as INT1 (ICEBP).
  if (!in.map0f && in.opcode == 0xF1) return "F1: undocumented on 286, INT1 on P6";
  // FS/GS and the 66/67 size prefixes do not exist on a 286 (they are #UD or ignored there).
  if (!in.map0f && (in.opcode == 0x8C || in.opcode == 0x8E) && (in.reg == 4 || in.reg == 5))
    return "MOV Sreg 4/5: no FS/GS on a 286";
  if (in.has_fs_gs) return "prefix 64/65: no FS/GS on a 286";
  if (in.has_66_67) return "prefix 66/67: no operand/address-size override on a 286";
  // The 286 ignores LOCK on any instruction; a P6 raises #UD unless the form is lockable.
  if (in.lock && !lockable(in)) return "LOCK on a non-lockable form: 286 ignores, P6 #UD";
  // A 286 wraps IP inside the segment when an instruction runs past offset FFFF; a P6 in
  // real mode raises #GP(0) at the CS limit (SDM vol. 3, 20.1.4).
  if (t.initial.value[kIP] + in.length > 0x10000) return "instruction crosses IP FFFF";
  // The 286 test machine has no 80287: ESC opcodes only compute their address there.  A P6
  // has its x87 on chip, so x87 stores write memory (or AX for FNSTSW AX) where the 286
  // wrote nothing, and ESC encodings the x87 leaves undefined raise #UD.  Forms that only
  // read memory or change x87 registers are still run (integer state must not change).
  if (!in.map0f && in.opcode >= 0xD8 && in.opcode <= 0xDF) {
    if (in.status != DecodeStatus::Ok) return "ESC form undefined on the P6 x87 (286: no x87)";
    const unsigned esc = in.opcode - 0xD8;
    if (in.mod == 3) {
      if (esc == 7 && in.reg == 4) return "x87 store (FNSTSW AX): 286 test had no x87";
    } else {
      // Memory-store forms: D9 /2 /3 /6 /7, DB /1 /2 /3 /7, DD /1 /2 /3 /6 /7,
      // DF /1 /2 /3 /6 /7 (SDM vol. 2 appendix A, table A-7..A-22).
      static const uint8_t kStores[8] = {0x00, 0xCC, 0x00, 0x8E, 0x00, 0xCE, 0x00, 0xCE};
      if (kStores[esc] & (1u << in.reg)) return "x87 store to memory: 286 test had no x87";
    }
  }
  // The 286 limits instructions to 10 bytes (#GP(13) beyond); a P6 allows 15.
  if (in.length > 10 && t.has_exception && t.exception == 13) return "286 10-byte length limit";
  return nullptr;
}

uint32_t ignored_flags(const TestCase& t, const InsnInfo& in) {
  uint32_t mask = 0;
  // FLAGS bits 12-15: a 286 in real mode cannot hold IOPL or NT (they read 0 after any
  // flags load) and bit 15 is 0 on a P6; the upstream README says to mask them.
  if (t.is286) mask |= 0xF000;
  // Flags the SDM leaves undefined after this instruction: the table row's mask.
  uint32_t undef = in.row ? in.row->undef_flags : 0;
  const uint8_t op = in.opcode;
  if (!in.map0f && in.status == DecodeStatus::Ok &&
      (op == 0xC0 || op == 0xC1 || (op >= 0xD0 && op <= 0xD3))) {
    // Shifts and rotates: what is undefined depends on the count (SDM vol. 2 SAL/SAR/SHL/
    // SHR and RCL/RCR/ROL/ROR "Flags Affected").  The count is masked to 5 bits (the 286
    // and every later CPU do so).  A zero count changes no flag; OF is defined only for a
    // count of 1; AF is undefined after any non-zero shift; rotates leave SF ZF AF PF
    // alone.  This replaces the row's mask, which cannot know the count.
    unsigned count;
    if (op == 0xC0 || op == 0xC1) count = in.insn.imm & 0xFF;
    else if (op == 0xD0 || op == 0xD1) count = 1;
    else count = t.initial.value[kCX] & 0xFF;
    count &= 0x1F;
    const bool rotate = in.reg < 4;
    undef = 0;
    if (count != 0) {
      if (count != 1) undef |= 0x800;  // OF
      if (!rotate) undef |= 0x10;      // AF
    }
  }
  if (in.map0f && in.status == DecodeStatus::Ok &&
      (op == 0xA4 || op == 0xA5 || op == 0xAC || op == 0xAD)) {
    // SHLD/SHRD (SDM vol. 2 "Flags Affected"): a zero count changes no flag; AF is
    // undefined after any non-zero count, OF after a count other than 1.
    const unsigned count = ((op & 1) ? t.initial.value[kCX] : in.insn.imm) & 0x1F;
    undef = 0;
    if (count != 0) undef |= 0x10 | (count != 1 ? 0x800 : 0);
  }
  return mask | undef;
}

bool stack_overrun_may_be_ss(const TestCase& t, const InsnInfo& in) {
  if (!t.is286 || !t.has_exception || t.exception != 13) return false;
  if (in.status == DecodeStatus::Ok && in.insn.is_mem && in.insn.seg == SS) return true;
  return implicit_stack(in);
}

int string_overrun_step(const TestCase& t, const InsnInfo& in) {
  if (!t.is286 || !t.has_exception || t.exception != 13 || in.map0f) return 0;
  const uint8_t op = in.opcode;
  const bool string = (op >= 0xA4 && op <= 0xA7) || (op >= 0xAA && op <= 0xAF) ||
                      (op >= 0x6C && op <= 0x6F);
  if (!string) return 0;
  const int size = (op & 1) ? 2 : 1;
  return (t.initial.value[kFlags] & 0x400) ? -size : size;  // DF
}

}  // namespace rz::ss
