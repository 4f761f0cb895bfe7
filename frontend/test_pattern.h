// frontend/test_pattern.h: a DisplaySource that shows colour bars, for a window opened on a
// machine without a display adapter (-machine bare, or before a video device exists) and
// for the SDL frontend's tests.
#pragma once

#include "devices/display.h"

namespace rz {

class TestPatternSource : public DisplaySource {
 public:
  TestPatternSource(uint32_t width = 640, uint32_t height = 480) : w_(width), h_(height) {}
  // Eight vertical bars: white, yellow, cyan, green, magenta, red, blue, black.
  static uint32_t bar_colour(unsigned bar);
  bool render(DisplayFrame& f) override;
  bool text_page(std::vector<std::string>&) override { return false; }
  // Change the picture (tests): every pixel XORed with `x` from the next render() on.
  void set_xor(uint32_t x) {
    xor_ = x;
    changed_ = true;
  }

 private:
  uint32_t w_, h_;
  uint32_t xor_ = 0;
  bool changed_ = true;
};

}  // namespace rz
