// cpu/ops_simd.cpp: MMX, SSE and SSE2 instruction rows.
//
// None are implemented yet (issue 3, second part).  With no rows, every MMX/SSE/SSE2 opcode
// decodes to #UD, which is what a CPU without those features does; CPUID reports none of
// MMX, SSE, SSE2, so software does not use them.  FXSAVE/FXRSTOR (cpu/fpu/env.cpp) already
// save and restore the XMM registers and MXCSR.
#include "cpu/table.h"

namespace rz {

void register_ops_simd(OpTable& t) { (void)t; }

}  // namespace rz
