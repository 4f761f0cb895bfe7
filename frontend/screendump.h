// frontend/screendump.h: the display as files and text: -screendump writes the current
// picture of a DisplaySource as a PNG (libspng), --text-screen prints its text page.
#pragma once

#include <cstdio>
#include <string>

#include "devices/display.h"

namespace rz {

// Write `f` as an 8-bit RGB PNG.  Throws std::runtime_error naming the file on failure.
void write_png(const std::string& path, const DisplayFrame& f);
// Read an 8-bit PNG (any colour type libspng converts to RGB) into XRGB8888 pixels.
// Throws std::runtime_error naming the file on failure.
DisplayFrame read_png(const std::string& path);
// Render `src`'s current picture and write it to `path`.
void screendump(DisplaySource& src, const std::string& path);
// Print the text page (one line per row) to `out`; in a graphics mode print a one-line
// note saying so.  Returns whether a text page was printed.
bool print_text_screen(DisplaySource& src, FILE* out);

}  // namespace rz
