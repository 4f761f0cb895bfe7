// cpu/io_perm.cpp: the I/O permission check of IN/OUT/INS/OUTS.
//
// The bitmap lives in a 32-bit TSS at the offset held in the word at TSS+0x66.  Like the
// P6 (and as Bochs and QEMU model it), the processor reads the two bytes at
// bitmap + port/8, so an access whose bits sit in the bitmap's last byte needs one more
// byte inside the TSS limit: the SDM's "extra byte of all ones" rule.  Any part of that
// word beyond the TSS limit makes the access fail, as if those bits were ones.  A 16-bit
// TSS has no bitmap: the access fails.
#include "cpu/io_perm.h"

namespace rz {

namespace {

constexpr uint16_t kTss32Available = 0x9, kTss32Busy = 0xB;
constexpr uint32_t kTssIoMapBase = 0x66;

}  // namespace

void check_io_permission(Cpu& c, uint16_t port, unsigned size) {
  if (!c.pe()) return;
  const unsigned iopl = (c.eflags & IOPL) >> 12;
  if (!c.v86() && c.cpl <= iopl) return;

  const Segment& tr = c.tr;
  const uint16_t type = tr.ar & 0x1F;  // S bit and type: a system segment of a TSS type
  if (!tr.present() || (type != kTss32Available && type != kTss32Busy)) raise_gp0(c);
  if (tr.limit < kTssIoMapBase + 1) raise_gp0(c);
  const uint32_t map = read_sys<uint16_t>(c, tr.base + kTssIoMapBase);
  const uint32_t off = map + (port >> 3);
  if (off + 1 > tr.limit) raise_gp0(c);
  const uint32_t bits = read_sys<uint16_t>(c, tr.base + off);
  const uint32_t need = ((1u << size) - 1) << (port & 7);
  if (bits & need) raise_gp0(c);
}

}  // namespace rz
