// tests/unit/test_dev_ide_atapi.cpp: the ATAPI CD-ROM through the channel's ports: the
// packet signature, IDENTIFY PACKET DEVICE, the PACKET protocol phases (interrupt
// reason, byte count limit, DRQ blocks) and each SCSI command with its sense data.
#include <gtest/gtest.h>

#include <string>

#include "test_dev_ide_rig.h"

namespace rz {
namespace {

using test::IdeRig;
using test::image_byte;
using test::make_image;
using test::ProbeBlockDevice;

constexpr uint32_t kBlocks = 600;  // a small CD

struct CdRig : IdeRig {
  ProbeBlockDevice disc{make_image(size_t(kBlocks) * 2048), true};
  AtapiCdrom& cd;
  explicit CdRig(bool with_disc = true, unsigned unit = 0)
      : cd(ch.attach<AtapiCdrom>(unit, with_disc ? &disc : nullptr)) {
    devctl(0);
  }

  struct Reply {
    uint8_t status = 0, error = 0;
    std::vector<uint8_t> data;
    std::vector<uint16_t> block_sizes;
  };
  // One command through the packet protocol, PIO, reading every DRQ block.
  Reply packet(std::vector<uint8_t> cdb, uint16_t limit = 0xFFFE, unsigned unit = 0) {
    cdb.resize(12);
    out(ata::kRegFeature, 0);
    out(ata::kRegLcyl, uint8_t(limit));
    out(ata::kRegHcyl, uint8_t(limit >> 8));
    select(unit);
    command(0xA0);
    Reply r;
    uint8_t s = wait_not_busy();
    EXPECT_EQ(s & ata::kDrq, ata::kDrq) << "no DRQ for the command packet";
    EXPECT_EQ(in(ata::kRegNsect) & 3, 1) << "interrupt reason: CoD";
    int edges = irq_edges;
    write_data(cdb.data(), 12);
    EXPECT_EQ(irq_edges, edges) << "no interrupt for the packet DRQ";
    for (;;) {
      s = wait_not_busy();
      EXPECT_TRUE(irq()) << "every phase interrupts";
      s = in(ata::kRegStatus);
      uint8_t reason = in(ata::kRegNsect) & 3;
      if (!(s & ata::kDrq)) {
        EXPECT_EQ(reason, 3) << "status phase: IO and CoD";
        break;
      }
      EXPECT_EQ(reason, 2) << "data phase: IO";
      uint16_t n = uint16_t(in(ata::kRegLcyl) | in(ata::kRegHcyl) << 8);
      r.block_sizes.push_back(n);
      auto d = read_data(n);  // an odd count is read as whole words
      d.resize(n);
      r.data.insert(r.data.end(), d.begin(), d.end());
    }
    r.status = s;
    r.error = in(ata::kRegError);
    return r;
  }
  std::vector<uint8_t> sense() {
    Reply r = packet({0x03, 0, 0, 0, 18});
    return r.data;
  }
  // Consume the power-on UNIT ATTENTION.
  void clear_ua() { packet({0x00}); }
};

uint32_t be32(const std::vector<uint8_t>& v, size_t at) {
  return uint32_t(v[at]) << 24 | uint32_t(v[at + 1]) << 16 | uint32_t(v[at + 2]) << 8 | v[at + 3];
}
uint16_t be16(const std::vector<uint8_t>& v, size_t at) { return uint16_t(v[at] << 8 | v[at + 1]); }

TEST(DevIdeAtapi, SignatureIdentifyAndAtaCommands) {
  CdRig r;
  EXPECT_EQ(r.in(ata::kRegStatus), 0x00);  // no DRDY after reset
  EXPECT_EQ(r.in(ata::kRegNsect), 1);
  EXPECT_EQ(r.in(ata::kRegSector), 1);
  EXPECT_EQ(r.in(ata::kRegLcyl), 0x14);
  EXPECT_EQ(r.in(ata::kRegHcyl), 0xEB);
  // IDENTIFY DEVICE aborts and leaves the signature for the driver to see.
  r.out(ata::kRegLcyl, 0);
  r.out(ata::kRegHcyl, 0);
  r.command(0xEC);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kErr);
  EXPECT_EQ(r.in(ata::kRegError), ata::kAbrt);
  EXPECT_EQ(r.in(ata::kRegLcyl), 0x14);
  EXPECT_EQ(r.in(ata::kRegHcyl), 0xEB);
  std::vector<uint16_t> id = r.identify(0, 0xA1);
  ASSERT_EQ(id.size(), 256u);
  EXPECT_EQ(id[0], 0x85C0);
  std::string model;
  for (int w = 27; w < 47; ++w) model += char(id[w] >> 8), model += char(id[w] & 0xFF);
  EXPECT_EQ(model.substr(0, 16), "RINGZERO DVD-ROM");
  EXPECT_EQ(id[49] & 0x0300, 0x0300);
  EXPECT_EQ(id[82] & 0x0210, 0x0210);  // PACKET and DEVICE RESET
  EXPECT_EQ(id[93] & 0xDF61, 0x4041);
  uint8_t sum = 0;
  for (uint16_t w : id) sum = uint8_t(sum + (w & 0xFF) + (w >> 8));
  EXPECT_EQ(sum, 0);
  EXPECT_EQ(r.alt(), ata::kDrdy | ata::kDsc);
  // CHECK POWER MODE and SET FEATURES work; READ SECTORS aborts with the signature.
  r.command(0xE5);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.in(ata::kRegNsect), 0xFF);
  r.out(ata::kRegFeature, 0x03);
  r.out(ata::kRegNsect, 0x21);
  r.command(0xEF);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.identify(0, 0xA1)[63], 0x0207);
  r.command(0x20);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kErr);
  EXPECT_EQ(r.in(ata::kRegHcyl), 0xEB);
}

TEST(DevIdeAtapi, UnitAttentionAfterPowerOnThenReady) {
  CdRig r;
  auto t = r.packet({0x00});
  EXPECT_EQ(t.status, ata::kDrdy | ata::kErr);
  EXPECT_EQ(t.error >> 4, scsi::kUnitAttention);
  auto s = r.sense();
  ASSERT_EQ(s.size(), 18u);
  EXPECT_EQ(s[0], 0x70);
  EXPECT_EQ(s[2], scsi::kUnitAttention);
  EXPECT_EQ(s[7], 10);
  EXPECT_EQ(s[12], 0x29);
  t = r.packet({0x00});
  EXPECT_EQ(t.status, ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.sense()[2], scsi::kNoSense);
}

TEST(DevIdeAtapi, RequestSenseReportsAPendingUnitAttention) {
  CdRig r;
  auto s = r.sense();  // REQUEST SENSE does not fail on UA: it reports it
  EXPECT_EQ(s[2], scsi::kUnitAttention);
  EXPECT_EQ(s[12], 0x29);
  EXPECT_EQ(r.packet({0x00}).status, ata::kDrdy | ata::kDsc);
}

TEST(DevIdeAtapi, InquiryAndReadCapacity) {
  CdRig r;
  auto q = r.packet({0x12, 0, 0, 0, 36});  // INQUIRY is not blocked by UNIT ATTENTION
  ASSERT_EQ(q.data.size(), 36u);
  EXPECT_EQ(q.data[0], 0x05);
  EXPECT_EQ(q.data[1], 0x80);
  EXPECT_EQ(std::string(q.data.begin() + 8, q.data.begin() + 16), "RINGZERO");
  EXPECT_EQ(std::string(q.data.begin() + 16, q.data.begin() + 32), "DVD-ROM         ");
  EXPECT_EQ(r.packet({0x12, 0, 0, 0, 5}).data.size(), 5u);  // allocation length
  auto e = r.packet({0x12, 1, 0x80, 0, 36});                 // no VPD pages
  EXPECT_EQ(e.error >> 4, scsi::kIllegalRequest);
  EXPECT_EQ(r.sense()[12], 0x24);
  r.clear_ua();
  auto c = r.packet({0x25});
  ASSERT_EQ(c.data.size(), 8u);
  EXPECT_EQ(be32(c.data, 0), kBlocks - 1);
  EXPECT_EQ(be32(c.data, 4), 2048u);
}

TEST(DevIdeAtapi, Read10InDrqBlocksUnderTheByteCountLimit) {
  CdRig r;
  r.clear_ua();
  // 3 blocks with a limit of 2048: three DRQ blocks of one sector each.
  auto a = r.packet({0x28, 0, 0, 0, 0, 10, 0, 0, 3}, 2048);
  EXPECT_EQ(a.status, ata::kDrdy | ata::kDsc);
  EXPECT_EQ(a.block_sizes, (std::vector<uint16_t>{2048, 2048, 2048}));
  ASSERT_EQ(a.data.size(), 3u * 2048);
  for (size_t k = 0; k < a.data.size(); ++k) ASSERT_EQ(a.data[k], image_byte(10 * 2048 + k));
  // A limit that is not a multiple of the block size: blocks straddle sectors.
  auto b = r.packet({0x28, 0, 0, 0, 1, 0, 0, 0, 2}, 3001);  // odd limit rounds down
  EXPECT_EQ(b.block_sizes, (std::vector<uint16_t>{3000, 1096}));
  for (size_t k = 0; k < b.data.size(); ++k) ASSERT_EQ(b.data[k], image_byte(256 * 2048 + k));
  // Limit 0 means the largest even count; READ(12) reads the same way.
  auto c = r.packet({0xA8, 0, 0, 0, 0, 20, 0, 0, 0, 40}, 0);
  EXPECT_EQ(c.block_sizes, (std::vector<uint16_t>{0xFFFE, 40 * 2048 - 0xFFFE}));
  for (size_t k = 0; k < c.data.size(); ++k) ASSERT_EQ(c.data[k], image_byte(20 * 2048 + k));
  // A zero-length read has no data phase.
  EXPECT_TRUE(r.packet({0x28, 0, 0, 0, 0, 0, 0, 0, 0}).data.empty());
  // Out of range: ILLEGAL REQUEST / LOGICAL BLOCK ADDRESS OUT OF RANGE.
  auto d = r.packet({0x28, 0, 0, 0, 0x02, 0x57, 0, 0, 2});  // 599 + 2 > 600
  EXPECT_EQ(d.status, ata::kDrdy | ata::kErr);
  EXPECT_EQ(d.error, scsi::kIllegalRequest << 4);
  auto s = r.sense();
  EXPECT_EQ(s[2], scsi::kIllegalRequest);
  EXPECT_EQ(s[12], 0x21);
}

TEST(DevIdeAtapi, ReadTocFormats) {
  CdRig r;
  r.clear_ua();
  // Format 0, LBA: track 1 at 0, lead-out at 600.
  auto t = r.packet({0x43, 0, 0, 0, 0, 0, 0, 0x03, 0x24});
  ASSERT_EQ(t.data.size(), 20u);
  EXPECT_EQ(be16(t.data, 0), 18);
  EXPECT_EQ(t.data[2], 1);
  EXPECT_EQ(t.data[3], 1);
  EXPECT_EQ(t.data[5], 0x14);
  EXPECT_EQ(t.data[6], 1);
  EXPECT_EQ(be32(t.data, 8), 0u);
  EXPECT_EQ(t.data[14], 0xAA);
  EXPECT_EQ(be32(t.data, 16), kBlocks);
  // MSF: track 1 at 00:02:00, lead-out at 600 + 150 = 750 frames = 00:10:00.
  auto m = r.packet({0x43, 0x02, 0, 0, 0, 0, 0, 0x03, 0x24});
  EXPECT_EQ(be32(m.data, 8), 0x00000200u);
  EXPECT_EQ(be32(m.data, 16), 0x00000A00u);
  // Starting at the lead-out only; a track past the last is an error.
  auto l = r.packet({0x43, 0, 0, 0, 0, 0, 0xAA, 0x03, 0x24});
  EXPECT_EQ(l.data.size(), 12u);
  EXPECT_EQ(l.data[6], 0xAA);
  EXPECT_EQ(r.packet({0x43, 0, 0, 0, 0, 0, 2, 0x03, 0x24}).error >> 4, scsi::kIllegalRequest);
  // Format 1: session info; also when asked through the old byte-9 field.
  auto s = r.packet({0x43, 0, 1, 0, 0, 0, 0, 0, 12});
  ASSERT_EQ(s.data.size(), 12u);
  EXPECT_EQ(be16(s.data, 0), 10);
  EXPECT_EQ(s.data[6], 1);
  auto s9 = r.packet({0x43, 0, 0, 0, 0, 0, 0, 0, 12, 0x40});
  EXPECT_EQ(s9.data, s.data);
  // Format 2: raw TOC, points A0 A1 A2 and 1, in MSF.
  auto raw = r.packet({0x43, 0, 2, 0, 0, 0, 1, 0x03, 0x24});
  ASSERT_EQ(raw.data.size(), 4u + 4 * 11);
  EXPECT_EQ(raw.data[4 + 3], 0xA0);
  EXPECT_EQ(raw.data[4 + 8], 1);
  EXPECT_EQ(raw.data[15 + 3], 0xA1);
  EXPECT_EQ(raw.data[26 + 3], 0xA2);
  EXPECT_EQ(raw.data[26 + 8], 0);
  EXPECT_EQ(raw.data[26 + 9], 10);
  EXPECT_EQ(raw.data[26 + 10], 0);
  EXPECT_EQ(raw.data[37 + 3], 1);
  EXPECT_EQ(raw.data[37 + 9], 2);
  // Formats beyond 2 are not supported; the allocation length trims.
  EXPECT_EQ(r.packet({0x43, 0, 4, 0, 0, 0, 0, 0, 100}).error >> 4, scsi::kIllegalRequest);
  EXPECT_EQ(r.packet({0x43, 0, 0, 0, 0, 0, 0, 0, 4}).data.size(), 4u);
}

TEST(DevIdeAtapi, ModeSenseCapabilitiesPage) {
  CdRig r;
  r.clear_ua();
  auto p = r.packet({0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64});
  ASSERT_EQ(p.data.size(), 8u + 22);
  EXPECT_EQ(be16(p.data, 0), 28);
  EXPECT_EQ(p.data[8], 0x2A);
  EXPECT_EQ(p.data[9], 0x14);
  EXPECT_EQ(p.data[14] & 0x29, 0x29);  // tray, eject, lock
  EXPECT_EQ(p.data[14] & 0x02, 0);     // not locked
  r.packet({0x1E, 0, 0, 0, 1});        // PREVENT
  p = r.packet({0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64});
  EXPECT_EQ(p.data[14] & 0x02, 0x02);
  // SET CD SPEED shows as the current read speed (bytes 14-15 of the page).
  r.packet({0xBB, 0, 0x02, 0xC2});  // 706 kB/s
  p = r.packet({0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64});
  EXPECT_EQ(be16(p.data, 8 + 14), 706);
  // Changeable values are zero; saved values are not supported; unknown pages fail.
  auto ch = r.packet({0x5A, 0, 0x40 | 0x2A, 0, 0, 0, 0, 0, 64});
  EXPECT_EQ(ch.data[8], 0x2A);
  EXPECT_EQ(ch.data[14], 0);
  auto sv = r.packet({0x5A, 0, 0xC0 | 0x2A, 0, 0, 0, 0, 0, 64});
  EXPECT_EQ(sv.error >> 4, scsi::kIllegalRequest);
  EXPECT_EQ(r.sense()[12], 0x39);
  EXPECT_EQ(r.packet({0x5A, 0, 0x05, 0, 0, 0, 0, 0, 64}).error >> 4, scsi::kIllegalRequest);
  auto all = r.packet({0x5A, 0, 0x3F, 0, 0, 0, 0, 1, 0});
  EXPECT_EQ(all.data.size(), 8u + 12 + 8 + 22);
}

TEST(DevIdeAtapi, GetConfigurationProfiles) {
  CdRig r;
  auto g = r.packet({0x46, 0, 0, 0, 0, 0, 0, 1, 0});  // not blocked by UNIT ATTENTION
  ASSERT_GE(g.data.size(), 8u);
  EXPECT_EQ(be32(g.data, 0), g.data.size() - 4);
  EXPECT_EQ(be16(g.data, 6), 0x0008);  // CD-ROM current
  EXPECT_EQ(be16(g.data, 8), 0x0000);  // profile list first
  // RT=2: just the requested feature (core: ATAPI interface).
  auto core = r.packet({0x46, 2, 0, 1, 0, 0, 0, 0, 64});
  ASSERT_EQ(core.data.size(), 8u + 8);
  EXPECT_EQ(be16(core.data, 8), 0x0001);
  EXPECT_EQ(be32(core.data, 12), 2u);
  // RT=1: only current features; the DVD read feature is not current with a CD.
  auto cur = r.packet({0x46, 1, 0, 0, 0, 0, 0, 1, 0});
  bool dvd_feature = false;
  for (size_t at = 8; at + 4 <= cur.data.size(); at += 4 + cur.data[at + 3])
    if (be16(cur.data, at) == 0x001F) dvd_feature = true;
  EXPECT_FALSE(dvd_feature);
  EXPECT_EQ(r.packet({0x46, 3}).error >> 4, scsi::kIllegalRequest);
  // A large image is a DVD; an empty drive has no current profile.
  test::ZeroBlockDevice dvd{uint64_t(500000) * 2048};
  r.cd.insert_media(&dvd);
  EXPECT_EQ(be16(r.packet({0x46, 0, 0, 0, 0, 0, 0, 0, 8}).data, 6), 0x0010);
  r.cd.eject_media();
  EXPECT_EQ(be16(r.packet({0x46, 0, 0, 0, 0, 0, 0, 0, 8}).data, 6), 0x0000);
}

TEST(DevIdeAtapi, MediaChangesAndEvents) {
  CdRig r;
  r.clear_ua();
  auto events = [&] { return r.packet({0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8}).data; };
  auto e = events();
  ASSERT_EQ(e.size(), 8u);
  EXPECT_EQ(be16(e, 0), 6);
  EXPECT_EQ(e[2], 0x04);
  EXPECT_EQ(e[4], 0);     // no event
  EXPECT_EQ(e[5], 0x02);  // media present, tray closed
  // Not polled: refused.  Other classes only: no event available.
  EXPECT_EQ(r.packet({0x4A, 0, 0, 0, 0x10, 0, 0, 0, 8}).error >> 4, scsi::kIllegalRequest);
  auto n = r.packet({0x4A, 1, 0, 0, 0x02, 0, 0, 0, 8}).data;
  ASSERT_EQ(n.size(), 4u);
  EXPECT_EQ(n[2], 0x80);
  // The host ejects the disc: NOT READY / MEDIUM NOT PRESENT, tray open.
  ASSERT_TRUE(r.cd.eject_media());
  e = events();
  EXPECT_EQ(e[4], 3);     // media removal
  EXPECT_EQ(e[5], 0x01);  // tray open, no media
  auto t = r.packet({0x00});
  EXPECT_EQ(t.error >> 4, scsi::kNotReady);
  auto s = r.sense();
  EXPECT_EQ(s[12], 0x3A);
  EXPECT_EQ(s[13], 0x02);
  EXPECT_EQ(r.packet({0x25}).error >> 4, scsi::kNotReady);
  EXPECT_EQ(r.packet({0x28, 0, 0, 0, 0, 0, 0, 0, 1}).error >> 4, scsi::kNotReady);
  // A new disc: UNIT ATTENTION (medium may have changed) once, then ready.
  ProbeBlockDevice other{make_image(100 * 2048), true};
  r.cd.insert_media(&other);
  EXPECT_EQ(events()[4], 2);  // new media
  t = r.packet({0x00});
  EXPECT_EQ(t.error >> 4, scsi::kUnitAttention);
  EXPECT_EQ(r.sense()[12], 0x28);
  EXPECT_EQ(be32(r.packet({0x25}).data, 0), 99u);
}

TEST(DevIdeAtapi, StartStopAndPreventRemoval) {
  CdRig r;
  r.clear_ua();
  r.packet({0x1E, 0, 0, 0, 1});  // PREVENT
  auto ej = r.packet({0x1B, 0, 0, 0, 0x02});
  EXPECT_EQ(ej.error >> 4, scsi::kIllegalRequest);
  auto s = r.sense();
  EXPECT_EQ(s[12], 0x53);
  EXPECT_EQ(s[13], 0x02);
  EXPECT_FALSE(r.cd.eject_media());  // the host's eject button is refused too
  r.packet({0x1E, 0, 0, 0, 0});      // ALLOW
  EXPECT_EQ(r.packet({0x1B, 0, 0, 0, 0x02}).status, ata::kDrdy | ata::kDsc);
  EXPECT_TRUE(r.cd.tray_open());
  EXPECT_EQ(r.packet({0x00}).error >> 4, scsi::kNotReady);
  auto m = r.packet({0xBD, 0, 0, 0, 0, 0, 0, 0, 0, 8});
  EXPECT_EQ(m.data[1] & 0x10, 0x10);  // MECHANISM STATUS: door open
  // Load: the tray closes with the same disc, which reports a medium change.
  EXPECT_EQ(r.packet({0x1B, 0, 0, 0, 0x03}).status, ata::kDrdy | ata::kDsc);
  EXPECT_FALSE(r.cd.tray_open());
  EXPECT_EQ(r.packet({0x00}).error >> 4, scsi::kUnitAttention);
  EXPECT_EQ(r.packet({0x00}).status, ata::kDrdy | ata::kDsc);
  // Spin up/down without LoEj changes nothing.
  EXPECT_EQ(r.packet({0x1B, 0, 0, 0, 0x00}).status, ata::kDrdy | ata::kDsc);
  EXPECT_TRUE(r.cd.has_media());
}

TEST(DevIdeAtapi, EmptyDriveIsNotReady) {
  CdRig r(false);
  r.clear_ua();
  auto t = r.packet({0x00});
  EXPECT_EQ(t.status, ata::kDrdy | ata::kErr);
  EXPECT_EQ(t.error, scsi::kNotReady << 4);
  auto s = r.sense();
  EXPECT_EQ(s[12], 0x3A);
  EXPECT_EQ(s[13], 0x01);  // tray closed
  EXPECT_EQ(r.packet({0x43, 0, 0, 0, 0, 0, 0, 0, 12}).error >> 4, scsi::kNotReady);
  EXPECT_EQ(r.packet({0x51, 0, 0, 0, 0, 0, 0, 0, 34}).error >> 4, scsi::kNotReady);
  EXPECT_EQ(r.packet({0x12, 0, 0, 0, 36}).data.size(), 36u);  // INQUIRY still answers
}

TEST(DevIdeAtapi, ReadDiscInformationAndUnknownOpcodes) {
  CdRig r;
  r.clear_ua();
  auto d = r.packet({0x51, 0, 0, 0, 0, 0, 0, 0, 34});
  ASSERT_EQ(d.data.size(), 34u);
  EXPECT_EQ(be16(d.data, 0), 32);
  EXPECT_EQ(d.data[2] & 0x03, 0x02);  // disc complete
  EXPECT_EQ(d.data[3], 1);
  EXPECT_EQ(d.data[6], 1);
  EXPECT_EQ(r.packet({0x51, 1, 0, 0, 0, 0, 0, 0, 34}).error >> 4, scsi::kIllegalRequest);
  for (uint8_t op : {0x2A, 0x1A, 0x55, 0xAD}) {  // WRITE(10), MODE SENSE(6), MODE SELECT, ...
    auto u = r.packet({op});
    EXPECT_EQ(u.error, scsi::kIllegalRequest << 4) << std::hex << int(op);
    auto s = r.sense();
    EXPECT_EQ(s[12], 0x20);
  }
}

TEST(DevIdeAtapi, MediumErrorDuringRead) {
  CdRig r;
  r.clear_ua();
  r.disc.fail_from = 5 * 2048;
  auto a = r.packet({0x28, 0, 0, 0, 0, 3, 0, 0, 4}, 2048);
  EXPECT_EQ(a.block_sizes.size(), 2u);  // blocks 3 and 4 arrive, then the error
  EXPECT_EQ(a.error >> 4, scsi::kMediumError);
  EXPECT_EQ(r.sense()[12], 0x11);
}

TEST(DevIdeAtapi, DeviceResetWhileBusy) {
  CdRig r;
  r.clear_ua();
  r.out(ata::kRegLcyl, 0);
  r.out(ata::kRegHcyl, 8);
  r.select(0);
  r.command(0xA0);
  r.wait_not_busy();
  std::vector<uint8_t> cdb = {0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0};
  r.write_data(cdb.data(), 12);
  ASSERT_EQ(r.alt() & ata::kBsy, ata::kBsy);
  r.command(0x08);  // DEVICE RESET is taken even while busy
  EXPECT_EQ(r.wait_not_busy(), 0x00);
  EXPECT_EQ(r.in(ata::kRegLcyl), 0x14);
  EXPECT_EQ(r.in(ata::kRegHcyl), 0xEB);
  EXPECT_EQ(r.packet({0x00}).status, ata::kDrdy | ata::kDsc);
}

TEST(DevIdeAtapi, AsSlaveBehindADisk) {
  IdeRig r;
  ProbeBlockDevice disk{make_image(1u << 20)};
  ProbeBlockDevice disc{make_image(50 * 2048), true};
  r.ch.attach<AtaDisk>(0, disk);
  r.ch.attach<AtapiCdrom>(1, &disc);
  std::vector<uint16_t> id0 = r.identify(0);
  EXPECT_EQ(id0[93] & 0x0030, 0x0030);  // device 1 answered at reset
  EXPECT_TRUE(r.identify(1, 0xEC).empty());  // aborts: no DRQ
  EXPECT_EQ(r.in(ata::kRegLcyl), 0x14);
  std::vector<uint16_t> id1 = r.identify(1, 0xA1);
  ASSERT_EQ(id1.size(), 256u);
  EXPECT_EQ(id1[0], 0x85C0);
  EXPECT_EQ(id1[93] & 0x1F00, 0x0B00);
}

}  // namespace
}  // namespace rz
