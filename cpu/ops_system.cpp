// cpu/ops_system.cpp: (being written)
#include "cpu/table.h"

namespace rz {

void register_ops_system(OpTable& t) { (void)t; }

}  // namespace rz
