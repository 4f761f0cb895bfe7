// cpu/ops_sse_fp.cpp: not implemented yet (issue 3).  With no rows these opcodes decode to
// #UD, as on a CPU without the feature, and CPUID does not report it.
#include "cpu/table.h"

namespace rz {

void register_ops_sse_fp(OpTable& t) { (void)t; }

}  // namespace rz
