// bios/pc_firmware.cpp: the fw_cfg items of a PC.  See pc_firmware.h.
#include "bios/pc_firmware.h"

namespace rz {

namespace {

void put_le(std::vector<uint8_t>& v, uint64_t x, int bytes) {
  for (int i = 0; i < bytes; ++i) v.push_back(uint8_t(x >> (8 * i)));
}

}  // namespace

void publish_pc_fw_cfg(FwCfg& cfg, const PcFirmwareConfig& pc) {
  cfg.set_u64(FwCfg::kRamSize, pc.ram_below_4g);
  cfg.set_u16(FwCfg::kNbCpus, uint16_t(pc.cpus));
  cfg.set_u16(FwCfg::kMaxCpus, uint16_t(pc.cpus));
  cfg.set_u16(FwCfg::kBootMenu, pc.boot_menu_timeout_ms ? 1 : 0);
  cfg.set_u16(FwCfg::kNoGraphic, 0);
  // FW_CFG_IRQ0_OVERRIDE (ARCH_LOCAL + 2, SeaBIOS's "etc/irq0-override"): the PIT reaches
  // I/O APIC pin 2, not pin 0, so SeaBIOS's MP table routes ISA IRQ0 to INTIN2 (as the
  // MADT's override says), as on QEMU.
  constexpr uint16_t kIrq0Override = 0x8002;
  cfg.set_u32(kIrq0Override, 1);

  // "etc/e820" holds RAM and reservations as {u64 address, u64 length, u32 type}.  Like
  // QEMU's pc machine it lists the RAM as one block; SeaBIOS adds the holes it owns
  // (EBDA, BIOS area, the ROM below 4 GiB) to the map it hands the OS.
  std::vector<uint8_t> e820;
  put_le(e820, 0, 8);
  put_le(e820, pc.ram_below_4g, 8);
  put_le(e820, 1, 4);
  cfg.add_file("etc/e820", std::move(e820));

  if (pc.sercon_port) {
    std::vector<uint8_t> port;
    put_le(port, pc.sercon_port, 2);
    cfg.add_file("etc/sercon-port", std::move(port));
  }
  if (pc.boot_menu_timeout_ms) {
    std::vector<uint8_t> t;
    put_le(t, pc.boot_menu_timeout_ms, 2);
    cfg.add_file("etc/boot-menu-wait", std::move(t));
  }
  if (!pc.boot_order.empty()) {
    std::string s;
    for (const std::string& line : pc.boot_order) s += line + "\n";
    std::vector<uint8_t> v(s.begin(), s.end());
    v.push_back(0);  // QEMU's list is a NUL-terminated string
    cfg.add_file("bootorder", std::move(v));
  }
}

}  // namespace rz
