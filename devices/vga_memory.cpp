// devices/vga_memory.cpp: the CPU's view of video memory through the A0000-BFFFF window.
// The graphics controller decides which part of the window decodes (GR6 memory map
// select), which planes a CPU address reaches (chain-4, odd/even or planar with the
// sequencer map mask and GR4 read map select), and how a byte written combines with the
// latches (write modes 0-3: rotate, set/reset, logical function, bit mask); reads load
// the 32-bit latches and return one plane (read mode 0) or a colour compare (read mode 1).
// With the Bochs VBE enabled in a packed-pixel mode, the window is instead a 64 KiB bank
// of linear video memory selected by the DISPI BANK register.
#include <cstring>

#include "devices/vga.h"

namespace rz {

namespace {

// A 4-bit plane mask as a 32-bit lane mask: byte p is 0xFF when bit p is set.
constexpr uint32_t expand4(unsigned bits) {
  return ((bits & 1) ? 0x000000FFu : 0) | ((bits & 2) ? 0x0000FF00u : 0) |
         ((bits & 4) ? 0x00FF0000u : 0) | ((bits & 8) ? 0xFF000000u : 0);
}

constexpr uint8_t ror8(uint8_t v, unsigned n) {
  n &= 7;
  return uint8_t((v >> n) | (v << ((8 - n) & 7)));
}

}  // namespace

bool StdVga::window(uint32_t off, uint32_t& rel) const {
  static constexpr uint32_t kBase[4] = {0x00000, 0x00000, 0x10000, 0x18000};
  static constexpr uint32_t kSize[4] = {0x20000, 0x10000, 0x08000, 0x08000};
  unsigned map = (gc_[6] >> 2) & 3;
  if (off - kBase[map] >= kSize[map]) return false;
  rel = off - kBase[map];
  return true;
}

uint8_t StdVga::mem_read(uint32_t off) {
  if (vbe_on() && vbe_[dispi::kBpp] != 4) {
    if (off >= 0x10000) return 0xFF;
    uint32_t a = (uint32_t(vbe_[dispi::kBank]) << 16) + off;
    return a < vram_size_ ? vram_[a] : 0xFF;
  }
  uint32_t rel;
  if (!window(off, rel)) return 0xFF;
  unsigned plane;
  uint32_t pa;
  if (seq_[4] & 0x08) {  // chain-4
    plane = rel & 3;
    pa = rel & ~3u;
  } else if (gc_[5] & 0x10) {  // host odd/even
    plane = (gc_[4] & 2) | (rel & 1);
    pa = rel & ~1u;
  } else {
    plane = gc_[4] & 3;
    pa = rel;
  }
  if (vbe_on()) pa += uint32_t(vbe_[dispi::kBank]) << 16;  // VBE planar modes bank the planes
  else pa &= 0xFFFF;
  if (pa * 4 + 3 >= vram_size_) return 0xFF;
  uint32_t lat;
  std::memcpy(&lat, &vram_[pa * 4], 4);
  latch_ = lat;
  if (!(gc_[5] & 0x08)) return uint8_t(lat >> (8 * plane));
  // Read mode 1: a bit is 1 where every plane selected by colour don't care (GR7)
  // matches colour compare (GR2).
  uint32_t diff = (lat ^ expand4(gc_[2])) & expand4(gc_[7]);
  return uint8_t(~(diff | diff >> 8 | diff >> 16 | diff >> 24));
}

void StdVga::mem_write(uint32_t off, uint8_t v) {
  if (vbe_on() && vbe_[dispi::kBpp] != 4) {
    if (off >= 0x10000) return;
    uint32_t a = (uint32_t(vbe_[dispi::kBank]) << 16) + off;
    if (a < vram_size_) vram_[a] = v;
    return;
  }
  uint32_t rel;
  if (!window(off, rel)) return;
  unsigned planes = seq_[2] & 0x0F;
  uint32_t pa;
  if (seq_[4] & 0x08) {  // chain-4
    planes &= 1u << (rel & 3);
    pa = rel & ~3u;
  } else if (!(seq_[4] & 0x04)) {  // odd/even: even addresses to planes 0/2, odd to 1/3
    planes &= (rel & 1) ? 0x0A : 0x05;
    pa = rel & ~1u;
  } else {
    pa = rel;
  }
  if (vbe_on()) pa += uint32_t(vbe_[dispi::kBank]) << 16;
  else pa &= 0xFFFF;
  if (pa * 4 + 3 >= vram_size_) return;

  uint32_t data;
  uint8_t bit_mask = gc_[8];
  unsigned mode = gc_[5] & 3;
  if (mode == 1) {
    data = latch_;  // write mode 1: the latches, unchanged
  } else {
    if (mode == 0) {
      uint32_t sr_enable = expand4(gc_[1]);
      data = (uint32_t(ror8(v, gc_[3])) * 0x01010101u & ~sr_enable) | (expand4(gc_[0]) & sr_enable);
    } else if (mode == 2) {
      data = expand4(v);
    } else {  // mode 3: set/reset data, rotated byte AND bit mask as the mask
      data = expand4(gc_[0]);
      bit_mask &= ror8(v, gc_[3]);
    }
    switch ((gc_[3] >> 3) & 3) {
      case 1: data &= latch_; break;
      case 2: data |= latch_; break;
      case 3: data ^= latch_; break;
      default: break;
    }
    uint32_t m = bit_mask * 0x01010101u;
    data = (data & m) | (latch_ & ~m);
  }
  uint32_t cur;
  std::memcpy(&cur, &vram_[pa * 4], 4);
  uint32_t pm = expand4(planes);
  cur = (cur & ~pm) | (data & pm);
  std::memcpy(&vram_[pa * 4], &cur, 4);
  touch();
}

}  // namespace rz
