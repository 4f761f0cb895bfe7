// tests/unit/test_dev_pci_firmware.cpp: what the PC machine shows SeaBIOS: the fw_cfg
// items of bios/pc_firmware.* read back through the fw_cfg ports the way SeaBIOS reads
// them (file directory, then the file), and a Machine with the PC board exposing the PCI
// bus (host bridge at 00.0, ISA bridge at 01.0) and fw_cfg through its port bus.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "bios/pc_firmware.h"
#include "frontend/machine.h"

namespace rz {
namespace {

std::vector<uint8_t> read_item(PortBus& bus, uint16_t key, size_t n) {
  bus.write(FwCfg::kPortSelector, 2, key);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = uint8_t(bus.read(FwCfg::kPortData, 1));
  return v;
}

uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

// Looks a file up in the directory as SeaBIOS's qemu_cfg_init does; returns its bytes.
bool read_file(PortBus& bus, const std::string& name, std::vector<uint8_t>& out) {
  auto count = read_item(bus, FwCfg::kFileDir, 4);
  uint32_t n = be32(count.data());
  auto dir = read_item(bus, FwCfg::kFileDir, 4 + 64 * size_t(n));
  for (uint32_t i = 0; i < n; ++i) {
    const uint8_t* e = dir.data() + 4 + 64 * i;
    if (std::strncmp(reinterpret_cast<const char*>(e + 8), name.c_str(), 56) != 0) continue;
    uint32_t size = be32(e);
    uint16_t key = uint16_t(e[4] << 8 | e[5]);
    out = read_item(bus, key, size);
    return true;
  }
  return false;
}

uint64_t le(const std::vector<uint8_t>& v, size_t off, int bytes) {
  uint64_t x = 0;
  for (int i = 0; i < bytes; ++i) x |= uint64_t(v[off + i]) << (8 * i);
  return x;
}

TEST(DevPciFirmware, FwCfgItemsForSeaBios) {
  PortBus bus;
  PhysMem mem{8u << 20};
  FwCfg cfg(bus, mem);
  PcFirmwareConfig pc;
  pc.ram_below_4g = 48u << 20;
  pc.cpus = 1;
  pc.sercon_port = 0x2F8;
  pc.boot_order = {"/pci@i0cf8/isa@1/fdc@03f0/floppy@0", "HALT"};
  publish_pc_fw_cfg(cfg, pc);
  EXPECT_EQ(le(read_item(bus, FwCfg::kRamSize, 8), 0, 8), 48u << 20);
  EXPECT_EQ(le(read_item(bus, FwCfg::kNbCpus, 2), 0, 2), 1u);
  EXPECT_EQ(le(read_item(bus, FwCfg::kMaxCpus, 2), 0, 2), 1u);
  std::vector<uint8_t> e820, port, order;
  ASSERT_TRUE(read_file(bus, "etc/e820", e820));
  ASSERT_EQ(e820.size(), 20u);  // one {u64 address, u64 length, u32 type}
  EXPECT_EQ(le(e820, 0, 8), 0u);
  EXPECT_EQ(le(e820, 8, 8), 48u << 20);
  EXPECT_EQ(le(e820, 16, 4), 1u);  // RAM
  ASSERT_TRUE(read_file(bus, "etc/sercon-port", port));
  ASSERT_EQ(port.size(), 2u);  // SeaBIOS's romfile_loadint reads it little-endian
  EXPECT_EQ(le(port, 0, 2), 0x2F8u);
  ASSERT_TRUE(read_file(bus, "bootorder", order));
  EXPECT_EQ(std::string(order.begin(), order.end()),
            std::string("/pci@i0cf8/isa@1/fdc@03f0/floppy@0\nHALT\n") + '\0');
  std::vector<uint8_t> none;
  EXPECT_FALSE(read_file(bus, "etc/boot-menu-wait", none));
}

TEST(DevPciFirmware, NoSerialConsoleWithoutPort) {
  PortBus bus;
  PhysMem mem{8u << 20};
  FwCfg cfg(bus, mem);
  PcFirmwareConfig pc;
  pc.ram_below_4g = 8u << 20;
  pc.sercon_port = 0;
  publish_pc_fw_cfg(cfg, pc);
  std::vector<uint8_t> v;
  EXPECT_FALSE(read_file(bus, "etc/sercon-port", v));
  EXPECT_TRUE(read_file(bus, "etc/e820", v));
}

TEST(DevPciFirmware, PcMachineHasPciBusAndFwCfg) {
  MachineConfig mc;
  mc.ram_mb = 16;
  mc.pc = true;
  Machine m(mc);
  ASSERT_NE(m.pci(), nullptr);
  ASSERT_NE(m.fw_cfg(), nullptr);
  m.ports().write(0xCF8, 4, 0x80000000u);
  EXPECT_EQ(m.ports().read(0xCFC, 4), 0x12378086u);
  m.ports().write(0xCF8, 4, 0x80000800u);
  EXPECT_EQ(m.ports().read(0xCFC, 4), 0x70008086u);
  EXPECT_EQ(m.pci()->at(0), static_cast<PciDevice*>(&m.board()->host_bridge()));
  EXPECT_EQ(le(read_item(m.ports(), FwCfg::kRamSize, 8), 0, 8), 16u << 20);
  std::vector<uint8_t> port;
  ASSERT_TRUE(read_file(m.ports(), "etc/sercon-port", port));
  EXPECT_EQ(le(port, 0, 2), 0x3F8u);
  // fw_cfg signature, as SeaBIOS probes it.
  auto sig = read_item(m.ports(), FwCfg::kSignature, 4);
  EXPECT_EQ(std::string(sig.begin(), sig.end()), "QEMU");
}

TEST(DevPciFirmware, BareMachineHasNoPciBus) {
  MachineConfig mc;
  mc.ram_mb = 4;
  Machine m(mc);
  EXPECT_EQ(m.pci(), nullptr);
  EXPECT_EQ(m.fw_cfg(), nullptr);
  m.ports().write(0xCF8, 4, 0x80000000u);
  EXPECT_EQ(m.ports().read(0xCFC, 4), 0xFFFFFFFFu);
}

}  // namespace
}  // namespace rz
