// cpu/ops_simd.cpp: (being written)
#include "cpu/table.h"

namespace rz {

void register_ops_simd(OpTable& t) { (void)t; }

}  // namespace rz
