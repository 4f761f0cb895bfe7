// cpu/ops_shift.cpp: (being written)
#include "cpu/table.h"

namespace rz {

void register_ops_shift(OpTable& t) { (void)t; }

}  // namespace rz
