// tests/unit/test_dev_fdc_xfer.cpp: the 82077AA's data commands end to end: DMA reads
// into guest RAM with terminal count, multi-track, end of cylinder without TC, non-DMA
// reads and writes through the FIFO (with an interrupt per byte), DMA writes reaching the
// image, write protection, ID errors (wrong cylinder, no such sector, size code, data
// rate, FM), implied seek, READ ID, FORMAT TRACK, VERIFY, READ DELETED DATA's skip rules,
// READ TRACK, the SCAN commands, other formats (2.88M at 1 Mbps, 360K at 300 kbps) and a DMA channel that is
// never opened (overrun).
#include <gtest/gtest.h>

#include <cstring>

#include "tests/unit/test_dev_fdc_rig.h"

namespace rz {
namespace {

using Bytes = std::vector<uint8_t>;

bool ram_matches_image(FdcRig& r, uint32_t addr, uint64_t off, size_t n) {
  return std::memcmp(r.mem.ram() + addr, r.disk->data().data() + off, n) == 0;
}

// A ready controller on drive 0 at 500 kbps (the 1.44M rate).
void ready(FdcRig& r, bool non_dma = false) {
  r.reset();
  r.specify(non_dma);
  r.out(7, kRate500k);
}

TEST(DevFdcXfer, DmaReadTwoSectorsEndsOnTerminalCount) {
  FdcRig r;
  ready(r);
  r.dma2(0x46, 0x20000, 1024);
  r.cmd({0xE6, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF});  // MT MFM SK READ DATA C0 H0 R1 N2 EOT18
  EXPECT_EQ(r.msr(), 0x10);  // execution phase, DMA: CB only
  EXPECT_FALSE(r.irq);
  r.settle();
  EXPECT_TRUE(r.irq);
  EXPECT_EQ(r.results(), (Bytes{0x00, 0x00, 0x00, 0, 0, 3, 2}));
  EXPECT_FALSE(r.irq);  // the first result byte cleared INT
  EXPECT_EQ(r.msr(), 0x80);
  EXPECT_TRUE(ram_matches_image(r, 0x20000, 0, 1024));
  EXPECT_EQ(r.mem.ram()[0x20000 + 1024], 0);
  EXPECT_TRUE(r.dma.terminal_count(2));
}

TEST(DevFdcXfer, MultiTrackCrossesToSideOne) {
  FdcRig r;
  ready(r);
  r.run({0x0F, 0x00, 5});
  r.run({0x08});
  r.dma2(0x46, 0x30000, 3 * 512);
  r.cmd({0xC6, 0x00, 5, 0, 17, 2, 18, 0x1B, 0xFF});
  r.settle();
  // Last sector transferred: C5 H1 R1 -> reported ID R2 on side 1, ST0 head bit set.
  EXPECT_EQ(r.results(), (Bytes{0x04, 0x00, 0x00, 5, 1, 2, 2}));
  EXPECT_TRUE(ram_matches_image(r, 0x30000, FdcRig::chs(5, 0, 17), 1024));
  EXPECT_TRUE(ram_matches_image(r, 0x30000 + 1024, FdcRig::chs(5, 1, 1), 512));
}

TEST(DevFdcXfer, TerminalCountOnLastSectorOfSideOneAdvancesCylinder) {
  FdcRig r;
  ready(r);
  r.dma2(0x46, 0x30000, 512);
  r.cmd({0xC6, 0x04, 0, 1, 18, 2, 18, 0x1B, 0xFF});
  r.settle();
  EXPECT_EQ(r.results(), (Bytes{0x04, 0x00, 0x00, 1, 0, 1, 2}));
}

TEST(DevFdcXfer, EndOfCylinderWithoutTerminalCount) {
  FdcRig r;
  ready(r);
  r.dma2(0x46, 0x10000, 8192);  // more than the two sectors left
  r.cmd({0x46, 0x00, 0, 0, 17, 2, 18, 0x1B, 0xFF});
  r.settle();
  EXPECT_EQ(r.results(), (Bytes{0x40, 0x80, 0x00, 1, 0, 1, 2}));  // abnormal, EN
  EXPECT_TRUE(ram_matches_image(r, 0x10000, FdcRig::chs(0, 0, 17), 1024));
  EXPECT_EQ(r.dma.remaining(2), 8192u - 1024u);
}

TEST(DevFdcXfer, NonDmaReadThroughTheFifo) {
  FdcRig r;
  ready(r, /*non_dma=*/true);
  r.run({0x0F, 0x00, 3});
  r.run({0x08});
  r.cmd({0x46, 0x00, 3, 0, 7, 2, 8, 0x1B, 0xFF});  // R7..R8
  EXPECT_EQ(r.msr(), 0x30);  // execution, non-DMA, no byte yet
  r.settle();
  unsigned edges0 = r.edges;
  std::vector<uint8_t> got;
  for (int guard = 0; guard < 5000 && got.size() < 1024; ++guard) {
    uint8_t m = r.msr();
    if (m == 0xF0) {  // RQM DIO NDM CB
      EXPECT_TRUE(r.irq);
      got.push_back(r.in(5));
    } else {
      ASSERT_EQ(m & 0xC0, 0x00) << "MSR " << int(m);
      r.settle();
    }
  }
  ASSERT_EQ(got.size(), 1024u);
  EXPECT_EQ(std::memcmp(got.data(), r.disk->data().data() + FdcRig::chs(3, 0, 7), 1024), 0);
  // An interrupt per byte wanted (the first came before edges0), one for the result phase.
  EXPECT_EQ(r.edges - edges0, 1024u);
  EXPECT_EQ(r.msr(), 0xD0);
  // No TC in non-DMA mode: the command ends at EOT with EN.
  EXPECT_EQ(r.results(), (Bytes{0x40, 0x80, 0x00, 4, 0, 1, 2}));
}

TEST(DevFdcXfer, NonDmaWriteReachesTheImage) {
  FdcRig r;
  ready(r, /*non_dma=*/true);
  r.cmd({0x45, 0x04, 0, 1, 9, 2, 9, 0x1B, 0xFF});  // C0 H1 R9, EOT 9
  r.settle();
  for (unsigned k = 0; k < 512; ++k) {
    ASSERT_EQ(r.msr(), 0xB0) << k;  // RQM NDM CB, DIO=0: host to FDC
    r.out(5, uint8_t(k ^ 0x5A));
  }
  r.settle();
  EXPECT_EQ(r.results(), (Bytes{0x44, 0x80, 0x00, 1, 1, 1, 2}));
  const uint8_t* img = r.disk->data().data() + FdcRig::chs(0, 1, 9);
  for (unsigned k = 0; k < 512; ++k) ASSERT_EQ(img[k], uint8_t(k ^ 0x5A)) << k;
  EXPECT_EQ(img[512], fdc_pattern(FdcRig::chs(0, 1, 10)));
}

TEST(DevFdcXfer, MediumTakenOutDuringNonDmaWrite) {
  FdcRig r;
  ready(r, /*non_dma=*/true);
  r.cmd({0x45, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF});
  r.settle();
  for (unsigned k = 0; k < 511; ++k) r.out(5, 0xEE);
  r.fdc.eject(0);
  r.out(5, 0xEE);
  EXPECT_EQ(r.results(), (Bytes{0x40, 0x01, 0x00, 0, 0, 1, 2}));
  EXPECT_EQ(r.disk->data()[0], fdc_pattern(0));
}

TEST(DevFdcXfer, DmaWriteReachesTheImage) {
  FdcRig r;
  ready(r);
  r.run({0x0F, 0x04, 1});
  r.run({0x08});
  for (unsigned k = 0; k < 1024; ++k) r.mem.ram()[0x40000 + k] = uint8_t(k * 3 + 1);
  r.dma2(0x4A, 0x40000, 1024);
  r.cmd({0xC5, 0x04, 1, 1, 5, 2, 18, 0x1B, 0xFF});
  r.settle();
  EXPECT_EQ(r.results(), (Bytes{0x04, 0x00, 0x00, 1, 1, 7, 2}));
  EXPECT_EQ(std::memcmp(r.disk->data().data() + FdcRig::chs(1, 1, 5), r.mem.ram() + 0x40000, 1024), 0);
  EXPECT_EQ(r.disk->data()[FdcRig::chs(1, 1, 7)], fdc_pattern(FdcRig::chs(1, 1, 7)));
}

TEST(DevFdcXfer, DmaWriteWithTerminalCountMidSectorPadsWithZeros) {
  FdcRig r;
  ready(r);
  std::memset(r.mem.ram() + 0x40000, 0xAB, 100);
  r.dma2(0x4A, 0x40000, 100);
  r.cmd({0x45, 0x00, 0, 0, 3, 2, 18, 0x1B, 0xFF});
  r.settle();
  EXPECT_EQ(r.results(), (Bytes{0x00, 0x00, 0x00, 0, 0, 4, 2}));
  const uint8_t* img = r.disk->data().data() + FdcRig::chs(0, 0, 3);
  EXPECT_EQ(img[99], 0xAB);
  EXPECT_EQ(img[100], 0x00);
  EXPECT_EQ(img[511], 0x00);
}

TEST(DevFdcXfer, WriteProtectedMedium) {
  FdcRig r(k144M, /*read_only=*/true);
  ready(r);
  r.dma2(0x4A, 0x40000, 512);
  r.cmd({0x45, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF});
  r.settle();
  EXPECT_EQ(r.results(), (Bytes{0x40, 0x02, 0x00, 0, 0, 1, 2}));  // NW
  EXPECT_EQ(r.disk->data()[0], fdc_pattern(0));
  r.cmd({0x4D, 0x00, 2, 18, 0x54, 0xF6});  // FORMAT
  r.settle();
  EXPECT_EQ(r.results()[1], 0x02);
}

TEST(DevFdcXfer, IdErrors) {
  FdcRig r;
  ready(r);
  r.dma2(0x46, 0x10000, 512);
  // The head is on cylinder 0 and implied seek is off: wrong cylinder.
  EXPECT_EQ(r.run({0x46, 0x00, 5, 0, 1, 2, 18, 0x1B, 0xFF}),
            (Bytes{0x40, 0x04, 0x10, 5, 0, 1, 2}));
  EXPECT_EQ(r.run({0x46, 0x00, 0xFF, 0, 1, 2, 18, 0x1B, 0xFF})[2], 0x12);  // WC + BC
  EXPECT_EQ(r.run({0x46, 0x00, 0, 0, 19, 2, 19, 0x1B, 0xFF}),
            (Bytes{0x40, 0x04, 0x00, 0, 0, 19, 2}));  // no sector 19
  EXPECT_EQ(r.run({0x46, 0x00, 0, 0, 0, 2, 18, 0x1B, 0xFF})[1], 0x04);  // no sector 0
  EXPECT_EQ(r.run({0x46, 0x00, 0, 0, 1, 3, 18, 0x1B, 0xFF})[1], 0x04);  // size code 3
  EXPECT_EQ(r.run({0x46, 0x00, 0, 0, 1, 7, 18, 0x1B, 0xFF})[1], 0x04);
  EXPECT_EQ(r.run({0x46, 0x00, 0, 1, 1, 2, 18, 0x1B, 0xFF})[1], 0x04);  // H != HDS
  EXPECT_EQ(r.run({0x06, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF}),
            (Bytes{0x40, 0x01, 0x00, 0, 0, 1, 2}));  // FM: no address marks
  r.out(7, kRate250k);
  EXPECT_EQ(r.run({0x46, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF})[1], 0x01);  // wrong rate: MA
  r.out(7, kRate500k);
  EXPECT_EQ(r.run({0x46, 0x01, 0, 0, 1, 2, 18, 0x1B, 0xFF}),
            (Bytes{0x41, 0x01, 0x00, 0, 0, 1, 2}));  // drive 1 absent
  EXPECT_EQ(r.mem.ram()[0x10000], 0);  // none of that moved data
  r.run({0x0F, 0x00, 80});  // beyond the medium's last track
  r.run({0x08});
  EXPECT_EQ(r.run({0x46, 0x00, 80, 0, 1, 2, 18, 0x1B, 0xFF})[1], 0x01);
}

TEST(DevFdcXfer, ImpliedSeek) {
  FdcRig r;
  ready(r);
  r.cmd({0x13, 0x00, 0x60, 0x00});  // EIS, FIFO off, polling on
  r.dma2(0x46, 0x10000, 512);
  r.cmd({0x46, 0x04, 42, 1, 3, 2, 18, 0x1B, 0xFF});
  r.settle();
  EXPECT_EQ(r.results(), (Bytes{0x24, 0x00, 0x00, 42, 1, 4, 2}));  // SE
  EXPECT_TRUE(ram_matches_image(r, 0x10000, FdcRig::chs(42, 1, 3), 512));
  EXPECT_EQ(r.run({0x0E})[0], 42);
  EXPECT_EQ(r.fdc.state().drv[0].cyl, 42);
}

TEST(DevFdcXfer, ReadIdReportsTheTrackUnderTheHead) {
  FdcRig r;
  ready(r);
  r.run({0x0F, 0x04, 7});
  r.run({0x08});
  Bytes res = r.run({0x4A, 0x04});
  ASSERT_EQ(res.size(), 7u);
  EXPECT_EQ(res[0], 0x04);
  EXPECT_EQ(res[1], 0x00);
  EXPECT_EQ(res[3], 7);
  EXPECT_EQ(res[4], 1);
  EXPECT_GE(res[5], 1);
  EXPECT_LE(res[5], 18);
  EXPECT_EQ(res[6], 2);
  r.fdc.eject(0);
  EXPECT_EQ(r.run({0x4A, 0x00})[1], 0x01);  // MA
}

TEST(DevFdcXfer, FormatTrackFillsTheSectors) {
  FdcRig r;
  ready(r);
  r.run({0x0F, 0x04, 2});
  r.run({0x08});
  // Interleaved IDs, as FORMAT programs write them.
  for (unsigned k = 0; k < 18; ++k) {
    uint8_t* id = r.mem.ram() + 0x50000 + 4 * k;
    id[0] = 2;
    id[1] = 1;
    id[2] = uint8_t((k * 2) % 18 + (k * 2 >= 18 ? 2 : 1));
    id[3] = 2;
  }
  r.dma2(0x4A, 0x50000, 18 * 4);
  r.cmd({0x4D, 0x04, 2, 18, 0x54, 0xE5});
  r.settle();
  Bytes res = r.results();
  ASSERT_EQ(res.size(), 7u);
  EXPECT_EQ(res[0], 0x04);
  EXPECT_EQ(res[1], 0x00);
  for (unsigned s = 1; s <= 18; ++s)
    for (unsigned b = 0; b < 512; b += 97)
      ASSERT_EQ(r.disk->data()[FdcRig::chs(2, 1, s) + b], 0xE5) << s;
  EXPECT_EQ(r.disk->data()[FdcRig::chs(2, 0, 18)], fdc_pattern(FdcRig::chs(2, 0, 18)));
  EXPECT_EQ(r.disk->data()[FdcRig::chs(3, 0, 1)], fdc_pattern(FdcRig::chs(3, 0, 1)));
  EXPECT_EQ(r.run({0x0E})[6], 18);  // DUMPREG SC/EOT
}

TEST(DevFdcXfer, NonDmaFormat) {
  FdcRig r;
  ready(r, true);
  r.cmd({0x4D, 0x00, 2, 18, 0x54, 0x00});
  for (unsigned s = 1; s <= 18; ++s) {
    r.settle();
    for (uint8_t b : {uint8_t(0), uint8_t(0), uint8_t(s), uint8_t(2)}) {
      ASSERT_EQ(r.msr(), 0xB0);
      r.out(5, b);
    }
  }
  r.settle();
  EXPECT_EQ(r.results(), (Bytes{0x00, 0x00, 0x00, 0, 0, 18, 2}));
  EXPECT_EQ(r.disk->data()[FdcRig::chs(0, 0, 18) + 511], 0x00);
  EXPECT_EQ(r.disk->data()[FdcRig::chs(0, 1, 1)], fdc_pattern(FdcRig::chs(0, 1, 1)));
}

TEST(DevFdcXfer, Verify) {
  FdcRig r;
  ready(r);
  // EC=1: SC=3 sectors from R4.
  EXPECT_EQ(r.run({0x56, 0x80, 0, 0, 4, 2, 18, 0x1B, 3}), (Bytes{0x00, 0x00, 0x00, 0, 0, 7, 2}));
  // EC=0: to EOT, ends normally.
  EXPECT_EQ(r.run({0x56, 0x00, 0, 0, 15, 2, 18, 0x1B, 0xFF}), (Bytes{0x00, 0x00, 0x00, 1, 0, 1, 2}));
  // EC=1 with more sectors than the side has: end of cylinder.
  EXPECT_EQ(r.run({0x56, 0x80, 0, 0, 17, 2, 18, 0x1B, 5}), (Bytes{0x40, 0x80, 0x00, 1, 0, 1, 2}));
  // MT + EC=1 across the sides.
  EXPECT_EQ(r.run({0xD6, 0x80, 0, 0, 18, 2, 18, 0x1B, 2}), (Bytes{0x04, 0x00, 0x00, 0, 1, 2, 2}));
}

TEST(DevFdcXfer, ReadDeletedDataSkipRules) {
  FdcRig r;
  ready(r);
  r.dma2(0x46, 0x10000, 4096);
  // SK=0: the normal-mark sector is read, CM set, the command ends there.
  EXPECT_EQ(r.run({0x4C, 0x00, 0, 0, 5, 2, 18, 0x1B, 0xFF}), (Bytes{0x00, 0x00, 0x40, 0, 0, 5, 2}));
  EXPECT_TRUE(ram_matches_image(r, 0x10000, FdcRig::chs(0, 0, 5), 512));
  EXPECT_EQ(r.dma.remaining(2), 4096u - 512u);
  // SK=1: every sector is skipped to the end of the track.
  EXPECT_EQ(r.run({0x6C, 0x00, 0, 0, 16, 2, 18, 0x1B, 0xFF}), (Bytes{0x40, 0x80, 0x40, 1, 0, 1, 2}));
  EXPECT_EQ(r.dma.remaining(2), 4096u - 512u);
}

TEST(DevFdcXfer, ReadTrackReadsFromTheIndex) {
  FdcRig r;
  ready(r);
  r.dma2(0x46, 0x10000, 3 * 512);
  // R=9 does not matter: the track is read from its first sector; TC after three.
  EXPECT_EQ(r.run({0x42, 0x00, 0, 0, 9, 2, 18, 0x1B, 0xFF}), (Bytes{0x00, 0x00, 0x00, 0, 0, 12, 2}));
  EXPECT_TRUE(ram_matches_image(r, 0x10000, 0, 3 * 512));
  // An ID that is not on the track: ND, the data still comes.
  r.dma2(0x46, 0x10000, 512);
  std::memset(r.mem.ram() + 0x10000, 0, 512);
  EXPECT_EQ(r.run({0x42, 0x00, 0, 0, 30, 2, 18, 0x1B, 0xFF})[1], 0x04);
  EXPECT_TRUE(ram_matches_image(r, 0x10000, 0, 512));
}

TEST(DevFdcXfer, ScanEqualFindsTheSectorWithStep) {
  FdcRig r;
  ready(r);
  // STP 2 compares R1, R3, R5, each with the next 512 bytes from DMA; the third block
  // is sector 5 with a few don't-care bytes.
  uint8_t* host = r.mem.ram() + 0x20000;
  std::memset(host, 0x5A, 1024);
  std::memcpy(host + 1024, r.disk->data().data() + FdcRig::chs(0, 0, 5), 512);
  host[1024] = host[1124] = 0xFF;
  r.dma2(0x4A, 0x20000, 8192);
  EXPECT_EQ(r.run({0x51, 0x00, 0, 0, 1, 2, 18, 0x1B, 2}), (Bytes{0x00, 0x00, 0x08, 0, 0, 5, 2}));
  EXPECT_EQ(r.dma.remaining(2), 8192u - 3 * 512);
  // Nothing on the track matches: SN at EOT.
  std::memset(host, 0x5A, 512);
  host[7] = 0x00;
  r.dma2(0x4A, 0x20000, 8192);
  EXPECT_EQ(r.run({0x51, 0x00, 0, 0, 15, 2, 18, 0x1B, 1}), (Bytes{0x00, 0x00, 0x04, 0, 0, 18, 2}));
}

TEST(DevFdcXfer, ScanLowAndHighOrEqual) {
  FdcRig r;
  ready(r);
  const uint8_t* disk = r.disk->data().data() + FdcRig::chs(0, 0, 2);
  uint8_t* host = r.mem.ram() + 0x20000;
  // Every host byte >= the disk's, one strictly greater: LOW OR EQUAL holds, not equal.
  std::memcpy(host, disk, 512);
  unsigned k = 0;
  while (disk[k] >= 0xFE) ++k;
  host[k] = uint8_t(disk[k] + 1);
  r.dma2(0x4A, 0x20000, 512);
  EXPECT_EQ(r.run({0x59, 0x00, 0, 0, 2, 2, 18, 0x1B, 1}), (Bytes{0x00, 0x00, 0x00, 0, 0, 2, 2}));
  // The same data for HIGH OR EQUAL: the sector fails, TC ends the scan with SN.
  r.dma2(0x4A, 0x20000, 512);
  EXPECT_EQ(r.run({0x5D, 0x00, 0, 0, 2, 2, 18, 0x1B, 1}), (Bytes{0x00, 0x00, 0x04, 0, 0, 2, 2}));
  // All zeros: HIGH OR EQUAL holds for any sector.
  std::memset(host, 0, 512);
  r.dma2(0x4A, 0x20000, 512);
  EXPECT_EQ(r.run({0x5D, 0x00, 0, 0, 9, 2, 18, 0x1B, 1})[2], 0x00);
}

TEST(DevFdcXfer, NonDmaScan) {
  FdcRig r;
  ready(r, true);
  r.cmd({0x51, 0x00, 0, 0, 3, 2, 18, 0x1B, 1});
  r.settle();
  const uint8_t* disk = r.disk->data().data() + FdcRig::chs(0, 0, 3);
  for (unsigned k = 0; k < 512; ++k) {
    ASSERT_EQ(r.msr(), 0xB0);
    r.out(5, disk[k]);
  }
  r.settle();
  EXPECT_EQ(r.results(), (Bytes{0x00, 0x00, 0x08, 0, 0, 3, 2}));
}

TEST(DevFdcXfer, OtherFormatsAtTheirRates) {
  {
    FdcRig r(2949120);
    ready(r);
    r.out(7, kRate1M);
    r.run({0x0F, 0x04, 79});
    r.run({0x08});
    r.dma2(0x46, 0x10000, 512);
    EXPECT_EQ(r.run({0x46, 0x04, 79, 1, 36, 2, 36, 0x1B, 0xFF}),
              (Bytes{0x04, 0x00, 0x00, 80, 1, 1, 2}));
    EXPECT_TRUE(ram_matches_image(r, 0x10000, 2949120 - 512, 512));
  }
  {
    FdcRig r(368640);
    ready(r);
    r.out(7, kRate300k);  // a 360K disk in a 1.2M drive
    r.run({0x0F, 0x00, 39});
    r.run({0x08});
    r.dma2(0x46, 0x10000, 512);
    EXPECT_EQ(r.run({0x46, 0x00, 39, 0, 9, 2, 9, 0x1B, 0xFF})[0], 0x00);
    EXPECT_TRUE(ram_matches_image(r, 0x10000, FdcRig::chs(39, 0, 9, 2, 9), 512));
    r.run({0x0F, 0x00, 40});  // the drive steps on; the medium has no track 40
    r.run({0x08});
    EXPECT_EQ(r.run({0x46, 0x00, 40, 0, 1, 2, 9, 0x1B, 0xFF})[1], 0x01);
  }
}

TEST(DevFdcXfer, ClosedDmaChannelOverruns) {
  FdcRig r;
  ready(r);
  r.bus.write(0x0A, 1, 0x06);  // channel 2 masked
  r.cmd({0x46, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF});
  r.after(Fdc82077::kSectorNs * 4);
  EXPECT_EQ(r.msr(), 0x10);  // still waiting for DACK
  r.settle();
  EXPECT_EQ(r.results(), (Bytes{0x40, 0x10, 0x00, 0, 0, 1, 2}));  // OR
}

TEST(DevFdcXfer, DmaOpenedLateStillTransfers) {
  FdcRig r;
  ready(r);
  r.bus.write(0x0A, 1, 0x06);
  r.cmd({0x46, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF});
  r.after(Fdc82077::kSectorNs * 3);
  r.dma2(0x46, 0x10000, 512);
  r.settle();
  EXPECT_EQ(r.results(), (Bytes{0x00, 0x00, 0x00, 0, 0, 2, 2}));
  EXPECT_TRUE(ram_matches_image(r, 0x10000, 0, 512));
}

}  // namespace
}  // namespace rz
