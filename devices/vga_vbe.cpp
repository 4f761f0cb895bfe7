// devices/vga_vbe.cpp: the Bochs VBE "DISPI" interface (index port 0x1CE, data 0x1CF), the
// extension SeaVGABIOS's bochsvga driver and Linux's bochs-drm program: resolution, depth
// (4 planar, 8, 15, 16, 24, 32 bits per pixel), enable with the LFB and no-clear bits, a
// 64 KiB bank at A0000, a virtual screen with X/Y offsets for panning and page flipping,
// and the video memory size in 64 KiB units.  GETCAPS makes XRES/YRES/BPP read back the
// maxima.  Register meanings follow Bochs's vbe.h, as QEMU implements them.
#include <cstring>

#include "devices/vga.h"

namespace rz {

namespace {
bool valid_bpp(uint16_t b) { return b == 4 || b == 8 || b == 15 || b == 16 || b == 24 || b == 32; }
}  // namespace

unsigned StdVga::vbe_bytes_pp() const {
  switch (vbe_[dispi::kBpp]) {
    case 15: case 16: return 2;
    case 24: return 3;
    case 32: return 4;
    default: return 1;
  }
}

// Bytes per line of the virtual screen (for 4-bit planar modes, bytes per plane line).
uint32_t StdVga::vbe_line_bytes() const {
  uint32_t w = vbe_[dispi::kVirtWidth];
  return vbe_[dispi::kBpp] == 4 ? w / 8 : w * vbe_bytes_pp();
}

uint16_t StdVga::dispi_read_data() {
  uint16_t i = vbe_index_;
  if (i >= dispi::kNumRegs) return 0;
  if (vbe_[dispi::kEnable] & dispi::kGetCaps) {
    if (i == dispi::kXres) return dispi::kMaxXres;
    if (i == dispi::kYres) return dispi::kMaxYres;
    if (i == dispi::kBpp) return dispi::kMaxBpp;
  }
  if (i == dispi::kVideoMemory64K) return uint16_t(vram_size_ >> 16 > 0xFFFF ? 0xFFFF : vram_size_ >> 16);
  return vbe_[i];
}

void StdVga::dispi_write_data(uint16_t v) {
  uint16_t i = vbe_index_;
  switch (i) {
    case dispi::kId:
      if (v >= dispi::kId0 && v <= dispi::kId5) vbe_[i] = v;
      return;
    case dispi::kXres:
    case dispi::kYres:
    case dispi::kVirtWidth:
    case dispi::kVirtHeight:
    case dispi::kXOffset:
    case dispi::kYOffset:
      vbe_[i] = v;
      break;
    case dispi::kBpp:
      vbe_[i] = v == 0 ? 8 : v;
      break;
    case dispi::kBank: {
      // Banks count 64 KiB of linear memory, or of each plane in a 4-bit planar mode.
      uint32_t banks = vram_size_ >> 16;
      if (vbe_[dispi::kBpp] == 4) banks >>= 2;
      vbe_[i] = uint16_t(v & (banks - 1));
      break;
    }
    case dispi::kEnable:
      vbe_enable(v);
      break;
    default:
      return;  // VIDEO_MEMORY_64K is read-only
  }
  if (vbe_on()) vbe_fixup();
  touch();
}

void StdVga::vbe_enable(uint16_t v) {
  bool was = vbe_on();
  vbe_[dispi::kEnable] = v & (dispi::kEnabled | dispi::kGetCaps | dispi::k8BitDac |
                              dispi::kLfbEnabled | dispi::kNoClearMem);
  if ((v & dispi::kEnabled) && !was) {
    // A mode set: the virtual screen starts as the visible one, at offset 0.
    vbe_[dispi::kVirtWidth] = vbe_[dispi::kXres];
    vbe_[dispi::kXOffset] = vbe_[dispi::kYOffset] = 0;
    vbe_[dispi::kBank] = 0;
    vbe_fixup();
    if (!(v & dispi::kNoClearMem)) {
      uint64_t n = uint64_t(vbe_line_bytes()) * vbe_[dispi::kYres];
      if (vbe_[dispi::kBpp] == 4) n *= 4;  // four planes per plane line
      std::memset(vram_.get(), 0, size_t(n < vram_size_ ? n : vram_size_));
    }
  } else if (!(v & dispi::kEnabled)) {
    vbe_[dispi::kBank] = 0;
  }
}

// Keep the registers consistent (QEMU's vbe_fixup_regs): a valid depth, the resolution
// within the maxima and a multiple of 8 wide, a virtual screen at least as wide as the
// visible one and as tall as memory allows, offsets inside it.
void StdVga::vbe_fixup() {
  uint16_t& bpp = vbe_[dispi::kBpp];
  if (!valid_bpp(bpp)) bpp = 8;
  uint16_t& xres = vbe_[dispi::kXres];
  uint16_t& yres = vbe_[dispi::kYres];
  if (xres > dispi::kMaxXres) xres = dispi::kMaxXres;
  xres &= uint16_t(~7u);
  if (xres == 0) xres = 8;
  if (yres > dispi::kMaxYres) yres = dispi::kMaxYres;
  if (yres == 0) yres = 1;
  uint16_t& vw = vbe_[dispi::kVirtWidth];
  if (vw < xres) vw = xres;
  vw &= uint16_t(~7u);
  uint32_t line = vbe_line_bytes();
  uint32_t bytes = bpp == 4 ? vram_size_ / 4 : vram_size_;
  uint32_t vh = line ? bytes / line : 0;
  if (vh > 0xFFFF) vh = 0xFFFF;
  if (vh < yres) {
    // Memory cannot hold the virtual width at this height: fall back to the visible width.
    vw = xres;
    line = vbe_line_bytes();
    vh = line ? bytes / line : 0;
    if (vh > 0xFFFF) vh = 0xFFFF;
  }
  vbe_[dispi::kVirtHeight] = uint16_t(vh);
  if (vbe_[dispi::kXOffset] > vw - xres) vbe_[dispi::kXOffset] = uint16_t(vw - xres);
  if (yres <= vh && vbe_[dispi::kYOffset] > vh - yres) vbe_[dispi::kYOffset] = uint16_t(vh - yres);
}

}  // namespace rz
