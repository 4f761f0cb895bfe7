// tests/unit/test_smbios.cpp: the SMBIOS 2.4 tables of a boot without firmware, read back
// from guest memory the way an OS (Linux's dmi_scan, dmidecode) reads them: find "_SM_" on
// a 16-byte boundary in the F segment, check both checksums, walk the structure table by
// formatted length plus the string set, and read the fields the spec defines.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bios/smbios.h"
#include "cpu/cpuid.h"
#include "frontend/machine.h"

namespace rz {
namespace {

struct Parsed {
  std::map<uint8_t, std::vector<uint8_t>> formatted;          // by type
  std::map<uint8_t, std::vector<std::string>> strings;        // by type
  unsigned count = 0;
};

uint8_t sum(const uint8_t* p, size_t n) {
  uint8_t s = 0;
  for (size_t i = 0; i < n; ++i) s = uint8_t(s + p[i]);
  return s;
}

Parsed read_back(uint32_t ram_bytes) {
  PhysMem mem(2u << 20);
  SmbiosConfig cfg;
  cfg.ram_bytes = ram_bytes;
  cfg.cpuid_signature = 0x633;
  cfg.cpuid_features = 0x0789F9FDu;
  install_smbios(mem, build_smbios(cfg));
  std::vector<uint8_t> f(0x10000);
  mem.read_block(0xF0000, f.data(), f.size());
  size_t at = f.size();
  for (size_t p = 0; p + 0x1F <= f.size(); p += 16)
    if (std::memcmp(&f[p], "_SM_", 4) == 0) {
      at = p;
      break;
    }
  Parsed out;
  EXPECT_LT(at, f.size()) << "no _SM_ anchor in the F segment";
  if (at == f.size()) return out;
  const uint8_t* e = &f[at];
  EXPECT_EQ(e[5], 0x1F);
  EXPECT_EQ(sum(e, e[5]), 0) << "entry point checksum";
  EXPECT_EQ(std::memcmp(e + 0x10, "_DMI_", 5), 0);
  EXPECT_EQ(sum(e + 0x10, 0x0F), 0) << "intermediate checksum";
  EXPECT_EQ(e[6], 2);
  EXPECT_EQ(e[7], 4);
  EXPECT_EQ(e[0x1E], 0x24);
  const uint16_t len = uint16_t(e[0x16] | e[0x17] << 8);
  const uint32_t addr = uint32_t(e[0x18] | e[0x19] << 8 | e[0x1A] << 16 | e[0x1B] << 24);
  const uint16_t n = uint16_t(e[0x1C] | e[0x1D] << 8);
  const uint16_t max_size = uint16_t(e[8] | e[9] << 8);
  std::vector<uint8_t> t(len);
  mem.read_block(addr, t.data(), t.size());
  size_t p = 0;
  while (p + 4 <= t.size()) {
    const uint8_t type = t[p], flen = t[p + 1];
    EXPECT_GE(flen, 4u);
    std::vector<uint8_t> fmt(t.begin() + long(p), t.begin() + long(p + flen));
    size_t q = p + flen;
    std::vector<std::string> strs;
    if (t[q] == 0 && t[q + 1] == 0) {
      q += 2;
    } else {
      while (t[q] != 0) {
        std::string s(reinterpret_cast<const char*>(&t[q]));
        strs.push_back(s);
        q += s.size() + 1;
      }
      ++q;
    }
    EXPECT_LE(q - p, max_size) << "structure type " << int(type) << " above the maximum size";
    out.formatted[type] = fmt;
    out.strings[type] = strs;
    ++out.count;
    p = q;
    if (type == 127) break;
  }
  EXPECT_EQ(p, t.size()) << "the table length covers exactly the structures";
  EXPECT_EQ(out.count, n);
  return out;
}

TEST(Smbios, TablesReadBackAsAnOsReadsThem) {
  Parsed s = read_back(128u << 20);
  ASSERT_EQ(s.count, 9u);
  // Type 0: vendor string 1, BIOS starting segment E000h; SMBIOS 2.4 length 18h.
  ASSERT_EQ(s.formatted[0].size(), 0x18u);
  EXPECT_EQ(s.strings[0].at(0), "ringzero");
  EXPECT_EQ(s.formatted[0][6] | s.formatted[0][7] << 8, 0xE000);
  // Type 1: manufacturer and product as Linux prints them ("DMI: ringzero Standard PC ...").
  ASSERT_EQ(s.formatted[1].size(), 0x1Bu);
  EXPECT_EQ(s.strings[1].at(s.formatted[1][4] - 1), "ringzero");
  EXPECT_EQ(s.strings[1].at(s.formatted[1][5] - 1), "Standard PC (i440FX + PIIX, 1996)");
  // Type 4: Pentium II family (0Dh), the processor ID is CPUID.1 EAX then EDX, enabled.
  const std::vector<uint8_t>& cpu = s.formatted[4];
  ASSERT_EQ(cpu.size(), 0x23u);
  EXPECT_EQ(cpu[5], 3);
  EXPECT_EQ(cpu[6], 0x0D);
  uint32_t sig, feat;
  std::memcpy(&sig, &cpu[8], 4);
  std::memcpy(&feat, &cpu[12], 4);
  EXPECT_EQ(sig, 0x633u);
  EXPECT_EQ(feat, 0x0789F9FDu);
  EXPECT_EQ(cpu[0x18], 0x41);
  // Type 16/17/19: the RAM size in KiB, MiB and the mapped range [0, RAM).
  uint32_t cap, end;
  std::memcpy(&cap, &s.formatted[16][7], 4);
  EXPECT_EQ(cap, 128u * 1024);
  EXPECT_EQ(s.formatted[17][0x0C] | s.formatted[17][0x0D] << 8, 128);
  std::memcpy(&end, &s.formatted[19][8], 4);
  EXPECT_EQ(end, 128u * 1024 - 1);
  EXPECT_EQ(s.formatted[127].size(), 4u);
}

// For SeaBIOS (fw_cfg "etc/smbios/smbios-anchor" and "-tables"): no type 0, which SeaBIOS
// adds itself; the anchor's table length and count must describe the rest, since SeaBIOS
// rejects tables whose size differs from the anchor's length.
TEST(Smbios, FirmwareCopyHasNoBiosInformation) {
  SmbiosConfig cfg;
  cfg.ram_bytes = 64u << 20;
  cfg.bios_info = false;
  SmbiosTables t = build_smbios(cfg);
  ASSERT_EQ(t.entry.size(), 0x1Fu);
  EXPECT_EQ(size_t(t.entry[0x16] | t.entry[0x17] << 8), t.table.size());
  EXPECT_EQ(t.entry[0x1C] | t.entry[0x1D] << 8, 8);
  EXPECT_EQ(t.table[0], 1) << "the first structure is the system, not the BIOS";
}

// The processor ID in type 4 is what CPUID(1) returns on this machine, APIC flag included
// (it is set while the local APIC is enabled, not in the static feature table).
TEST(Smbios, ProcessorIdMatchesCpuidOfThePcMachine) {
  MachineConfig mc;
  mc.pc = true;
  mc.vga = false;
  mc.ram_mb = 8;
  Machine m(mc);
  const SmbiosConfig sc = pc_smbios_config(m);
  EXPECT_EQ(sc.cpuid_signature, cpuid_query(1).eax);
  EXPECT_EQ(sc.cpuid_features, cpuid_query(1).edx | kCpuidApic);
  EXPECT_EQ(sc.ram_bytes, 8u << 20);
}

TEST(Smbios, MemorySizeFollowsTheMachine) {
  Parsed s = read_back(384u << 20);
  EXPECT_EQ(s.formatted[17][0x0C] | s.formatted[17][0x0D] << 8, 384);
}

}  // namespace
}  // namespace rz
