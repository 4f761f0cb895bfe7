// devices/ide_config.h: the PC's IDE drives as the user describes them (-hda, -cdrom,
// -drive, -snapshot, -boot in QEMU's syntax), and PcIde, which opens the images and
// builds the PIIX3 IDE function with its drives.
//
// Drive indexes are QEMU's: 0 primary master, 1 primary slave, 2 secondary master,
// 3 secondary slave (-hda..-hdd; -cdrom is index 2).  Disk images are raw, a multiple of
// 512 bytes; CD images raw ISO, a multiple of 2048 bytes and always read-only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/atapi.h"
#include "devices/block.h"
#include "devices/ide_ata.h"
#include "devices/pci.h"
#include "devices/piix_ide.h"

namespace rz {

struct IdeDriveSpec {
  std::string option;  // where it came from, for messages: "-hda", "-cdrom", "-drive"
  std::string file;
  int index = -1;      // 0-3; -1: the first free index (-drive without index=)
  bool cdrom = false;
  bool read_only = false;
  int bootindex = -1;  // -drive bootindex=N: the firmware's boot priority (lower first); -1: none
};

// "file=PATH,if=ide,index=N,media=disk|cdrom,format=raw,readonly=on|off,bootindex=N"
// (also bus=B, unit=U for index 2B+U; ",," is a comma inside a value).  Throws std::runtime_error
// with a message starting "-drive: ".
IdeDriveSpec parse_drive_spec(const std::string& value);
// "-boot": "order=LETTERS" or just "LETTERS" (a floppy, c hard disk, d CD-ROM, n network),
// at most three, no repeats; optional ",menu=on|off" sets *menu_ms (SeaBIOS's ESC/F12
// boot menu wait, 2500 ms, or 0); "menu=on" alone keeps the default order.  Returns the
// CMOS boot device codes SeaBIOS reads from 3Dh/38h (1 floppy, 2 disk, 3 CD, 4 network),
// empty for the default order.  Throws std::runtime_error with a message starting "-boot: ".
std::vector<uint8_t> parse_boot_spec(const std::string& value, unsigned* menu_ms = nullptr);
// Fill in missing indexes and check for clashes (throws "OPTION: index N is already used
// by OPTION2" / "no free IDE index").
void assign_drive_indexes(std::vector<IdeDriveSpec>& drives);
// SeaBIOS's device path of the IDE drive at `index` (0-3) behind the PIIX3's IDE function
// 00:01.1, as QEMU writes it into the fw_cfg "bootorder" file: /pci@i0cf8/ide@1,1/drive@C/disk@U.
std::string ide_boot_path(unsigned index);
// The drives with a bootindex, as "bootorder" lines in ascending bootindex order (throws
// "-drive: bootindex N is used twice").
std::vector<std::string> ide_boot_order(const std::vector<IdeDriveSpec>& drives);

class PcIde {
 public:
  // Opens every image (throws std::runtime_error "OPTION: FILE: problem"), creates the
  // IDE function and its drives on the legacy ports, IRQs `irq14`/`irq15`.  With a PCI
  // bus it is plugged in at 01.1 and left for the firmware to enable (SeaBIOS does);
  // without one, or with `firmware_less`, legacy decoding is turned on here.
  PcIde(PhysMem& mem, Scheduler& sched, PortBus& ports, IrqSink* irq14, IrqSink* irq15,
        PciBus* pci, std::vector<IdeDriveSpec> drives, bool snapshot, bool firmware_less);
  ~PcIde();

  PiixIde& piix() { return *piix_; }
  IdeDrive* drive(unsigned index) { return piix_->channel(index >> 1).drive(index & 1); }
  // The CD-ROM at `index`, or nullptr.
  AtapiCdrom* cdrom(unsigned index);

 private:
  std::vector<std::unique_ptr<BlockDevice>> images_;
  std::unique_ptr<PiixIde> piix_;
};

}  // namespace rz
