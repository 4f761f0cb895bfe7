// cpu/decode.cpp: turning Zydis's decoded instruction into our Insn.
//
// Zydis does the prefix, length and validity work (including LOCK legality and the
// 15-byte limit); the instruction table supplies the handler; operand fields come from the
// raw ModRM bits and Zydis's memory and immediate operands.
#include "cpu/decode.h"

#include <Zydis/Zydis.h>

namespace rz {

void op_undefined(Cpu& c, const Insn&) { raise_ud(c); }

namespace {

struct Decoders {
  ZydisDecoder d16, d32, real;
  Decoders() {
    ZydisDecoderInit(&d16, ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_STACK_WIDTH_16);
    ZydisDecoderInit(&d32, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
    ZydisDecoderInit(&real, ZYDIS_MACHINE_MODE_REAL_16, ZYDIS_STACK_WIDTH_16);
  }
};

const Decoders& decoders() {
  static const Decoders d;
  return d;
}

uint8_t gpr_index(ZydisRegister r) {
  if (r >= ZYDIS_REGISTER_AX && r <= ZYDIS_REGISTER_DI) return uint8_t(r - ZYDIS_REGISTER_AX);
  if (r >= ZYDIS_REGISTER_EAX && r <= ZYDIS_REGISTER_EDI) return uint8_t(r - ZYDIS_REGISTER_EAX);
  return kZeroReg;
}

uint8_t seg_index(ZydisRegister r) {
  if (r >= ZYDIS_REGISTER_ES && r <= ZYDIS_REGISTER_GS) return uint8_t(r - ZYDIS_REGISTER_ES);
  return DS;
}

uint8_t override_segment(uint64_t attrs, bool* present) {
  *present = true;
  // Zydis reports a 3E prefix on an indirect CALL/JMP as CET's NOTRACK instead of a DS
  // override.  A P6 has no CET: 3E is a DS override there (SingleStepTests FF.2/FF.4 use
  // "3E FF 12" = CALL word [DS:BP+SI]).
  if (attrs & ZYDIS_ATTRIB_HAS_NOTRACK) return DS;
  if (attrs & ZYDIS_ATTRIB_HAS_SEGMENT_ES) return ES;
  if (attrs & ZYDIS_ATTRIB_HAS_SEGMENT_CS) return CS;
  if (attrs & ZYDIS_ATTRIB_HAS_SEGMENT_SS) return SS;
  if (attrs & ZYDIS_ATTRIB_HAS_SEGMENT_FS) return FS;
  if (attrs & ZYDIS_ATTRIB_HAS_SEGMENT_GS) return GS;
  if (attrs & ZYDIS_ATTRIB_HAS_SEGMENT_DS) return DS;
  *present = false;
  return DS;
}

}  // namespace

DecodeStatus decode_insn(const uint8_t* bytes, size_t n, DecodeMode mode, Insn& out,
                         const OpRow** row) {
  const Decoders& ds = decoders();
  const ZydisDecoder* dec = mode.real ? &ds.real : mode.code32 ? &ds.d32 : &ds.d16;
  ZydisDecodedInstruction zi;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  out = Insn{};
  out.fn = op_undefined;
  out.base = out.index = kZeroReg;
  out.row = kNoRow;
  *row = nullptr;
  ZyanStatus st = ZydisDecoderDecodeFull(dec, bytes, n, &zi, ops);
  if (!ZYAN_SUCCESS(st)) {
    if (st == ZYDIS_STATUS_NO_MORE_DATA) return n >= 15 ? DecodeStatus::TooLong : DecodeStatus::NeedMore;
    if (st == ZYDIS_STATUS_INSTRUCTION_TOO_LONG) return DecodeStatus::TooLong;
    out.len = 1;
    return DecodeStatus::Invalid;
  }
  out.len = zi.length;
  const uint64_t attrs = zi.attributes;
  const bool opsz = attrs & ZYDIS_ATTRIB_HAS_OPERANDSIZE;
  const bool adsz = attrs & ZYDIS_ATTRIB_HAS_ADDRESSSIZE;
  out.osz = (mode.code32 != opsz) ? 4 : 2;
  out.asz = (mode.code32 != adsz) ? 4 : 2;
  out.amask = out.asz == 4 ? 0xFFFFFFFFu : 0xFFFFu;
  out.lock = (attrs & ZYDIS_ATTRIB_HAS_LOCK) ? 1 : 0;
  out.rep = (attrs & ZYDIS_ATTRIB_HAS_REPNE) ? kRepNE
            : (attrs & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE)) ? kRepE : kRepNone;
  out.opcode = zi.opcode;
  bool ovr;
  out.seg = override_segment(attrs, &ovr);
  out.seg_override = ovr;

  const bool has_modrm = attrs & ZYDIS_ATTRIB_HAS_MODRM;
  const uint8_t mreg = zi.raw.modrm.reg, mrm = zi.raw.modrm.rm;
  const bool reg_form = has_modrm && zi.raw.modrm.mod == 3;
  out.modrm_reg = mreg;
  out.modrm_rm = mrm;
  out.modrm = has_modrm ? uint8_t(zi.raw.modrm.mod << 6 | mreg << 3 | mrm) : 0;
  out.is_mem = has_modrm && !reg_form;

  uint8_t map;
  switch (zi.opcode_map) {
    case ZYDIS_OPCODE_MAP_DEFAULT: map = kMapOne; break;
    case ZYDIS_OPCODE_MAP_0F: map = kMap0F; break;
    case ZYDIS_OPCODE_MAP_0F38: map = kMap0F38; break;
    case ZYDIS_OPCODE_MAP_0F3A: map = kMap0F3A; break;
    default: return DecodeStatus::Invalid;  // 3DNow!, VEX/EVEX/XOP maps: not on a P6
  }
  if (zi.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY) return DecodeStatus::Invalid;

  // Mandatory prefix for SSE forms: the last of F2/F3 wins over 66.
  uint8_t pfx = kPfxNone;
  if (attrs & ZYDIS_ATTRIB_HAS_REPNE) pfx = 0xF2;
  else if (attrs & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE)) pfx = 0xF3;
  else if (opsz) pfx = 0x66;
  // Zydis consumes the mandatory prefix of an SSE form (66 0F FC, F3 0F 6F...) without
  // reporting it in the attributes: take it from the raw prefix list.
  for (unsigned k = 0; k < zi.raw.prefix_count; ++k) {
    const uint8_t v = zi.raw.prefixes[k].value;
    if (zi.raw.prefixes[k].type == ZYDIS_PREFIX_TYPE_MANDATORY && (v == 0x66 || v == 0xF2 || v == 0xF3))
      pfx = v;
  }

  const OpTable& t = instruction_table();
  const OpRow* r = t.find(map, zi.opcode, mreg, has_modrm, reg_form, mrm, pfx);
  if (!r) return DecodeStatus::Invalid;
  *row = r;
  out.row = t.index_of(r);

  // Register operands.
  uint8_t regn = r->reg_in_opcode ? (zi.opcode & 7) : mreg;
  out.r = r->reg_byte ? reg8_offset(regn) : reg_offset(regn);
  out.m = r->rm_byte ? reg8_offset(mrm) : reg_offset(mrm);

  // Memory and immediate operands.
  int nimm = 0;
  for (unsigned k = 0; k < zi.operand_count; ++k) {
    const ZydisDecodedOperand& o = ops[k];
    if (o.type == ZYDIS_OPERAND_TYPE_MEMORY && o.visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT &&
        (o.mem.type == ZYDIS_MEMOP_TYPE_MEM || o.mem.type == ZYDIS_MEMOP_TYPE_AGEN)) {
      out.base = gpr_index(o.mem.base);
      out.index = gpr_index(o.mem.index);
      out.scale = o.mem.scale == 8 ? 3 : o.mem.scale == 4 ? 2 : o.mem.scale == 2 ? 1 : 0;
      out.disp = o.mem.disp.has_displacement ? uint32_t(o.mem.disp.value) : 0;
      if (o.mem.type == ZYDIS_MEMOP_TYPE_MEM)
        out.seg = (attrs & ZYDIS_ATTRIB_HAS_NOTRACK) ? uint8_t(DS) : seg_index(o.mem.segment);
      else if (!ovr) out.seg = (out.base == EBP || out.base == ESP) ? SS : DS;
      out.is_mem = 1;
    } else if (o.type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
      uint32_t v = uint32_t(o.imm.value.u);
      if (nimm++ == 0) out.imm = v;
      else out.imm2 = v;
    } else if (o.type == ZYDIS_OPERAND_TYPE_POINTER) {
      out.imm = o.ptr.offset;
      out.imm2 = o.ptr.segment;
    }
  }

  const Handler h = r->hs.h[out.osz == 4][out.is_mem];
  if (!h) return DecodeStatus::Invalid;
  out.fn = h;
  return DecodeStatus::Ok;
}

}  // namespace rz
