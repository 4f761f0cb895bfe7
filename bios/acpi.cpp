// bios/acpi.cpp: RSDP, RSDT, FADT and FACS, and their delivery (direct boot or fw_cfg's
// table-loader).  See acpi.h; the DSDT is in acpi_dsdt.cpp.
#include "bios/acpi.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "bios/fw_cfg.h"

namespace rz {

namespace {

constexpr char kOemId[7] = "RNGZRO";
constexpr char kOemTableId[9] = "RINGZERO";

void put(std::vector<uint8_t>& v, uint32_t off, uint64_t x, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) v[off + i] = uint8_t(x >> (8 * i));
}
uint64_t get(const std::vector<uint8_t>& v, uint32_t off, unsigned bytes) {
  uint64_t x = 0;
  for (unsigned i = 0; i < bytes; ++i) x |= uint64_t(v[off + i]) << (8 * i);
  return x;
}

// The 36-byte System Description Table Header (ACPI 5.2.6); checksum left 0.
std::vector<uint8_t> sdt(const char sig[4], uint32_t length, uint8_t revision) {
  std::vector<uint8_t> t(length, 0);
  std::memcpy(&t[0], sig, 4);
  put(t, 4, length, 4);
  t[8] = revision;
  std::memcpy(&t[10], kOemId, 6);
  std::memcpy(&t[16], kOemTableId, 8);
  put(t, 24, 1, 4);                   // OEM revision
  std::memcpy(&t[28], "RZRO", 4);     // creator ID
  put(t, 32, 1, 4);                   // creator revision
  return t;
}

// Generic Address Structure (5.2.3.2) in system I/O space.
void put_gas_io(std::vector<uint8_t>& t, uint32_t off, uint8_t bit_width, uint8_t access_size,
                uint64_t address) {
  t[off] = 1;  // system I/O
  t[off + 1] = bit_width;
  t[off + 2] = 0;
  t[off + 3] = access_size;
  put(t, off + 4, address, 8);
}

// FADT revision 3 (ACPI 2.0 layout, 244 bytes), offsets from table 5.9.
std::vector<uint8_t> build_fadt(const AcpiConfig& cfg) {
  std::vector<uint8_t> f = sdt("FACP", 244, 3);
  const uint32_t pm = cfg.pm_base;
  put(f, 46, 9, 2);      // SCI_INT: the PIIX4's SCI is IRQ9
  put(f, 48, 0xB2, 4);   // SMI_CMD: the APM control port
  f[52] = 0xF1;          // ACPI_ENABLE
  f[53] = 0xF0;          // ACPI_DISABLE
  put(f, 56, pm + 0x00, 4);  // PM1a_EVT_BLK: PMSTS/PMEN
  put(f, 64, pm + 0x04, 4);  // PM1a_CNT_BLK: PMCNTRL
  put(f, 76, pm + 0x08, 4);  // PM_TMR_BLK: PMTMR
  put(f, 80, pm + 0x0C, 4);  // GPE0_BLK: GPSTS/GPEN
  f[88] = 4;             // PM1_EVT_LEN
  f[89] = 2;             // PM1_CNT_LEN
  f[91] = 4;             // PM_TMR_LEN
  f[92] = 4;             // GPE0_BLK_LEN
  put(f, 96, 0x0FFF, 2);   // P_LVL2_LAT > 100: no C2
  put(f, 98, 0x0FFF, 2);   // P_LVL3_LAT > 1000: no C3
  f[108] = 0x32;         // CENTURY: the RTC's century byte
  put(f, 109, 0x0003, 2);  // IAPC_BOOT_ARCH: LEGACY_DEVICES, 8042
  // Flags: WBINVD (0), PROC_C1 (2), SLP_BUTTON (5: no fixed sleep button), RTC_S4 (7),
  // RESET_REG_SUP (10).  PWR_BUTTON (4) clear: the fixed power button (PWRBTN_STS) exists.
  put(f, 112, (1u << 0) | (1u << 2) | (1u << 5) | (1u << 7) | (1u << 10), 4);
  put_gas_io(f, 116, 8, 1, 0xCF9);  // RESET_REG: the PIIX3 reset control register
  f[128] = 0x06;                    // RESET_VALUE: hard reset (SRST | RCPU)
  // 64-bit forms of the blocks (X_FIRMWARE_CTRL and X_DSDT stay 0: the 32-bit ones hold).
  put_gas_io(f, 148, 32, 0, pm + 0x00);  // X_PM1a_EVT_BLK
  put_gas_io(f, 172, 16, 0, pm + 0x04);  // X_PM1a_CNT_BLK
  put_gas_io(f, 208, 32, 0, pm + 0x08);  // X_PM_TMR_BLK
  put_gas_io(f, 220, 32, 0, pm + 0x0C);  // X_GPE0_BLK
  return f;
}

// MADT (ACPI 5.2.12), revision 1: the local APIC address with PCAT_COMPAT (an 8259A pair is
// present), then
//   - Processor Local APIC: processor UID 0, APIC ID 0, enabled;
//   - I/O APIC: ID 1 (after the CPU's), FEC00000h, GSI base 0;
//   - Interrupt Source Overrides: ISA IRQ0 -> GSI 2 (the board wires the PIT to pin 2), and
//     IRQ 5, 9, 10, 11 level triggered, active high: the SCI (IRQ9) and the IRQs the PCI
//     interrupt links may use (the DSDT's LNKA-LNKD choices), which QEMU's MADT declares the
//     same way;
//   - Local APIC NMI: every processor (UID FFh), LINT1.
std::vector<uint8_t> build_madt(const AcpiConfig& cfg) {
  std::vector<uint8_t> e;
  auto add = [&e](std::initializer_list<uint8_t> bytes) { e.insert(e.end(), bytes); };
  add({0, 8, 0, 0, 1, 0, 0, 0});  // Processor Local APIC: UID 0, APIC ID 0, enabled
  std::vector<uint8_t> io(12, 0);
  io[0] = 1;
  io[1] = 12;
  io[2] = cfg.ioapic_id;
  put(io, 4, 0xFEC00000u, 4);
  put(io, 8, 0, 4);  // GSI base
  e.insert(e.end(), io.begin(), io.end());
  auto override_irq = [&e](uint8_t irq, uint32_t gsi, uint16_t flags) {
    std::vector<uint8_t> o(10, 0);
    o[0] = 2;
    o[1] = 10;
    o[2] = 0;  // bus: ISA
    o[3] = irq;
    put(o, 4, gsi, 4);
    put(o, 8, flags, 2);
    e.insert(e.end(), o.begin(), o.end());
  };
  override_irq(0, 2, 0);  // polarity and trigger conform to the ISA bus
  for (uint8_t irq : {5, 9, 10, 11}) override_irq(irq, irq, 0x000D);  // active high, level
  add({4, 6, 0xFF, 0, 0, 1});  // Local APIC NMI: all processors, flags conform, LINT1
  std::vector<uint8_t> t = sdt("APIC", uint32_t(44 + e.size()), 1);
  put(t, 36, 0xFEE00000u, 4);
  put(t, 40, 1, 4);  // PCAT_COMPAT
  std::copy(e.begin(), e.end(), t.begin() + 44);
  return t;
}

std::vector<uint8_t> build_facs() {
  std::vector<uint8_t> f(64, 0);
  std::memcpy(&f[0], "FACS", 4);
  put(f, 4, 64, 4);
  f[32] = 1;  // version (ACPI 2.0+ layout with X_Firmware_Waking_Vector)
  return f;
}

void align(std::vector<uint8_t>& v, size_t a) { v.resize((v.size() + a - 1) / a * a, 0); }

void table_loader_name(std::vector<uint8_t>& cmd, uint32_t off, const char* name) {
  std::strncpy(reinterpret_cast<char*>(&cmd[off]), name, 55);
}

constexpr const char* kTablesFile = "etc/acpi/tables";
constexpr const char* kRsdpFile = "etc/acpi/rsdp";

}  // namespace

void acpi_fix_checksum(std::vector<uint8_t>& data, uint32_t start, uint32_t len, uint32_t at) {
  data[at] = 0;
  uint8_t sum = 0;
  for (uint32_t i = start; i < start + len; ++i) sum = uint8_t(sum + data[i]);
  data[at] = uint8_t(-sum);
}

AcpiTables build_acpi_tables(const AcpiConfig& cfg) {
  AcpiTables t;
  auto add = [&t](const std::vector<uint8_t>& table, size_t alignment) {
    align(t.tables, alignment);
    uint32_t at = uint32_t(t.tables.size());
    t.tables.insert(t.tables.end(), table.begin(), table.end());
    return at;
  };
  auto header_checksum = [&t](uint32_t at) {
    t.checksums.push_back({false, at, uint32_t(get(t.tables, at + 4, 4)), at + 9});
  };
  t.facs = add(build_facs(), 64);
  t.dsdt = add(build_dsdt(cfg), 16);
  header_checksum(t.dsdt);
  std::vector<uint8_t> fadt = build_fadt(cfg);
  put(fadt, 36, t.facs, 4);  // FIRMWARE_CTRL
  put(fadt, 40, t.dsdt, 4);  // DSDT
  t.fadt = add(fadt, 16);
  t.pointers.push_back({false, t.fadt + 36, 4});
  t.pointers.push_back({false, t.fadt + 40, 4});
  header_checksum(t.fadt);
  t.madt = add(build_madt(cfg), 16);
  header_checksum(t.madt);
  std::vector<uint8_t> rsdt = sdt("RSDT", 36 + 8, 1);
  put(rsdt, 36, t.fadt, 4);
  put(rsdt, 40, t.madt, 4);
  t.rsdt = add(rsdt, 16);
  t.pointers.push_back({false, t.rsdt + 36, 4});
  t.pointers.push_back({false, t.rsdt + 40, 4});
  header_checksum(t.rsdt);

  // RSDP revision 0 (ACPI 1.0 form, 20 bytes): an RSDT, no XSDT.
  t.rsdp.assign(20, 0);
  std::memcpy(&t.rsdp[0], "RSD PTR ", 8);
  std::memcpy(&t.rsdp[9], kOemId, 6);
  put(t.rsdp, 16, t.rsdt, 4);
  t.pointers.push_back({true, 16, 4});
  t.checksums.push_back({true, 0, 20, 8});
  return t;
}

uint32_t install_acpi_tables(PhysMem& mem, const AcpiTables& t, uint32_t base) {
  std::vector<uint8_t> tables = t.tables, rsdp = t.rsdp;
  for (const AcpiTables::Pointer& p : t.pointers) {
    std::vector<uint8_t>& v = p.in_rsdp ? rsdp : tables;
    put(v, p.offset, get(v, p.offset, p.size) + base, p.size);
  }
  for (const AcpiTables::Checksum& c : t.checksums)
    acpi_fix_checksum(c.in_rsdp ? rsdp : tables, c.start, c.length, c.offset);
  uint32_t rsdp_at = (base + uint32_t(tables.size()) + 15) & ~15u;
  if (rsdp_at + rsdp.size() > base + kAcpiDirectSize)
    throw std::runtime_error("ACPI tables do not fit in their " +
                             std::to_string(kAcpiDirectSize >> 10) + " KiB area");
  mem.write_block(base, tables.data(), tables.size());
  mem.write_block(rsdp_at, rsdp.data(), rsdp.size());
  return rsdp_at;
}

void publish_acpi_fw_cfg(FwCfg& cfg, const AcpiTables& t) {
  // QEMU's BIOS linker-loader interface (hw/acpi/bios-linker-loader.c): 128-byte commands.
  enum : uint32_t { kAllocate = 1, kAddPointer = 2, kAddChecksum = 3 };
  enum : uint8_t { kZoneHigh = 1, kZoneFseg = 2 };
  std::vector<uint8_t> loader;
  auto command = [&loader](uint32_t type) {
    loader.resize(loader.size() + 128, 0);
    uint32_t at = uint32_t(loader.size() - 128);
    put(loader, at, type, 4);
    return at;
  };
  uint32_t c = command(kAllocate);
  table_loader_name(loader, c + 4, kRsdpFile);
  put(loader, c + 60, 16, 4);
  loader[c + 64] = kZoneFseg;
  c = command(kAllocate);
  table_loader_name(loader, c + 4, kTablesFile);
  put(loader, c + 60, 64, 4);  // the FACS needs 64-byte alignment
  loader[c + 64] = kZoneHigh;
  for (const AcpiTables::Pointer& p : t.pointers) {
    c = command(kAddPointer);
    table_loader_name(loader, c + 4, p.in_rsdp ? kRsdpFile : kTablesFile);
    table_loader_name(loader, c + 60, kTablesFile);
    put(loader, c + 116, p.offset, 4);
    loader[c + 120] = p.size;
  }
  std::vector<uint8_t> tables = t.tables, rsdp = t.rsdp;
  for (const AcpiTables::Checksum& k : t.checksums) {
    c = command(kAddChecksum);
    table_loader_name(loader, c + 4, k.in_rsdp ? kRsdpFile : kTablesFile);
    put(loader, c + 60, k.offset, 4);
    put(loader, c + 64, k.start, 4);
    put(loader, c + 68, k.length, 4);
    // The loader subtracts the sum it finds: start from a zero checksum byte.
    (k.in_rsdp ? rsdp : tables)[k.offset] = 0;
  }
  cfg.add_file(kTablesFile, std::move(tables));
  cfg.add_file(kRsdpFile, std::move(rsdp));
  cfg.add_file("etc/table-loader", std::move(loader));
}

}  // namespace rz
