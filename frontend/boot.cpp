// frontend/boot.cpp
#include "frontend/boot.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "bios/acpi.h"
#include "bios/fw_cfg.h"
#include "bios/linux_boot.h"
#include "bios/mptable.h"
#include "bios/smbios.h"
#include "cpu/cpuid.h"
#include "cpu/mtrr.h"
#include "cpu/segments.h"

namespace rz {

std::vector<uint8_t> read_file(const std::string& path, const char* what) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    throw std::runtime_error(path + ": cannot open " + what + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw std::runtime_error(path + ": " + what + " is not a regular file");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot open " + what + ": " + std::strerror(errno));
  std::vector<uint8_t> v((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) throw std::runtime_error(path + ": read error");
  return v;
}

bool is_linux_kernel(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char buf[0x206] = {};
  if (!f.read(buf, sizeof(buf))) return false;
  return uint8_t(buf[0x1FE]) == 0x55 && uint8_t(buf[0x1FF]) == 0xAA &&
         std::memcmp(buf + 0x202, "HdrS", 4) == 0;
}

void setup_acpi_without_firmware(Machine& m) {
  PcBoard* board = m.board();
  if (!board) return;
  AcpiConfig ac = pc_acpi_config(m);
  board->power_management().enable_io(ac.pm_base);
  // PAM5 (0xE0000-0xE7FFF) and PAM6 (0xE8000-0xEFFFF): DRAM read/write, as firmware
  // leaves the area that holds its ACPI tables (the e820 map reserves it).
  static_assert(kAcpiDirectBase == 0xE0000 && kAcpiDirectSize == 0x10000);
  board->pci().config_write(0, I440fx::kPam0 + 5, 1, 0x33);
  board->pci().config_write(0, I440fx::kPam0 + 6, 1, 0x33);
  install_acpi_tables(m.mem(), build_acpi_tables(ac), kAcpiDirectBase);
  // An MP table for an OS without ACPI (Linux acpi=off), as SeaBIOS writes one.
  MpTableConfig mp;
  mp.cpu_signature = kCpuidSignature;
  mp.cpu_features = cpuid_of(m.cpu(), 1).edx;
  mp.ioapic_id = ac.ioapic_id;
  install_mp_table(m.mem(), mp);
  // The SCI (IRQ9) is level triggered: firmware sets its ELCR bit (port 0x4D1 bit 1).
  board->pic().slave().set_elcr(uint8_t(board->pic().slave().elcr() | 0x02));
}

void setup_bios_handoff_state(Machine& m) {
  mtrr_bios_defaults(m.cpu());
  if (PcBoard* board = m.board()) {
    // SMBIOS in the F segment: PAM0 bits 5:4 make 0xF0000-0xFFFFF DRAM, read/write (the
    // e820 map reserves it).
    board->pci().config_write(0, I440fx::kPam0, 1, 0x30);
    install_smbios(m.mem(), build_smbios(pc_smbios_config(m)));
    // The i8042 command byte SeaBIOS leaves: keyboard interrupt on, set 1 translation on,
    // mouse port disabled (0x61).
    board->kbc().write_command(0x60);
    board->kbc().write_data(0x61);
  }
}

void boot_linux_direct(Machine& m, const std::string& kernel, const std::string& initrd,
                       const std::string& cmdline) {
  BzImage img = parse_bzimage(read_file(kernel, "kernel"), kernel);
  std::vector<uint8_t> rd;
  if (!initrd.empty()) rd = read_file(initrd, "initrd");
  LinuxDirectBoot b = load_linux_direct(m.mem(), img, rd, cmdline, initrd);
  setup_acpi_without_firmware(m);
  setup_bios_handoff_state(m);
  // The 32-bit boot protocol entry: flat __BOOT_CS/__BOOT_DS from the GDT the loader wrote,
  // paging off, interrupts off, ESI = boot_params, EBP = EDI = EBX = 0.
  Cpu& c = m.cpu();
  c.gdtr.base = b.gdt;
  c.gdtr.limit = 4 * 8 - 1;
  c.cr0 = (c.cr0 | CR0_PE) & ~CR0_PG;
  c.mmu->set_cr0(c.cr0);
  load_flat_segments(c, 0x10, 0x18);
  c.eflags = 2;
  c.lazy = 0;
  for (uint32_t& r : c.r) r = 0;
  c.r[ESI] = b.zero_page;
  c.eip = b.entry;
}

void boot_linux_fw_cfg(Machine& m, const std::string& kernel, const std::string& initrd,
                       const std::string& cmdline) {
  BzImage img = parse_bzimage(read_file(kernel, "kernel"), kernel);
  std::vector<uint8_t> rd;
  if (!initrd.empty()) rd = read_file(initrd, "initrd");
  struct stat st;
  if (stat(RZ_LINUXBOOT_ROM, &st) != 0)
    throw std::runtime_error(std::string(RZ_LINUXBOOT_ROM) +
                             ": option ROM for firmware Linux boot not found (install the "
                             "qemu-system-data package, or drop -bios for direct boot)");
  std::vector<uint8_t> rom = read_file(RZ_LINUXBOOT_ROM, "option ROM");
  publish_linux_fw_cfg(*m.fw_cfg(), img, rd, cmdline, m.mem().ram_size());
  m.fw_cfg()->add_file("genroms/linuxboot_dma.bin", std::move(rom));
}

}  // namespace rz
