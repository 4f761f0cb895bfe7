// devices/display.h: what a video device offers the frontends (SDL window, -screendump,
// --text-screen).  The device renders its current picture into a host frame in XRGB8888
// (0x00RRGGBB per pixel); frontends never read video memory themselves.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rz {

struct DisplayFrame {
  uint32_t width = 0, height = 0;
  std::vector<uint32_t> pixels;  // width * height, row-major
  // Rows [dirty_top, dirty_bottom) changed in the last render() that returned true.
  uint32_t dirty_top = 0, dirty_bottom = 0;
};

class DisplaySource {
 public:
  virtual ~DisplaySource() = default;
  // Bring `f` up to date (resizing it on a mode change).  Returns false when nothing
  // changed since the previous call with the same frame, so frontends can skip work.
  virtual bool render(DisplayFrame& f) = 0;
  // The text page as lines of UTF-8 (CP437 mapped to Unicode), when a text mode is
  // active; false in graphics modes.
  virtual bool text_page(std::vector<std::string>& lines) = 0;
  // Aspect ratio the picture should be shown at (4:3 for the VGA's 640x400 text, etc.).
  virtual double aspect() const { return 4.0 / 3.0; }
};

}  // namespace rz
