// cpu/ops_bit.cpp: (being written)
#include "cpu/table.h"

namespace rz {

void register_ops_bit(OpTable& t) { (void)t; }

}  // namespace rz
