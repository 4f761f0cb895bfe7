// cpu/table.h: the instruction table (style.md practice 1 and 2).
//
// One row per instruction form, keyed like the opcode maps of the Intel SDM vol. 2
// appendix A: (opcode map, opcode byte, ModRM.reg for group opcodes, register-or-memory
// form, ModRM.rm for forms like D9 E0, mandatory prefix for SSE).  Operands are written
// in the manual's notation ("Eb,Gb", "Ev,Iz").  Every consumer reads the same rows: the
// decoder picks the handler, the teaching report counts per privilege class, the
// differential tester and documentation list the forms and their undefined flags.
//
// Rows are added by one registration function per instruction group (cpu/ops_*.cpp); the
// list of groups is in table.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "cpu/insn.h"

namespace rz {

// Handlers by [operand size is 32][ModRM operand is memory].
struct HandlerSet {
  Handler h[2][2];
};

#define RZ_HS_V(fn) \
  ::rz::HandlerSet { { {fn<uint16_t, false>, fn<uint16_t, true>}, {fn<uint32_t, false>, fn<uint32_t, true>} } }
#define RZ_HS_B(fn) \
  ::rz::HandlerSet { { {fn<uint8_t, false>, fn<uint8_t, true>}, {fn<uint8_t, false>, fn<uint8_t, true>} } }
// Width-templated handler without a ModRM operand.
#define RZ_HS_VN(fn) \
  ::rz::HandlerSet { { {fn<uint16_t>, fn<uint16_t>}, {fn<uint32_t>, fn<uint32_t>} } }
#define RZ_HS_BN(fn) \
  ::rz::HandlerSet { { {fn<uint8_t>, fn<uint8_t>}, {fn<uint8_t>, fn<uint8_t>} } }
// A single handler for every form.
#define RZ_HS_1(fn) \
  ::rz::HandlerSet { { {fn, fn}, {fn, fn} } }
// Memory-only / register-only ModRM forms (the other form decodes to #UD).
#define RZ_HS_M(fn) \
  ::rz::HandlerSet { { {nullptr, fn<uint16_t>}, {nullptr, fn<uint32_t>} } }

// Row attributes.
inline constexpr uint32_t
  kEndsBlock = 1u << 0,   // decoding stops after it (mode, IF, CR changes, control flow)
  kControl = 1u << 1,     // the handler sets EIP itself (implies kEndsBlock)
  kJitInline = 1u << 3;   // a JIT emitter exists (translator/)

constexpr uint8_t kMapOne = 0, kMap0F = 1, kMap0F38 = 2, kMap0F3A = 3;
constexpr int8_t kAny = -1;
constexpr uint8_t kPfxAny = 0xFF, kPfxNone = 0;

struct OpRow {
  uint8_t map = kMapOne;
  uint8_t opcode = 0;
  int8_t reg = kAny;    // ModRM.reg selector for group opcodes
  int8_t mod = kAny;    // 3: register form only; 0: memory form only
  int8_t rm = kAny;     // ModRM.rm selector (with mod == 3)
  uint8_t prefix = kPfxAny;  // mandatory prefix 0x66/0xF3/0xF2, kPfxNone, or kPfxAny
  const char* mnemonic = "";
  const char* form = "";     // operands in the SDM's notation
  InsnClass cls = InsnClass::Innocuous;
  uint32_t attrs = 0;
  uint32_t undef_flags = 0;  // EFLAGS bits the SDM leaves undefined afterwards
  HandlerSet hs = {};
  // Derived from `form` by OpTable::add().
  uint8_t reg_byte = 0, rm_byte = 0, reg_in_opcode = 0;
};

class OpTable {
 public:
  void add(OpRow row);
  // Find the row for a decoded instruction; nullptr if the form does not exist on a P6.
  const OpRow* find(uint8_t map, uint8_t opcode, uint8_t modrm_reg, bool has_modrm,
                    bool reg_form, uint8_t modrm_rm, uint8_t prefix) const;
  const std::vector<OpRow>& rows() const { return rows_; }
  uint16_t index_of(const OpRow* r) const { return uint16_t(r - rows_.data()); }

 private:
  std::vector<OpRow> rows_;
  std::vector<uint32_t> by_opcode_[4][256];
  bool frozen_ = false;
  friend const OpTable& instruction_table();
};

// The process-wide, immutable table (built on first use).
const OpTable& instruction_table();

// Group registration functions (one per cpu/ops_*.cpp file).
void register_ops_alu(OpTable& t);      // ADD..CMP, INC/DEC, NEG/NOT, TEST, MUL/DIV
void register_ops_move(OpTable& t);     // MOV forms, XCHG, LEA, MOVZX/MOVSX, CMOV, BSWAP, XADD, CMPXCHG
void register_ops_stack(OpTable& t);    // PUSH/POP forms, PUSHA/POPA, PUSHF/POPF, ENTER/LEAVE
void register_ops_branch(OpTable& t);   // Jcc, JMP, CALL, RET, LOOP, JCXZ, near and far
void register_ops_shift(OpTable& t);    // shifts, rotates, SHLD/SHRD
void register_ops_bit(OpTable& t);      // BT/BTS/BTR/BTC, BSF/BSR, SETcc
void register_ops_bcd(OpTable& t);      // AAA/AAS/DAA/DAS/AAM/AAD, SALC
void register_ops_string(OpTable& t);   // MOVS/CMPS/STOS/LODS/SCAS/INS/OUTS with REP
void register_ops_io(OpTable& t);       // IN/OUT
void register_ops_misc(OpTable& t);     // flags ops, NOP, HLT, CPUID, RDTSC, CBW/CWD, XLAT, BOUND, UD2, LAHF...
void register_ops_system(OpTable& t);   // descriptor tables, CRn/DRn, LAR/LSL/VERR/VERW, INT/IRET, MSRs, SYSENTER
void register_ops_fpu(OpTable& t);      // x87 (issue 3)
void register_ops_mmx(OpTable& t);      // MMX (0F 60-7F, D1-FF without prefix), EMMS
void register_ops_sse_int(OpTable& t);  // SSE/SSE2 integer, moves, logic, shuffles, MOVMSK, cache control
void register_ops_sse_fp(OpTable& t);   // SSE/SSE2 floating point, conversions, LDMXCSR/STMXCSR

}  // namespace rz
