// devices/vga_render.cpp: scan-out.  The picture is produced the way the CRTC fetches it:
// a row address counter starting at the start address, advanced by twice the offset
// register per character row, turned into a plane address by byte/word/doubleword mode
// (with the CGA-compatible substitution of row-scan bits for MA13/MA14), reset by the
// line compare register (split screen); doubled scanlines and repeated graphics rows are
// folded so the frame has the mode's logical size (mode 13h is 320x200, not 320x400).
// The attribute controller turns 4-bit values into DAC indexes; the DAC's 6-bit (or, with
// VBE's 8-bit DAC, 8-bit) components become XRGB8888.
//
// render() redraws only when something changed: register and window writes mark the
// device dirty; VBE modes, whose linear framebuffer the guest writes without any callback,
// compare each displayed line against a copy kept from the previous render.
#include <algorithm>
#include <cstring>

#include "devices/vga.h"

namespace rz {

uint32_t StdVga::palette_color(uint8_t index) const {
  index &= dac_mask_;
  const uint8_t* c = &dac_[index * 3u];
  if (vbe_on() && (vbe_[dispi::kEnable] & dispi::k8BitDac))
    return uint32_t(c[0]) << 16 | uint32_t(c[1]) << 8 | c[2];
  auto x = [](uint8_t v) { return uint32_t(((v & 0x3F) << 2) | ((v & 0x3F) >> 4)); };
  return x(c[0]) << 16 | x(c[1]) << 8 | x(c[2]);
}

uint32_t StdVga::attr_color(uint8_t v4) const {
  v4 &= ac_[0x12] & 0x0F;  // colour plane enable
  uint8_t p = ac_[v4] & 0x3F;
  if (ac_[0x10] & 0x80) p = uint8_t((p & 0x0F) | ((ac_[0x14] & 3) << 4));  // P5,P4 select
  return palette_color(uint8_t(p | ((ac_[0x14] & 0x0C) << 4)));
}

uint32_t StdVga::crtc_address(uint32_t ma, unsigned rsc) const {
  if (vbe_on()) return ma;  // VBE planar modes: linear plane addresses, no wrap
  // Doubleword, word or byte addressing.  The IBM VGA also rotates MA12/13 (doubleword)
  // or MA13/15 (word) into the low address bits; the CPU side here stores chain-4 and
  // odd/even bytes at A & ~3 and A & ~1, so the scan-out uses the plain shifts to match.
  uint32_t a = (crtc_[0x14] & 0x40) ? ma << 2 : !(crtc_[0x17] & 0x40) ? ma << 1 : ma;
  if (!(crtc_[0x17] & 0x01)) a = (a & ~0x2000u) | ((rsc & 1u) << 13);
  if (!(crtc_[0x17] & 0x02)) a = (a & ~0x4000u) | ((rsc & 2u) << 13);
  return a & 0xFFFF;
}

StdVga::CrtcGeometry StdVga::geometry() const {
  CrtcGeometry g{};
  if (vbe_on()) {  // VBE 4-bit planar: the DISPI registers define the raster
    uint32_t line = vbe_line_bytes();
    g.start = vbe_[dispi::kYOffset] * line + vbe_[dispi::kXOffset] / 8u;
    g.offset2 = line;
    g.vde = vbe_[dispi::kYres];
    g.line_compare = ~0u;
    g.max_scan = 0;
    g.repeat = 1;
    return g;
  }
  g.start = uint32_t(crtc_[0x0C]) << 8 | crtc_[0x0D];
  g.offset2 = crtc_[0x13] * 2u;
  g.vde = (crtc_[0x12] | (crtc_[7] & 0x02) << 7 | (crtc_[7] & 0x40) << 3) + 1u;
  g.line_compare = crtc_[0x18] | (crtc_[7] & 0x10) << 4 | (crtc_[9] & 0x40) << 3;
  g.max_scan = crtc_[9] & 0x1F;
  g.double_scan = crtc_[9] & 0x80;
  bool graphics = ac_[0x10] & 1;
  g.repeat = (g.double_scan ? 2u : 1u) * (graphics && (crtc_[0x17] & 3) == 3 ? g.max_scan + 1 : 1u);
  return g;
}

StdVga::Mode StdVga::current_mode() const {
  Mode m;
  if (vbe_on()) {
    m.width = vbe_[dispi::kXres];
    m.height = vbe_[dispi::kYres];
    m.kind = vbe_[dispi::kBpp] == 4 ? Scan::Planar : Scan::Vbe;
  } else {
    CrtcGeometry g = geometry();
    unsigned chars = crtc_[1] + 1u;
    if (!(ac_[0x10] & 1)) {
      m.kind = Scan::Text;
      m.width = chars * ((seq_[1] & 1) ? 8 : 9);
      m.height = g.vde;
    } else {
      m.kind = (gc_[5] & 0x40) ? Scan::Packed8 : (gc_[5] & 0x20) ? Scan::Cga4 : Scan::Planar;
      m.width = chars * (m.kind == Scan::Packed8 ? 4 : 8);
      m.height = g.vde / g.repeat;
    }
    // Palette address source clear (the attribute controller owns the palette) or the
    // sequencer's screen-off bit: the screen shows no picture.
    if (!(ac_index_ & 0x20) || (seq_[1] & 0x20) || (seq_[0] & 3) != 3) m.kind = Scan::Blank;
  }
  if (m.width < 8 || m.height < 8) {
    m.kind = Scan::Blank;
    m.width = 640;
    m.height = 480;
  }
  return m;
}

unsigned StdVga::pel_shift(const Mode& m) const {
  unsigned p = ac_[0x13] & 0x0F;
  if (m.kind == Scan::Text) {
    if (seq_[1] & 1) return p & 7;  // 8-dot characters
    return p >= 8 ? 0 : p + 1;      // 9-dot: 8 means none, 0-7 shift 1-8
  }
  if (m.kind == Scan::Packed8) return (p & 7) >> 1;  // two dots per pixel
  return p & 7;
}

void StdVga::draw_graphics(const Mode& m, std::vector<uint32_t>& out) {
  CrtcGeometry g = geometry();
  // One character clock more than displayed, for horizontal pel panning.
  unsigned chars = (vbe_on() ? (m.width + 7) / 8 : crtc_[1] + 1u) + 1;
  unsigned shift = vbe_on() ? 0 : pel_shift(m);
  uint32_t plane_limit = vram_size_ / 4;
  line_.assign(size_t(chars) * 8, 0);
  uint32_t row_ma = g.start, y = 0;
  unsigned rsc = 0;
  for (uint32_t line = 0; line < g.vde && y < m.height; ++line) {
    if (line % g.repeat == 0) {
      uint32_t* px = line_.data();
      uint32_t x = 0;
      for (unsigned j = 0; j < chars; ++j) {
        uint32_t a = crtc_address(row_ma + j, rsc);
        uint32_t p = 0;
        if (a < plane_limit) std::memcpy(&p, &vram_[a * 4], 4);
        uint8_t p0 = uint8_t(p), p1 = uint8_t(p >> 8), p2 = uint8_t(p >> 16), p3 = uint8_t(p >> 24);
        if (m.kind == Scan::Packed8) {
          const uint8_t b[4] = {p0, p1, p2, p3};
          for (unsigned k = 0; k < 4; ++k) px[x++] = palette_color(b[k]);
        } else if (m.kind == Scan::Cga4) {
          for (unsigned k = 0; k < 8; ++k) {
            unsigned sh = 6 - 2 * (k & 3);
            uint8_t lo = k < 4 ? p0 : p1, hi = k < 4 ? p2 : p3;
            px[x++] = attr_color(uint8_t(((lo >> sh) & 3) | ((hi >> sh) & 3) << 2));
          }
        } else {
          for (int b = 7; b >= 0; --b)
            px[x++] = attr_color(uint8_t(((p0 >> b) & 1) | ((p1 >> b) & 1) << 1 |
                                         ((p2 >> b) & 1) << 2 | ((p3 >> b) & 1) << 3));
        }
      }
      uint32_t n = std::min<uint32_t>(m.width, x > shift ? x - shift : 0);
      std::memcpy(&out[size_t(y) * m.width], px + shift, n * 4u);
      ++y;
    }
    if (line == g.line_compare) {
      row_ma = 0;
      rsc = 0;
      if (ac_[0x10] & 0x20) shift = 0;  // pixel panning mode: the split part does not pan
    } else if (!g.double_scan || (line & 1)) {
      if (rsc >= g.max_scan) {
        rsc = 0;
        row_ma += g.offset2;
      } else {
        ++rsc;
      }
    }
  }
}

bool StdVga::render_vbe(const Mode& m, DisplayFrame& f, bool full) {
  unsigned bpp = vbe_[dispi::kBpp], bytes = vbe_bytes_pp();
  uint32_t line = vbe_line_bytes();
  uint64_t start = uint64_t(vbe_[dispi::kYOffset]) * line + uint64_t(vbe_[dispi::kXOffset]) * bytes;
  size_t row_bytes = size_t(m.width) * bytes;
  if (lfb_shadow_.size() != row_bytes * m.height) {
    lfb_shadow_.assign(row_bytes * m.height, 0);
    full = true;
  }
  uint32_t top = m.height, bottom = 0;
  for (uint32_t y = 0; y < m.height; ++y) {
    uint64_t src = start + uint64_t(y) * line;
    uint8_t* shadow = &lfb_shadow_[y * row_bytes];
    uint32_t* px = &f.pixels[size_t(y) * m.width];
    if (src + row_bytes > vram_size_) {  // past the end of video memory: black
      if (full) std::fill(px, px + m.width, 0u);
      continue;
    }
    const uint8_t* s = &vram_[src];
    if (!full && std::memcmp(s, shadow, row_bytes) == 0) continue;
    std::memcpy(shadow, s, row_bytes);
    for (uint32_t x = 0; x < m.width; ++x, s += bytes) {
      uint32_t c;
      switch (bpp) {
        case 8: c = palette_color(s[0]); break;
        case 15: {
          unsigned v = s[0] | s[1] << 8;
          c = uint32_t(((v >> 10) & 31) * 255 / 31) << 16 | uint32_t(((v >> 5) & 31) * 255 / 31) << 8 |
              ((v & 31) * 255 / 31);
          break;
        }
        case 16: {
          unsigned v = s[0] | s[1] << 8;
          c = uint32_t(((v >> 11) & 31) * 255 / 31) << 16 | uint32_t(((v >> 5) & 63) * 255 / 63) << 8 |
              ((v & 31) * 255 / 31);
          break;
        }
        default:  // 24 and 32: blue, green, red in memory order
          c = uint32_t(s[2]) << 16 | uint32_t(s[1]) << 8 | s[0];
          break;
      }
      px[x] = c;
    }
    top = std::min(top, y);
    bottom = y + 1;
  }
  if (full) {
    top = 0;
    bottom = m.height;
  }
  f.dirty_top = top < bottom ? top : 0;
  f.dirty_bottom = top < bottom ? bottom : 0;
  return top < bottom;
}

double StdVga::aspect() const {
  if (vbe_on()) {
    Mode m = current_mode();
    // 320x200 and 640x400 are the old 200/400-line modes that VESA cards scanned like VGA
    // modes on the same 4:3 monitor; every other VBE mode has square pixels.
    bool crt_mode = (m.width == 320 && m.height == 200) || (m.width == 640 && m.height == 400);
    if (m.kind == Scan::Vbe && m.width && m.height && !crt_mode) return double(m.width) / double(m.height);
  }
  return 4.0 / 3.0;
}

bool StdVga::render(DisplayFrame& f) {
  Mode m = current_mode();
  size_t n = size_t(m.width) * m.height;
  bool resized = !(m == last_mode_) || f.width != m.width || f.height != m.height || f.pixels.size() != n;
  if (resized) {
    f.width = m.width;
    f.height = m.height;
    f.pixels.assign(n, 0);
    last_mode_ = m;
    lfb_shadow_.clear();
  }
  bool full = resized || dirty_;
  if (m.kind == Scan::Vbe) {
    dirty_ = false;
    return render_vbe(m, f, full) || resized;
  }
  unsigned phase = m.kind == Scan::Text ? blink_phase() : 0;
  if (!full && phase == last_blink_) return false;
  last_blink_ = phase;
  dirty_ = false;
  scratch_.assign(n, 0);
  if (m.kind == Scan::Text) draw_text(m, scratch_, phase);
  else if (m.kind != Scan::Blank) draw_graphics(m, scratch_);
  uint32_t top = m.height, bottom = 0;
  for (uint32_t y = 0; y < m.height; ++y) {
    const uint32_t* a = &scratch_[size_t(y) * m.width];
    uint32_t* b = &f.pixels[size_t(y) * m.width];
    if (!resized && std::memcmp(a, b, m.width * 4u) == 0) continue;
    std::memcpy(b, a, m.width * 4u);
    top = std::min(top, y);
    bottom = y + 1;
  }
  f.dirty_top = top < bottom ? top : 0;
  f.dirty_bottom = top < bottom ? bottom : 0;
  return top < bottom;
}

}  // namespace rz
