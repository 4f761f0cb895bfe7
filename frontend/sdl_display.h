// frontend/sdl_display.h: the SDL2 window.  It shows a DisplaySource's frame at the
// source's aspect ratio (smooth) or at the largest whole multiple of its pixels that fits
// (integer), in a resizable window with a fullscreen toggle (Ctrl+Alt+F); the title says
// "ringzero - NAME - N MIPS".  Host keys go to the PS/2 keyboard; a click grabs the mouse
// (SDL relative mode) and Ctrl+Alt+G releases it; motion, buttons and wheel go to the PS/2
// mouse.  The PC speaker (a PIT channel 2 tone, or port 0x61 bit 1 toggled by hand) plays
// through SDL audio; without an audio device the window runs silent, and it never waits
// for the device.  Closing the window powers the machine off: poll() returns true and
// the run ends.
//
// Everything runs on the main thread (SDL's rule, and the machine runs there): the
// machine's poll hook calls poll(), which handles events every couple of milliseconds of
// host time and redraws at about 60 Hz, only when the source's render() reports a change.
// Under --clock=virtual, poll() also keeps an idle guest's time from running ahead of host
// time (frontend/pacer.h), so typematic repeat, countdowns and blinking keep a person's
// pace; a busy guest is never slowed.
#pragma once

#include <bitset>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/display.h"
#include "frontend/keys.h"
#include "frontend/pacer.h"
#include "frontend/speaker.h"

struct SDL_Window;
struct SDL_Renderer;
struct SDL_Texture;
union SDL_Event;

namespace rz {

class Machine;

struct SdlDisplayOptions {
  std::string name;           // -name: shown in the title
  bool integer_scale = false;  // false: smooth scaling at the source's aspect ratio
  bool fullscreen = false;
  bool audio = true;  // PC speaker through SDL audio
};

// The PcKey for an SDL scancode (HID usages pass through; SDL's consumer-key scancodes
// map to their set-2 codes).  Returns an invalid key for scancodes with no PC key.
PcKey pc_key_for_sdl_scancode(int scancode);

class SdlDisplay {
 public:
  // `src` may be nullptr: the window then shows colour bars.
  SdlDisplay(Machine& m, DisplaySource* src, const SdlDisplayOptions& o);
  ~SdlDisplay();
  SdlDisplay(const SdlDisplay&) = delete;
  SdlDisplay& operator=(const SdlDisplay&) = delete;

  // Initialise SDL video (and audio), open the window.  False with a reason on failure.
  bool open(std::string& err);
  // The poll hook: throttled to host time.  Returns true once the window was closed.
  bool poll();
  // Unthrottled (tests): handle all pending events, then redraw if the picture changed.
  bool poll_now();

  bool closed() const { return closed_; }
  bool grabbed() const { return grabbed_; }
  bool fullscreen() const { return fullscreen_; }
  bool audio_open() const { return audio_dev_ != 0; }
  uint32_t audio_queued_bytes() const;
  uint64_t frames_presented() const { return presented_; }
  std::string title() const;
  SDL_Window* window() const { return win_; }
  SDL_Renderer* renderer() const { return ren_; }
  // Where the frame is drawn in the renderer's output (after scaling and letterboxing).
  void frame_rect(int& x, int& y, int& w, int& h) const;
  const DisplayFrame& frame() const { return frame_; }

 private:
  void handle(const SDL_Event& e);
  void key(const SDL_Event& e, bool pressed);
  void release_all_keys();
  void set_grab(bool on);
  void toggle_fullscreen();
  void flush_mouse();
  bool redraw(bool force);
  void present();
  void update_title(bool force);
  void update_audio();
  void pace();
  void default_window_size(int& w, int& h) const;

  Machine& m_;
  DisplaySource* src_;
  std::unique_ptr<DisplaySource> pattern_;
  SdlDisplayOptions opt_;
  SDL_Window* win_ = nullptr;
  SDL_Renderer* ren_ = nullptr;
  SDL_Texture* tex_ = nullptr;
  uint32_t tex_w_ = 0, tex_h_ = 0;
  DisplayFrame frame_;
  bool closed_ = false, grabbed_ = false, fullscreen_ = false;
  bool user_resized_ = false;
  bool need_present_ = false;
  bool texture_warned_ = false;
  uint64_t presented_ = 0;
  std::bitset<512> held_;  // SDL scancodes pressed and forwarded to the guest
  std::bitset<512> swallowed_;  // hotkey presses whose releases must not reach the guest
  int mouse_dx_ = 0, mouse_dy_ = 0, mouse_dz_ = 0;
  uint8_t buttons_ = 0;
  bool mouse_dirty_ = false;
  bool swallow_click_ = false;

  using Clock = std::chrono::steady_clock;
  Clock::time_point last_events_{}, last_frame_{}, last_title_{};
  uint64_t last_icount_ = 0;
  double mips_ = 0;
  std::string shown_title_;

  uint32_t audio_dev_ = 0;
  int audio_rate_ = 0;
  SpeakerSynth synth_{44100};
  SpeakerEdges edges_{44100};
  std::vector<int16_t> audio_buf_;
  bool listening_ = false;  // the PIT reports speaker input changes to edges_
  IdlePacer pacer_;  // --clock=virtual: guest time never ahead of host time
  bool sdl_video_ = false, sdl_audio_ = false;
};

}  // namespace rz
