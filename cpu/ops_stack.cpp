// cpu/ops_stack.cpp: (being written)
#include "cpu/table.h"

namespace rz {

void register_ops_stack(OpTable& t) { (void)t; }

}  // namespace rz
