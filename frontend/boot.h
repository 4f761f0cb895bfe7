// frontend/boot.h: putting a Machine in the state a boot protocol defines.  The bios/
// loaders lay images out in guest memory; this sets the CPU registers to match.
#pragma once

#include <string>

#include "frontend/machine.h"

namespace rz {

// True if the file starts like a Linux bzImage (boot sector signature and "HdrS").
bool is_linux_kernel(const std::string& path);
// Direct Linux boot with no firmware: the 32-bit boot protocol entry.
void boot_linux_direct(Machine& m, const std::string& kernel, const std::string& initrd,
                       const std::string& cmdline);
// What firmware does for ACPI, for a boot without firmware on the PC board: the PIIX4
// power management block at its usual base, DRAM read/write at 0xE0000-0xEFFFF (PAM5/6),
// the ACPI tables there (bios/acpi.h) and the SCI's IRQ9 level triggered in the ELCR.  Nothing without the board.
void setup_acpi_without_firmware(Machine& m);
// The rest of what a PC BIOS leaves for the operating system it starts, for boots without
// firmware (direct Linux, multiboot): the MTRRs (cpu/mtrr.h), SMBIOS tables at 0xF0000
// (bios/smbios.h) and the i8042 command byte.
void setup_bios_handoff_state(Machine& m);
// Linux boot through the firmware (QEMU's way): kernel, initrd and command line go into
// fw_cfg, and QEMU's linuxboot_dma.bin option ROM (fw_cfg "genroms/linuxboot_dma.bin"),
// which SeaBIOS runs, loads and starts them.
#define RZ_LINUXBOOT_ROM "/usr/share/qemu/linuxboot_dma.bin"
void boot_linux_fw_cfg(Machine& m, const std::string& kernel, const std::string& initrd,
                       const std::string& cmdline);
// Read a whole file; throws std::runtime_error("PATH: reason").
std::vector<uint8_t> read_file(const std::string& path, const char* what);

}  // namespace rz
