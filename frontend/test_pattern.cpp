// frontend/test_pattern.cpp: colour bars.  See test_pattern.h.
#include "frontend/test_pattern.h"

namespace rz {

uint32_t TestPatternSource::bar_colour(unsigned bar) {
  static constexpr uint32_t kBars[8] = {0xFFFFFF, 0xFFFF00, 0x00FFFF, 0x00FF00,
                                        0xFF00FF, 0xFF0000, 0x0000FF, 0x000000};
  return kBars[bar & 7];
}

bool TestPatternSource::render(DisplayFrame& f) {
  bool resized = f.width != w_ || f.height != h_ || f.pixels.size() != size_t(w_) * h_;
  if (!changed_ && !resized) return false;
  f.width = w_;
  f.height = h_;
  f.pixels.resize(size_t(w_) * h_);
  for (uint32_t y = 0; y < h_; ++y)
    for (uint32_t x = 0; x < w_; ++x) f.pixels[size_t(y) * w_ + x] = bar_colour(x * 8 / w_) ^ xor_;
  f.dirty_top = 0;
  f.dirty_bottom = h_;
  changed_ = false;
  return true;
}

}  // namespace rz
