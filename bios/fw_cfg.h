// bios/fw_cfg.h: QEMU's firmware configuration interface, as QEMU defines it
// (docs/specs/fw_cfg.rst): selector port 0x510 (16-bit), data port 0x511 (8-bit), DMA
// address register at 0x514 (big-endian 64-bit, written as two 32-bit halves; the write of
// the low half at 0x518 starts the transfer).  Items are numbered; named files sit in a
// directory at FW_CFG_FILE_DIR.  Debian's SeaBIOS reads its memory map, boot order, kernel
// and initrd through it, so it runs unmodified.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "devices/bus.h"
#include "mmu/phys.h"

namespace rz {

class FwCfg {
 public:
  enum Key : uint16_t {
    kSignature = 0x00, kId = 0x01, kUuid = 0x02, kRamSize = 0x03, kNoGraphic = 0x04,
    kNbCpus = 0x05, kMachineId = 0x06, kKernelAddr = 0x07, kKernelSize = 0x08,
    kKernelCmdline = 0x09, kInitrdAddr = 0x0a, kInitrdSize = 0x0b, kBootDevice = 0x0c,
    kNuma = 0x0d, kBootMenu = 0x0e, kMaxCpus = 0x0f, kKernelEntry = 0x10, kKernelData = 0x11,
    kInitrdData = 0x12, kCmdlineAddr = 0x13, kCmdlineSize = 0x14, kCmdlineData = 0x15,
    kSetupAddr = 0x16, kSetupSize = 0x17, kSetupData = 0x18, kFileDir = 0x19,
    kFileFirst = 0x20,
    kE820Table = 0x8003,
  };
  static constexpr uint16_t kPortSelector = 0x510, kPortData = 0x511, kPortDma = 0x514;

  FwCfg(PortBus& bus, PhysMem& mem);

  void set_item(uint16_t key, std::vector<uint8_t> data);
  void set_u16(uint16_t key, uint16_t v);
  void set_u32(uint16_t key, uint32_t v);
  void set_u64(uint16_t key, uint64_t v);
  // Add (or replace) a named file; it gets the next free key from kFileFirst.
  void add_file(const std::string& name, std::vector<uint8_t> data);
  const std::vector<uint8_t>* item(uint16_t key) const;

 private:
  void select(uint16_t key);
  uint8_t read_data();
  void dma(uint64_t addr);
  void rebuild_dir();

  PhysMem& mem_;
  std::map<uint16_t, std::vector<uint8_t>> items_;
  std::map<std::string, uint16_t> files_;
  uint16_t next_file_key_ = kFileFirst;
  uint16_t selector_ = 0;
  uint32_t offset_ = 0;
  uint32_t dma_hi_ = 0;
};

}  // namespace rz
