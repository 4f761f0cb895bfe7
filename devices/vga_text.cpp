// devices/vga_text.cpp: text-mode scan-out and the text page.  Each character clock the
// CRTC address yields a character code (plane 0) and an attribute (plane 1); the glyph row
// comes from the font in plane 2 (32 bytes per character, 8 character maps chosen by the
// sequencer's character map select and attribute bit 3).  9-dot characters repeat their
// 8th column in the 9th for the line-graphics range C0h-DFh when the attribute mode
// control enables it, else show the background.  Blinking (attribute bit 7 when blink is
// enabled), the cursor (shape CR0A/CR0B, location CR0E/CR0F) and the monochrome underline
// follow the VGA's frame-counted blink rates on the virtual clock.
//
// text_page() returns the characters of the displayed page as UTF-8 through the CP437
// table (the glyphs of the VGA's ROM font, which SeaVGABIOS loads).
#include <cstring>

#include "devices/vga.h"

namespace rz {

namespace {

// Code page 437 as Unicode code points; 00h maps to a space (an empty cell).
constexpr uint16_t kCp437[256] = {
    0x0020, 0x263A, 0x263B, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022,
    0x25D8, 0x25CB, 0x25D9, 0x2642, 0x2640, 0x266A, 0x266B, 0x263C,
    0x25BA, 0x25C4, 0x2195, 0x203C, 0x00B6, 0x00A7, 0x25AC, 0x21A8,
    0x2191, 0x2193, 0x2192, 0x2190, 0x221F, 0x2194, 0x25B2, 0x25BC,
    0x0020, 0x0021, 0x0022, 0x0023, 0x0024, 0x0025, 0x0026, 0x0027,
    0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
    0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
    0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
    0x0040, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
    0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
    0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
    0x0058, 0x0059, 0x005A, 0x005B, 0x005C, 0x005D, 0x005E, 0x005F,
    0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
    0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
    0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
    0x0078, 0x0079, 0x007A, 0x007B, 0x007C, 0x007D, 0x007E, 0x2302,
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,
    0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
    0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
    0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
    0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4,
    0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
    0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

void append_utf8(std::string& s, uint32_t cp) {
  if (cp < 0x80) {
    s += char(cp);
  } else if (cp < 0x800) {
    s += char(0xC0 | (cp >> 6));
    s += char(0x80 | (cp & 0x3F));
  } else {
    s += char(0xE0 | (cp >> 12));
    s += char(0x80 | ((cp >> 6) & 0x3F));
    s += char(0x80 | (cp & 0x3F));
  }
}

// Plane-2 offsets of the eight character maps (map select values 0-7).
constexpr uint32_t kFontMap[8] = {0x0000, 0x4000, 0x8000, 0xC000, 0x2000, 0x6000, 0xA000, 0xE000};

}  // namespace

void StdVga::draw_text(const Mode& m, std::vector<uint32_t>& out, unsigned blink_phase) {
  CrtcGeometry g = geometry();
  unsigned cols = crtc_[1] + 1u;
  unsigned cw = (seq_[1] & 1) ? 8 : 9;
  // Map A (attribute bit 3 = 1): SR3 bits 5,3,2; map B (bit 3 = 0): bits 4,1,0.
  uint32_t font_a = kFontMap[((seq_[3] >> 3) & 4) | ((seq_[3] >> 2) & 3)];
  uint32_t font_b = kFontMap[((seq_[3] >> 2) & 4) | (seq_[3] & 3)];
  bool blink_enable = ac_[0x10] & 0x08;
  bool line_graphics = ac_[0x10] & 0x04;
  bool mono_underline = ac_[0x10] & 0x02;
  bool cursor_on = !(blink_phase & 1), chars_on = !(blink_phase & 2);
  uint32_t cursor = uint32_t(crtc_[0x0E]) << 8 | crtc_[0x0F];
  unsigned cs = crtc_[0x0A] & 0x1F, ce = crtc_[0x0B] & 0x1F;
  bool cursor_enabled = !(crtc_[0x0A] & 0x20) && cs <= ce;
  unsigned underline = crtc_[0x14] & 0x1F;
  uint32_t colors[16];
  for (unsigned i = 0; i < 16; ++i) colors[i] = attr_color(uint8_t(i));

  uint32_t row_ma = g.start, y = 0;
  unsigned rsc = 0;
  for (uint32_t line = 0; line < g.vde && y < m.height; ++line, ++y) {
    uint32_t* px = &out[size_t(y) * m.width];
    uint32_t x = 0;
    for (unsigned j = 0; j < cols && x + cw <= m.width; ++j) {
      uint32_t a = crtc_address(row_ma + j, rsc);
      uint8_t ch = vram_[a * 4], at = vram_[a * 4 + 1];
      uint32_t font = (at & 0x08) ? font_a : font_b;
      uint8_t glyph = vram_[((font + ch * 32u + rsc) & 0xFFFF) * 4 + 2];
      unsigned fg = at & 0x0F, bg = at >> 4;
      if (blink_enable) {
        bg &= 7;
        if ((at & 0x80) && !chars_on) glyph = 0;
      }
      if (mono_underline && (at & 0x77) == 0x01 && rsc == underline) glyph = 0xFF;
      if (cursor_enabled && cursor_on && row_ma + j == cursor && rsc >= cs && rsc <= ce) glyph = 0xFF;
      uint32_t f = colors[fg], b = colors[bg];
      for (int bit = 7; bit >= 0; --bit) px[x++] = (glyph >> bit) & 1 ? f : b;
      if (cw == 9) px[x++] = (line_graphics && ch >= 0xC0 && ch <= 0xDF && (glyph & 1)) ? f : b;
    }
    if (line == g.line_compare) {
      row_ma = 0;
      rsc = 0;
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

bool StdVga::text_page(std::vector<std::string>& lines) {
  lines.clear();
  if (vbe_on() || (ac_[0x10] & 1)) return false;
  CrtcGeometry g = geometry();
  unsigned cols = crtc_[1] + 1u;
  unsigned row_lines = (g.max_scan + 1) * (g.double_scan ? 2 : 1);
  unsigned rows = g.vde / row_lines;
  for (unsigned r = 0; r < rows; ++r) {
    std::string s;
    for (unsigned j = 0; j < cols; ++j) {
      uint32_t a = crtc_address(g.start + r * g.offset2 + j, 0);
      append_utf8(s, kCp437[vram_[a * 4]]);
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    lines.push_back(std::move(s));
  }
  return true;
}

}  // namespace rz
