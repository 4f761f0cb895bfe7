// bios/linux_boot.cpp
#include "bios/linux_boot.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "bios/fw_cfg.h"

namespace rz {

namespace {

// Offsets in struct boot_params / the setup header.
constexpr uint32_t kSetupSects = 0x1F1, kBootFlag = 0x1FE, kHeaderMagic = 0x202,
                   kVersion = 0x206, kTypeOfLoader = 0x210, kLoadflags = 0x211,
                   kCode32Start = 0x214, kRamdiskImage = 0x218, kRamdiskSize = 0x21C,
                   kHeapEndPtr = 0x224, kCmdLinePtr = 0x228, kInitrdAddrMax = 0x22C,
                   kRelocatable = 0x234, kCmdlineSize = 0x238, kPrefAddress = 0x258,
                   kE820Entries = 0x1E8, kE820Table = 0x2D0, kHdrEnd = 0x290;
// screen_info fields at the start of boot_params.
constexpr uint32_t kOrigVideoMode = 0x06, kOrigVideoCols = 0x07, kOrigVideoLines = 0x0E,
                   kOrigVideoIsVGA = 0x0F, kOrigVideoPoints = 0x10;

uint16_t get16(const std::vector<uint8_t>& v, size_t o) { return uint16_t(v[o] | (v[o + 1] << 8)); }
uint32_t get32(const std::vector<uint8_t>& v, size_t o) {
  return uint32_t(v[o]) | (uint32_t(v[o + 1]) << 8) | (uint32_t(v[o + 2]) << 16) | (uint32_t(v[o + 3]) << 24);
}
void put16(std::vector<uint8_t>& v, size_t o, uint16_t x) { v[o] = uint8_t(x); v[o + 1] = uint8_t(x >> 8); }
void put32(std::vector<uint8_t>& v, size_t o, uint32_t x) {
  for (int i = 0; i < 4; ++i) v[o + i] = uint8_t(x >> (8 * i));
}
void put64(std::vector<uint8_t>& v, size_t o, uint64_t x) {
  for (int i = 0; i < 8; ++i) v[o + i] = uint8_t(x >> (8 * i));
}

uint32_t initrd_address(uint32_t ram_bytes, uint32_t max, uint32_t size) {
  // Highest page-aligned address below min(RAM top, initrd_addr_max + 1).
  uint64_t top = std::min<uint64_t>(ram_bytes, uint64_t(max) + 1);
  if (size > top) return 0;
  return uint32_t((top - size) & ~0xFFFull);
}

}  // namespace

std::vector<E820Entry> pc_e820_map(uint32_t ram_bytes) {
  return {
      {0, 0x9FC00, 1},
      {0x9FC00, 0x400, 2},       // extended BIOS data area
      {0xE0000, 0x20000, 2},     // ACPI tables (bios/acpi.h) and the system BIOS
      {0x100000, uint64_t(ram_bytes) - 0x100000, 1},
      {0xFFFC0000, 0x40000, 2},  // BIOS ROM below 4 GiB
  };
}

BzImage parse_bzimage(const std::vector<uint8_t>& f, const std::string& name) {
  if (f.size() < 0x1000) throw std::runtime_error(name + ": too small to be a Linux kernel image");
  if (get16(f, kBootFlag) != 0xAA55 || std::memcmp(&f[kHeaderMagic], "HdrS", 4) != 0)
    throw std::runtime_error(name + ": not a Linux bzImage (no boot-protocol header)");
  BzImage img;
  img.version = get16(f, kVersion);
  if (img.version < 0x0202)
    throw std::runtime_error(name + ": boot protocol " + std::to_string(img.version >> 8) + "." +
                             std::to_string(img.version & 0xFF) + " is too old (need 2.02+)");
  if (!(f[kLoadflags] & 1))
    throw std::runtime_error(name + ": zImage (loaded low) kernels are not supported");
  unsigned sects = f[kSetupSects] ? f[kSetupSects] : 4;
  size_t setup_len = size_t(sects + 1) * 512;
  if (setup_len >= f.size()) throw std::runtime_error(name + ": truncated kernel image");
  img.setup.assign(f.begin(), f.begin() + long(setup_len));
  img.kernel.assign(f.begin() + long(setup_len), f.end());
  if (img.version >= 0x0203) img.initrd_addr_max = get32(f, kInitrdAddrMax);
  if (img.version >= 0x0205) img.relocatable = f[kRelocatable];
  if (img.version >= 0x0206) img.cmdline_size = get32(f, kCmdlineSize);
  if (img.version >= 0x020A) img.pref_address = uint32_t(get32(f, kPrefAddress));
  return img;
}

LinuxDirectBoot load_linux_direct(PhysMem& mem, const BzImage& img,
                                  const std::vector<uint8_t>& initrd, const std::string& cmdline,
                                  const std::string& initrd_name) {
  LinuxDirectBoot b;
  const uint32_t ram = mem.ram_size();
  if (img.kernel.size() + b.kernel > ram)
    throw std::runtime_error("kernel does not fit in " + std::to_string(ram >> 20) + " MiB of RAM");
  if (cmdline.size() > img.cmdline_size)
    throw std::runtime_error("-append: command line longer than the kernel accepts (" +
                             std::to_string(img.cmdline_size) + " bytes)");
  std::vector<uint8_t> zp(4096, 0);
  size_t hdr_len = std::min<size_t>(img.setup.size(), kHdrEnd) - kSetupSects;
  std::memcpy(&zp[kSetupSects], &img.setup[kSetupSects], hdr_len);
  zp[kTypeOfLoader] = 0xFF;
  zp[kLoadflags] = uint8_t((zp[kLoadflags] | 0x80) & ~0x20);  // CAN_USE_HEAP, not QUIET
  put16(zp, kHeapEndPtr, 0xFE00);
  put32(zp, kCmdLinePtr, b.cmdline);
  // A VGA text console, 80x25, as the BIOS would have left it.
  zp[kOrigVideoMode] = 3;
  zp[kOrigVideoCols] = 80;
  zp[kOrigVideoLines] = 25;
  zp[kOrigVideoIsVGA] = 1;
  put16(zp, kOrigVideoPoints, 16);
  auto map = pc_e820_map(ram);
  zp[kE820Entries] = uint8_t(map.size());
  for (size_t i = 0; i < map.size(); ++i) {
    put64(zp, kE820Table + 20 * i, map[i].addr);
    put64(zp, kE820Table + 20 * i + 8, map[i].size);
    put32(zp, kE820Table + 20 * i + 16, map[i].type);
  }
  if (!initrd.empty()) {
    uint32_t kernel_end = b.kernel + uint32_t(img.kernel.size());
    uint32_t at = initrd_address(ram, img.initrd_addr_max, uint32_t(initrd.size()));
    if (at == 0 || at < ((kernel_end + 0xFFF) & ~0xFFFu))
      throw std::runtime_error(initrd_name + ": initrd (" + std::to_string(initrd.size() >> 10) +
                               " KiB) does not fit in RAM below the kernel's limit");
    b.initrd = at;
    b.initrd_size = uint32_t(initrd.size());
    put32(zp, kRamdiskImage, b.initrd);
    put32(zp, kRamdiskSize, b.initrd_size);
    mem.write_block(b.initrd, initrd.data(), initrd.size());
  }
  put32(zp, kCode32Start, b.kernel);
  mem.write_block(b.zero_page, zp.data(), zp.size());
  std::vector<uint8_t> cl(cmdline.begin(), cmdline.end());
  cl.push_back(0);
  mem.write_block(b.cmdline, cl.data(), cl.size());
  mem.write_block(b.kernel, img.kernel.data(), img.kernel.size());
  // GDT: null, null, __BOOT_CS (0x10) flat code, __BOOT_DS (0x18) flat data.
  const uint64_t gdt[4] = {0, 0, 0x00CF9B000000FFFFull, 0x00CF93000000FFFFull};
  mem.write_block(b.gdt, gdt, sizeof(gdt));
  b.entry = b.kernel;
  return b;
}

void publish_linux_fw_cfg(FwCfg& cfg, const BzImage& img, const std::vector<uint8_t>& initrd,
                          const std::string& cmdline, uint32_t ram_bytes) {
  // As QEMU's x86 loader: the real-mode setup goes at 0x90000 with the heap and command line
  // after it; the protected-mode kernel at 1 MiB; the initrd as high as the kernel allows.
  const uint32_t setup_addr = 0x90000, cmdline_addr = 0x9A000;
  std::vector<uint8_t> setup = img.setup;
  setup[kTypeOfLoader] = 0xB0;  // QEMU's loader id; SeaBIOS does not care
  setup[kLoadflags] = uint8_t(setup[kLoadflags] | 0x80);
  put16(setup, kHeapEndPtr, uint16_t(cmdline_addr - setup_addr - 0x200));
  put32(setup, kCmdLinePtr, cmdline_addr);
  if (!initrd.empty()) {
    uint32_t at = initrd_address(ram_bytes, img.initrd_addr_max, uint32_t(initrd.size()));
    put32(setup, kRamdiskImage, at);
    put32(setup, kRamdiskSize, uint32_t(initrd.size()));
    cfg.set_u32(FwCfg::kInitrdAddr, at);
    cfg.set_u32(FwCfg::kInitrdSize, uint32_t(initrd.size()));
    cfg.set_item(FwCfg::kInitrdData, initrd);
  }
  cfg.set_u32(FwCfg::kSetupAddr, setup_addr);
  cfg.set_u32(FwCfg::kSetupSize, uint32_t(setup.size()));
  cfg.set_item(FwCfg::kSetupData, std::move(setup));
  cfg.set_u32(FwCfg::kKernelAddr, 0x100000);
  cfg.set_u32(FwCfg::kKernelSize, uint32_t(img.kernel.size()));
  cfg.set_item(FwCfg::kKernelData, img.kernel);
  std::vector<uint8_t> cl(cmdline.begin(), cmdline.end());
  cl.push_back(0);
  cfg.set_u32(FwCfg::kCmdlineAddr, cmdline_addr);
  cfg.set_u32(FwCfg::kCmdlineSize, uint32_t(cl.size()));
  cfg.set_item(FwCfg::kCmdlineData, std::move(cl));
}

}  // namespace rz
