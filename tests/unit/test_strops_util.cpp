// tests/unit/test_strops_util.cpp: the fault-catching single-instruction runner of Rig.
#include "tests/unit/test_strops_util.h"

namespace rz::test {

bool strops_run_handler(Cpu& c, const Insn& insn, bool control) {
  std::jmp_buf jb;
  std::jmp_buf* saved = c.fault_jmp;
  c.fault_jmp = &jb;
  if (setjmp(jb)) {
    c.fault_jmp = saved;
    return true;
  }
  insn.fn(c, insn);
  if (!control) c.eip += insn.len;
  c.fault_jmp = saved;
  return false;
}

}  // namespace rz::test
