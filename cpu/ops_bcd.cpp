// cpu/ops_bcd.cpp: (being written)
#include "cpu/table.h"

namespace rz {

void register_ops_bcd(OpTable& t) { (void)t; }

}  // namespace rz
