// tests/unit/harness.cpp
#include "tests/unit/harness.h"

#include "cpu/segments.h"

namespace rz::test {

void Snippet::load_real(unsigned s, uint16_t sel) {
  Cpu& c = m->cpu();
  c.seg[s].limit = 0xFFFF;
  load_seg_real(c, s, sel);
}

}  // namespace rz::test
