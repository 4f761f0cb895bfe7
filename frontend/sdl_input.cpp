// frontend/sdl_input.cpp: SDL events of the window: keys to the PS/2 keyboard (with the
// Ctrl+Alt+F / Ctrl+Alt+G hotkeys), mouse grab and PS/2 mouse input, window events.
// See sdl_display.h.
#include <SDL.h>

#include "frontend/machine.h"
#include "frontend/sdl_display.h"

namespace rz {

PcKey pc_key_for_sdl_scancode(int sc) {
  if (sc > 0 && sc < 0xE8) {
    // SDL scancodes below 0xE8 are HID usages; keep those the PS/2 keyboard has.
    uint8_t code;
    bool ext;
    uint16_t u = uint16_t(sc);
    if (u == 0x46 || u == 0x48 || u == 0x90 || u == 0x91 || ps2_set2_from_hid(u, code, ext))
      return PcKey{u, 0, false};
    return PcKey{};
  }
  // SDL's own numbers for consumer and system-control keys.
  struct Media {
    int sc;
    uint8_t set2;
  };
  static constexpr Media kMedia[] = {
      {SDL_SCANCODE_AUDIONEXT, 0x4D},  {SDL_SCANCODE_AUDIOPREV, 0x15},
      {SDL_SCANCODE_AUDIOSTOP, 0x3B},  {SDL_SCANCODE_AUDIOPLAY, 0x34},
      {SDL_SCANCODE_AUDIOMUTE, 0x23},  {SDL_SCANCODE_MEDIASELECT, 0x50},
      {SDL_SCANCODE_WWW, 0x3A},        {SDL_SCANCODE_MAIL, 0x48},
      {SDL_SCANCODE_CALCULATOR, 0x2B}, {SDL_SCANCODE_COMPUTER, 0x40},
      {SDL_SCANCODE_AC_SEARCH, 0x10},  {SDL_SCANCODE_AC_HOME, 0x3A},
      {SDL_SCANCODE_AC_BACK, 0x38},    {SDL_SCANCODE_AC_FORWARD, 0x30},
      {SDL_SCANCODE_AC_STOP, 0x28},    {SDL_SCANCODE_AC_REFRESH, 0x20},
      {SDL_SCANCODE_AC_BOOKMARKS, 0x18}, {SDL_SCANCODE_SLEEP, 0x3F},
  };
  for (const Media& md : kMedia)
    if (md.sc == sc) return PcKey{0, md.set2, true};
  return PcKey{};
}

void SdlDisplay::key(const SDL_Event& e, bool pressed) {
  int sc = e.key.keysym.scancode;
  if (sc < 0 || sc >= int(held_.size())) return;
  if (pressed) {
    if (e.key.repeat) return;  // the PS/2 keyboard makes its own typematic repeat
    bool ctrl_alt = (e.key.keysym.mod & KMOD_CTRL) && (e.key.keysym.mod & KMOD_ALT);
    if (ctrl_alt && (sc == SDL_SCANCODE_F || sc == SDL_SCANCODE_G)) {
      swallowed_.set(size_t(sc));
      if (sc == SDL_SCANCODE_F) toggle_fullscreen();
      else set_grab(false);
      return;
    }
  } else if (swallowed_.test(size_t(sc))) {
    swallowed_.reset(size_t(sc));
    return;
  }
  if (!m_.board()) return;
  PcKey k = pc_key_for_sdl_scancode(sc);
  if (!k.valid()) return;
  if (!pressed && !held_.test(size_t(sc))) return;  // pressed before the window had focus
  held_.set(size_t(sc), pressed);
  press_pc_key(m_.board()->keyboard(), k, pressed);
}

// Focus lost: the host will not tell us about releases any more, so release every key
// the guest believes held (no stuck Alt after Alt+Tab).
void SdlDisplay::release_all_keys() {
  if (!m_.board()) return;
  for (size_t sc = 0; sc < held_.size(); ++sc) {
    if (!held_.test(sc)) continue;
    held_.reset(sc);
    press_pc_key(m_.board()->keyboard(), pc_key_for_sdl_scancode(int(sc)), false);
  }
}

void SdlDisplay::set_grab(bool on) {
  if (on == grabbed_) return;
  grabbed_ = on;
  if (SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE) != 0) {
    // No relative mode (some drivers): confine and hide the pointer instead.
    SDL_SetWindowGrab(win_, on ? SDL_TRUE : SDL_FALSE);
    SDL_ShowCursor(on ? SDL_DISABLE : SDL_ENABLE);
  }
  if (!on && buttons_) {
    buttons_ = 0;  // no button stays held in the guest
    mouse_dirty_ = true;
  }
  update_title(true);
}

void SdlDisplay::flush_mouse() {
  if (!mouse_dirty_) return;
  mouse_dirty_ = false;
  if (m_.board()) m_.board()->mouse().move(mouse_dx_, mouse_dy_, mouse_dz_, buttons_);
  mouse_dx_ = mouse_dy_ = mouse_dz_ = 0;
}

void SdlDisplay::handle(const SDL_Event& e) {
  switch (e.type) {
    case SDL_QUIT:
      closed_ = true;
      break;
    case SDL_WINDOWEVENT:
      switch (e.window.event) {
        case SDL_WINDOWEVENT_CLOSE:
          closed_ = true;
          break;
        case SDL_WINDOWEVENT_RESIZED: {
          int w, h;
          default_window_size(w, h);
          if (!fullscreen_ && (e.window.data1 != w || e.window.data2 != h)) user_resized_ = true;
          need_present_ = true;
          break;
        }
        case SDL_WINDOWEVENT_SIZE_CHANGED:
        case SDL_WINDOWEVENT_EXPOSED:
          need_present_ = true;
          break;
        case SDL_WINDOWEVENT_FOCUS_LOST:
          release_all_keys();
          break;
        default:
          break;
      }
      break;
    case SDL_KEYDOWN:
      key(e, true);
      break;
    case SDL_KEYUP:
      key(e, false);
      break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: {
      bool down = e.type == SDL_MOUSEBUTTONDOWN;
      if (!grabbed_) {
        // The click that grabs the mouse is the host's, not the guest's.
        if (down) {
          set_grab(true);
          swallow_click_ = true;
        }
        break;
      }
      if (!down && swallow_click_) {
        swallow_click_ = false;
        break;
      }
      static constexpr uint8_t kBit[6] = {0, 0x01, 0x04, 0x02, 0x08, 0x10};  // L M R X1 X2
      uint8_t bit = e.button.button < 6 ? kBit[e.button.button] : 0;
      buttons_ = uint8_t(down ? buttons_ | bit : buttons_ & ~bit);
      mouse_dirty_ = true;
      break;
    }
    case SDL_MOUSEMOTION:
      if (!grabbed_) break;
      mouse_dx_ += e.motion.xrel;
      mouse_dy_ -= e.motion.yrel;  // PS/2: positive is away from the user
      mouse_dirty_ = true;
      break;
    case SDL_MOUSEWHEEL: {
      if (!grabbed_) break;
      int y = e.wheel.y;
      if (e.wheel.direction == SDL_MOUSEWHEEL_FLIPPED) y = -y;
      mouse_dz_ -= y;  // PS/2: positive is towards the user (scrolling down)
      mouse_dirty_ = true;
      break;
    }
    default:
      break;
  }
}

}  // namespace rz
