// cpu/ops_string.cpp: (being written)
#include "cpu/table.h"

namespace rz {

void register_ops_string(OpTable& t) { (void)t; }

}  // namespace rz
