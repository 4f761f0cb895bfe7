// tests/unit/test_acpi.cpp: the ACPI tables (bios/acpi.*) and the AML builder: encodings
// checked against the ACPI specification's grammar, the tables installed for a direct boot
// found and walked the way an OS does (RSDP scan, checksums, RSDT -> FADT -> FACS/DSDT),
// and the fw_cfg table-loader script run the way SeaBIOS runs it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bios/acpi.h"
#include "bios/acpi_aml.h"
#include "bios/fw_cfg.h"
#include "bios/linux_boot.h"
#include "frontend/boot.h"
#include "frontend/machine.h"

namespace rz {
namespace {

using aml::Bytes;

uint64_t le(const uint8_t* p, int bytes) {
  uint64_t x = 0;
  for (int i = 0; i < bytes; ++i) x |= uint64_t(p[i]) << (8 * i);
  return x;
}
uint8_t sum(const uint8_t* p, size_t n) {
  uint8_t s = 0;
  for (size_t i = 0; i < n; ++i) s = uint8_t(s + p[i]);
  return s;
}
bool contains(const std::vector<uint8_t>& hay, const Bytes& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

TEST(AcpiAml, PkgLengthEncodings) {
  // ACPI 20.2.4: one byte up to 63 (counting itself); then 2 bytes up to 4095, ...
  EXPECT_EQ(aml::pkg_length(0), (Bytes{0x01}));
  EXPECT_EQ(aml::pkg_length(62), (Bytes{0x3F}));
  EXPECT_EQ(aml::pkg_length(63), (Bytes{0x41, 0x04}));  // 65 = 0x41: lead 0x40|1, then 4
  EXPECT_EQ(aml::pkg_length(4093), (Bytes{0x4F, 0xFF}));  // 4095
  EXPECT_EQ(aml::pkg_length(4094), (Bytes{0x81, 0x00, 0x01}));  // 4097 = 0x1001
}

TEST(AcpiAml, NamesIntegersAndIds) {
  EXPECT_EQ(aml::name_string("_S5"), (Bytes{'_', 'S', '5', '_'}));
  EXPECT_EQ(aml::name_string("\\_SB.PCI0"), (Bytes{'\\', 0x2E, '_', 'S', 'B', '_', 'P', 'C', 'I', '0'}));
  EXPECT_EQ(aml::name_string("\\_SB.PCI0.ISA"),
            (Bytes{'\\', 0x2F, 3, '_', 'S', 'B', '_', 'P', 'C', 'I', '0', 'I', 'S', 'A', '_'}));
  EXPECT_EQ(aml::name_string("^LNKA"), (Bytes{'^', 'L', 'N', 'K', 'A'}));
  EXPECT_EQ(aml::integer(0), (Bytes{0x00}));
  EXPECT_EQ(aml::integer(1), (Bytes{0x01}));
  EXPECT_EQ(aml::integer(0x80), (Bytes{0x0A, 0x80}));
  EXPECT_EQ(aml::integer(0x1234), (Bytes{0x0B, 0x34, 0x12}));
  EXPECT_EQ(aml::integer(0x0001FFFF), (Bytes{0x0C, 0xFF, 0xFF, 0x01, 0x00}));
  EXPECT_EQ(aml::eisa_id("PNP0A03"), 0x030AD041u);
  EXPECT_EQ(aml::eisa_id("PNP0C0F"), 0x0F0CD041u);
  // Name(_S5, Package(4) {0, 0, 0, 0}), as iasl encodes it.
  EXPECT_EQ(aml::name("_S5", aml::package({aml::integer(0), aml::integer(0), aml::integer(0),
                                           aml::integer(0)})),
            (Bytes{0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00}));
  // Method(_STA, 0) { Return (0x0B) }: PkgLength 9 = itself + name, flags, Return
  EXPECT_EQ(aml::method("_STA", 0, false, aml::return_(aml::integer(0x0B))),
            (Bytes{0x14, 0x09, '_', 'S', 'T', 'A', 0x00, 0xA4, 0x0A, 0x0B}));
  // Field(P40C, ByteAcc, NoLock, Preserve) { PRQ0, 8 }
  EXPECT_EQ(aml::field("P40C", aml::Access::Byte, {{"PRQ0", 8}}),
            (Bytes{0x5B, 0x81, 0x0B, 'P', '4', '0', 'C', 0x01, 'P', 'R', 'Q', '0', 0x08}));
}

TEST(AcpiAml, ResourceDescriptors) {
  // IO(Decode16, 0x3F8, 0x3F8, 1, 8), IRQNoFlags() {4}, End Tag.
  EXPECT_EQ(aml::resource_template({aml::io16(0x3F8, 0x3F8, 1, 8), aml::irq_noflags({4})}),
            (Bytes{0x47, 0x01, 0xF8, 0x03, 0xF8, 0x03, 0x01, 0x08, 0x22, 0x10, 0x00, 0x79, 0x00}));
  // Interrupt(ResourceConsumer, Level, ActiveHigh, Shared) {5, 10}
  EXPECT_EQ(aml::interrupt(true, false, true, {5, 10}),
            (Bytes{0x89, 0x0A, 0x00, 0x09, 0x02, 5, 0, 0, 0, 10, 0, 0, 0}));
  Bytes w = aml::word_io(0x0D00, 0xFFFF);
  ASSERT_EQ(w.size(), 16u);
  EXPECT_EQ(le(&w[1], 2), 13u);
  EXPECT_EQ(le(&w[14], 2), 0xF300u);  // length
  Bytes d = aml::dword_memory(0x08000000, 0xFEBFFFFF, false);
  ASSERT_EQ(d.size(), 26u);
  EXPECT_EQ(le(&d[22], 4), 0xF6C00000u);
}

struct Installed {
  PhysMem mem{32u << 20};
  AcpiConfig cfg;
  uint32_t rsdp = 0;
  Installed() {
    cfg.ram_bytes = mem.ram_size();
    rsdp = install_acpi_tables(mem, build_acpi_tables(cfg), kAcpiDirectBase);
  }
  std::vector<uint8_t> bytes(uint32_t at, uint32_t n) {
    std::vector<uint8_t> v(n);
    mem.read_block(at, v.data(), n);
    return v;
  }
  // An SDT at `at`: its signature must match and its checksum be right.
  std::vector<uint8_t> table(uint32_t at, const char* sig) {
    auto h = bytes(at, 36);
    EXPECT_EQ(std::string(h.begin(), h.begin() + 4), sig);
    auto t = bytes(at, uint32_t(le(&h[4], 4)));
    EXPECT_EQ(sum(t.data(), t.size()), 0) << sig << " checksum";
    return t;
  }
};

TEST(AcpiTables, DirectBootTablesAreFoundAndLinkedLikeAnOsDoes) {
  Installed in;
  // The OS scans 0xE0000-0xFFFFF on 16-byte boundaries for "RSD PTR " with a good checksum.
  uint32_t found = 0;
  for (uint32_t a = 0xE0000; a < 0x100000 && !found; a += 16) {
    auto b = in.bytes(a, 20);
    if (std::memcmp(b.data(), "RSD PTR ", 8) == 0 && sum(b.data(), 20) == 0) found = a;
  }
  ASSERT_EQ(found, in.rsdp);
  EXPECT_LT(found + 20, kAcpiDirectBase + kAcpiDirectSize);
  auto rsdp = in.bytes(found, 20);
  EXPECT_EQ(rsdp[15], 0);  // revision 0: RSDT only
  auto rsdt = in.table(uint32_t(le(&rsdp[16], 4)), "RSDT");
  ASSERT_EQ(rsdt.size(), 44u);  // two entries: the FADT and the MADT
  auto fadt = in.table(uint32_t(le(&rsdt[36], 4)), "FACP");
  auto madt = in.table(uint32_t(le(&rsdt[40], 4)), "APIC");
  EXPECT_EQ(le(&madt[36], 4), 0xFEE00000u);  // local APIC address
  EXPECT_EQ(le(&madt[40], 4), 1u);           // PCAT_COMPAT
  // Walk the entries as Linux's acpi_table_parse_madt does.
  std::map<int, int> kinds;
  bool irq0_to_2 = false, sci_level_high = false;
  for (size_t at = 44; at < madt.size();) {
    const uint8_t type = madt[at], len = madt[at + 1];
    ASSERT_GE(len, 2);
    ASSERT_LE(at + len, madt.size());
    ++kinds[type];
    if (type == 0) {
      EXPECT_EQ(len, 8);
      EXPECT_EQ(madt[at + 3], 0);             // APIC ID 0
      EXPECT_EQ(le(&madt[at + 4], 4), 1u);    // enabled
    } else if (type == 1) {
      EXPECT_EQ(len, 12);
      EXPECT_EQ(madt[at + 2], 1);             // I/O APIC ID after the CPU's
      EXPECT_EQ(le(&madt[at + 4], 4), 0xFEC00000u);
      EXPECT_EQ(le(&madt[at + 8], 4), 0u);    // GSI base
    } else if (type == 2) {
      EXPECT_EQ(len, 10);
      if (madt[at + 3] == 0) irq0_to_2 = le(&madt[at + 4], 4) == 2 && le(&madt[at + 8], 2) == 0;
      if (madt[at + 3] == 9) sci_level_high = le(&madt[at + 4], 4) == 9 && le(&madt[at + 8], 2) == 0xD;
    } else if (type == 4) {
      EXPECT_EQ(len, 6);
      EXPECT_EQ(madt[at + 2], 0xFF);          // all processors
      EXPECT_EQ(madt[at + 5], 1);             // LINT1
    }
    at += len;
  }
  EXPECT_EQ(kinds[0], 1);
  EXPECT_EQ(kinds[1], 1);
  EXPECT_EQ(kinds[2], 5);  // IRQ0, 5, 9, 10, 11
  EXPECT_EQ(kinds[4], 1);
  EXPECT_TRUE(irq0_to_2);
  EXPECT_TRUE(sci_level_high);
  ASSERT_EQ(fadt.size(), 244u);
  EXPECT_EQ(fadt[8], 3);
  EXPECT_EQ(le(&fadt[46], 2), 9u);          // SCI_INT
  EXPECT_EQ(le(&fadt[48], 4), 0xB2u);       // SMI_CMD
  EXPECT_EQ(fadt[52], 0xF1);
  EXPECT_EQ(fadt[53], 0xF0);
  EXPECT_EQ(le(&fadt[56], 4), 0x600u);      // PM1a_EVT_BLK
  EXPECT_EQ(le(&fadt[64], 4), 0x604u);      // PM1a_CNT_BLK
  EXPECT_EQ(le(&fadt[76], 4), 0x608u);      // PM_TMR_BLK
  EXPECT_EQ(le(&fadt[80], 4), 0x60Cu);      // GPE0_BLK
  EXPECT_EQ(fadt[88], 4);
  EXPECT_EQ(fadt[89], 2);
  EXPECT_EQ(fadt[91], 4);
  EXPECT_EQ(fadt[92], 4);
  EXPECT_EQ(le(&fadt[109], 2) & 2, 2u);     // 8042 present
  EXPECT_NE(le(&fadt[112], 4) & (1u << 10), 0u);  // RESET_REG_SUP
  EXPECT_EQ(fadt[116], 1);                  // reset register in system I/O
  EXPECT_EQ(le(&fadt[120], 8), 0xCF9u);
  EXPECT_EQ(fadt[128], 6);
  EXPECT_EQ(le(&fadt[208 + 4], 8), 0x608u); // X_PM_TMR_BLK agrees with PM_TMR_BLK
  EXPECT_EQ(fadt[208 + 1], 32);
  uint32_t facs_at = uint32_t(le(&fadt[36], 4));
  EXPECT_EQ(facs_at % 64, 0u);
  auto facs = in.bytes(facs_at, 64);
  EXPECT_EQ(std::string(facs.begin(), facs.begin() + 4), "FACS");
  EXPECT_EQ(le(&facs[4], 4), 64u);
  auto dsdt = in.table(uint32_t(le(&fadt[40], 4)), "DSDT");
  // The DSDT has \_S5 (soft off = SLP_TYP 0), the PCI root bridge and the four links.
  EXPECT_TRUE(contains(dsdt, {0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0}));
  Bytes pnp0a03{0x08, '_', 'H', 'I', 'D', 0x0C, 0x41, 0xD0, 0x0A, 0x03};
  EXPECT_TRUE(contains(dsdt, pnp0a03));
  for (char l : {'A', 'B', 'C', 'D'}) {
    EXPECT_TRUE(contains(dsdt, {'L', 'N', 'K', uint8_t(l), 0x08, '_', 'H', 'I', 'D', 0x0C, 0x41,
                                0xD0, 0x0C, 0x0F}))
        << "Device(LNK" << l << ") { Name(_HID, EisaId(\"PNP0C0F\")) ...";
  }
  // The PCI0 memory window starts at the top of RAM.
  Bytes window = aml::dword_memory(32u << 20, 0xFEBFFFFF, false);
  EXPECT_TRUE(contains(dsdt, window));
}

// A PC machine set up for a boot without firmware: the tables are readable where an OS
// scans (the PAM must let reads reach DRAM), and the FADT's PM blocks are decoded.
TEST(AcpiTables, FirmwarelessPcMachineShowsTablesAndPmBlock) {
  MachineConfig mc;
  mc.pc = true;
  mc.vga = false;
  mc.ram_mb = 16;
  Machine m(mc);
  setup_acpi_without_firmware(m);
  uint32_t found = 0;
  for (uint32_t a = 0xE0000; a < 0x100000 && !found; a += 16) {
    uint8_t b[20];
    m.mem().read_block(a, b, 20);
    if (std::memcmp(b, "RSD PTR ", 8) == 0 && sum(b, 20) == 0) found = a;
  }
  ASSERT_NE(found, 0u);
  uint8_t rsdp[20], fadt[244];
  m.mem().read_block(found, rsdp, 20);
  uint8_t rsdt[40];
  m.mem().read_block(uint32_t(le(rsdp + 16, 4)), rsdt, 40);
  m.mem().read_block(uint32_t(le(rsdt + 36, 4)), fadt, 244);
  ASSERT_EQ(std::memcmp(fadt, "FACP", 4), 0);
  EXPECT_EQ(sum(fadt, 244), 0);
  // The PM timer named by the FADT counts on the machine's clock.
  uint16_t tmr = uint16_t(le(fadt + 76, 4));
  uint32_t t0 = m.ports().read(tmr, 4);
  m.scheduler().advance_to(m.scheduler().now() + 1'000'000'000);
  EXPECT_EQ((m.ports().read(tmr, 4) - t0) & 0xFFFFFF, 3579545u);
  // PM1a_CNT answers (SCI_EN clear until the OS sends ACPI_ENABLE to SMI_CMD).
  uint16_t cnt = uint16_t(le(fadt + 64, 4));
  EXPECT_EQ(m.ports().read(cnt, 2), 0u);
  m.ports().write(uint16_t(le(fadt + 48, 4)), 1, fadt[52]);
  EXPECT_EQ(m.ports().read(cnt, 2), 1u);
  // IRQ9 (the SCI) is level triggered.
  EXPECT_EQ(m.ports().read(0x4D1, 1) & 0x02, 0x02u);
  // The e820 map of a direct boot reserves the tables' area.
  bool reserved = false;
  for (const E820Entry& e : pc_e820_map(m.mem().ram_size()))
    if (e.type != 1 && e.addr <= kAcpiDirectBase && e.addr + e.size >= found + 20) reserved = true;
  EXPECT_TRUE(reserved);
}

// SeaBIOS's romfile_loader: ALLOCATE places a file, ADD_POINTER adds the address of one
// file to a field of another, ADD_CHECKSUM fixes a byte so a range sums to zero.
TEST(AcpiTables, TableLoaderScriptLinksLikeSeaBios) {
  PortBus bus;
  PhysMem mem{8u << 20};
  FwCfg cfg(bus, mem);
  AcpiConfig ac;
  ac.ram_bytes = 8u << 20;
  publish_acpi_fw_cfg(cfg, build_acpi_tables(ac));
  // Read the fw_cfg directory through the ports.
  auto item = [&](uint16_t key, size_t n) {
    bus.write(FwCfg::kPortSelector, 2, key);
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = uint8_t(bus.read(FwCfg::kPortData, 1));
    return v;
  };
  auto be = [](const uint8_t* p, int n) {
    uint32_t x = 0;
    for (int i = 0; i < n; ++i) x = x << 8 | p[i];
    return x;
  };
  uint32_t n = be(item(FwCfg::kFileDir, 4).data(), 4);
  auto dir = item(FwCfg::kFileDir, 4 + 64 * size_t(n));
  std::map<std::string, std::vector<uint8_t>> files;
  for (uint32_t i = 0; i < n; ++i) {
    const uint8_t* e = &dir[4 + 64 * i];
    files[reinterpret_cast<const char*>(e + 8)] = item(uint16_t(be(e + 4, 2)), be(e, 4));
  }
  ASSERT_TRUE(files.count("etc/table-loader") && files.count("etc/acpi/tables") &&
              files.count("etc/acpi/rsdp"));
  const auto& script = files["etc/table-loader"];
  ASSERT_EQ(script.size() % 128, 0u);
  std::map<std::string, uint32_t> addr;
  uint32_t high = 0x7F0000, fseg = 0xF5A40;
  bool saw_pointer = false, saw_checksum = false;
  for (size_t c = 0; c < script.size(); c += 128) {
    const uint8_t* cmd = &script[c];
    std::string f1(reinterpret_cast<const char*>(cmd + 4)), f2(reinterpret_cast<const char*>(cmd + 60));
    switch (le(cmd, 4)) {
      case 1: {  // ALLOCATE
        uint32_t align = uint32_t(le(cmd + 60, 4));
        uint32_t& next = cmd[64] == 2 ? fseg : high;
        next = (next + align - 1) / align * align;
        addr[f1] = next;
        next += uint32_t(files[f1].size());
        break;
      }
      case 2: {  // ADD_POINTER
        ASSERT_TRUE(addr.count(f1) && addr.count(f2)) << "pointer before ALLOCATE";
        uint32_t off = uint32_t(le(cmd + 116, 4));
        unsigned size = cmd[120];
        auto& d = files[f1];
        uint64_t v = le(&d[off], int(size)) + addr[f2];
        for (unsigned i = 0; i < size; ++i) d[off + i] = uint8_t(v >> (8 * i));
        saw_pointer = true;
        break;
      }
      case 3: {  // ADD_CHECKSUM
        EXPECT_TRUE(saw_pointer) << "checksums must follow the pointers they cover";
        auto& d = files[f1];
        uint32_t off = uint32_t(le(cmd + 60, 4)), start = uint32_t(le(cmd + 64, 4)),
                 len = uint32_t(le(cmd + 68, 4));
        d[off] = uint8_t(d[off] - sum(&d[start], len));
        saw_checksum = true;
        break;
      }
      default: FAIL() << "unknown command " << le(cmd, 4);
    }
  }
  EXPECT_TRUE(saw_checksum);
  ASSERT_EQ(addr["etc/acpi/rsdp"] % 16, 0u);
  ASSERT_EQ(addr["etc/acpi/tables"] % 64, 0u);
  const auto& rsdp = files["etc/acpi/rsdp"];
  const auto& tables = files["etc/acpi/tables"];
  EXPECT_EQ(sum(rsdp.data(), 20), 0);
  auto at = [&](uint32_t phys) { return &tables[phys - addr["etc/acpi/tables"]]; };
  const uint8_t* rsdt = at(uint32_t(le(&rsdp[16], 4)));
  EXPECT_EQ(std::memcmp(rsdt, "RSDT", 4), 0);
  EXPECT_EQ(sum(rsdt, le(rsdt + 4, 4)), 0);
  const uint8_t* fadt = at(uint32_t(le(rsdt + 36, 4)));
  EXPECT_EQ(std::memcmp(fadt, "FACP", 4), 0);
  EXPECT_EQ(sum(fadt, le(fadt + 4, 4)), 0);
  ASSERT_EQ(le(rsdt + 4, 4), 44u);
  const uint8_t* madt = at(uint32_t(le(rsdt + 40, 4)));  // the MADT is linked too
  EXPECT_EQ(std::memcmp(madt, "APIC", 4), 0);
  EXPECT_EQ(sum(madt, le(madt + 4, 4)), 0);
  const uint8_t* dsdt = at(uint32_t(le(fadt + 40, 4)));
  EXPECT_EQ(std::memcmp(dsdt, "DSDT", 4), 0);
  EXPECT_EQ(sum(dsdt, le(dsdt + 4, 4)), 0);
  EXPECT_EQ(std::memcmp(at(uint32_t(le(fadt + 36, 4))), "FACS", 4), 0);
}

}  // namespace
}  // namespace rz
