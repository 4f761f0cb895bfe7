// tests/singlestep/case.h: one SingleStepTests test case, read from a JSON line.
//
// The format (see /work/shared/tests/singlestep-80286/README.md): `initial` and `final`
// register sets and `[address, byte]` RAM lists, the instruction bytes, an optional
// `exception`.  80286 files name 16-bit registers (ax, ip, flags); 386 files name 32-bit
// ones (eax, eip, eflags) and may add fs/gs/cr0...  Both are accepted: each register keeps
// the width its name gives, and a test counts as a 286 test when it names `ip`.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rz::ss {

// Registers a test may name, in the order failures are printed.
enum RegId : uint8_t {
  kAX, kCX, kDX, kBX, kSP, kBP, kSI, kDI,  // same order as rz::Gpr
  kES, kCS, kSS, kDS, kFS, kGS,            // same order as rz::SegReg
  kIP, kFlags, kCR0, kCR3, kDR6, kDR7,
  kNumRegs
};

const char* reg_name(RegId r, bool wide);

struct RegSet {
  uint32_t value[kNumRegs] = {};
  bool present[kNumRegs] = {};
  bool wide[kNumRegs] = {};  // named by its 32-bit name (eax, eip, eflags)
};

struct TestCase {
  std::string form;  // upstream file name: "00", "F7.6", "0FA3"...
  std::string name;  // disassembly
  long idx = -1;
  std::vector<uint8_t> bytes;  // instruction bytes followed by the HLT
  RegSet initial, final_regs;  // final: only the registers that changed
  std::vector<std::pair<uint32_t, uint8_t>> initial_ram, final_ram;
  bool has_exception = false;
  uint8_t exception = 0;
  uint32_t flag_address = 0;
  bool is286 = true;  // 16-bit register names

  // Expected final value of a register: the final set if it names it, else the initial.
  uint32_t expected(RegId r) const {
    return final_regs.present[r] ? final_regs.value[r] : initial.value[r];
  }
};

// Parse one JSON line; on error returns false and puts a message in `err`.
bool parse_case(const std::string& line, TestCase& out, std::string& err);

// Reads lines from a plain or gzip-compressed file (zlib reads both transparently).
class LineReader {
 public:
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  bool ok() const { return file_ != nullptr; }
  bool next(std::string& line);

 private:
  void* file_ = nullptr;  // gzFile
  std::vector<char> buf_;
};

}  // namespace rz::ss
