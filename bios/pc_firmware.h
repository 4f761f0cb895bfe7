// bios/pc_firmware.h: what QEMU's "pc" machine tells its firmware through fw_cfg, so
// Debian's SeaBIOS (built for QEMU) runs unmodified: RAM size, CPU counts, the memory
// map as "etc/e820", the serial console port ("etc/sercon-port": SeaBIOS mirrors its
// screen to that UART and reads keys from it) and the boot order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bios/fw_cfg.h"

namespace rz {

struct PcFirmwareConfig {
  uint64_t ram_below_4g = 0;
  unsigned cpus = 1;
  uint16_t sercon_port = 0x3F8;  // 0: no serial console
  // SeaBIOS "bootorder" lines (OpenFirmware device paths), empty: its default order.
  std::vector<std::string> boot_order;
  unsigned boot_menu_timeout_ms = 0;  // 0: no boot menu
};

void publish_pc_fw_cfg(FwCfg& cfg, const PcFirmwareConfig& pc);

}  // namespace rz
