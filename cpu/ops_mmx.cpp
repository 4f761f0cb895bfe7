// cpu/ops_mmx.cpp: not implemented yet (issue 3).  With no rows these opcodes decode to
// #UD, as on a CPU without the feature, and CPUID does not report it.
#include "cpu/table.h"

namespace rz {

void register_ops_mmx(OpTable& t) { (void)t; }

}  // namespace rz
