// tests/difftest/difftest.h: the host-CPU differential tester (rz_difftest).
//
// Random instances of instruction-table rows (cpu/table.h) run once on the host CPU (the
// 32-bit helper native_helper.c) and once in ringzero (a Machine in flat 32-bit protected
// mode at CPL 3, like the helper's Linux process), and the two final states are compared:
// GPRs, EFLAGS (undefined flags masked), EIP, the data window and the exception vector.
// Which rows are covered and why is in plan.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cpu/table.h"
#include "tests/difftest/protocol.h"

namespace rz::difftest {

// splitmix64: small, fast, and reproducible from (seed, case number).
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t u32() { return uint32_t(next()); }
  uint32_t below(uint32_t n) { return n ? uint32_t(next() % n) : 0; }
  bool chance(unsigned percent) { return below(100) < percent; }
  // A register or immediate value biased toward edge values (0, 1, -1, sign bits, powers
  // of two, 0x7F/0x80/0xFF...), at a random width with random or extended upper bits.
  uint32_t edgy();
};

// How a row is exercised (plan.cpp).
enum class Kind : uint8_t {
  Skip,    // not covered (reason in RowPlan::why)
  Plain,   // operands from ModRM / immediates / fixed registers only
  Stack,   // implicit stack accesses: ESP (and EBP for ENTER/LEAVE) point into the window
  Branch,  // near control transfer: EIP is compared; targets stay in safe places
  String,  // MOVS/CMPS/STOS/LODS/SCAS: ESI/EDI in the window, small ECX, REP prefixes
  Simd,    // MMX/SSE/SSE2: like Plain, plus random MM/XMM/MXCSR/x87 state in and compared out
};

// The operand notation of a row's `form`, parsed.
struct FormInfo {
  bool modrm = false;     // the encoding has a ModRM byte
  bool e = false;         // E operand (register or memory)
  bool m_only = false;    // M operand (memory only)
  bool r_only = false;    // R operand (register only)
  int mem_size = 0;       // bytes of the memory operand: >0 fixed, -1 operand size, -2 2*osz
                          // (BOUND), -3 osz+2 (far pointer)
  bool byte_only = true;  // no operand depends on the operand size
  int imm[2] = {0, 0};    // immediates: bytes, -1 = operand size (Iz/Iv)
  int nimm = 0;
  int rel = 0;            // relative branch: 1, or -1 = operand size
  bool moffs = false;     // Ob/Ov: an address-size offset
  bool cl = false;        // CL operand (shift counts)
  bool one = false;       // literal 1 operand
  bool simd = false;      // an MMX (P N Q) or XMM (V U W) operand
  bool xmm = false;       // an XMM operand (V U W)
  bool unknown = false;   // a token this tester does not understand
  std::string bad_token;
};
FormInfo parse_form(const char* form);

struct RowPlan {
  Kind kind = Kind::Skip;
  const char* why = "";
  FormInfo fi;
};
// Decide how (and whether) row `r` is tested.
RowPlan plan_row(const OpRow& r);

// One generated test case with what the comparison needs to know about it.
struct Case {
  dt_case in{};
  uint16_t row = 0;
  uint8_t osz = 4, asz = 4;
  bool mem = false;        // the ModRM operand is memory
  uint8_t reg = 0, rm = 0; // ModRM reg and rm fields
  uint32_t win_off = 0;    // window offset of the memory operand
  uint32_t imm = 0;        // first immediate (shift counts)
  uint32_t undef_flags = 0;     // EFLAGS bits not compared (row mask, refined)
  uint32_t reg_undef[8] = {};   // GPR bits not compared (undefined results)
  uint32_t mem_undef_lo = 0, mem_undef_hi = 0;  // window bytes [lo, hi) not compared
  uint8_t steps = 1;            // instructions ringzero steps (2 for pair cases)
  int32_t second_row = -1;      // the consumer row of a pair case
  // SIMD cases: bits of the FXSAVE-format result (protocol.h DT_FX_*) not compared, per
  // byte (undefined results, e.g. a NaN's payload where the SDM leaves the choice open).
  uint8_t fx_undef[DT_FX_SIZE] = {};
};

// Build a random instance of row `idx` (plan `p`).  False if the row cannot be encoded
// this time (the caller picks another).
bool generate(const OpTable& t, uint16_t idx, const RowPlan& p, Rng& rng, Case& out);

// Pair cases (pairs.cpp): flags row `b` reads, or ~0u if it is not a flag consumer the
// pair mode can use; and a case of row `a` followed by a register-form instance of `b`.
uint32_t consumer_reads(const OpRow& r, const RowPlan& p);
bool generate_pair(const OpTable& t, uint16_t a_row, const RowPlan& a_plan, uint16_t b_row,
                   const RowPlan& b_plan, Rng& rng, Case& out);

// SIMD cases (simd_gen.cpp): a random MM/XMM/MXCSR/x87 state in FXSAVE format, biased to
// special values (integer lane edges, +-0, +-inf, QNaN/SNaN, denormals, ...), and special
// values for a SIMD memory operand of `size` bytes at window offset `off`.
void generate_simd_state(Rng& rng, uint8_t* fx);
void generate_simd_memory(Rng& rng, uint8_t* win, uint32_t off, unsigned size);
// The FXSAVE bytes compared for every SIMD case (FCW, FSW, abridged FTW, MXCSR, the 80-bit
// ST/MM registers, XMM0-7), as a per-byte mask (0xFF compared, 0 not).
const uint8_t* simd_compared_bytes();
// Describe an FXSAVE-format state for failure reports ("mm0=... xmm0=... mxcsr=...").
std::string describe_simd(const uint8_t* fx);
std::string simd_diff(const uint8_t* host, const uint8_t* emu, const uint8_t* undef);

// Row groups for --group (groups.cpp): "int", "simd", "mmx", "sse-int", "sse-move",
// "sse-fp".  Returns false for an unknown name.
bool group_has_row(const std::string& group, const OpRow& r, const RowPlan& p, bool* known);
const char* group_names();

// Refine the row's undefined-flags mask (and undefined results) for this instance:
// shift counts, SHLD/SHRD counts beyond the operand size, BSF/BSR of zero... (masks.cpp).
void refine_undefined(const OpRow& row, const RowPlan& p, Case& c);

// The ringzero side (emulate.cpp).
class Emulator {
 public:
  explicit Emulator(const dt_hello& selectors);
  ~Emulator();
  // Run `steps` instructions (stopping at the first exception).
  void run(const dt_case& in, unsigned steps, dt_result& out);

 private:
  struct Impl;
  Impl* impl_;
};

// The host side (native.cpp): the helper process, fed in batches.
class Native {
 public:
  explicit Native(const std::string& helper_path);
  ~Native();
  Native(const Native&) = delete;
  Native& operator=(const Native&) = delete;
  const dt_hello& hello() const { return hello_; }
  // Run `n` cases and return how many results came back.  Fewer than `n` means the helper
  // died while running case in[returned]: it has been reaped (death() says how) and a new
  // helper started, so the caller can go on with the cases after it.
  size_t run(const dt_case* in, dt_result* out, size_t n);
  // How the last helper that died ended ("killed by signal 11", "exit status 2").
  const std::string& death() const { return death_; }

 private:
  void start();
  void stop_and_reap();

  std::string path_;
  int to_ = -1, from_ = -1;
  int pid_ = -1;
  dt_hello hello_{};
  std::string death_;
};

// EFLAGS bits compared at all: arithmetic flags, TF, IF, DF, IOPL, NT, AC, ID (not RF,
// which the host sets in fault frames, nor VM/VIF/VIP/reserved bits).
constexpr uint32_t kComparedFlags = 0x247FD5;

// Text helpers for reports.
std::string hex_bytes(const uint8_t* p, size_t n);

}  // namespace rz::difftest
