// frontend/display_setup.cpp: -display parsing and window set-up.  See display_setup.h.
#include "frontend/display_setup.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "frontend/machine.h"
#if RZ_HAVE_SDL
#include "frontend/sdl_display.h"
#endif

namespace rz {

bool have_sdl_display() { return RZ_HAVE_SDL != 0; }

bool parse_display_option(const std::string& arg, DisplayOptions& d, std::string& err) {
  std::string kind = arg.substr(0, arg.find(','));
  if (kind == "none" && kind.size() == arg.size()) {
    d.kind = DisplayKind::None;
    return true;
  }
  if (kind != "sdl") {
    err = "-display: expected sdl[,scale=smooth|integer][,full-screen=on|off] or none, got '" + arg + "'";
    return false;
  }
  d.kind = DisplayKind::Sdl;
  size_t pos = arg.find(',');
  while (pos != std::string::npos) {
    size_t next = arg.find(',', pos + 1);
    std::string kv = arg.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
    if (kv == "scale=smooth") d.integer_scale = false;
    else if (kv == "scale=integer") d.integer_scale = true;
    else if (kv == "full-screen=on") d.full_screen = true;
    else if (kv == "full-screen=off") d.full_screen = false;
    else {
      err = "-display sdl: bad property '" + kv + "' (expected scale=smooth|integer, full-screen=on|off)";
      return false;
    }
    pos = next;
  }
  return true;
}

bool setup_display(Machine& m, const DisplayOptions& d) {
  if (d.kind == DisplayKind::None) return false;
  const char* x11 = std::getenv("DISPLAY");
  const char* wl = std::getenv("WAYLAND_DISPLAY");
  bool host_display = (x11 && *x11) || (wl && *wl);
  if (d.kind == DisplayKind::Auto && !host_display) return false;  // headless: quietly none
#if RZ_HAVE_SDL
  SdlDisplayOptions so;
  so.name = d.name;
  so.integer_scale = d.integer_scale;
  so.fullscreen = d.full_screen;
  auto win = std::make_shared<SdlDisplay>(m, m.display(), so);
  std::string err;
  if (!win->open(err)) {
    if (d.kind == DisplayKind::Sdl) throw std::runtime_error("-display sdl: " + err);
    std::fprintf(stderr, "ringzero: no window (%s): running with -display none\n", err.c_str());
    return false;
  }
  m.add_poll_hook([p = win.get()] { return p->poll(); });
  m.keep(win);
  return true;
#else
  if (d.kind == DisplayKind::Sdl)
    throw std::runtime_error("-display sdl: this ringzero was built without SDL2 (RZ_WITH_SDL=OFF)");
  std::fprintf(stderr, "ringzero: built without SDL2: running with -display none\n");
  return false;
#endif
}

}  // namespace rz
