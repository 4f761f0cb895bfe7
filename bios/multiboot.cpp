// bios/multiboot.cpp: (being written)
#include "bios/multiboot.h"

#include <stdexcept>

namespace rz {

void load_multiboot_kernel(Cpu&, PhysMem&, const std::string& path, const std::string&) {
  throw std::runtime_error(path + ": Multiboot loading is not available yet");
}

}  // namespace rz
