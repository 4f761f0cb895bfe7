// tests/singlestep/runner.h: runs one test case on a Machine that is reused for every test
// (creating a 16 MiB machine per test is far too slow).  Between tests the CPU is reset
// and every RAM byte the previous test named is written back to zero through
// PhysMem::write_block, so blocks translated from those pages are invalidated.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "frontend/machine.h"
#include "tests/singlestep/case.h"
#include "tests/singlestep/masks.h"

namespace rz::ss {

struct Outcome {
  enum Kind { Pass, Fail, Skip } kind = Pass;
  const char* skip_reason = nullptr;
  std::string details;  // the failure report, one mismatch per line
  std::string first;    // the first mismatch, for the per-form summary
};

class Runner {
 public:
  Runner();
  Outcome run(const TestCase& t);

 private:
  void setup(const TestCase& t, const InsnInfo& in, Outcome& out);
  void run_to_hlt(const TestCase& t, Outcome& out);
  void compare(const TestCase& t, const InsnInfo& in, Outcome& out);
  void undo();
  uint8_t ram_byte(uint32_t addr);
  void fail(Outcome& out, const std::string& line);

  std::unique_ptr<Machine> m_;
  std::vector<uint32_t> touched_;  // RAM bytes written by setup (zeroed by undo)
  uint64_t exceptions_before_ = 0;
  bool stack_alias_ = false;  // vector 12 given the test's INT 13 handler
};

}  // namespace rz::ss
