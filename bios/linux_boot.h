// bios/linux_boot.h: the Linux/x86 boot protocol (Documentation/arch/x86/boot.rst), for
// direct kernel boot like QEMU's -kernel/-initrd/-append: with no firmware at all (the
// 32-bit entry: zero page, e820 map, command line, initrd) or through SeaBIOS (the fw_cfg
// kernel, setup, initrd and command-line items that SeaBIOS's linuxboot path reads).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmu/phys.h"

namespace rz {

class FwCfg;

struct E820Entry {
  uint64_t addr, size;
  uint32_t type;  // 1 usable, 2 reserved
};

// The PC memory map of a machine with `ram_bytes` of RAM, as firmware reports it.
std::vector<E820Entry> pc_e820_map(uint32_t ram_bytes);

struct BzImage {
  std::vector<uint8_t> setup;   // real-mode part: (setup_sects + 1) * 512 bytes
  std::vector<uint8_t> kernel;  // protected-mode part, loaded at 1 MiB
  uint16_t version = 0;         // boot protocol version
  uint32_t initrd_addr_max = 0x37FFFFFF;
  uint32_t cmdline_size = 255;
  bool relocatable = false;
  uint32_t pref_address = 0x100000;
};

// Parse a bzImage; throws std::runtime_error naming `name` and the problem (not a bzImage,
// protocol older than 2.02, truncated, zImage-only).
BzImage parse_bzimage(const std::vector<uint8_t>& file, const std::string& name);

// Where things go in guest RAM for the no-firmware path.
struct LinuxDirectBoot {
  uint32_t zero_page = 0x10000;   // struct boot_params
  uint32_t cmdline = 0x20000;
  uint32_t gdt = 0x5000;          // flat __BOOT_CS (0x10) / __BOOT_DS (0x18)
  uint32_t kernel = 0x100000;
  uint32_t initrd = 0, initrd_size = 0;
  uint32_t entry = 0x100000;
};

// Write zero page, command line, kernel and initrd into RAM.  Returns the layout; the caller
// puts the CPU in the protocol's 32-bit entry state (esi = zero page, flat segments, IF=0).
LinuxDirectBoot load_linux_direct(PhysMem& mem, const BzImage& img,
                                  const std::vector<uint8_t>& initrd, const std::string& cmdline,
                                  const std::string& initrd_name);

// Publish kernel, initrd and command line through fw_cfg for SeaBIOS (as QEMU does).
void publish_linux_fw_cfg(FwCfg& cfg, const BzImage& img, const std::vector<uint8_t>& initrd,
                          const std::string& cmdline, uint32_t ram_bytes);

}  // namespace rz
