// bios/multiboot.h: loading a Multiboot (v1) kernel with no firmware.
#pragma once

#include <string>

#include "cpu/cpu.h"
#include "mmu/phys.h"

namespace rz {

// Load `path` (ELF32 or a.out-kludge binary with a Multiboot header), build the Multiboot
// information structure (memory map, command line) and set the CPU to the Multiboot entry
// state (32-bit flat protected mode, EAX=0x2BADB002, EBX=info).  Throws std::runtime_error
// naming the file and the problem.
void load_multiboot_kernel(Cpu& cpu, PhysMem& mem, const std::string& path,
                           const std::string& cmdline);

}  // namespace rz
