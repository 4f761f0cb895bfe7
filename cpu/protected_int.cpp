// cpu/protected_int.cpp: protected-mode interrupt delivery through the IDT (being written).
#include "cpu/interrupts.h"
#include "cpu/segments.h"

namespace rz {

void protected_mode_interrupt(Cpu& c, uint8_t vec, IntSource src, bool has_err, uint32_t err) {
  (void)vec; (void)src; (void)has_err; (void)err;
  c.shutdown = true;
}

void load_seg_protected(Cpu& c, unsigned which, uint16_t sel) {
  (void)which; (void)sel;
  raise_gp0(c);
}

}  // namespace rz
