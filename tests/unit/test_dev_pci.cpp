// tests/unit/test_dev_pci.cpp: the PCI bus and type-0 header (devices/pci.*) as software
// sees them through configuration mechanism #1: CONFIG_ADDRESS only as a dword, byte and
// word CONFIG_DATA accesses, absent devices and other buses reading all ones, BAR
// sizing, BAR decoding following the command register, the expansion ROM BAR, and the
// INTx swizzle onto PIRQ A-D.
#include <gtest/gtest.h>

#include <vector>

#include "devices/pci.h"

namespace rz {
namespace {

constexpr uint32_t kEnable = 0x80000000u;

uint32_t cfg_addr(unsigned bus, unsigned dev, unsigned fn, unsigned reg) {
  return kEnable | bus << 16 | dev << 11 | fn << 8 | (reg & 0xFC);
}

// A device with an I/O BAR (BAR0, 32 ports), a memory BAR (BAR1, 4 KiB of registers),
// a prefetchable RAM BAR (BAR2, 64 KiB), a ROM, and INTA#.
struct TestDev : PciDevice {
  std::vector<uint8_t> vram = std::vector<uint8_t>(0x10000, 0);
  std::vector<std::pair<uint32_t, uint32_t>> io_writes, mmio_writes;
  std::vector<unsigned> moved;
  explicit TestDev(const char* name = "testdev") : PciDevice(0x1234, 0x5678, 0x03, 0x00, 0x00, 0x07, name) {
    PortHandler io;
    io.widths = 1 | 2 | 4;
    io.read = [](uint16_t port, unsigned) -> uint32_t { return 0xA0u + (port & 0x1F); };
    io.write = [this](uint16_t port, unsigned, uint32_t v) { io_writes.push_back({port, v}); };
    declare_io_bar(0, 32, std::move(io));
    MmioHandler m;
    m.read = [](uint32_t a, unsigned) -> uint32_t { return 0x5A000000u | a; };
    m.write = [this](uint32_t a, unsigned, uint32_t v) { mmio_writes.push_back({a, v}); };
    declare_mmio_bar(1, 0x1000, std::move(m));
    declare_ram_bar(2, 0x10000, vram.data(), true);
    std::vector<uint8_t> rom(0x1800, 0);
    rom[0] = 0x55, rom[1] = 0xAA, rom[2] = 0x0C;
    declare_rom_bar(std::move(rom));
    set_interrupt_pin(1);
  }
  void bar_moved(unsigned n) override { moved.push_back(n); }
};

struct PciRig {
  PortBus ports;
  PhysMem mem{16u << 20};
  PciBus bus{ports, mem};
  uint32_t rd(unsigned dev, unsigned reg, unsigned size = 4, unsigned fn = 0, unsigned b = 0) {
    ports.write(0xCF8, 4, cfg_addr(b, dev, fn, reg));
    return ports.read(uint16_t(0xCFC + (reg & 3)), size);
  }
  void wr(unsigned dev, unsigned reg, uint32_t v, unsigned size = 4, unsigned fn = 0, unsigned b = 0) {
    ports.write(0xCF8, 4, cfg_addr(b, dev, fn, reg));
    ports.write(uint16_t(0xCFC + (reg & 3)), size, v);
  }
};

TEST(DevPci, ConfigAddressIsDwordOnly) {
  PciRig r;
  r.ports.write(0xCF8, 4, 0x80001234u);
  // Bits 1:0 are not stored; bits 30:24 are reserved (read as zero).
  EXPECT_EQ(r.ports.read(0xCF8, 4), 0x80001234u);
  r.ports.write(0xCF8, 4, 0xFF00FF07u);
  EXPECT_EQ(r.ports.read(0xCF8, 4), 0x8000FF04u);
  // Byte and word accesses to 0xCF8 are not CONFIG_ADDRESS: they change nothing and
  // read what an empty ISA bus gives.
  r.ports.write(0xCF8, 1, 0x00);
  r.ports.write(0xCF8, 2, 0x0000);
  EXPECT_EQ(r.ports.read(0xCF8, 4), 0x8000FF04u);
  EXPECT_EQ(r.ports.read(0xCF8, 1), 0xFFu);
  EXPECT_EQ(r.ports.read(0xCFA, 2), 0xFFFFu);
}

TEST(DevPci, HeaderReadsInAllWidths) {
  PciRig r;
  TestDev d;
  r.bus.plug(&d, 3);
  EXPECT_EQ(r.rd(3, 0x00), 0x56781234u);
  EXPECT_EQ(r.rd(3, 0x00, 2), 0x1234u);
  EXPECT_EQ(r.rd(3, 0x02, 2), 0x5678u);
  EXPECT_EQ(r.rd(3, 0x01, 1), 0x12u);
  EXPECT_EQ(r.rd(3, 0x03, 1), 0x56u);
  EXPECT_EQ(r.rd(3, 0x08), 0x03000007u);  // class 03, subclass 00, prog-if 00, revision 07
  EXPECT_EQ(r.rd(3, 0x0B, 1), 0x03u);
  EXPECT_EQ(r.rd(3, 0x3D, 1), 0x01u);  // INTA#
  // Word access at 0xCFD straddles two registers: bytes 1 and 2 of the dword.
  EXPECT_EQ(r.rd(3, 0x01, 2), 0x7812u);
}

TEST(DevPci, AbsentDevicesAndOtherBusesReadAllOnes) {
  PciRig r;
  TestDev d;
  r.bus.plug(&d, 3);
  EXPECT_EQ(r.rd(4, 0x00), 0xFFFFFFFFu);
  EXPECT_EQ(r.rd(4, 0x00, 2), 0xFFFFu);
  EXPECT_EQ(r.rd(4, 0x02, 1), 0xFFu);
  EXPECT_EQ(r.rd(3, 0x00, 4, 1), 0xFFFFFFFFu);  // function 1 of a single-function device
  EXPECT_EQ(r.rd(3, 0x00, 4, 0, 1), 0xFFFFFFFFu);  // bus 1 does not exist
  // With the enable bit clear, CONFIG_DATA is not a configuration access.
  r.ports.write(0xCF8, 4, cfg_addr(0, 3, 0, 0) & ~kEnable);
  EXPECT_EQ(r.ports.read(0xCFC, 4), 0xFFFFFFFFu);
  // Writes to bus 1 or with the enable bit clear do not reach the device on bus 0.
  r.wr(3, 0x3C, 0x0B, 1, 0, 1);
  r.ports.write(0xCF8, 4, cfg_addr(0, 3, 0, 0x3C) & ~kEnable);
  r.ports.write(0xCFC, 1, 0x0C);
  EXPECT_EQ(r.rd(3, 0x3C, 1), 0x00u);
}

TEST(DevPci, ReadOnlyFieldsAndByteWrites) {
  PciRig r;
  TestDev d;
  r.bus.plug(&d, 3);
  r.wr(3, 0x00, 0xFFFFFFFFu);  // IDs are read only
  EXPECT_EQ(r.rd(3, 0x00), 0x56781234u);
  r.wr(3, 0x3C, 0x0A, 1);  // interrupt line is read/write, the pin is not
  r.wr(3, 0x3D, 0x04, 1);
  EXPECT_EQ(r.rd(3, 0x3C, 2), 0x010Au);
  r.wr(3, 0x0D, 0x40, 1);  // latency timer through the byte lane at 0xCFD
  EXPECT_EQ(r.rd(3, 0x0C), 0x00004000u);
}

TEST(DevPci, StatusErrorBitsAreWriteOneToClear) {
  PciRig r;
  TestDev d;
  r.bus.plug(&d, 3);
  d.set_intx(true);
  EXPECT_EQ(r.rd(3, 0x06, 2) & 0x0008, 0x0008u);  // interrupt status follows INTx#
  r.wr(3, 0x06, 0xFFFF, 2);                        // nothing set to clear; INTx status is RO
  EXPECT_EQ(r.rd(3, 0x06, 2), 0x0008u);
  d.set_intx(false);
  EXPECT_EQ(r.rd(3, 0x06, 2), 0x0000u);
}

TEST(DevPci, BarSizing) {
  PciRig r;
  TestDev d;
  r.bus.plug(&d, 3);
  EXPECT_EQ(r.rd(3, 0x10), 0x00000001u);  // I/O BAR: bit 0 set
  EXPECT_EQ(r.rd(3, 0x14), 0x00000000u);  // 32-bit non-prefetchable memory
  EXPECT_EQ(r.rd(3, 0x18), 0x00000008u);  // prefetchable memory
  EXPECT_EQ(r.rd(3, 0x1C), 0x00000000u);  // undeclared BAR: hardwired to 0 (PCI 2.1 6.2.5.1)
  for (unsigned reg = 0x10; reg <= 0x24; reg += 4) r.wr(3, reg, 0xFFFFFFFFu);
  r.wr(3, 0x30, 0xFFFFFFFEu);  // ROM BAR sizing keeps the enable bit clear
  EXPECT_EQ(r.rd(3, 0x10), 0xFFFFFFE1u);  // 32 ports
  EXPECT_EQ(r.rd(3, 0x14), 0xFFFFF000u);  // 4 KiB
  EXPECT_EQ(r.rd(3, 0x18), 0xFFFF0008u);  // 64 KiB, prefetchable
  EXPECT_EQ(r.rd(3, 0x1C), 0x00000000u);
  EXPECT_EQ(r.rd(3, 0x24), 0x00000000u);
  EXPECT_EQ(r.rd(3, 0x30), 0xFFFFE000u);  // 6 KiB image padded to 8 KiB
  // What firmware computes from that: ~(value & mask) + 1.
  EXPECT_EQ(~(r.rd(3, 0x10) & ~3u) + 1, 32u);
  EXPECT_EQ(~(r.rd(3, 0x14) & ~0xFu) + 1, 0x1000u);
  EXPECT_EQ(~(r.rd(3, 0x30) & ~0x7FFu) + 1, 0x2000u);
}

TEST(DevPci, IoBarFollowsCommandRegister) {
  PciRig r;
  TestDev d;
  r.bus.plug(&d, 3);
  r.wr(3, 0x10, 0xC000);
  EXPECT_EQ(r.rd(3, 0x10), 0xC001u);
  EXPECT_FALSE(d.bar_active(0));
  EXPECT_EQ(r.ports.read(0xC004, 1), 0xFFu);  // I/O decoding is off
  r.wr(3, 0x04, pci::kCmdIo, 2);
  EXPECT_TRUE(d.bar_active(0));
  EXPECT_EQ(d.bar_address(0), 0xC000u);
  EXPECT_EQ(r.ports.read(0xC004, 1), 0xA4u);
  r.ports.write(0xC01F, 1, 0x99);
  ASSERT_EQ(d.io_writes.size(), 1u);
  EXPECT_EQ(d.io_writes[0].first, 0xC01Fu);
  // Moving the BAR moves the decode.
  r.wr(3, 0x10, 0xD020);
  EXPECT_EQ(r.ports.read(0xC004, 1), 0xFFu);
  EXPECT_EQ(r.ports.read(0xD024, 1), 0xA4u);
  // Clearing I/O space enable stops it; the memory BARs were never on.
  r.wr(3, 0x04, 0, 2);
  EXPECT_FALSE(d.bar_active(0));
  EXPECT_EQ(r.ports.read(0xD024, 1), 0xFFu);
  EXPECT_FALSE(d.bar_active(1));
}

TEST(DevPci, MemoryBarsFollowCommandRegister) {
  PciRig r;
  TestDev d;
  r.bus.plug(&d, 3);
  r.wr(3, 0x14, 0xFEB00000u);
  r.wr(3, 0x18, 0xFD000000u);
  EXPECT_EQ(r.mem.read(0xFEB00010u, 4), 0xFFFFFFFFu);  // not decoded yet
  r.wr(3, 0x04, pci::kCmdMem, 2);
  EXPECT_EQ(r.mem.read(0xFEB00010u, 4), 0x5A000010u);
  r.mem.write(0xFEB00020u, 4, 0xCAFEF00Du);
  ASSERT_EQ(d.mmio_writes.size(), 1u);
  EXPECT_EQ(d.mmio_writes[0], (std::pair<uint32_t, uint32_t>{0x20, 0xCAFEF00Du}));
  // The RAM BAR goes straight to the device's memory, also through page pointers.
  r.mem.write(0xFD001234u, 2, 0xBEEF);
  EXPECT_EQ(d.vram[0x1234], 0xEF);
  EXPECT_EQ(d.vram[0x1235], 0xBE);
  ASSERT_NE(r.mem.page_for_read(0xFD00F000u), nullptr);
  EXPECT_EQ(r.mem.page_for_read(0xFD00F000u), d.vram.data() + 0xF000);
  // Disabling memory space unmaps both.
  r.wr(3, 0x04, 0, 2);
  EXPECT_EQ(r.mem.read(0xFEB00010u, 4), 0xFFFFFFFFu);
  EXPECT_EQ(r.mem.page_for_read(0xFD00F000u), nullptr);
  // bar_moved reports every map and unmap.
  EXPECT_GE(d.moved.size(), 4u);
}

TEST(DevPci, BarLeftAtSizingValueIsNotDecoded) {
  PciRig r;
  TestDev d;
  r.bus.plug(&d, 3);
  r.wr(3, 0x04, pci::kCmdIo | pci::kCmdMem, 2);
  r.wr(3, 0x10, 0xFFFFFFFFu);
  r.wr(3, 0x14, 0xFFFFFFFFu);
  EXPECT_FALSE(d.bar_active(0));
  EXPECT_FALSE(d.bar_active(1));
  r.wr(3, 0x14, 0xE0000000u);
  EXPECT_TRUE(d.bar_active(1));
}

TEST(DevPci, RomBarNeedsEnableBitAndMemorySpace) {
  PciRig r;
  TestDev d;
  r.bus.plug(&d, 3);
  r.wr(3, 0x30, 0xFEBC0000u);  // address, enable bit clear
  r.wr(3, 0x04, pci::kCmdMem, 2);
  EXPECT_FALSE(d.bar_active(6));
  EXPECT_EQ(r.mem.read(0xFEBC0000u, 2), 0xFFFFu);
  r.wr(3, 0x30, 0xFEBC0001u);
  EXPECT_TRUE(d.bar_active(6));
  EXPECT_EQ(d.bar_address(6), 0xFEBC0000u);
  EXPECT_EQ(r.mem.read(0xFEBC0000u, 2), 0xAA55u);
  EXPECT_EQ(r.mem.read(0xFEBC0002u, 1), 0x0Cu);
  r.mem.write(0xFEBC0000u, 1, 0x00);  // a ROM
  EXPECT_EQ(r.mem.read(0xFEBC0000u, 2), 0xAA55u);
  r.wr(3, 0x04, 0, 2);
  EXPECT_FALSE(d.bar_active(6));
  EXPECT_EQ(r.mem.read(0xFEBC0000u, 2), 0xFFFFu);
}

TEST(DevPci, ResetClearsBarsAndCommand) {
  PciRig r;
  TestDev d;
  r.bus.plug(&d, 3);
  r.wr(3, 0x10, 0xC000);
  r.wr(3, 0x3C, 0x0B, 1);
  r.wr(3, 0x04, pci::kCmdIo, 2);
  ASSERT_TRUE(d.bar_active(0));
  r.bus.reset();
  EXPECT_EQ(r.ports.read(0xCF8, 4), 0u);  // CONFIG_ADDRESS too
  EXPECT_FALSE(d.bar_active(0));
  EXPECT_EQ(r.rd(3, 0x10), 0x00000001u);
  EXPECT_EQ(r.rd(3, 0x04, 2), 0u);
  EXPECT_EQ(r.rd(3, 0x3C, 1), 0u);
}

TEST(DevPci, TakenSlotThrowsAndUnplugUnmaps) {
  PciRig r;
  TestDev a("a"), b("b");
  r.bus.plug(&a, 5);
  EXPECT_THROW(r.bus.plug(&b, 5), std::invalid_argument);
  r.wr(5, 0x10, 0xC000);
  r.wr(5, 0x04, pci::kCmdIo, 2);
  EXPECT_EQ(r.ports.read(0xC000, 1), 0xA0u);
  r.bus.unplug(&a);
  EXPECT_EQ(r.ports.read(0xC000, 1), 0xFFu);
  EXPECT_EQ(r.rd(5, 0x00), 0xFFFFFFFFu);
  r.bus.plug(&b, 5);
  EXPECT_EQ(r.rd(5, 0x00), 0x56781234u);
}

// Records the level of one PIRQ line.
struct Probe : IrqSink {
  bool level = false;
  int changes = 0;
  void set_level(bool high) override {
    level = high;
    ++changes;
  }
};

TEST(DevPci, IntxSwizzleOntoPirqLines) {
  PciRig r;
  Probe pirq[4];
  for (unsigned n = 0; n < 4; ++n) r.bus.set_pirq_sink(n, &pirq[n]);
  // PIRQ[(slot + pin - 1) & 3]: INTA# of slot 1 is PIRQB, of slot 3 PIRQD, of slot 4 PIRQA.
  TestDev d1("d1"), d3("d3"), d4("d4");
  r.bus.plug(&d1, 1);
  r.bus.plug(&d3, 3);
  r.bus.plug(&d4, 4);
  d1.set_intx(true);
  EXPECT_TRUE(pirq[1].level);
  EXPECT_FALSE(pirq[0].level || pirq[2].level || pirq[3].level);
  d3.set_intx(true);
  EXPECT_TRUE(pirq[3].level);
  d4.set_intx(true);
  EXPECT_TRUE(pirq[0].level);
  d1.set_intx(false);
  EXPECT_FALSE(pirq[1].level);
  EXPECT_TRUE(r.bus.pirq_level(0));
  EXPECT_TRUE(r.bus.pirq_level(3));
}

TEST(DevPci, SharedPirqIsWiredOr) {
  PciRig r;
  Probe a;
  r.bus.set_pirq_sink(0, &a);
  TestDev d4("d4"), d8("d8");  // both INTA# on PIRQA
  r.bus.plug(&d4, 4);
  r.bus.plug(&d8, 8);
  d4.set_intx(true);
  d8.set_intx(true);
  d4.set_intx(false);
  EXPECT_TRUE(a.level);  // d8 still asserts
  d8.set_intx(false);
  EXPECT_FALSE(a.level);
}

TEST(DevPci, InterruptDisableMasksIntx) {
  PciRig r;
  Probe a;
  r.bus.set_pirq_sink(0, &a);
  TestDev d("d");
  r.bus.plug(&d, 4);
  d.set_intx(true);
  EXPECT_TRUE(a.level);
  r.wr(4, 0x04, pci::kCmdIntxDisable, 2);
  EXPECT_FALSE(a.level);
  EXPECT_EQ(r.rd(4, 0x06, 2) & 0x0008, 0x0008u);  // the status bit still shows the request
  r.wr(4, 0x04, 0, 2);
  EXPECT_TRUE(a.level);
}

TEST(DevPci, ResetControlPortIsByteWideAt0xCF9) {
  PciRig r;
  uint8_t stored = 0;
  int writes = 0;
  r.bus.on_reset_control([&] { return stored; }, [&](uint8_t v) { stored = v, ++writes; });
  r.ports.write(0xCF9, 1, 0x02);
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(r.ports.read(0xCF9, 1), 0x02u);
  // A dword write to 0xCF8 is CONFIG_ADDRESS, not the reset register.
  r.ports.write(0xCF8, 4, 0x80000000u);
  EXPECT_EQ(writes, 1);
}

}  // namespace
}  // namespace rz
