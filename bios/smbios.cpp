// bios/smbios.cpp: the SMBIOS 2.4 structures of ringzero's PC (see bios/smbios.h).
#include "bios/smbios.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include "bios/fw_cfg.h"

namespace rz {

namespace {

// One structure: the formatted area (header included) and its strings.
class Structure {
 public:
  Structure(uint8_t type, uint16_t handle) {
    b_ = {type, 0, uint8_t(handle), uint8_t(handle >> 8)};
  }
  Structure& u8(uint8_t v) {
    b_.push_back(v);
    return *this;
  }
  Structure& u16(uint16_t v) { return u8(uint8_t(v)).u8(uint8_t(v >> 8)); }
  Structure& u32(uint32_t v) { return u16(uint16_t(v)).u16(uint16_t(v >> 16)); }
  Structure& u64(uint64_t v) { return u32(uint32_t(v)).u32(uint32_t(v >> 32)); }
  Structure& zeros(unsigned n) {
    b_.insert(b_.end(), n, 0);
    return *this;
  }
  // A string field: its number (1-based) in the formatted area, the text after it.
  Structure& str(const std::string& s) {
    strings_.push_back(s);
    return u8(uint8_t(strings_.size()));
  }
  void append_to(std::vector<uint8_t>& out) {
    b_[1] = uint8_t(b_.size());
    out.insert(out.end(), b_.begin(), b_.end());
    for (const std::string& s : strings_) {
      out.insert(out.end(), s.begin(), s.end());
      out.push_back(0);
    }
    if (strings_.empty()) out.push_back(0);
    out.push_back(0);
  }
  size_t size() const {
    size_t n = b_.size() + 1 + (strings_.empty() ? 1 : 0);
    for (const std::string& s : strings_) n += s.size() + 1;
    return n;
  }

 private:
  std::vector<uint8_t> b_;
  std::vector<std::string> strings_;
};

uint8_t checksum(const uint8_t* p, size_t n) {
  uint8_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum = uint8_t(sum + p[i]);
  return uint8_t(-sum);
}

constexpr const char* kVendor = "ringzero";
constexpr const char* kProduct = "Standard PC (i440FX + PIIX, 1996)";

}  // namespace

SmbiosTables build_smbios(const SmbiosConfig& cfg) {
  std::vector<Structure> s;
  // Type 0, BIOS information: the BIOS area E0000h-FFFFFh (start segment E000h, 128 KiB);
  // characteristics bit 3: "BIOS characteristics not supported" (no BIOS services exist).
  if (cfg.bios_info) {
    s.emplace_back(0, 0x0000);
    s.back().str(kVendor).str("direct boot").u16(0xE000).str("01/01/2026").u8(1).u64(1u << 3)
        .u8(0).u8(0).u8(0).u8(0).u8(0xFF).u8(0xFF);
  }
  // Type 1, system: no serial number, a zero UUID (none set), woken by the power switch.
  s.emplace_back(1, 0x0100);
  s.back().str(kVendor).str(kProduct).str("1").u8(0).zeros(16).u8(6).u8(0).str("PC");
  // Type 3, chassis: other, states safe, no security information.
  s.emplace_back(3, 0x0300);
  s.back().str(kVendor).u8(1).u8(0).u8(0).u8(0).u8(3).u8(3).u8(3).u8(2).u32(0).u8(0).u8(0)
      .u8(0).u8(0);
  // Type 4, processor: central processor, family 0Dh (Pentium II), the CPUID signature and
  // features as the processor ID, populated and enabled (41h), upgrade 08h (Slot 1), no
  // cache structures (FFFFh).
  s.emplace_back(4, 0x0400);
  s.back().str("CPU 0").u8(3).u8(0x0D).str("GenuineIntel")
      .u32(cfg.cpuid_signature).u32(cfg.cpuid_features).str("Pentium II").u8(0).u16(0)
      .u16(cfg.cpu_mhz).u16(cfg.cpu_mhz).u8(0x41).u8(0x08).u16(0xFFFF).u16(0xFFFF).u16(0xFFFF)
      .u8(0).u8(0).u8(0);
  // Type 16, physical memory array: system board, system memory, no error correction
  // (03h), maximum capacity in KiB, one device.
  const uint32_t ram_kib = cfg.ram_bytes >> 10;
  s.emplace_back(16, 0x1000);
  s.back().u8(3).u8(3).u8(3).u32(ram_kib).u16(0xFFFE).u16(1);
  // Type 17, memory device: in array 1000h, 64 bits wide, the size in MiB, a DIMM of
  // type RAM (07h), detail "other" (bit 1).
  s.emplace_back(17, 0x1100);
  s.back().u16(0x1000).u16(0xFFFE).u16(64).u16(64).u16(uint16_t(std::min<uint32_t>(ram_kib >> 10, 0x7FFF)))
      .u8(0x09).u8(0).str("DIMM 0").u8(0).u8(0x07).u16(1u << 1).u16(0).u8(0).u8(0).u8(0).u8(0);
  // Type 19, memory array mapped address: [0, RAM) in KiB, inclusive end.
  s.emplace_back(19, 0x1300);
  s.back().u32(0).u32(ram_kib ? ram_kib - 1 : 0).u16(0x1000).u8(1);
  // Type 32, system boot information: no errors.
  s.emplace_back(32, 0x2000);
  s.back().zeros(6).u8(0);
  s.emplace_back(127, 0x7F00);

  SmbiosTables t;
  size_t max_size = 0;
  for (Structure& st : s) {
    max_size = std::max(max_size, st.size());
    st.append_to(t.table);
  }
  std::vector<uint8_t>& e = t.entry;
  e.assign(0x1F, 0);
  std::memcpy(e.data(), "_SM_", 4);
  e[5] = 0x1F;  // entry point length
  e[6] = 2;     // version 2.4
  e[7] = 4;
  e[8] = uint8_t(max_size);
  e[9] = uint8_t(max_size >> 8);
  std::memcpy(e.data() + 0x10, "_DMI_", 5);
  e[0x16] = uint8_t(t.table.size());
  e[0x17] = uint8_t(t.table.size() >> 8);
  e[0x1C] = uint8_t(s.size());
  e[0x1D] = uint8_t(s.size() >> 8);
  e[0x1E] = 0x24;  // BCD revision
  return t;
}

void install_smbios(PhysMem& mem, SmbiosTables t) {
  if (kSmbiosTableAt + t.table.size() > 0x100000)
    throw std::runtime_error("SMBIOS tables do not fit below 1 MiB");
  std::vector<uint8_t>& e = t.entry;
  for (unsigned k = 0; k < 4; ++k) e[0x18 + k] = uint8_t(kSmbiosTableAt >> (8 * k));
  e[0x15] = 0;
  e[0x15] = checksum(e.data() + 0x10, 0x0F);  // intermediate: "_DMI_" to the end
  e[4] = 0;
  e[4] = checksum(e.data(), e.size());
  mem.write_block(kSmbiosEntryAt, e.data(), e.size());
  mem.write_block(kSmbiosTableAt, t.table.data(), t.table.size());
}

void publish_smbios_fw_cfg(FwCfg& cfg, const SmbiosTables& t) {
  cfg.add_file("etc/smbios/smbios-anchor", t.entry);
  cfg.add_file("etc/smbios/smbios-tables", t.table);
}

}  // namespace rz
