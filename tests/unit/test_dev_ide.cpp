// tests/unit/test_dev_ide.cpp: the ATA channel and hard disk through their ports on the
// virtual clock: signatures and resets, device selection, IDENTIFY DEVICE contents, PIO
// reads and writes (LBA28, LBA48 with HOB, CHS after INITIALIZE DEVICE PARAMETERS,
// multiple mode), the non-data commands, interrupts and nIEN, and every error path.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <numeric>
#include <string>

#include "devices/block_file.h"
#include "test_dev_ide_rig.h"

namespace rz {
namespace {

using test::IdeRig;
using test::image_byte;
using test::make_image;
using test::ProbeBlockDevice;

constexpr size_t kDiskBytes = 8u << 20;  // 16384 sectors

struct AtaRig : IdeRig {
  ProbeBlockDevice disk{make_image(kDiskBytes)};
  AtaDisk& ata;
  AtaRig() : ata(ch.attach<AtaDisk>(0, disk)) {}
};

std::string id_string(const std::vector<uint16_t>& id, unsigned first, unsigned words) {
  std::string s;
  for (unsigned w = first; w < first + words; ++w) s += char(id[w] >> 8), s += char(id[w] & 0xFF);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

void expect_image(const std::vector<uint8_t>& got, uint64_t offset) {
  for (size_t k = 0; k < got.size(); ++k)
    ASSERT_EQ(got[k], image_byte(offset + k)) << "byte " << k << " of the data at " << offset;
}

TEST(DevIde, PowerOnSignatureAndAbsentSlave) {
  AtaRig r;
  EXPECT_EQ(r.in(ata::kRegStatus), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.in(ata::kRegError), 0x01);
  EXPECT_EQ(r.in(ata::kRegNsect), 1);
  EXPECT_EQ(r.in(ata::kRegSector), 1);
  EXPECT_EQ(r.in(ata::kRegLcyl), 0);
  EXPECT_EQ(r.in(ata::kRegHcyl), 0);
  // Device 1 is absent: status reads 00h, the registers read back what was written
  // (the SeaBIOS/Linux presence probe), and commands to it are ignored.
  r.select(1);
  EXPECT_EQ(r.in(ata::kRegSelect), 0xB0);
  r.out(ata::kRegNsect, 0x55);
  r.out(ata::kRegSector, 0xAA);
  EXPECT_EQ(r.in(ata::kRegNsect), 0x55);
  EXPECT_EQ(r.in(ata::kRegSector), 0xAA);
  EXPECT_EQ(r.in(ata::kRegStatus), 0x00);
  EXPECT_EQ(r.alt(), 0x00);
  r.command(0xEC);
  r.step(1'000'000);
  EXPECT_EQ(r.alt(), 0x00);
  EXPECT_EQ(r.irq_edges, 0);
  // Device 0 saw the same register writes.
  r.select(0);
  EXPECT_EQ(r.in(ata::kRegNsect), 0x55);
}

TEST(DevIde, EmptyChannelReadsZeroAndUndecodedChannelFloats) {
  IdeRig r;
  EXPECT_EQ(r.in(ata::kRegStatus), 0x00);
  EXPECT_EQ(r.alt(), 0x00);
  r.out(ata::kRegNsect, 0x55);
  EXPECT_EQ(r.in(ata::kRegNsect), 0x00);
  r.ch.set_decode(false);
  EXPECT_EQ(r.in(ata::kRegStatus), 0xFF);
  EXPECT_EQ(r.alt(), 0xFF);
  EXPECT_EQ(r.in16(), 0xFFFF);
}

TEST(DevIde, IdentifyDeviceContents) {
  AtaRig r;
  r.devctl(0);  // interrupts on
  r.select(0);
  r.command(0xEC);
  EXPECT_EQ(r.alt() & (ata::kBsy | ata::kDrq), ata::kBsy);  // busy first, no data yet
  EXPECT_FALSE(r.irq());
  uint8_t s = r.wait_not_busy();
  EXPECT_EQ(s, ata::kDrdy | ata::kDsc | ata::kDrq);
  EXPECT_TRUE(r.irq());
  EXPECT_EQ(r.in(ata::kRegStatus), s);  // reading Status acknowledges the interrupt
  EXPECT_FALSE(r.irq());
  std::vector<uint16_t> id;
  for (int k = 0; k < 256; ++k) id.push_back(r.in16());
  EXPECT_EQ(r.alt(), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(id[0], 0x0040);
  // 16384 sectors: 16 heads x 63 sectors, 16 cylinders (16128 sectors by CHS).
  EXPECT_EQ(id[1], 16);
  EXPECT_EQ(id[3], 16);
  EXPECT_EQ(id[6], 63);
  EXPECT_EQ(id[54], 16);
  EXPECT_EQ(id[55], 16);
  EXPECT_EQ(id[56], 63);
  EXPECT_EQ(id[57] | uint32_t(id[58]) << 16, 16u * 16 * 63);
  EXPECT_EQ(id[60] | uint32_t(id[61]) << 16, 16384u);
  EXPECT_EQ(id[100] | uint32_t(id[101]) << 16, 16384u);
  EXPECT_EQ(id[102], 0);
  EXPECT_EQ(id[103], 0);
  EXPECT_EQ(id_string(id, 27, 20), "RINGZERO HARDDISK");
  EXPECT_EQ(id_string(id, 10, 10), "RZHD000000");
  EXPECT_EQ(id_string(id, 23, 4), "1.0");
  EXPECT_EQ(id[47], 0x8010);
  EXPECT_EQ(id[49] & 0x0300, 0x0300);  // LBA and DMA
  EXPECT_EQ(id[53] & 0x0007, 0x0007);
  EXPECT_EQ(id[59], 0);                // multiple mode off
  EXPECT_EQ(id[63], 0x0007);
  EXPECT_EQ(id[83] & 0x4400, 0x4400);  // 48-bit address feature set
  EXPECT_EQ(id[86] & 0x0400, 0x0400);
  EXPECT_EQ(id[85] & 0x0020, 0x0020);  // write cache enabled
  // Word 93 says device 0 answers for the absent device 1 (SeaBIOS then skips it).
  EXPECT_EQ(id[93] & 0xDF61, 0x4041);
  // Integrity word: signature A5h and a zero byte sum.
  EXPECT_EQ(id[255] & 0xFF, 0xA5);
  uint8_t sum = 0;
  for (uint16_t w : id) sum = uint8_t(sum + (w & 0xFF) + (w >> 8));
  EXPECT_EQ(sum, 0);
}

TEST(DevIde, IdentifyWithSlaveAndLargeDisk) {
  IdeRig r;
  test::ZeroBlockDevice huge{200ull << 30};  // 200 GiB, reads zeros
  MemoryBlockDevice small(make_image(1u << 20));
  r.ch.attach<AtaDisk>(0, huge);
  r.ch.attach<AtaDisk>(1, small);
  std::vector<uint16_t> id = r.identify(0);
  ASSERT_EQ(id.size(), 256u);
  uint64_t sectors = (200ull << 30) / 512;
  EXPECT_EQ(id[1], 16383);
  EXPECT_EQ(id[60] | uint32_t(id[61]) << 16, 0x0FFFFFFFu);  // LBA28 capacity saturates
  uint64_t lba48 = id[100] | uint64_t(id[101]) << 16 | uint64_t(id[102]) << 32 | uint64_t(id[103]) << 48;
  EXPECT_EQ(lba48, sectors);
  EXPECT_NE(id[93] & 0xDF61, 0x4041);  // device 1 is present
  EXPECT_EQ(id[93] & 0x0030, 0x0030);
  std::vector<uint16_t> id1 = r.identify(1);
  ASSERT_EQ(id1.size(), 256u);
  EXPECT_EQ(id1[60] | uint32_t(id1[61]) << 16, 2048u);
  EXPECT_EQ(id1[93] & 0x1F00, 0x0B00);
}

TEST(DevIde, ReadSectorsLba28InterruptPerSector) {
  AtaRig r;
  r.devctl(0);
  r.lba28(0, 1000, 3);
  r.command(0x20);
  std::vector<uint8_t> all;
  for (int s = 0; s < 3; ++s) {
    uint8_t st = r.wait_not_busy();
    ASSERT_EQ(st & (ata::kDrq | ata::kErr), ata::kDrq) << "sector " << s;
    EXPECT_TRUE(r.irq());
    r.in(ata::kRegStatus);
    auto d = r.read_data(512, s == 1);  // 16-bit, then 32-bit, then 16-bit accesses
    all.insert(all.end(), d.begin(), d.end());
  }
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kDsc);
  EXPECT_FALSE(r.irq());  // no interrupt after the last block was read
  EXPECT_EQ(r.irq_edges, 3);
  expect_image(all, 1000 * 512);
  // The task file holds the last sector read and a zero count.
  EXPECT_EQ(r.in(ata::kRegSector), uint8_t(1002));
  EXPECT_EQ(r.in(ata::kRegLcyl), uint8_t(1002 >> 8));
  EXPECT_EQ(r.in(ata::kRegNsect), 0);
}

TEST(DevIde, WriteSectorsReachTheMedium) {
  AtaRig r;
  r.devctl(0);
  r.lba28(0, 77, 2);
  r.command(0x30);
  uint8_t st = r.wait_not_busy();
  ASSERT_EQ(st & ata::kDrq, ata::kDrq);
  EXPECT_EQ(r.irq_edges, 0);  // no interrupt before the first block of a write
  std::vector<uint8_t> data(1024);
  for (size_t k = 0; k < data.size(); ++k) data[k] = uint8_t(k * 13 + 5);
  r.write_data(data.data(), 512);
  EXPECT_EQ(r.alt() & ata::kBsy, ata::kBsy);
  st = r.wait_not_busy();
  ASSERT_EQ(st & ata::kDrq, ata::kDrq);
  EXPECT_EQ(r.irq_edges, 1);
  r.in(ata::kRegStatus);
  for (size_t k = 0; k < 512; k += 4)
    r.out32(uint32_t(data[512 + k] | data[513 + k] << 8 | data[514 + k] << 16 | uint32_t(data[515 + k]) << 24));
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.irq_edges, 2);  // completion interrupt
  EXPECT_TRUE(std::equal(data.begin(), data.end(), r.disk.data().begin() + 77 * 512));
  EXPECT_EQ(r.disk.data()[76 * 512 + 511], image_byte(76 * 512 + 511));
  EXPECT_EQ(r.disk.data()[79 * 512], image_byte(79 * 512));
}

TEST(DevIde, MultipleModeBlocks) {
  AtaRig r;
  r.devctl(0);
  // READ MULTIPLE before SET MULTIPLE MODE aborts.
  r.lba28(0, 0, 8);
  r.command(0xC4);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kErr);
  EXPECT_EQ(r.in(ata::kRegError), ata::kAbrt);
  // Counts that are not a power of two, or above 16, are refused.
  for (uint8_t bad : {3, 32}) {
    r.out(ata::kRegNsect, bad);
    r.command(0xC6);
    EXPECT_EQ(r.wait_not_busy() & ata::kErr, ata::kErr) << int(bad);
  }
  r.out(ata::kRegNsect, 4);
  r.command(0xC6);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.ata.multiple_count(), 4u);
  std::vector<uint16_t> id = r.identify(0);
  EXPECT_EQ(id[59], 0x0104);
  // 10 sectors in blocks of 4, 4, 2: three interrupts.
  int edges = r.irq_edges;
  r.lba28(0, 300, 10);
  r.command(0xC4);
  std::vector<uint8_t> all;
  for (size_t block : {4, 4, 2}) {
    ASSERT_EQ(r.wait_not_busy() & ata::kDrq, ata::kDrq);
    r.in(ata::kRegStatus);
    auto d = r.read_data(block * 512);
    all.insert(all.end(), d.begin(), d.end());
    if (block == 4) {
      EXPECT_EQ(r.alt() & ata::kDrq, 0);
    }
  }
  EXPECT_EQ(r.irq_edges - edges, 3);
  expect_image(all, 300 * 512);
  // WRITE MULTIPLE: 6 sectors in blocks of 4 and 2.
  std::vector<uint8_t> w(6 * 512, 0x5A);
  r.lba28(0, 40, 6);
  r.command(0xC5);
  ASSERT_EQ(r.wait_not_busy() & ata::kDrq, ata::kDrq);
  r.write_data(w.data(), 4 * 512);
  ASSERT_EQ(r.wait_not_busy() & ata::kDrq, ata::kDrq);
  r.write_data(w.data(), 2 * 512);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kDsc);
  EXPECT_TRUE(std::all_of(r.disk.data().begin() + 40 * 512, r.disk.data().begin() + 46 * 512,
                          [](uint8_t b) { return b == 0x5A; }));
  // Count 0 turns multiple mode off again.
  r.out(ata::kRegNsect, 0);
  r.command(0xC6);
  r.wait_not_busy();
  EXPECT_EQ(r.ata.multiple_count(), 0u);
}

TEST(DevIde, Lba48ReadWithHob) {
  AtaRig r;
  r.lba48(0, 0x3000, 0x0102);  // 258 sectors: more than an LBA28 count can say
  r.devctl(ata::kHob);
  EXPECT_EQ(r.in(ata::kRegNsect), 0x01);  // HOB: the previous (high) bytes
  EXPECT_EQ(r.in(ata::kRegSector), 0x00);
  r.devctl(0);
  EXPECT_EQ(r.in(ata::kRegNsect), 0x02);
  r.command(0x24);  // READ SECTORS EXT
  for (int s = 0; s < 258; ++s) {
    ASSERT_EQ(r.wait_not_busy() & (ata::kDrq | ata::kErr), ata::kDrq) << s;
    auto d = r.read_data(512, true);
    if (s == 0 || s == 257) expect_image(d, (0x3000ull + unsigned(s)) * 512);
  }
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.in(ata::kRegSector), uint8_t(0x3000 + 257));
  EXPECT_EQ(r.in(ata::kRegLcyl), uint8_t((0x3000 + 257) >> 8));
  // READ SECTORS EXT past the end of the disk aborts; so does LBA28 past the end.
  r.lba48(0, 16383, 2);
  r.command(0x24);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kErr);
  EXPECT_EQ(r.in(ata::kRegError), ata::kAbrt);
  r.lba28(0, 16384, 1);
  r.command(0x20);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kErr);
  r.lba28(0, 16383, 1);
  r.command(0x20);
  EXPECT_EQ(r.wait_not_busy() & (ata::kDrq | ata::kErr), ata::kDrq);
  expect_image(r.read_data(512), 16383ull * 512);
}

TEST(DevIde, ChsAfterInitializeDeviceParameters) {
  AtaRig r;
  // The BIOS's translated geometry: 8 heads, 32 sectors per track.
  r.out(ata::kRegNsect, 32);
  r.select(0, 7);
  r.command(0x91);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kDsc);
  std::vector<uint16_t> id = r.identify(0);
  EXPECT_EQ(id[55], 8);
  EXPECT_EQ(id[56], 32);
  EXPECT_EQ(id[54], 16384 / (8 * 32));
  // C/H/S 3/5/7 -> LBA (3*8 + 5) * 32 + 6 = 934; two sectors, crossing into sector 8.
  r.out(ata::kRegNsect, 2);
  r.out(ata::kRegSector, 7);
  r.out(ata::kRegLcyl, 3);
  r.out(ata::kRegHcyl, 0);
  r.select(0, 5);
  r.command(0x20);
  std::vector<uint8_t> all;
  for (int s = 0; s < 2; ++s) {
    ASSERT_EQ(r.wait_not_busy() & ata::kDrq, ata::kDrq);
    auto d = r.read_data(512);
    all.insert(all.end(), d.begin(), d.end());
  }
  expect_image(all, 934 * 512);
  r.wait_not_busy();
  EXPECT_EQ(r.in(ata::kRegSector), 8);  // CHS of the last sector read
  EXPECT_EQ(r.in(ata::kRegSelect) & 0x0F, 5);
  // Sector 0 and a head beyond the geometry do not exist.
  r.out(ata::kRegSector, 0);
  r.command(0x20);
  EXPECT_EQ(r.wait_not_busy() & ata::kErr, ata::kErr);
  r.out(ata::kRegNsect, 1);
  r.out(ata::kRegSector, 1);
  r.select(0, 9);
  r.command(0x20);
  EXPECT_EQ(r.wait_not_busy() & ata::kErr, ata::kErr);
  // A zero sector count in INITIALIZE DEVICE PARAMETERS is refused.
  r.out(ata::kRegNsect, 0);
  r.command(0x91);
  EXPECT_EQ(r.wait_not_busy() & ata::kErr, ata::kErr);
}

TEST(DevIde, NonDataCommands) {
  AtaRig r;
  r.devctl(0);
  auto run = [&](uint8_t cmd) {
    int before = r.irq_edges;
    r.command(cmd);
    uint8_t s = r.wait_not_busy();
    EXPECT_EQ(r.irq_edges - before, 1) << std::hex << int(cmd);
    r.in(ata::kRegStatus);
    return s;
  };
  // READ VERIFY in range, and out of range.
  r.lba28(0, 100, 50);
  EXPECT_EQ(run(0x40), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.in(ata::kRegSector), 149);
  r.lba48(0, 16380, 5);
  EXPECT_EQ(run(0x42), ata::kDrdy | ata::kErr);
  // SEEK, RECALIBRATE.
  r.lba28(0, 5000, 0);
  EXPECT_EQ(run(0x70), ata::kDrdy | ata::kDsc);
  r.lba28(0, 20000, 0);
  EXPECT_EQ(run(0x70) & ata::kErr, ata::kErr);
  EXPECT_EQ(run(0x10), ata::kDrdy | ata::kDsc);
  // FLUSH CACHE and FLUSH CACHE EXT reach the block device.
  EXPECT_EQ(run(0xE7), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(run(0xEA), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.disk.flushes, 2);
  // SET FEATURES: transfer modes show in IDENTIFY words 63/88; bad values abort.
  r.out(ata::kRegFeature, 0x03);
  r.out(ata::kRegNsect, 0x22);
  EXPECT_EQ(run(0xEF), ata::kDrdy | ata::kDsc);
  std::vector<uint16_t> id = r.identify(0);
  EXPECT_EQ(id[63], 0x0407);
  EXPECT_EQ(id[88], 0x003F);
  r.out(ata::kRegFeature, 0x03);
  r.out(ata::kRegNsect, 0x44);
  run(0xEF);
  id = r.identify(0);
  EXPECT_EQ(id[88], 0x103F);
  r.out(ata::kRegFeature, 0x03);
  r.out(ata::kRegNsect, 0x23);
  EXPECT_EQ(run(0xEF) & ata::kErr, ata::kErr);
  r.out(ata::kRegFeature, 0x82);  // write cache off
  EXPECT_EQ(run(0xEF), ata::kDrdy | ata::kDsc);
  EXPECT_FALSE(r.ata.write_cache());
  EXPECT_EQ(r.identify(0)[85] & 0x0020, 0);
  r.out(ata::kRegFeature, 0x77);  // no such feature
  EXPECT_EQ(run(0xEF) & ata::kErr, ata::kErr);
  EXPECT_EQ(r.in(ata::kRegError), ata::kAbrt);
}

TEST(DevIde, UnknownAndPacketCommandsAbort) {
  AtaRig r;
  for (uint8_t cmd : {0x00, 0x08, 0xA0, 0xA1, 0xB0, 0xFF}) {
    r.select(0);
    r.command(cmd);
    EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kErr) << std::hex << int(cmd);
    EXPECT_EQ(r.in(ata::kRegError), ata::kAbrt);
    // An ATA disk keeps its own (zero) signature bytes.
    EXPECT_NE(r.in(ata::kRegHcyl), 0xEB);
  }
}

TEST(DevIde, PowerManagement) {
  AtaRig r;
  auto power = [&] {
    r.command(0xE5);
    r.wait_not_busy();
    return r.in(ata::kRegNsect);
  };
  EXPECT_EQ(power(), 0xFF);
  r.command(0xE0);
  r.wait_not_busy();
  EXPECT_EQ(power(), 0x00);
  r.command(0xE3);
  r.wait_not_busy();
  EXPECT_EQ(power(), 0x80);
  r.command(0x94);  // ATA-1 STANDBY IMMEDIATE
  r.wait_not_busy();
  EXPECT_EQ(power(), 0x00);
  r.lba28(0, 0, 1);
  r.command(0x20);  // a media access spins the disk up
  r.wait_not_busy();
  r.read_data(512);
  EXPECT_EQ(power(), 0xFF);
  // SLEEP: commands are ignored until a reset.
  r.command(0xE6);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kDsc);
  r.out(ata::kRegNsect, 0x12);
  r.command(0xE5);
  r.step(1'000'000);
  EXPECT_EQ(r.in(ata::kRegNsect), 0x12);
  r.devctl(ata::kSrst);
  r.devctl(0);
  r.wait_not_busy();
  EXPECT_EQ(power(), 0xFF);
}

TEST(DevIde, SoftResetSignatureTimingAndSettings) {
  AtaRig r;
  r.out(ata::kRegNsect, 8);
  r.command(0xC6);
  r.wait_not_busy();
  r.out(ata::kRegNsect, 0x77);
  r.out(ata::kRegLcyl, 0x66);
  r.select(0, 3);
  int edges = r.irq_edges;
  r.devctl(ata::kSrst | ata::kNien);
  EXPECT_EQ(r.alt(), ata::kBsy);
  r.step(1'000'000);
  EXPECT_EQ(r.alt(), ata::kBsy);  // held in reset while SRST stays set
  r.devctl(ata::kNien);
  EXPECT_EQ(r.alt(), ata::kBsy);
  r.step(ata::kResetNs - 1000);
  EXPECT_EQ(r.alt(), ata::kBsy);
  r.step(2000);
  EXPECT_EQ(r.alt(), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.in(ata::kRegNsect), 1);
  EXPECT_EQ(r.in(ata::kRegSector), 1);
  EXPECT_EQ(r.in(ata::kRegLcyl), 0);
  EXPECT_EQ(r.in(ata::kRegHcyl), 0);
  EXPECT_EQ(r.in(ata::kRegSelect), 0);
  EXPECT_EQ(r.in(ata::kRegError), 0x01);
  r.devctl(0);
  EXPECT_EQ(r.irq_edges, edges);  // a reset does not interrupt
  EXPECT_FALSE(r.irq());
  EXPECT_EQ(r.ata.multiple_count(), 8u);  // kept over a software reset
  // "Revert to power-on defaults" makes the next reset forget it.
  r.out(ata::kRegFeature, 0xCC);
  r.command(0xEF);
  r.wait_not_busy();
  r.devctl(ata::kSrst);
  r.devctl(0);
  r.wait_not_busy();
  EXPECT_EQ(r.ata.multiple_count(), 0u);
  // A power-on reset forgets everything, including the CHS translation.
  r.out(ata::kRegNsect, 17);
  r.select(0, 3);
  r.command(0x91);
  r.wait_not_busy();
  EXPECT_EQ(r.identify(0)[56], 17);
  r.ch.reset();
  EXPECT_EQ(r.identify(0)[56], 63);
}

TEST(DevIde, InterruptEnableAndAcknowledge) {
  AtaRig r;
  r.devctl(ata::kNien);
  r.command(0xE5);
  r.wait_not_busy();
  EXPECT_FALSE(r.irq());        // pending but masked by nIEN
  EXPECT_TRUE(r.ata.irq_pending());
  r.devctl(0);
  EXPECT_TRUE(r.irq());         // unmasking shows it
  r.alt();
  EXPECT_TRUE(r.irq());         // Alternate Status does not acknowledge
  r.select(1);
  EXPECT_FALSE(r.irq());        // only the selected device drives INTRQ
  r.select(0);
  EXPECT_TRUE(r.irq());
  r.in(ata::kRegStatus);
  EXPECT_FALSE(r.irq());
  // Writing a command also acknowledges a pending interrupt.
  r.devctl(ata::kNien);
  r.command(0xE5);
  r.wait_not_busy();
  r.command(0xE5);
  EXPECT_FALSE(r.ata.irq_pending());
  r.wait_not_busy();
}

TEST(DevIde, BusyDeviceIgnoresCommands) {
  AtaRig r;
  r.lba28(0, 10, 1);
  r.command(0x20);
  r.command(0xE0);  // ignored: still busy with READ SECTORS
  ASSERT_EQ(r.wait_not_busy() & ata::kDrq, ata::kDrq);
  expect_image(r.read_data(512), 10 * 512);
}

TEST(DevIde, ExecuteDeviceDiagnosticWithAtapiSlave) {
  IdeRig r;
  ProbeBlockDevice disk{make_image(1u << 20)};
  r.ch.attach<AtaDisk>(0, disk);
  r.ch.attach<AtapiCdrom>(1, nullptr);
  r.devctl(0);
  r.select(1);  // issued with device 1 selected: both run it, device 0 reports
  r.command(0x90);
  r.step(ata::kCommandNs + 1000);
  EXPECT_EQ(r.irq_edges, 1);
  EXPECT_EQ(r.ch.selected_unit(), 0u);
  EXPECT_EQ(r.in(ata::kRegError), 0x01);
  EXPECT_EQ(r.in(ata::kRegStatus), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.in(ata::kRegHcyl), 0x00);
  r.select(1);
  EXPECT_EQ(r.in(ata::kRegError), 0x01);
  EXPECT_EQ(r.in(ata::kRegStatus), 0x00);  // packet devices clear DRDY after a reset
  EXPECT_EQ(r.in(ata::kRegLcyl), 0x14);
  EXPECT_EQ(r.in(ata::kRegHcyl), 0xEB);
}

TEST(DevIde, ReadOnlyAndMediaErrors) {
  IdeRig r;
  ProbeBlockDevice disk{make_image(1u << 20), true};
  r.ch.attach<AtaDisk>(0, disk);
  r.lba28(0, 5, 1);
  r.command(0x30);
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kErr);
  EXPECT_EQ(r.in(ata::kRegError), ata::kAbrt);
  // A host read error in sector 9 of a 4-sector read starting at 7: the first two
  // sectors arrive, then UNC with the failing LBA in the task file.
  disk.fail_from = 9 * 512 + 1;
  r.lba28(0, 7, 4);
  r.command(0x20);
  for (int s = 0; s < 2; ++s) {
    ASSERT_EQ(r.wait_not_busy() & ata::kDrq, ata::kDrq);
    expect_image(r.read_data(512), (7 + unsigned(s)) * 512);
  }
  EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kErr);
  EXPECT_EQ(r.in(ata::kRegError), ata::kUnc);
  EXPECT_EQ(r.in(ata::kRegSector), 9);
}

TEST(DevIde, WritesThroughTheDeviceReachTheImageFile) {
  char tmpl[] = "/tmp/rz_ide_XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  std::string path = tmpl;
  std::vector<uint8_t> img = make_image(256 * 1024);
  ASSERT_EQ(::write(fd, img.data(), img.size()), ssize_t(img.size()));
  ::close(fd);
  {
    FileBlockDevice file(path);
    IdeRig r;
    r.ch.attach<AtaDisk>(0, file);
    std::vector<uint8_t> data(3 * 512);
    for (size_t k = 0; k < data.size(); ++k) data[k] = uint8_t(255 - k % 251);
    r.lba28(0, 100, 3);
    r.command(0x30);
    for (int s = 0; s < 3; ++s) {
      ASSERT_EQ(r.wait_not_busy() & ata::kDrq, ata::kDrq);
      r.write_data(data.data() + s * 512, 512);
    }
    EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kDsc);
    r.command(0xE7);
    EXPECT_EQ(r.wait_not_busy(), ata::kDrdy | ata::kDsc);
    // Read the file back while the device is still open: the data is there.
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(back.size(), img.size());
    std::copy(data.begin(), data.end(), img.begin() + 100 * 512);
    EXPECT_EQ(back, img);
  }
  std::remove(path.c_str());
}

TEST(DevIde, SaveAndRestoreInTheMiddleOfARead) {
  ProbeBlockDevice disk{make_image(kDiskBytes)};
  Serializer save;
  std::vector<uint8_t> first;
  {
    IdeRig r;
    r.ch.attach<AtaDisk>(0, disk);
    r.devctl(0);
    r.lba28(0, 2000, 2);
    r.command(0x20);
    r.wait_not_busy();
    first = r.read_data(200);  // part of the first sector
    r.ch.serialize(save);
  }
  IdeRig r2;
  r2.ch.attach<AtaDisk>(0, disk);
  Serializer load(save.data());
  r2.ch.serialize(load);
  ASSERT_TRUE(load.ok());
  std::vector<uint8_t> rest = r2.read_data(312);
  first.insert(first.end(), rest.begin(), rest.end());
  ASSERT_EQ(r2.wait_not_busy() & ata::kDrq, ata::kDrq);
  auto second = r2.read_data(512);
  first.insert(first.end(), second.begin(), second.end());
  expect_image(first, 2000 * 512);
  EXPECT_EQ(r2.wait_not_busy(), ata::kDrdy | ata::kDsc);
}

}  // namespace
}  // namespace rz
