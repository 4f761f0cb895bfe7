// cpu/table.cpp: building and searching the instruction table.
#include "cpu/table.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace rz {

namespace {

// Parse the operand notation: which operands are registers encoded in ModRM.reg, ModRM.rm
// or the opcode, and which of those are byte registers.
void derive_operand_info(OpRow& r) {
  const char* p = r.form;
  while (*p) {
    const char* end = std::strchr(p, ',');
    std::string tok = end ? std::string(p, end) : std::string(p);
    p = end ? end + 1 : p + tok.size();
    if (tok.empty()) continue;
    bool byte = tok.size() >= 2 && tok[1] == 'b';
    switch (tok[0]) {
      case 'G': r.reg_byte = byte; break;
      case 'E': case 'R': r.rm_byte = byte; break;
      case 'Z': r.reg_in_opcode = 1; r.reg_byte = byte; break;
      default: break;
    }
  }
}

bool matches(const OpRow& r, uint8_t modrm_reg, bool has_modrm, bool reg_form,
             uint8_t modrm_rm, uint8_t prefix) {
  if (r.reg != kAny && (!has_modrm || r.reg != modrm_reg)) return false;
  if (r.mod == 3 && (!has_modrm || !reg_form)) return false;
  if (r.mod == 0 && (!has_modrm || reg_form)) return false;
  if (r.rm != kAny && (!has_modrm || r.rm != modrm_rm)) return false;
  if (r.prefix != kPfxAny && r.prefix != prefix) return false;
  return true;
}

// Specificity: rows that constrain more fields win.
int specificity(const OpRow& r) {
  return (r.reg != kAny) + (r.mod != kAny) + (r.rm != kAny) + (r.prefix != kPfxAny);
}

}  // namespace

void OpTable::add(OpRow row) {
  if (frozen_) throw std::logic_error("instruction table is frozen");
  if (row.attrs & kControl) row.attrs |= kEndsBlock;
  derive_operand_info(row);
  // Two rows with identical keys would make the table ambiguous: fail loudly.
  for (uint32_t idx : by_opcode_[row.map][row.opcode]) {
    const OpRow& o = rows_[idx];
    if (o.reg == row.reg && o.mod == row.mod && o.rm == row.rm && o.prefix == row.prefix)
      throw std::logic_error(std::string("duplicate instruction-table row: ") + row.mnemonic +
                             " " + row.form + " vs " + o.mnemonic + " " + o.form);
  }
  by_opcode_[row.map][row.opcode].push_back(uint32_t(rows_.size()));
  rows_.push_back(row);
}

const OpRow* OpTable::find(uint8_t map, uint8_t opcode, uint8_t modrm_reg, bool has_modrm,
                           bool reg_form, uint8_t modrm_rm, uint8_t prefix) const {
  const OpRow* best = nullptr;
  int best_spec = -1;
  for (uint32_t idx : by_opcode_[map & 3][opcode]) {
    const OpRow& r = rows_[idx];
    if (!matches(r, modrm_reg, has_modrm, reg_form, modrm_rm, prefix)) continue;
    int s = specificity(r);
    if (s > best_spec) {
      best = &r;
      best_spec = s;
    }
  }
  return best;
}

const OpTable& instruction_table() {
  static const OpTable table = [] {
    OpTable t;
    register_ops_alu(t);
    register_ops_move(t);
    register_ops_stack(t);
    register_ops_branch(t);
    register_ops_shift(t);
    register_ops_bit(t);
    register_ops_bcd(t);
    register_ops_string(t);
    register_ops_io(t);
    register_ops_misc(t);
    register_ops_system(t);
    register_ops_fpu(t);
    register_ops_mmx(t);
    register_ops_sse_int(t);
    register_ops_sse_fp(t);
    t.frozen_ = true;
    return t;
  }();
  return table;
}

}  // namespace rz
