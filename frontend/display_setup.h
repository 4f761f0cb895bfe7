// frontend/display_setup.h: the -display choice turned into a window (or none).  The
// default opens an SDL window when $DISPLAY or $WAYLAND_DISPLAY is set and SDL can open
// one; otherwise the run is headless (a one-line notice says why when a display was
// expected).  The window lives as long as the machine and is polled from its poll hook.
#pragma once

#include <string>

namespace rz {

class Machine;

enum class DisplayKind { Auto, Sdl, None };

struct DisplayOptions {
  DisplayKind kind = DisplayKind::Auto;
  bool integer_scale = false;
  bool full_screen = false;
  std::string name;  // -name
};

// Parse the -display argument: sdl[,scale=smooth|integer][,full-screen=on|off] or none.
bool parse_display_option(const std::string& arg, DisplayOptions& d, std::string& err);

// Open the window; throws std::runtime_error when -display sdl was asked for and cannot
// be had.  Returns true if a window is open.
bool setup_display(Machine& m, const DisplayOptions& d);

// Whether this build has the SDL frontend.
bool have_sdl_display();

}  // namespace rz
