// tests/singlestep/masks.h: what a P6 may legitimately do differently from the CPU that
// captured a test, each rule with its reason (masks.cpp): tests skipped by form, flags left
// out of the comparison, and the 286's real-mode stack overrun reported as INT 13.
#pragma once

#include <cstdint>

#include "cpu/decode.h"
#include "tests/singlestep/case.h"

namespace rz::ss {

// The instruction under test, from its raw bytes and from our decoder.
struct InsnInfo {
  unsigned prefixes = 0;  // prefix bytes before the opcode
  bool lock = false;
  bool rep = false;       // F2 or F3 prefix
  bool has_66_67 = false, has_fs_gs = false;
  bool map0f = false;
  uint8_t opcode = 0;     // opcode byte (after 0F for two-byte opcodes)
  bool has_modrm = false;
  uint8_t mod = 0, reg = 0, rm = 0;
  unsigned length = 0;    // instruction length (the bytes minus the trailing HLT)
  DecodeStatus status = DecodeStatus::Invalid;
  const OpRow* row = nullptr;  // our table row, if the form exists
  Insn insn{};                 // valid when status == Ok
};

InsnInfo analyse(const TestCase& t);

// Why a test cannot be judged on a P6 (nullptr: run it).  The reasons are fixed strings
// so the summary can count them.
const char* skip_reason(const TestCase& t, const InsnInfo& in);

// Flags to leave out when comparing FLAGS (the register and a pushed FLAGS word).
uint32_t ignored_flags(const TestCase& t, const InsnInfo& in);

// True when a 286 test's INT 13 stands for what a P6 raises as #SS (12): the 286 reports
// every real-mode segment overrun as INT 13, the P6 raises #SS for SS-relative accesses.
bool stack_overrun_may_be_ss(const TestCase& t, const InsnInfo& in);

// For a 286 string instruction (MOVS CMPS STOS LODS SCAS INS OUTS) that ends in INT 13
// (segment overrun at offset FFFF), the 286 has already advanced SI/DI (and decremented CX
// under REP) for the faulting iteration; a P6 fault leaves the state from before that
// iteration (SDM vol. 3, 6.5 "Faults").  Returns the signed pointer step of one iteration,
// or 0 when the rule does not apply.
int string_overrun_step(const TestCase& t, const InsnInfo& in);

}  // namespace rz::ss
