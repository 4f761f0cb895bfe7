// cpu/ops_fpu.cpp: (being written)
#include "cpu/table.h"

namespace rz {

void register_ops_fpu(OpTable& t) { (void)t; }

}  // namespace rz
