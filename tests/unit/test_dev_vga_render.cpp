// tests/unit/test_dev_vga_render.cpp: scan-out.  A known glyph in a text mode becomes
// known pixels (9th column rule, cursor, blink), the text page maps CP437; mode 13h, Mode X
// (with a start address), planar mode 12h and CGA mode 4 pixels land where the CRTC
// fetches them; render() reports only changes.
#include "tests/unit/test_dev_vga_rig.h"

namespace rz::test {
namespace {

constexpr uint32_t kGrey = 0xAAAAAA, kBlack = 0x000000, kBlue = 0x0000AA, kWhite = 0xFFFFFF;

// The text rig: mode 3, a small palette, and glyphs for 'A', 0xC4 and 0xB3 in plane 2.
struct TextRig : VgaRig {
  static constexpr uint8_t kGlyphA[16] = {0x00, 0x00, 0x10, 0x38, 0x6C, 0xC6, 0xC6, 0xFE,
                                          0xC6, 0xC6, 0xC6, 0xC6, 0x00, 0x00, 0x00, 0x00};
  TextRig() {
    set_mode(kMode3);
    dac(0x00, 0, 0, 0);
    dac(0x01, 0, 0, 0x2A);
    dac(0x07, 0x2A, 0x2A, 0x2A);
    dac(0x3F, 0x3F, 0x3F, 0x3F);
    // Load the glyphs as a BIOS does: planar access to plane 2.
    seq(2, 0x04);
    seq(4, 0x06);
    gc(5, 0x00);
    gc(6, 0x04);  // A0000, 64 KiB
    for (unsigned row = 0; row < 16; ++row) {
      wr(0xA0000 + 'A' * 32 + row, kGlyphA[row]);
      wr(0xA0000 + 0xC4 * 32 + row, row == 8 ? 0xFF : 0x00);
      wr(0xA0000 + 0xB3 * 32 + row, 0xFF);
    }
    seq(2, 0x03);
    seq(4, 0x02);
    gc(5, 0x10);
    gc(6, 0x0E);
  }
  void put(unsigned row, unsigned col, uint8_t ch, uint8_t attr) {
    wr(0xB8000 + (row * 80 + col) * 2, ch);
    wr(0xB8000 + (row * 80 + col) * 2 + 1, attr);
  }
};

uint32_t px(const DisplayFrame& f, uint32_t x, uint32_t y) { return f.pixels[size_t(y) * f.width + x]; }

TEST(DevVgaRender, TextGlyphBecomesKnownPixels) {
  TextRig r;
  r.put(1, 2, 'A', 0x17);  // grey on blue
  DisplayFrame f;
  ASSERT_TRUE(r.vga.render(f));
  ASSERT_EQ(f.width, 720u);
  ASSERT_EQ(f.height, 400u);
  for (unsigned row = 0; row < 16; ++row) {
    for (unsigned bit = 0; bit < 8; ++bit) {
      bool on = (TextRig::kGlyphA[row] >> (7 - bit)) & 1;
      EXPECT_EQ(px(f, 2 * 9 + bit, 16 + row), on ? kGrey : kBlue) << "row " << row << " bit " << bit;
    }
    EXPECT_EQ(px(f, 2 * 9 + 8, 16 + row), kBlue);  // 9th column: background for letters
  }
  EXPECT_EQ(px(f, 0, 0), kBlack);
}

TEST(DevVgaRender, NinthColumnRepeatsOnlyLineGraphics) {
  TextRig r;
  r.put(0, 0, 0xC4, 0x07);  // box-drawing horizontal line: column 9 continues it
  r.put(0, 1, 0xB3, 0x07);  // outside C0-DF: column 9 is background
  DisplayFrame f;
  r.vga.render(f);
  EXPECT_EQ(px(f, 7, 8), kGrey);
  EXPECT_EQ(px(f, 8, 8), kGrey);
  EXPECT_EQ(px(f, 9 + 7, 3), kGrey);
  EXPECT_EQ(px(f, 9 + 8, 3), kBlack);
  r.ac(0x10, 0x08);  // line graphics enable off
  r.vga.render(f);
  EXPECT_EQ(px(f, 8, 8), kBlack);
}

TEST(DevVgaRender, CursorAndBlinkFollowTheFrameCount) {
  TextRig r;
  r.put(3, 5, 'A', 0x87);  // blinking
  r.put(3, 6, ' ', 0x07);  // the cursor cell: grey foreground
  r.crtc(0x0A, 0x0E);
  r.crtc(0x0B, 0x0F);
  r.crtc(0x0E, 0x00);
  r.crtc(0x0F, 3 * 80 + 6);
  DisplayFrame f;
  r.vga.render(f);
  // Frame 0: cursor shown on scanlines 14-15 of cell (3,6); the blinking 'A' visible.
  EXPECT_EQ(px(f, 6 * 9 + 3, 3 * 16 + 14), kGrey);
  EXPECT_EQ(px(f, 6 * 9 + 3, 3 * 16 + 13), kBlack);
  EXPECT_EQ(px(f, 5 * 9 + 3, 3 * 16 + 7), kGrey);
  // 8 frames later (70 Hz: 900 dots x 449 lines x 35308 ps) the cursor is off.
  const int64_t frame_ns = 900LL * 449 * 35308 / 1000;
  r.sched.advance_to(8 * frame_ns + 1000);
  EXPECT_TRUE(r.vga.render(f));
  EXPECT_EQ(px(f, 6 * 9 + 3, 3 * 16 + 14), kBlack);
  EXPECT_EQ(px(f, 5 * 9 + 3, 3 * 16 + 7), kGrey);
  // 16 frames: cursor back on, blinking characters off.
  r.sched.advance_to(16 * frame_ns + 1000);
  r.vga.render(f);
  EXPECT_EQ(px(f, 6 * 9 + 3, 3 * 16 + 14), kGrey);
  EXPECT_EQ(px(f, 5 * 9 + 3, 3 * 16 + 7), kBlack);
}

TEST(DevVgaRender, TextPageIsUtf8ThroughCp437) {
  TextRig r;
  const char* s = "SeaBIOS";
  for (unsigned i = 0; s[i]; ++i) r.put(0, i, uint8_t(s[i]), 0x07);
  r.put(2, 0, 0xC9, 0x07);  // ╔
  r.put(2, 1, 0xCD, 0x07);  // ═
  r.put(2, 2, 0x01, 0x07);  // ☺
  r.put(2, 3, 0xE1, 0x07);  // ß
  r.put(2, 4, 0x82, 0x07);  // é
  std::vector<std::string> lines;
  ASSERT_TRUE(r.vga.text_page(lines));
  ASSERT_EQ(lines.size(), 25u);
  EXPECT_EQ(lines[0], "SeaBIOS");
  EXPECT_EQ(lines[1], "");
  EXPECT_EQ(lines[2], "\u2554\u2550\u263A\u00DF\u00E9");
  // A start address moves the page.
  r.crtc(0x0C, 0);
  r.crtc(0x0D, 80);
  ASSERT_TRUE(r.vga.text_page(lines));
  EXPECT_EQ(lines[1], "\u2554\u2550\u263A\u00DF\u00E9");
}

TEST(DevVgaRender, Mode13hPixelsAndPalette) {
  VgaRig r;
  r.set_mode(kMode13);
  r.dac(5, 0x3F, 0, 0);
  r.dac(9, 0, 0x20, 0x3F);
  r.wr(0xA0000 + 10 * 320 + 7, 5);
  r.wr(0xA0000 + 199 * 320 + 319, 9);
  DisplayFrame f;
  ASSERT_TRUE(r.vga.render(f));
  ASSERT_EQ(f.width, 320u);
  ASSERT_EQ(f.height, 200u);
  EXPECT_EQ(px(f, 7, 10), 0xFF0000u);
  EXPECT_EQ(px(f, 319, 199), 0x0082FFu);
  EXPECT_EQ(px(f, 8, 10), 0u);
  std::vector<std::string> lines;
  EXPECT_FALSE(r.vga.text_page(lines));
}

TEST(DevVgaRender, ModeXUnchainedPlanesAndStartAddress) {
  VgaRig r;
  r.set_mode(kMode13);
  // Unchain (Mode X, 320x240): byte mode, no doubleword, 480-line timing.
  r.seq(4, 0x06);
  r.crtc(0x11, 0x2C);
  r.crtc(0x14, 0x00);
  r.crtc(0x17, 0xE3);
  r.crtc(0x06, 0x0D);
  r.crtc(0x07, 0x3E);
  r.crtc(0x10, 0xEA);
  r.crtc(0x12, 0xDF);
  r.crtc(0x15, 0xE7);
  r.crtc(0x16, 0x06);
  r.out(0x3C2, 0xE3);
  r.dac(3, 0, 0x3F, 0);
  // Pixel (13, 7): plane 13 & 3 = 1, offset 7 * 80 + 13 / 4.
  r.seq(2, 1 << 1);
  r.wr(0xA0000 + 7 * 80 + 3, 3);
  EXPECT_EQ(r.plane(1, 7 * 80 + 3), 3);
  DisplayFrame f;
  r.vga.render(f);
  ASSERT_EQ(f.width, 320u);
  ASSERT_EQ(f.height, 240u);
  EXPECT_EQ(px(f, 13, 7), 0x00FF00u);
  EXPECT_EQ(px(f, 12, 7), 0u);
  // Start address one line down: the pixel moves up a line.
  r.crtc(0x0C, 0);
  r.crtc(0x0D, 80);
  r.vga.render(f);
  EXPECT_EQ(px(f, 13, 6), 0x00FF00u);
  EXPECT_EQ(px(f, 13, 7), 0u);
  // Split screen: line compare at scanline 99 (of 480) restarts at address 0 below it.
  r.crtc(0x18, 99);
  r.crtc(0x07, 0x3E & ~0x10);  // line compare bit 8 (CR7 bit 4) ...
  r.crtc(0x09, 0x01);          // ... and bit 9 (CR9 bit 6) clear
  r.vga.render(f);
  EXPECT_EQ(px(f, 13, 6), 0x00FF00u);
  EXPECT_EQ(px(f, 13, 50 + 7), 0x00FF00u);
}

TEST(DevVgaRender, Mode12hPlanarPixelThroughWriteMode2) {
  VgaRig r;
  r.set_mode(kMode12);
  r.dac(0x3C, 0x3F, 0x3F, 0);  // AR12 (colour 12) is palette 0x3C
  r.gc(5, 0x02);
  r.gc(8, 0x80 >> (101 & 7));
  r.rd(0xA0000 + 479 * 80 + 101 / 8);
  r.wr(0xA0000 + 479 * 80 + 101 / 8, 12);
  DisplayFrame f;
  r.vga.render(f);
  ASSERT_EQ(f.width, 640u);
  ASSERT_EQ(f.height, 480u);
  EXPECT_EQ(px(f, 101, 479), 0xFFFF00u);
  EXPECT_EQ(px(f, 100, 479), 0u);
  EXPECT_EQ(px(f, 102, 479), 0u);
}

TEST(DevVgaRender, PelPanningShiftsPixelsLeft) {
  VgaRig r;
  r.set_mode(kMode13);
  r.dac(5, 0x3F, 0, 0);
  r.wr(0xA0000 + 10 * 320 + 7, 5);
  r.wr(0xA0000 + 10 * 320 + 320 - 1 + 1, 5);  // first pixel of the next line's memory
  r.ac(0x13, 2);  // 256-colour: two dots per pixel, so one pixel
  DisplayFrame f;
  r.vga.render(f);
  EXPECT_EQ(px(f, 6, 10), 0xFF0000u);
  EXPECT_EQ(px(f, 7, 10), 0u);
  r.set_mode(kMode12);
  r.dac(0x3C, 0x3F, 0x3F, 0);
  r.gc(5, 0x02);
  r.gc(8, 0x80 >> (101 & 7));
  r.rd(0xA0000 + 479 * 80 + 101 / 8);
  r.wr(0xA0000 + 479 * 80 + 101 / 8, 12);
  r.ac(0x13, 3);
  r.vga.render(f);
  EXPECT_EQ(px(f, 98, 479), 0xFFFF00u);
  EXPECT_EQ(px(f, 101, 479), 0u);
  // A 9-dot text mode pans by value + 1 (8 means none).
  r.set_mode(kMode3);
  r.dac(7, 0x2A, 0x2A, 0x2A);
  r.seq(2, 0x04), r.seq(4, 0x06), r.gc(5, 0x00), r.gc(6, 0x04);
  r.wr(0xA0000 + 'I' * 32 + 0, 0x80);  // glyph row 0: leftmost dot
  r.seq(2, 0x03), r.seq(4, 0x02), r.gc(5, 0x10), r.gc(6, 0x0E);
  r.wr(0xB8000 + 2, 'I');
  r.wr(0xB8000 + 3, 0x07);
  r.vga.render(f);
  EXPECT_EQ(px(f, 9, 0), 0xAAAAAAu);
  r.ac(0x13, 1);  // two dots
  r.vga.render(f);
  EXPECT_EQ(px(f, 7, 0), 0xAAAAAAu);
  EXPECT_EQ(px(f, 9, 0), 0u);
}

TEST(DevVgaRender, CgaMode4InterleavedBanks) {
  VgaRig r;
  r.set_mode(kMode4);
  // Palette 1 (cyan/magenta/white): AR1-3 = 0x13, 0x15, 0x17.
  r.dac(0x13, 0, 0x3F, 0x3F);
  r.dac(0x15, 0x3F, 0, 0x3F);
  r.dac(0x17, 0x3F, 0x3F, 0x3F);
  r.wr(0xB8000, 0b11100100);           // line 0, pixels 0-3: colours 3, 2, 1, 0
  r.wr(0xB8001, 0b01000000);           // pixel 4: colour 1
  r.wr(0xB8000 + 0x2000 + 80, 0b10000000);  // line 3 (odd bank, second row): pixel 0 colour 2
  DisplayFrame f;
  r.vga.render(f);
  ASSERT_EQ(f.width, 320u);
  ASSERT_EQ(f.height, 200u);
  EXPECT_EQ(px(f, 0, 0), kWhite);
  EXPECT_EQ(px(f, 1, 0), 0xFF00FFu);
  EXPECT_EQ(px(f, 2, 0), 0x00FFFFu);
  EXPECT_EQ(px(f, 3, 0), 0u);
  EXPECT_EQ(px(f, 4, 0), 0x00FFFFu);
  EXPECT_EQ(px(f, 0, 3), 0xFF00FFu);
  EXPECT_EQ(px(f, 0, 1), 0u);
}

TEST(DevVgaRender, RenderReportsOnlyChanges) {
  VgaRig r;
  r.set_mode(kMode13);
  r.dac(1, 0x3F, 0x3F, 0x3F);
  DisplayFrame f;
  EXPECT_TRUE(r.vga.render(f));
  EXPECT_FALSE(r.vga.render(f));
  r.wr(0xA0000 + 50 * 320 + 3, 1);
  EXPECT_TRUE(r.vga.render(f));
  EXPECT_EQ(f.dirty_top, 50u);
  EXPECT_EQ(f.dirty_bottom, 51u);
  r.wr(0xA0000 + 60 * 320, 0);  // same value: memory written, picture unchanged
  EXPECT_FALSE(r.vga.render(f));
  r.dac(1, 0, 0, 0x3F);  // palette change repaints the pixel
  EXPECT_TRUE(r.vga.render(f));
  EXPECT_EQ(px(f, 3, 50), 0x0000FFu);
}

TEST(DevVgaRender, ScreenOffAndPaletteSourceBlank) {
  VgaRig r;
  r.set_mode(kMode13);
  r.dac(1, 0x3F, 0x3F, 0x3F);
  r.wr(0xA0000, 1);
  DisplayFrame f;
  r.vga.render(f);
  EXPECT_EQ(px(f, 0, 0), kWhite);
  r.seq(1, 0x21);  // screen off
  r.vga.render(f);
  EXPECT_EQ(px(f, 0, 0), 0u);
  r.seq(1, 0x01);
  r.vga.render(f);
  EXPECT_EQ(px(f, 0, 0), kWhite);
  r.in(0x3DA);
  r.out(0x3C0, 0x00);  // PAS clear: the attribute controller owns the palette
  r.vga.render(f);
  EXPECT_EQ(px(f, 0, 0), 0u);
}

}  // namespace
}  // namespace rz::test
