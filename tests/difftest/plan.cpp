// tests/difftest/plan.cpp: which instruction-table rows the differential tester covers.
//
// Every row of rz::instruction_table() is classified here; `rz_difftest --list` prints the
// result for the current table.  The rules:
//
// COVERED
//  * every InsnClass::Innocuous row whose form uses only E/G/M/R/Z operands, immediates
//    (Ib Iw Iz Iv Id), moffs (Ob Ov) and fixed registers (AL, eAX, CL, DX, 1...): ALU, INC/
//    DEC, NEG/NOT, MUL/DIV, IMUL, TEST, MOV, MOVZX/MOVSX, XCHG, LEA, CMOVcc, BSWAP, XADD,
//    CMPXCHG(8B), shifts/rotates, SHLD/SHRD, BT*, BSF/BSR, SETcc, BCD, CBW/CWD, flag ops,
//    LAHF/SAHF, SALC, XLAT, BOUND, NOP, UD2, MOV Ew,Sw (kind Plain: the Machine's
//    selectors are the helper's own);
//  * PUSH/POP (all GPR and memory forms), PUSH Sreg, PUSHA/POPA, ENTER/LEAVE and PUSHF/POPF (kind Stack:
//    ESP/EBP point into the data window; POPF's popped image has TF and AC cleared, since
//    those would trap or fault the host helper itself);
//  * near Jcc/JMP/CALL (relative and indirect), RET (imm16), LOOP/LOOPE/LOOPNE, JCXZ/JECXZ
//    (kind Branch: the landing EIP is compared; targets lie in the INT3-filled code page or
//    below 64 KiB, never in the helper's own code);
//  * MOVS/CMPS/STOS/LODS/SCAS with and without REP/REPE/REPNE (kind String);
//  * Privileged and IOPL-sensitive rows (HLT, CLI/STI, IN/OUT, INS/OUTS, MOV CRn, LGDT...):
//    both sides run at CPL 3 with IOPL 0, so both must raise the same exception (#GP) and
//    change nothing.
// NOT COVERED (and why)
//  * CPUID, RDTSC, RDPMC: the host's answers differ from a P6's by design;
//  * other sensitive-unprivileged rows: SGDT/SIDT/SLDT/STR/SMSW (the host kernel emulates
//    them under UMIP), LAR/LSL/VERR/VERW, MOV Sreg,Ew, POP Sreg, far CALL/JMP/RET, INT n, INT3,
//    INTO, IRET: they depend on descriptor tables and interrupt delivery, which differ
//    between a Linux process and the bare Machine;
//  * x87 rows (opcodes D8-DF, 9B, mnemonics F...): another tester's job;
// SIMD (kind Simd): every innocuous row with an MMX (P N Q) or XMM (V U W) operand, a
//    mandatory 66/F2/F3 prefix or a 0F row keyed "no prefix", and EMMS, LDMXCSR/STMXCSR,
//    the fences, CLFLUSH, PREFETCHh, MOVNTI.  The SIMD state (MM0-7 = ST0-7, XMM0-7, MXCSR,
//    FCW/FSW/FTW) is random in and compared out (simd_gen.cpp).  Operand sizes follow
//    the SDM's appendix A.2.2 suffixes: dq ps pd x = 16 bytes, q sd pi = 8, d ss y = 4.
//  * rows whose form holds a token this file does not know (printed by --list).
#include <cstring>
#include <string>

#include "tests/difftest/difftest.h"

namespace rz::difftest {

namespace {

bool is_literal_register(const std::string& t) {
  static const char* const kLits[] = {
      "AL", "CL", "DL", "BL", "AH", "CH", "DH", "BH", "AX", "CX", "DX", "BX", "SP", "BP",
      "SI", "DI", "eAX", "eCX", "eDX", "eBX", "eSP", "eBP", "eSI", "eDI", "EAX", "ECX", "EDX",
      "EBX", "ESP", "EBP", "ESI", "EDI", "1", "3", "rAX", "ES", "CS", "SS", "DS", "FS", "GS"};
  for (const char* l : kLits)
    if (t == l) return true;
  return false;
}

int size_suffix(const std::string& t) {
  if (t.size() < 2) return 0;
  // SIMD operand sizes (SDM vol. 2 appendix A.2.2): dq/ps/pd/x 128 bits, q/sd/pi 64,
  // d/ss 32.
  const std::string suf = t.substr(1);
  if (suf == "dq" || suf == "ps" || suf == "pd" || suf == "x") return 16;
  if (suf == "sd" || suf == "pi") return 8;
  if (suf == "ss" || suf == "y") return 4;
  switch (t[1]) {
    case 'b': return 1;
    case 'w': return 2;
    case 'd': return 4;
    case 'v': case 'z': return -1;
    case 'q': return 8;
    case 'a': return -2;
    case 'p': return -3;
    default: return 8;  // conservative: room for anything up to 8 bytes
  }
}

bool in(const char* m, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (std::strcmp(m, n) == 0) return true;
  return false;
}

}  // namespace

FormInfo parse_form(const char* form) {
  FormInfo fi;
  const char* p = form;
  while (*p) {
    const char* end = std::strchr(p, ',');
    std::string t = end ? std::string(p, end) : std::string(p);
    p = end ? end + 1 : p + t.size();
    if (t.empty()) continue;
    if (t == "CL") fi.cl = true;
    if (t == "1") fi.one = true;
    if (t == "eAX" || t == "AX" || t == "rAX") fi.byte_only = false;
    if (is_literal_register(t) || t == "DX") continue;
    const bool sized = t.size() >= 2 && t[1] >= 'a' && t[1] <= 'z';
    if (t.size() == 2 && t[1] == 'v') fi.byte_only = false;
    if (t.size() == 2 && t[1] == 'z') fi.byte_only = false;
    switch (t[0]) {
      case 'P': case 'V':  // MMX / XMM register in ModRM.reg
        fi.modrm = fi.simd = true;
        fi.xmm |= t[0] == 'V';
        break;
      case 'N': case 'U':  // MMX / XMM register in ModRM.rm (register form only)
        fi.modrm = fi.r_only = fi.simd = true;
        fi.xmm |= t[0] == 'U';
        break;
      case 'Q': case 'W':  // MMX / XMM register or memory
        fi.modrm = fi.e = fi.simd = true;
        fi.xmm |= t[0] == 'W';
        fi.mem_size = size_suffix(t);
        break;
      case 'E':
        fi.modrm = fi.e = true;
        fi.mem_size = size_suffix(t);
        break;
      case 'M':
        fi.modrm = fi.m_only = true;
        fi.mem_size = t.size() == 1 ? 0 : size_suffix(t);
        if (t == "Ma" || t == "Mp") fi.byte_only = false;
        break;
      case 'R':
        fi.modrm = fi.r_only = true;
        break;
      case 'G': case 'S': case 'C': case 'D': case 'T':  // ModRM.reg: GPR, Sreg, CRn, DRn, TRn
        fi.modrm = true;
        break;
      case 'A':  // far pointer: offset and selector
        fi.imm[fi.nimm++] = -3;
        fi.byte_only = false;
        break;
      case 'Z':
        break;
      case 'X': case 'Y':  // string operands DS:(E)SI, ES:(E)DI
        if (t.size() == 2 && t[1] == 'v') fi.byte_only = false;
        break;
      case 'I':
        if (!sized || fi.nimm == 2) { fi.unknown = true; fi.bad_token = t; break; }
        fi.imm[fi.nimm++] = size_suffix(t);
        break;
      case 'J':
        fi.rel = t == "Jb" ? 1 : -1;
        break;
      case 'O':
        fi.moffs = true;
        break;
      default:
        fi.unknown = true;
        fi.bad_token = t;
        break;
    }
  }
  return fi;
}

RowPlan plan_row(const OpRow& r) {
  RowPlan p;
  p.fi = parse_form(r.form);
  // A row keyed on ModRM fields has a ModRM byte even without operands (LFENCE = 0F AE /5).
  if (r.reg != kAny || r.mod != kAny || r.rm != kAny) p.fi.modrm = true;
  const char* m = r.mnemonic;
  if (in(m, {"CPUID", "RDTSC", "RDPMC"})) {
    p.why = "host result differs from a P6 by design";
    return p;
  }
  if (m[0] == 'F' || (r.map == kMapOne && r.opcode >= 0xD8 && r.opcode <= 0xDF) ||
      (r.map == kMapOne && r.opcode == 0x9B)) {
    p.why = "x87 (FPU tester)";
    return p;
  }
  if (p.fi.unknown) {
    p.why = "form token not understood by the tester";
    return p;
  }
  const bool stack = in(m, {"PUSH", "POP", "PUSHA", "POPA", "PUSHAD", "POPAD", "PUSHF", "POPF",
                            "PUSHFD", "POPFD", "ENTER", "LEAVE"});
  const bool string = in(m, {"MOVS", "MOVSB", "MOVSW", "MOVSD", "CMPS", "CMPSB", "CMPSW",
                             "CMPSD", "STOS", "STOSB", "STOSW", "STOSD", "LODS", "LODSB",
                             "LODSW", "LODSD", "SCAS", "SCASB", "SCASW", "SCASD", "INS",
                             "INSB", "INSW", "INSD", "OUTS", "OUTSB", "OUTSW", "OUTSD"});
  const bool branch = in(m, {"Jcc", "JMP", "CALL", "RET", "LOOP", "LOOPE", "LOOPNE", "LOOPZ",
                             "LOOPNZ", "JCXZ", "JECXZ"});
  // MMX/SSE/SSE2: SIMD operands, the SIMD state instructions (MXCSR, EMMS) and the cache
  // and ordering hints that SSE/SSE2 brought (their results are "nothing changed").
  if (p.fi.simd || r.prefix == 0x66 || (r.map == kMap0F && r.prefix != kPfxAny) ||
      in(m, {"EMMS", "LDMXCSR", "STMXCSR", "SFENCE", "LFENCE", "MFENCE", "CLFLUSH",
             "PREFETCHNTA", "PREFETCHT0", "PREFETCHT1", "PREFETCHT2", "MOVNTI"})) {
    if (r.cls != InsnClass::Innocuous) {
      p.why = "SIMD row that is not innocuous";
      return p;
    }
    p.kind = Kind::Simd;
    return p;
  }
  // A prefix in the row key: REP/REPNE string rows are covered.
  if (r.prefix != kPfxAny && r.prefix != kPfxNone && !(string && (r.prefix == 0xF2 || r.prefix == 0xF3))) {
    p.why = "SSE form with a mandatory prefix";
    return p;
  }
  if (r.cls == InsnClass::SensitiveUnprivileged) {
    // Reading a selector is deterministic: the Machine uses the helper's selectors.
    if (in(m, {"PUSHF", "POPF", "PUSHFD", "POPFD"}) || (std::strcmp(m, "PUSH") == 0) ||
        (std::strcmp(m, "MOV") == 0 && std::strcmp(r.form, "Ew,Sw") == 0)) {
      p.kind = std::strcmp(m, "MOV") == 0 ? Kind::Plain : Kind::Stack;
      return p;
    }
    p.why = "sensitive-unprivileged: depends on descriptor tables / UMIP / delivery";
    return p;
  }
  if (in(m, {"INT", "INT3", "INTO", "INT1", "ICEBP", "IRET", "IRETD"})) {
    p.why = "interrupt delivery differs between a process and the bare machine";
    return p;
  }
  if (r.cls == InsnClass::Privileged || r.cls == InsnClass::IoplSensitive) {
    p.kind = string ? Kind::String : Kind::Plain;  // must fault identically at CPL 3
    return p;
  }
  if (string) {
    p.kind = Kind::String;
    return p;
  }
  if (branch) {
    if (p.fi.modrm && p.fi.mem_size != -1) {
      p.why = "far indirect branch";
      return p;
    }
    p.kind = Kind::Branch;  // CALL/RET also get the stack set-up (generate.cpp)
    return p;
  }
  if (stack) {
    p.kind = Kind::Stack;
    return p;
  }
  if (r.attrs & kControl) {
    p.why = "control transfer the tester does not model";
    return p;
  }
  p.kind = Kind::Plain;
  return p;
}

}  // namespace rz::difftest
