// tests/unit/test_dev_vga.cpp: the VGA at register level: port decode by misc output
// bit 0, CRTC write protection, the attribute flip-flop, DAC indexes and 6-bit
// components, input status 1 retrace from the virtual clock, and the memory window:
// write modes 0-3, read modes 0-1, latches, map mask, chain-4, odd/even, memory map select.
#include "tests/unit/test_dev_vga_rig.h"

namespace rz::test {
namespace {

TEST(DevVga, MiscOutputSelectsCrtcAddress) {
  VgaRig r;
  r.out(0x3C2, 0x00);  // monochrome addresses: CRTC at 3B4/3B5
  r.out(0x3B4, 0x0E);
  r.out(0x3B5, 0x12);
  EXPECT_EQ(r.vga.crtc(0x0E), 0x12);
  EXPECT_EQ(r.in(0x3D5), 0xFF);  // colour addresses do not decode
  r.out(0x3D4, 0x0E);
  r.out(0x3D5, 0x34);
  EXPECT_EQ(r.vga.crtc(0x0E), 0x12);
  r.out(0x3C2, 0x01);  // colour
  EXPECT_EQ(r.in(0x3CC), 0x01);
  r.out(0x3D4, 0x0E);
  r.out(0x3D5, 0x56);
  EXPECT_EQ(r.in(0x3D5), 0x56);
  EXPECT_EQ(r.in(0x3B5), 0xFF);
}

TEST(DevVga, CrtcProtectBitGuardsRegisters0To7ExceptLineCompareBit8) {
  VgaRig r;
  r.out(0x3C2, 0x01);
  r.crtc(0x11, 0x80);
  r.crtc(0x01, 0x4F);
  r.crtc(0x07, 0xFF);
  EXPECT_EQ(r.vga.crtc(0x01), 0x00);
  EXPECT_EQ(r.vga.crtc(0x07), 0x10);  // only the line compare bit 8 went through
  r.crtc(0x09, 0x4F);                 // CR9 is not protected
  EXPECT_EQ(r.vga.crtc(0x09), 0x4F);
  r.crtc(0x11, 0x00);
  r.crtc(0x01, 0x4F);
  EXPECT_EQ(r.vga.crtc(0x01), 0x4F);
}

TEST(DevVga, AttributeFlipFlopResetByInputStatus1) {
  VgaRig r;
  r.out(0x3C2, 0x01);
  r.in(0x3DA);
  r.out(0x3C0, 0x03);  // index
  r.out(0x3C0, 0x2A);  // data
  EXPECT_EQ(r.vga.ac(3), 0x2A);
  r.out(0x3C0, 0x05);  // index again (flip-flop toggled back)
  EXPECT_EQ(r.in(0x3C0), 0x05);
  r.in(0x3DA);         // reset: the next write is an index, not data for AR5
  r.out(0x3C0, 0x27);
  EXPECT_EQ(r.vga.ac(5), 0x00);
  EXPECT_EQ(r.in(0x3C0), 0x27);  // PAS bit + index 7
  r.out(0x3C0, 0x3F);
  EXPECT_EQ(r.in(0x3C1), 0x3F);
  EXPECT_EQ(r.vga.ac(7), 0x3F);
}

TEST(DevVga, DacIndexesAutoIncrementAndSixBitComponents) {
  VgaRig r;
  r.out(0x3C8, 0x10);
  for (uint8_t v : {0xFF, 0x20, 0x01, 0x3F, 0x40, 0x15}) r.out(0x3C9, v);
  EXPECT_EQ(r.in(0x3C8), 0x12);  // two entries written
  EXPECT_EQ(r.in(0x3C7), 0x00);  // DAC state: write mode
  r.out(0x3C7, 0x10);
  EXPECT_EQ(r.in(0x3C7), 0x03);  // read mode
  const uint8_t want[] = {0x3F, 0x20, 0x01, 0x3F, 0x00, 0x15};
  for (uint8_t w : want) EXPECT_EQ(r.in(0x3C9), w);
  r.out(0x3C6, 0x0F);
  EXPECT_EQ(r.in(0x3C6), 0x0F);
}

TEST(DevVga, SequencerAndGraphicsRegistersKeepOnlyDefinedBits) {
  VgaRig r;
  r.seq(2, 0xFF);
  EXPECT_EQ(r.vga.seq(2), 0x0F);
  r.seq(4, 0xFF);
  EXPECT_EQ(r.vga.seq(4), 0x0E);
  r.gc(5, 0xFF);
  EXPECT_EQ(r.vga.gc(5), 0x7B);
  r.out(0x3CE, 5);
  EXPECT_EQ(r.in(0x3CF), 0x7B);
}

TEST(DevVga, InputStatus1FollowsCrtcTimingOnTheVirtualClock) {
  VgaRig r;
  r.set_mode(kMode3);
  // Mode 3: 28.322 MHz dots (35308 ps), 900 dots per line, 449 lines, 400 displayed,
  // vertical retrace from line 412 while the line counter's low nibble is below 14.
  const int64_t dot_ps = 35308, line_ps = 900 * dot_ps;
  auto at = [&](int64_t line, int64_t dot) { r.sched.advance_to((line * line_ps + dot * dot_ps) / 1000 + 1); };
  at(100, 10);
  EXPECT_EQ(r.in(0x3DA) & 0x09, 0x00);  // displaying
  at(100, 800);
  EXPECT_EQ(r.in(0x3DA) & 0x09, 0x01);  // horizontal blanking
  at(405, 10);
  EXPECT_EQ(r.in(0x3DA) & 0x09, 0x01);  // vertical blanking, not yet retrace
  at(412, 10);
  EXPECT_EQ(r.in(0x3DA) & 0x09, 0x09);  // vertical retrace
  at(413, 899);
  EXPECT_EQ(r.in(0x3DA) & 0x08, 0x08);
  at(414, 1);
  EXPECT_EQ(r.in(0x3DA) & 0x08, 0x00);
  at(449 + 412, 5);  // the next frame
  EXPECT_EQ(r.in(0x3DA) & 0x08, 0x08);
}

// Planar memory set-up for the write/read mode tests: mode 12h (A0000, 64 KiB, planar).
struct PlanarRig : VgaRig {
  PlanarRig() { set_mode(kMode12); }
  void fill_planes(uint32_t a, uint8_t p0, uint8_t p1, uint8_t p2, uint8_t p3) {
    uint8_t* v = vga.vram() + a * 4;
    v[0] = p0, v[1] = p1, v[2] = p2, v[3] = p3;
  }
};

TEST(DevVga, WriteMode0SetResetAndBitMask) {
  PlanarRig r;
  r.fill_planes(0x10, 0x0F, 0x0F, 0x0F, 0x0F);
  r.rd(0xA0010);    // load the latches
  r.gc(1, 0x0F);    // set/reset on all planes
  r.gc(0, 0x05);    // planes 0 and 2 set, 1 and 3 reset
  r.gc(8, 0xF0);    // only the high nibble from the data path
  r.wr(0xA0010, 0x00);
  EXPECT_EQ(r.plane(0, 0x10), 0xFF);
  EXPECT_EQ(r.plane(1, 0x10), 0x0F);
  EXPECT_EQ(r.plane(2, 0x10), 0xFF);
  EXPECT_EQ(r.plane(3, 0x10), 0x0F);
}

TEST(DevVga, WriteMode0RotateAndLogicalFunctions) {
  PlanarRig r;
  r.fill_planes(0x20, 0xF0, 0xF0, 0xF0, 0xF0);
  r.rd(0xA0020);
  r.gc(3, 0x18 | 4);  // XOR, rotate right by 4
  r.wr(0xA0020, 0x3C);  // rotated: 0xC3
  EXPECT_EQ(r.plane(0, 0x20), 0xF0 ^ 0xC3);
  EXPECT_EQ(r.plane(3, 0x20), 0xF0 ^ 0xC3);
  r.fill_planes(0x21, 0xF0, 0xF0, 0xF0, 0xF0);
  r.rd(0xA0021);
  r.gc(3, 0x08);  // AND
  r.wr(0xA0021, 0x3C);
  EXPECT_EQ(r.plane(1, 0x21), 0x30);
  r.rd(0xA0021);
  r.gc(3, 0x10);  // OR
  r.wr(0xA0021, 0x03);
  EXPECT_EQ(r.plane(2, 0x21), 0x33);
}

TEST(DevVga, MapMaskLimitsWrittenPlanes) {
  PlanarRig r;
  r.seq(2, 0x06);
  r.wr(0xA0030, 0xAA);
  EXPECT_EQ(r.plane(0, 0x30), 0x00);
  EXPECT_EQ(r.plane(1, 0x30), 0xAA);
  EXPECT_EQ(r.plane(2, 0x30), 0xAA);
  EXPECT_EQ(r.plane(3, 0x30), 0x00);
}

TEST(DevVga, WriteMode1CopiesLatches) {
  PlanarRig r;
  r.fill_planes(0x40, 0x11, 0x22, 0x33, 0x44);
  r.gc(5, 0x01);
  r.rd(0xA0040);
  EXPECT_EQ(r.vga.latches(), 0x44332211u);
  r.wr(0xA0050, 0x00);
  EXPECT_EQ(r.plane(0, 0x50), 0x11);
  EXPECT_EQ(r.plane(1, 0x50), 0x22);
  EXPECT_EQ(r.plane(2, 0x50), 0x33);
  EXPECT_EQ(r.plane(3, 0x50), 0x44);
}

TEST(DevVga, WriteMode2ColourWithBitMask) {
  PlanarRig r;
  r.fill_planes(0x60, 0x00, 0xFF, 0x00, 0xFF);
  r.rd(0xA0060);
  r.gc(5, 0x02);
  r.gc(8, 0x81);
  r.wr(0xA0060, 0x0A);  // colour 1010b into pixels 0 and 7
  EXPECT_EQ(r.plane(0, 0x60), 0x00);
  EXPECT_EQ(r.plane(1, 0x60), 0xFF);
  EXPECT_EQ(r.plane(2, 0x60), 0x00);
  EXPECT_EQ(r.plane(3, 0x60), 0xFF);
  r.fill_planes(0x61, 0xFF, 0x00, 0xFF, 0x00);
  r.rd(0xA0061);
  r.wr(0xA0061, 0x0A);
  EXPECT_EQ(r.plane(0, 0x61), 0x7E);
  EXPECT_EQ(r.plane(1, 0x61), 0x81);
  EXPECT_EQ(r.plane(2, 0x61), 0x7E);
  EXPECT_EQ(r.plane(3, 0x61), 0x81);
}

TEST(DevVga, WriteMode3SetResetThroughRotatedDataMask) {
  PlanarRig r;
  r.rd(0xA0070);  // latches all zero
  r.gc(5, 0x03);
  r.gc(0, 0x0C);
  r.gc(8, 0x3C);
  r.gc(3, 0x01);        // rotate right by 1
  r.wr(0xA0070, 0xE1);  // rotated 0xF0, AND bit mask 0x3C -> 0x30
  EXPECT_EQ(r.plane(0, 0x70), 0x00);
  EXPECT_EQ(r.plane(1, 0x70), 0x00);
  EXPECT_EQ(r.plane(2, 0x70), 0x30);
  EXPECT_EQ(r.plane(3, 0x70), 0x30);
}

TEST(DevVga, ReadMode0ReadMapSelectAndReadMode1ColourCompare) {
  PlanarRig r;
  r.fill_planes(0x80, 0b11001100, 0b10101010, 0b11110000, 0b00000000);
  for (uint8_t p = 0; p < 4; ++p) {
    r.gc(4, p);
    EXPECT_EQ(r.rd(0xA0080), r.plane(p, 0x80));
  }
  r.gc(5, 0x08);  // read mode 1
  r.gc(2, 0x07);  // colour 0111b
  r.gc(7, 0x0F);
  EXPECT_EQ(r.rd(0xA0080), 0b10000000);  // only pixel 0 is 0111b
  r.gc(7, 0x03);                         // compare planes 0 and 1 only
  EXPECT_EQ(r.rd(0xA0080), 0b10001000);
  r.gc(7, 0x00);                         // nothing compared: all match
  EXPECT_EQ(r.rd(0xA0080), 0xFF);
}

TEST(DevVga, Chain4TakesThePlaneFromTheLowAddressBits) {
  VgaRig r;
  r.set_mode(kMode13);
  r.wr(0xA0005, 0x77);
  EXPECT_EQ(r.plane(1, 4), 0x77);  // plane A1:A0 = 1, plane address A & ~3
  EXPECT_EQ(r.plane(0, 4), 0x00);
  EXPECT_EQ(r.rd(0xA0005), 0x77);
  EXPECT_EQ(r.rd(0xA0004), 0x00);
}

TEST(DevVga, OddEvenSplitsBytesBetweenPlanes0And1) {
  VgaRig r;
  r.set_mode(kMode3);
  r.wr(0xB8000, 'H');
  r.wr(0xB8001, 0x1F);
  r.wr(0xB8002, 'i');
  EXPECT_EQ(r.plane(0, 0), 'H');
  EXPECT_EQ(r.plane(1, 0), 0x1F);
  EXPECT_EQ(r.plane(0, 2), 'i');
  EXPECT_EQ(r.plane(1, 2), 0x00);
  EXPECT_EQ(r.rd(0xB8001), 0x1F);
  EXPECT_EQ(r.rd(0xB8002), 'i');
}

TEST(DevVga, MemoryMapSelectDecidesWhichWindowAnswers) {
  VgaRig r;
  r.set_mode(kMode3);     // GR6 map 3: B8000-BFFFF
  r.wr(0xA0000, 0x55);    // not decoded
  r.wr(0xB0000, 0x55);
  EXPECT_EQ(r.rd(0xA0000), 0xFF);
  EXPECT_EQ(r.plane(0, 0), 0x00);
  r.gc(6, 0x0A);          // map 2: B0000-B7FFF
  r.wr(0xB0000, 0x66);
  EXPECT_EQ(r.plane(0, 0), 0x66);
  EXPECT_EQ(r.rd(0xB8000), 0xFF);
  r.gc(6, 0x02);          // map 0: A0000-BFFFF, 128 KiB
  EXPECT_EQ(r.rd(0xA0000), 0x66);
}

}  // namespace
}  // namespace rz::test
