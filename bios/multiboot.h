// bios/multiboot.h: loading a Multiboot (v1) kernel with no firmware.
//
// The loader follows the Multiboot Specification 0.6.96: the header is searched in the first
// 8 KiB of the file (32-bit aligned), the image is loaded from its ELF32 PT_LOAD segments or,
// when header flag bit 16 is set, from the a.out-kludge address fields; the Multiboot
// information structure (memory sizes, memory map, command line, boot loader name) is built
// in low memory and the CPU is put in the entry state of spec section 3.2.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cpu/cpu.h"
#include "mmu/phys.h"

namespace rz {

// Multiboot constants (spec section 3.1 and 3.3).
inline constexpr uint32_t kMultibootHeaderMagic = 0x1BADB002u;
inline constexpr uint32_t kMultibootBootMagic = 0x2BADB002u;
inline constexpr uint32_t kMultibootSearch = 8192;

// One piece of the kernel image to place in guest RAM: `file_size` bytes from the file at
// `file_offset`, then zeros up to `mem_size`.
struct MultibootSegment {
  uint32_t paddr = 0;
  uint32_t file_offset = 0;
  uint32_t file_size = 0;
  uint32_t mem_size = 0;
};

// Where and how a kernel image loads, decoded from its bytes (no guest memory touched).
struct MultibootImage {
  uint32_t header_offset = 0;
  uint32_t header_flags = 0;
  bool aout_kludge = false;
  uint32_t entry = 0;
  std::vector<MultibootSegment> segments;
};

// Decode `file` (named `name` in messages).  Throws std::runtime_error naming the file and
// the problem: no header, bad checksum, flags this loader cannot honour (video mode),
// a malformed ELF or a.out-kludge header, segments outside `ram_size` bytes of RAM or
// overlapping the 640 KiB - 1 MiB hole.
MultibootImage parse_multiboot_image(const std::vector<uint8_t>& file, const std::string& name,
                                     uint32_t ram_size);

// Load `path`, build the Multiboot information structure and set the CPU to the Multiboot
// entry state (32-bit flat protected mode, paging off, IF=0, EAX=0x2BADB002, EBX=info).
// The kernel command line is "path" or "path cmdline" (as GRUB and QEMU pass it).
// Throws std::runtime_error naming the file and the problem.
void load_multiboot_kernel(Cpu& cpu, PhysMem& mem, const std::string& path,
                           const std::string& cmdline);

}  // namespace rz
