// devices/fdc_media.cpp: the table of PC floppy formats.  See fdc_media.h.
#include "devices/fdc_media.h"

namespace rz {

namespace {

constexpr uint8_t kR250 = 1u << kRate250k, kR300 = 1u << kRate300k, kR500 = 1u << kRate500k,
                  kR1M = 1u << kRate1M;

// 5.25" double-density media are written at 250 kbps in a 360K drive and read at
// 300 kbps in a 1.2M drive (the faster spindle), so both rates find their marks.
constexpr FloppyFormat kFormats[] = {
    {"160K", 163840, 40, 1, 8, kR250 | kR300, 1},
    {"180K", 184320, 40, 1, 9, kR250 | kR300, 1},
    {"320K", 327680, 40, 2, 8, kR250 | kR300, 1},
    {"360K", 368640, 40, 2, 9, kR250 | kR300, 1},
    {"720K", 737280, 80, 2, 9, kR250, 3},
    {"1.2M", 1228800, 80, 2, 15, kR500, 2},
    {"1.44M", 1474560, 80, 2, 18, kR500, 4},
    {"1.68M (DMF)", 1720320, 80, 2, 21, kR500, 4},
    {"2.88M", 2949120, 80, 2, 36, kR1M, 5},
};

}  // namespace

const FloppyFormat* floppy_format_for_size(uint64_t bytes) {
  for (const auto& f : kFormats)
    if (f.bytes == bytes) return &f;
  return nullptr;
}

std::string floppy_known_sizes() {
  std::string s;
  for (const auto& f : kFormats) {
    if (!s.empty()) s += ", ";
    s += f.name;
    s += " (" + std::to_string(f.bytes) + ")";
  }
  return s;
}

}  // namespace rz
