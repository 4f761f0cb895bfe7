// devices/fdc_media.h: floppy media formats and drives as the 82077AA sees them.
//
// A raw image holds the sectors of every track in order (cylinder, then head, then
// sector 1..n) and says nothing about its format, so the format comes from the image
// size.  Each format records the geometry the controller checks IDs against, the data
// rates (DSR/CCR codes) at which its address marks can be read, and the PC drive type
// (CMOS 0x10 nibble) that reads it natively.  All PC formats use 512-byte sectors
// (size code N = 2) written in MFM.
#pragma once

#include <cstdint>
#include <string>

#include "devices/block.h"

namespace rz {

// DSR/CCR bits 1-0.
enum FdcRate : uint8_t { kRate500k = 0, kRate300k = 1, kRate250k = 2, kRate1M = 3 };

struct FloppyFormat {
  const char* name;
  uint64_t bytes;
  uint8_t cylinders, heads, sectors;
  uint8_t rates;      // bit n set: readable at DSR rate code n
  uint8_t cmos_type;  // 1 360K 5.25", 2 1.2M 5.25", 3 720K 3.5", 4 1.44M 3.5", 5 2.88M 3.5"
};

// The format for an image of `bytes` bytes, or nullptr.
const FloppyFormat* floppy_format_for_size(uint64_t bytes);
// "160K, 180K, 320K, 360K, 720K, 1.2M, 1.44M, 1.68M (DMF), 2.88M" for messages.
std::string floppy_known_sizes();

// Highest cylinder a drive of CMOS type `t` can step to (its mechanical stop).
inline uint8_t floppy_drive_max_cylinder(uint8_t t) { return t == 1 ? 41 : 83; }

// One drive on the cable: its type and the medium in it.  The medium is not owned.
struct FloppyDrive {
  bool present = false;
  uint8_t type = 0;  // CMOS drive type
  BlockDevice* medium = nullptr;
  const FloppyFormat* format = nullptr;
  bool write_protected = true;  // no medium reads as protected

  bool has_medium() const { return medium && format; }
};

}  // namespace rz
