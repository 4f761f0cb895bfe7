// frontend/sdl_display.cpp: window, picture, title, fullscreen and speaker sound of the SDL
// frontend (input is in sdl_input.cpp).  See sdl_display.h.
#include "frontend/sdl_display.h"

#include <SDL.h>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#include "frontend/machine.h"
#include "frontend/test_pattern.h"

namespace rz {

SdlDisplay::SdlDisplay(Machine& m, DisplaySource* src, const SdlDisplayOptions& o)
    : m_(m), src_(src), opt_(o) {
  if (!src_) {
    pattern_ = std::make_unique<TestPatternSource>();
    src_ = pattern_.get();
  }
}

SdlDisplay::~SdlDisplay() {
  if (listening_ && m_.board()) m_.board()->pit().on_speaker_input(nullptr);
  if (grabbed_) SDL_SetRelativeMouseMode(SDL_FALSE);
  if (audio_dev_) SDL_CloseAudioDevice(audio_dev_);
  if (tex_) SDL_DestroyTexture(tex_);
  if (ren_) SDL_DestroyRenderer(ren_);
  if (win_) SDL_DestroyWindow(win_);
  if (sdl_audio_) SDL_QuitSubSystem(SDL_INIT_AUDIO);
  if (sdl_video_) SDL_QuitSubSystem(SDL_INIT_VIDEO);
  // The last user of SDL in the process: let SDL release what it keeps beyond its
  // subsystems (its D-Bus connection, hints), so leak checkers see a clean exit.
  if ((sdl_audio_ || sdl_video_) && SDL_WasInit(SDL_INIT_EVERYTHING) == 0) SDL_Quit();
}

void SdlDisplay::default_window_size(int& w, int& h) const {
  uint32_t fw = frame_.width ? frame_.width : 640, fh = frame_.height ? frame_.height : 480;
  if (opt_.integer_scale) {
    w = int(fw);
    h = int(fh);
  } else {
    // Keep the width and stretch the height to the aspect ratio (720x400 text -> 720x540).
    double a = src_->aspect() > 0 ? src_->aspect() : double(fw) / fh;
    w = int(fw);
    h = int(fw / a + 0.5);
  }
  // Small modes (320x200) get doubled so the window is not tiny.
  while (w < 640 && h < 400) {
    w *= 2;
    h *= 2;
  }
}

bool SdlDisplay::open(std::string& err) {
  if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
    err = std::string("SDL video: ") + SDL_GetError();
    return false;
  }
  sdl_video_ = true;
  src_->render(frame_);
  int w, h;
  default_window_size(w, h);
  Uint32 flags = SDL_WINDOW_RESIZABLE | (opt_.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
  fullscreen_ = opt_.fullscreen;
  win_ = SDL_CreateWindow("ringzero", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, w, h, flags);
  if (!win_) {
    err = std::string("SDL window: ") + SDL_GetError();
    return false;
  }
  SDL_StopTextInput();  // keys only: no input-method windows over the guest
  ren_ = SDL_CreateRenderer(win_, -1, 0);
  if (!ren_) {
    err = std::string("SDL renderer: ") + SDL_GetError();
    return false;
  }
  if (opt_.audio) {
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) == 0) {
      sdl_audio_ = true;
      SDL_AudioSpec want{}, have{};
      want.freq = 44100;
      want.format = AUDIO_S16SYS;
      want.channels = 1;
      want.samples = 512;
      audio_dev_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
      if (audio_dev_) {
        audio_rate_ = want.freq;
        synth_ = SpeakerSynth(audio_rate_);
        edges_ = SpeakerEdges(audio_rate_);
        SDL_PauseAudioDevice(audio_dev_, 0);
        if (m_.board()) {
          m_.board()->pit().on_speaker_input([this](int64_t ns, bool level) { edges_.edge(ns, level); });
          listening_ = true;
        }
      }
    }
    if (!audio_dev_)
      std::fprintf(stderr, "ringzero: no sound (SDL audio: %s)\n", SDL_GetError());
  }
  last_icount_ = m_.cpu().icount;
  last_title_ = Clock::now();
  update_title(true);
  redraw(true);
  present();
  return true;
}

void SdlDisplay::frame_rect(int& x, int& y, int& w, int& h) const {
  int ow = 0, oh = 0;
  SDL_GetRendererOutputSize(ren_, &ow, &oh);
  uint32_t fw = std::max<uint32_t>(frame_.width, 1), fh = std::max<uint32_t>(frame_.height, 1);
  if (opt_.integer_scale) {
    int k = std::max(1, std::min(ow / int(fw), oh / int(fh)));
    w = int(fw) * k;
    h = int(fh) * k;
  } else {
    double a = src_->aspect() > 0 ? src_->aspect() : double(fw) / fh;
    if (ow >= oh * a) {
      h = oh;
      w = int(oh * a + 0.5);
    } else {
      w = ow;
      h = int(ow / a + 0.5);
    }
  }
  x = (ow - w) / 2;
  y = (oh - h) / 2;
}

// Bring the texture up to date from the source; true if anything changed.
bool SdlDisplay::redraw(bool force) {
  uint32_t old_w = frame_.width, old_h = frame_.height;
  bool changed = src_->render(frame_);
  if (!changed && !force && (tex_ || texture_warned_)) return false;
  if (frame_.width == 0 || frame_.height == 0) return false;
  if (!tex_ || tex_w_ != frame_.width || tex_h_ != frame_.height) {
    if (tex_) SDL_DestroyTexture(tex_);
    tex_ = SDL_CreateTexture(ren_, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING,
                             int(frame_.width), int(frame_.height));
    if (!tex_) {
      // Larger than the renderer's textures (a huge VBE mode): say so once, show black.
      if (!texture_warned_)
        std::fprintf(stderr, "ringzero: cannot show a %ux%u picture (SDL: %s)\n", frame_.width,
                     frame_.height, SDL_GetError());
      texture_warned_ = true;
      tex_w_ = tex_h_ = 0;
      need_present_ = true;
      return false;
    }
    texture_warned_ = false;
    SDL_SetTextureScaleMode(tex_, opt_.integer_scale ? SDL_ScaleModeNearest : SDL_ScaleModeLinear);
    tex_w_ = frame_.width;
    tex_h_ = frame_.height;
    // A mode change resizes the window, unless the user chose a size or fullscreen.
    if ((old_w != frame_.width || old_h != frame_.height) && !fullscreen_ && !user_resized_ &&
        !(SDL_GetWindowFlags(win_) & SDL_WINDOW_MAXIMIZED)) {
      int w, h;
      default_window_size(w, h);
      SDL_SetWindowSize(win_, w, h);
    }
    force = true;
  }
  uint32_t top = 0, bottom = frame_.height;
  if (!force && frame_.dirty_bottom > frame_.dirty_top && frame_.dirty_bottom <= frame_.height) {
    top = frame_.dirty_top;
    bottom = frame_.dirty_bottom;
  }
  SDL_Rect r{0, int(top), int(frame_.width), int(bottom - top)};
  SDL_UpdateTexture(tex_, &r, frame_.pixels.data() + size_t(top) * frame_.width,
                    int(frame_.width * sizeof(uint32_t)));
  need_present_ = true;
  return true;
}

void SdlDisplay::present() {
  SDL_SetRenderDrawColor(ren_, 0, 0, 0, 255);
  SDL_RenderClear(ren_);
  if (tex_) {
    SDL_Rect dst;
    frame_rect(dst.x, dst.y, dst.w, dst.h);
    SDL_RenderCopy(ren_, tex_, nullptr, &dst);
  }
  SDL_RenderPresent(ren_);
  ++presented_;
  need_present_ = false;
}

std::string SdlDisplay::title() const {
  std::string t = "ringzero";
  if (!opt_.name.empty()) t += " - " + opt_.name;
  char buf[32];
  std::snprintf(buf, sizeof buf, " - %.0f MIPS", mips_);
  t += buf;
  if (grabbed_) t += " - Ctrl+Alt+G releases the mouse";
  return t;
}

void SdlDisplay::update_title(bool force) {
  auto now = Clock::now();
  double dt = std::chrono::duration<double>(now - last_title_).count();
  if (dt >= 1.0) {
    uint64_t ic = m_.cpu().icount;
    mips_ = double(ic - last_icount_) / dt / 1e6;
    last_icount_ = ic;
    last_title_ = now;
    force = true;
  }
  if (!force) return;
  std::string t = title();
  if (t != shown_title_) {
    SDL_SetWindowTitle(win_, t.c_str());
    shown_title_ = t;
  }
}

void SdlDisplay::toggle_fullscreen() {
  fullscreen_ = !fullscreen_;
  SDL_SetWindowFullscreen(win_, fullscreen_ ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
  need_present_ = true;
}

// Keep about 50 ms of speaker sound queued; the device drains it at the host's pace.  A
// PIT tone is synthesised at the host's pace; a speaker toggled by hand is rendered from
// its virtual time line up to the guest's present (and dropped when more than 250 ms is
// already queued, so a guest running ahead of the host never builds up a delay).  Nothing
// here waits for the audio device.
void SdlDisplay::update_audio() {
  if (!audio_dev_ || !m_.board()) return;
  SpeakerTone tone = speaker_tone(m_.board()->pit());
  size_t queued = SDL_GetQueuedAudioSize(audio_dev_) / sizeof(int16_t);
  if (!tone.on && edges_.active()) {
    audio_buf_.resize(size_t(audio_rate_) / 4);
    size_t n = edges_.render(m_.scheduler().now(), audio_buf_.data(), audio_buf_.size());
    if (n && queued < audio_buf_.size())
      SDL_QueueAudio(audio_dev_, audio_buf_.data(), Uint32(n * sizeof(int16_t)));
    return;
  }
  if (tone.on) edges_.reset();
  if (!tone.on && queued == 0) return;  // silent and idle: nothing to queue
  size_t target = size_t(audio_rate_) / 20;
  if (queued >= target) return;
  audio_buf_.resize(target - queued);
  synth_.generate(tone, audio_buf_.data(), audio_buf_.size());
  SDL_QueueAudio(audio_dev_, audio_buf_.data(), Uint32(audio_buf_.size() * sizeof(int16_t)));
}

uint32_t SdlDisplay::audio_queued_bytes() const {
  return audio_dev_ ? SDL_GetQueuedAudioSize(audio_dev_) : 0;
}

bool SdlDisplay::poll_now() {
  SDL_Event e;
  while (!closed_ && SDL_PollEvent(&e)) handle(e);
  flush_mouse();
  update_audio();
  update_title(false);
  redraw(false);
  if (need_present_) present();
  return closed_;
}

// Under --clock=virtual, guest time may not run ahead of host time while the window is
// open (see pacer.h): wait out the difference in slices, handling the window meanwhile.
void SdlDisplay::pace() {
  if (!m_.config().virtual_clock) return;
  auto host_ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
  };
  int64_t v = m_.scheduler().now();
  const bool idle = m_.cpu().halted;
  int64_t ahead = pacer_.update(v, host_ns(), idle);
  while (ahead > 1'000'000 && !closed_) {
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<int64_t>(ahead, 10'000'000)));
    ahead = pacer_.update(v, host_ns(), idle);
    SDL_Event e;
    while (!closed_ && SDL_PollEvent(&e)) handle(e);
    flush_mouse();
    update_audio();
  }
}

bool SdlDisplay::poll() {
  pace();
  auto now = Clock::now();
  if (now - last_events_ < std::chrono::milliseconds(2)) return closed_;
  last_events_ = now;
  SDL_Event e;
  while (!closed_ && SDL_PollEvent(&e)) handle(e);
  flush_mouse();
  update_audio();
  update_title(false);
  if (now - last_frame_ >= std::chrono::microseconds(16667)) {
    last_frame_ = now;
    redraw(false);
  }
  if (need_present_) present();
  return closed_;
}

}  // namespace rz
