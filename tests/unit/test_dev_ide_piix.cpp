// tests/unit/test_dev_ide_piix.cpp: the PIIX3 IDE function on a PCI bus: its header and
// BAR4, legacy port decoding by IDETIM and PCICMD, and bus-master DMA on the virtual
// clock for ATA and ATAPI: PRD scatter/gather, the Active/Interrupt/Error combinations
// of SFF-8038i for tables that fit, overrun and underrun the transfer, bad tables, and
// the order of Start and the command.
#include <gtest/gtest.h>

#include <cstring>

#include "devices/pci.h"
#include "devices/piix_ide.h"
#include "mmu/phys.h"
#include "test_dev_ide_rig.h"

namespace rz {
namespace {

using test::image_byte;
using test::make_image;
using test::ProbeBlockDevice;

constexpr unsigned kDevfn = PiixIde::kSlot << 3 | PiixIde::kFunction;
constexpr uint16_t kBm = 0xC000;

struct PiixRig {
  Scheduler sched;
  PortBus bus;
  PhysMem mem{16u << 20};
  PciBus pci{bus, mem};
  PiixIde piix{mem, sched};
  int edges14 = 0, edges15 = 0;
  FnIrqSink irq14{[this](bool h) { edges14 += h; }};
  FnIrqSink irq15{[this](bool h) { edges15 += h; }};
  ProbeBlockDevice disk{make_image(4u << 20)};

  explicit PiixRig(bool firmware = true) {
    pci.plug(&piix, PiixIde::kSlot, PiixIde::kFunction);
    piix.map_legacy_ports(bus);
    piix.connect_irqs(&irq14, &irq15);
    piix.channel(0).attach<AtaDisk>(0, disk);
    pci.config_write(kDevfn, 0x20, 4, kBm);
    if (firmware) piix.firmware_setup();
  }
  uint8_t in(uint16_t port) { return uint8_t(bus.read(port, 1)); }
  void out(uint16_t port, uint8_t v) { bus.write(port, 1, v); }
  void step(int64_t ns) { sched.advance_to(sched.now() + ns); }
  uint8_t bm_status(unsigned ch = 0) { return in(uint16_t(kBm + 8 * ch + 2)); }
  // A PRD table at `at`: (address, bytes, last).
  void prd(uint32_t at, std::initializer_list<std::pair<uint32_t, uint32_t>> regions) {
    size_t k = 0;
    for (auto [addr, bytes] : regions) {
      ++k;
      uint32_t count = (bytes & 0xFFFF) | (k == regions.size() ? 0x80000000u : 0);
      mem.write(at, 4, addr);
      mem.write(at + 4, 4, count);
      at += 8;
    }
  }
  void bm_setup(unsigned ch, uint32_t table, bool to_memory) {
    uint16_t b = uint16_t(kBm + 8 * ch);
    bus.write(uint16_t(b + 4), 4, table);
    out(b, to_memory ? PiixIde::kBmWrite : 0);
    out(uint16_t(b + 2), PiixIde::kBmIrq | PiixIde::kBmError);
  }
  void bm_start(unsigned ch, bool to_memory) {
    out(uint16_t(kBm + 8 * ch), uint8_t((to_memory ? PiixIde::kBmWrite : 0) | PiixIde::kBmStart));
  }
  // READ/WRITE DMA through the primary channel's ports.
  void ata_dma(uint8_t cmd, uint32_t lba, uint8_t count) {
    out(0x3F6, 0);
    out(0x1F2, count);
    out(0x1F3, uint8_t(lba));
    out(0x1F4, uint8_t(lba >> 8));
    out(0x1F5, uint8_t(lba >> 16));
    out(0x1F6, uint8_t(0xE0 | ((lba >> 24) & 0x0F)));
    out(0x1F7, cmd);
  }
  void expect_memory(uint32_t at, uint64_t disk_off, size_t n) {
    for (size_t k = 0; k < n; ++k)
      ASSERT_EQ(mem.ram()[at + k], image_byte(disk_off + k)) << "memory " << std::hex << at + k;
  }
};

TEST(DevIdePiix, ConfigurationHeader) {
  PiixRig r(false);
  EXPECT_EQ(r.pci.config_read(kDevfn, 0x00, 4), 0x70108086u);
  EXPECT_EQ(r.pci.config_read(kDevfn, 0x08, 4), 0x01018000u);  // class 01 01, prog-if 80
  EXPECT_EQ(r.pci.config_read(kDevfn, 0x0E, 1), 0x00u);
  EXPECT_EQ(r.pci.config_read(kDevfn, 0x3D, 1), 0x00u);  // no INTx: legacy IRQ14/15
  r.pci.config_write(kDevfn, 0x20, 4, 0xFFFFFFFF);
  EXPECT_EQ(r.pci.config_read(kDevfn, 0x20, 4), 0xFFFFFFF1u);  // 16 bytes of I/O
  for (uint8_t bar = 0x10; bar < 0x20; bar += 4) EXPECT_EQ(r.pci.config_read(kDevfn, bar, 4), 0u);
  EXPECT_EQ(r.pci.config_read(kDevfn, 0x40, 4), 0u);  // IDETIM: decode off at power-on
}

TEST(DevIdePiix, LegacyDecodeFollowsIdetimAndIoEnable) {
  PiixRig r(false);
  r.piix.channel(1).attach<AtaDisk>(0, r.disk);
  EXPECT_EQ(r.in(0x1F7), 0xFF);  // nothing decoded yet
  r.pci.config_write(kDevfn, 0x04, 2, pci::kCmdIo);
  EXPECT_EQ(r.in(0x1F7), 0xFF);
  r.pci.config_write(kDevfn, 0x40, 2, 0x8000);  // primary decode on
  EXPECT_EQ(r.in(0x1F7), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.in(0x177), 0xFF);
  r.pci.config_write(kDevfn, 0x42, 2, 0xA307);  // secondary, with timings
  EXPECT_EQ(r.pci.config_read(kDevfn, 0x42, 2), 0xA307u);
  EXPECT_EQ(r.in(0x177), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.in(0x376), ata::kDrdy | ata::kDsc);
  r.pci.config_write(kDevfn, 0x04, 2, 0);  // I/O space off: both float
  EXPECT_EQ(r.in(0x1F7), 0xFF);
  EXPECT_EQ(r.in(0x177), 0xFF);
  EXPECT_EQ(r.pci.config_read(kDevfn, 0x04, 2) & 0x0002, 0u);  // no memory space to enable
}

TEST(DevIdePiix, BusMasterRegisters) {
  PiixRig r;
  r.bus.write(kBm + 4, 4, 0x12345677);
  EXPECT_EQ(r.bus.read(kBm + 4, 4), 0x12345674u);  // dword aligned
  r.out(kBm + 6, 0xAB);
  EXPECT_EQ(r.bus.read(kBm + 4, 4), 0x12AB5674u);
  r.out(kBm + 2, 0xFF);  // drive-capable bits stick; simplex and Active are read-only
  EXPECT_EQ(r.bm_status(), 0x60);
  r.out(kBm + 2, 0x00);
  EXPECT_EQ(r.bm_status(), 0x00);
  r.out(kBm, 0xFF);  // only Start and direction exist
  EXPECT_EQ(r.in(kBm), 0x09);
  EXPECT_EQ(r.bm_status() & PiixIde::kBmActive, PiixIde::kBmActive);
  r.out(kBm, 0x00);
  EXPECT_EQ(r.bm_status() & PiixIde::kBmActive, 0);
  EXPECT_EQ(r.in(kBm + 1), 0x00);
  EXPECT_EQ(r.bus.read(kBm + 8 + 4, 4), 0u);  // the secondary's table pointer is separate
}

TEST(DevIdePiix, AtaDmaReadScatterGather) {
  PiixRig r;
  r.prd(0x8000, {{0x10000, 1024}, {0x23000, 3072}});
  r.bm_setup(0, 0x8000, true);
  r.ata_dma(0xC8, 100, 8);
  r.bm_start(0, true);
  EXPECT_EQ(r.bm_status() & PiixIde::kBmActive, PiixIde::kBmActive);
  r.step(ata::kCommandNs);  // the drive is ready: the data moves
  EXPECT_EQ(r.bm_status() & (PiixIde::kBmActive | PiixIde::kBmIrq), 0);  // table used up
  EXPECT_EQ(r.in(0x3F6) & ata::kBsy, ata::kBsy);  // still transferring on the cable
  EXPECT_EQ(r.edges14, 0);
  r.step(4096 * ata::kDmaNsPerByte);
  EXPECT_EQ(r.edges14, 1);
  EXPECT_EQ(r.bm_status(), PiixIde::kBmIrq);  // Active 0, Interrupt 1: all done
  EXPECT_EQ(r.in(0x1F7), ata::kDrdy | ata::kDsc);
  r.expect_memory(0x10000, 100 * 512, 1024);
  r.expect_memory(0x23000, 100 * 512 + 1024, 3072);
  EXPECT_EQ(r.mem.ram()[0x10000 + 1024], 0);
  r.out(kBm + 2, PiixIde::kBmIrq);  // write 1 to clear
  EXPECT_EQ(r.bm_status(), 0);
}

TEST(DevIdePiix, AtaDmaWriteAndStartBeforeCommand) {
  PiixRig r;
  for (uint32_t k = 0; k < 2048; ++k) r.mem.ram()[0x40000 + k] = uint8_t(k * 3 + 1);
  r.prd(0x8000, {{0x40000, 2048}});
  r.bm_setup(0, 0x8000, false);
  r.bm_start(0, false);  // Start first, then the command
  r.ata_dma(0xCA, 7, 4);
  r.step(ata::kCommandNs + 2048 * ata::kDmaNsPerByte);
  EXPECT_EQ(r.edges14, 1);
  EXPECT_EQ(r.bm_status(), PiixIde::kBmIrq);
  EXPECT_EQ(std::memcmp(r.disk.data().data() + 7 * 512, r.mem.ram() + 0x40000, 2048), 0);
  EXPECT_EQ(r.disk.data()[11 * 512], image_byte(11 * 512));
}

TEST(DevIdePiix, Lba48DmaAndA64KiBRegion) {
  PiixRig r;
  r.prd(0x8000, {{0x100000, 0x10000}});  // count 0 in the descriptor: 64 KiB
  EXPECT_EQ(r.mem.read(0x8004, 4), 0x80000000u);
  r.bm_setup(0, 0x8000, true);
  // READ DMA EXT of 128 sectors at 0x1000.
  r.out(0x1F2, 0), r.out(0x1F3, 0), r.out(0x1F4, 0), r.out(0x1F5, 0);
  r.out(0x1F2, 128), r.out(0x1F3, 0x00), r.out(0x1F4, 0x10), r.out(0x1F5, 0);
  r.out(0x1F6, 0x40);
  r.out(0x1F7, 0x25);
  r.bm_start(0, true);
  r.step(ata::kCommandNs + 0x10000 * ata::kDmaNsPerByte);
  EXPECT_EQ(r.bm_status(), PiixIde::kBmIrq);
  r.expect_memory(0x100000, 0x1000 * 512, 0x10000);
}

TEST(DevIdePiix, TableLargerThanTransferStaysActive) {
  PiixRig r;
  r.prd(0x8000, {{0x10000, 8192}});
  r.bm_setup(0, 0x8000, true);
  r.ata_dma(0xC8, 0, 4);
  r.bm_start(0, true);
  r.step(ata::kCommandNs + 2048 * ata::kDmaNsPerByte);
  EXPECT_EQ(r.bm_status(), PiixIde::kBmActive | PiixIde::kBmIrq);
  r.expect_memory(0x10000, 0, 2048);
  r.out(kBm, PiixIde::kBmWrite);  // the driver stops the engine
  EXPECT_EQ(r.bm_status(), PiixIde::kBmIrq);
}

TEST(DevIdePiix, TableSmallerThanTransferLeavesTheDeviceWaiting) {
  PiixRig r;
  r.prd(0x8000, {{0x10000, 1024}});
  r.bm_setup(0, 0x8000, true);
  r.ata_dma(0xC8, 0, 4);
  r.bm_start(0, true);
  r.step(1'000'000);
  EXPECT_EQ(r.bm_status(), 0);  // Active 0, Interrupt 0: the device wants more
  EXPECT_EQ(r.edges14, 0);
  EXPECT_EQ(r.in(0x3F6) & ata::kDrq, ata::kDrq);
  r.expect_memory(0x10000, 0, 1024);
  // The driver gives up: stop, reset the channel, and the drive is usable again.
  r.out(kBm, 0);
  r.out(0x3F6, ata::kSrst);
  r.out(0x3F6, 0);
  r.step(ata::kResetNs);
  EXPECT_EQ(r.in(0x1F7), ata::kDrdy | ata::kDsc);
  EXPECT_EQ(r.in(0x3F6) & ata::kDrq, 0);
}

TEST(DevIdePiix, BadTablesSetErrorWithoutTouchingTheHost) {
  PiixRig r;
  // The table itself outside memory.
  r.bm_setup(0, 0x02000000, true);  // 32 MiB: past the 16 MiB of RAM
  r.ata_dma(0xC8, 0, 1);
  r.bm_start(0, true);
  r.step(ata::kCommandNs);
  EXPECT_EQ(r.bm_status(), PiixIde::kBmError);
  EXPECT_EQ(r.edges14, 0);
  r.out(kBm, 0);
  r.out(0x3F6, ata::kSrst), r.out(0x3F6, 0);
  r.step(ata::kResetNs);
  // A region outside memory, and one that runs off the end of RAM.
  for (uint32_t addr : {0xF0000000u, (16u << 20) - 256}) {
    r.prd(0x8000, {{addr, 512}});
    r.bm_setup(0, 0x8000, true);
    r.ata_dma(0xC8, 0, 1);
    r.bm_start(0, true);
    r.step(ata::kCommandNs);
    EXPECT_EQ(r.bm_status() & (PiixIde::kBmError | PiixIde::kBmActive), PiixIde::kBmError)
        << std::hex << addr;
    r.out(kBm, 0);
    r.out(0x3F6, ata::kSrst), r.out(0x3F6, 0);
    r.step(ata::kResetNs);
  }
  // The last 256 bytes of RAM did get their data before the engine hit the end.
  r.expect_memory((16u << 20) - 256, 0, 256);
  // A table whose descriptors run past the end of memory without EOT.
  uint32_t last = (16u << 20) - 8;
  r.mem.write(last, 4, 0x30000);
  r.mem.write(last + 4, 4, 512);  // no EOT: the next descriptor would be outside
  r.bm_setup(0, last, true);
  r.ata_dma(0xC8, 0, 2);
  r.bm_start(0, true);
  r.step(ata::kCommandNs);
  EXPECT_EQ(r.bm_status() & PiixIde::kBmError, PiixIde::kBmError);
  r.expect_memory(0x30000, 0, 512);
}

TEST(DevIdePiix, NoTransferWithoutBusMasterEnableOrInTheWrongDirection) {
  PiixRig r;
  r.pci.config_write(kDevfn, 0x04, 2, pci::kCmdIo);  // bus master off
  r.prd(0x8000, {{0x10000, 512}});
  r.bm_setup(0, 0x8000, true);
  r.ata_dma(0xC8, 3, 1);
  r.bm_start(0, true);
  r.step(1'000'000);
  EXPECT_EQ(r.mem.ram()[0x10000 + 1], 0);
  EXPECT_EQ(r.bm_status(), PiixIde::kBmActive);
  r.pci.config_write(kDevfn, 0x04, 2, pci::kCmdIo | pci::kCmdMaster);  // now it runs
  r.step(512 * ata::kDmaNsPerByte);
  EXPECT_EQ(r.bm_status(), PiixIde::kBmIrq);
  r.expect_memory(0x10000, 3 * 512, 512);
  // The engine set to read memory while the drive wants to send: nothing moves.
  r.prd(0x8000, {{0x50000, 512}});
  r.bm_setup(0, 0x8000, false);
  r.ata_dma(0xC8, 4, 1);
  r.bm_start(0, false);
  r.step(1'000'000);
  EXPECT_EQ(r.bm_status(), PiixIde::kBmActive);
  EXPECT_EQ(r.mem.ram()[0x50001], 0);
  EXPECT_EQ(r.in(0x3F6) & ata::kDrq, ata::kDrq);
}

TEST(DevIdePiix, AtapiDmaOnTheSecondaryChannel) {
  PiixRig r;
  ProbeBlockDevice disc{make_image(64 * 2048), true};
  AtapiCdrom& cd = r.piix.channel(1).attach<AtapiCdrom>(0, &disc);
  cd.hardware_reset();
  auto packet = [&](std::vector<uint8_t> cdb, bool dma) {
    cdb.resize(12);
    r.out(0x376, 0);
    r.out(0x171, dma ? 1 : 0);
    r.out(0x174, 0), r.out(0x175, 0x08);
    r.out(0x176, 0xA0);
    r.out(0x177, 0xA0);
    r.step(ata::kPacketDrqNs);
    EXPECT_EQ(r.in(0x177) & ata::kDrq, ata::kDrq);
    for (size_t k = 0; k < 12; k += 2) r.bus.write(0x170, 2, uint16_t(cdb[k] | cdb[k + 1] << 8));
  };
  packet({0x00}, false);  // TEST UNIT READY: the power-on UNIT ATTENTION
  r.step(ata::kCommandNs);
  EXPECT_EQ(r.in(0x177), ata::kDrdy | ata::kErr);
  r.prd(0x9000, {{0x60000, 4096}});
  r.bm_setup(1, 0x9000, true);
  r.bm_start(1, true);
  packet({0x28, 0, 0, 0, 0, 9, 0, 0, 2}, true);
  r.step(ata::kCommandNs);
  EXPECT_EQ(r.bm_status(1), 0);  // moved, not yet done
  r.step(4096 * ata::kDmaNsPerByte);
  EXPECT_EQ(r.bm_status(1), PiixIde::kBmIrq);
  EXPECT_GE(r.edges15, 2);
  EXPECT_EQ(r.in(0x172) & 3, 3);  // status phase
  EXPECT_EQ(r.in(0x177), ata::kDrdy | ata::kDsc);
  r.expect_memory(0x60000, 9 * 2048, 4096);
  EXPECT_EQ(r.edges14, 0);
}

TEST(DevIdePiix, ResetClearsTheEngineAndTheDrives) {
  PiixRig r;
  r.bus.write(kBm + 4, 4, 0x8000);
  r.out(kBm, 0x09);
  r.out(0x1F2, 0x42);
  r.piix.reset();
  EXPECT_EQ(r.bus.read(kBm + 4, 4), 0xFFFFFFFFu);  // BAR4 unassigned: nothing decodes
  EXPECT_EQ(r.pci.config_read(kDevfn, 0x40, 2), 0u);
  r.pci.config_write(kDevfn, 0x20, 4, kBm);
  r.piix.firmware_setup();
  EXPECT_EQ(r.bus.read(kBm + 4, 4), 0u);
  EXPECT_EQ(r.in(kBm), 0u);
  EXPECT_EQ(r.in(0x1F2), 1);  // the drive's signature again
}

}  // namespace
}  // namespace rz
