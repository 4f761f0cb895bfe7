// cpu/ops_io.cpp: (being written)
#include "cpu/table.h"

namespace rz {

void register_ops_io(OpTable& t) { (void)t; }

}  // namespace rz
