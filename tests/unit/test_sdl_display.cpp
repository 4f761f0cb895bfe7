// tests/unit/test_sdl_display.cpp: the SDL window under SDL's dummy video and audio
// drivers (no real display needed): it opens at the source's aspect ratio, shows the frame,
// redraws only on change, follows mode changes, feeds keys and the grabbed mouse to the
// i8042 (read back through ports 0x60/0x64), keeps its hotkeys from the guest, plays the
// speaker, and a close event ends Machine::run().
#include <gtest/gtest.h>

#if RZ_HAVE_SDL
#include <SDL.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "frontend/display_setup.h"
#include "frontend/sdl_display.h"
#include "frontend/test_pattern.h"
#include "tests/unit/harness.h"

namespace rz {
namespace {

// A source whose picture is left half `left`, right half `right`; counts render() calls.
struct FakeSource : DisplaySource {
  uint32_t w = 320, h = 200, left = 0xFF0000, right = 0x0000FF;
  double asp = 4.0 / 3.0;
  bool changed = true;
  int renders = 0;
  bool render(DisplayFrame& f) override {
    ++renders;
    if (!changed) return false;
    changed = false;
    f.width = w;
    f.height = h;
    f.pixels.assign(size_t(w) * h, 0);
    for (uint32_t y = 0; y < h; ++y)
      for (uint32_t x = 0; x < w; ++x) f.pixels[size_t(y) * w + x] = x < w / 2 ? left : right;
    f.dirty_top = 0;
    f.dirty_bottom = h;
    return true;
  }
  bool text_page(std::vector<std::string>&) override { return false; }
  double aspect() const override { return asp; }
};

class SdlDisplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    MachineConfig cfg;
    cfg.ram_mb = 4;
    cfg.pc = true;
    cfg.virtual_clock = true;
    cfg.timeout_s = 5;
    m = std::make_unique<Machine>(cfg);
    // i8042: translation on, both interfaces enabled.
    m->ports().write(0x64, 1, 0x60);
    m->ports().write(0x60, 1, 0x44);
  }
  std::unique_ptr<SdlDisplay> open(DisplaySource* src, SdlDisplayOptions o = {}) {
    auto d = std::make_unique<SdlDisplay>(*m, src, o);
    std::string err;
    EXPECT_TRUE(d->open(err)) << err;
    return d;
  }
  uint32_t pixel(SdlDisplay& d, int x, int y) {
    SDL_Rect r{x, y, 1, 1};
    uint32_t p = 0;
    EXPECT_EQ(SDL_RenderReadPixels(d.renderer(), &r, SDL_PIXELFORMAT_RGB888, &p, 4), 0) << SDL_GetError();
    return p & 0xFFFFFF;
  }
  std::vector<uint8_t> drain() {
    std::vector<uint8_t> v;
    while (m->ports().read(0x64, 1) & 1) v.push_back(uint8_t(m->ports().read(0x60, 1)));
    return v;
  }
  void push_key(SDL_Scancode sc, bool down, uint16_t mod = 0) {
    SDL_Event e{};
    e.type = down ? SDL_KEYDOWN : SDL_KEYUP;
    e.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.key.keysym.scancode = sc;
    e.key.keysym.mod = mod;
    SDL_PushEvent(&e);
  }
  void push_button(uint8_t button, bool down) {
    SDL_Event e{};
    e.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
    e.button.button = button;
    e.button.state = down ? SDL_PRESSED : SDL_RELEASED;
    SDL_PushEvent(&e);
  }
  std::unique_ptr<Machine> m;
};

TEST_F(SdlDisplayTest, OpensAtTheAspectRatioAndShowsTheFrame) {
  FakeSource src;
  auto d = open(&src);
  int w, h;
  SDL_GetWindowSize(d->window(), &w, &h);
  EXPECT_EQ(w, 640);  // 320x200 at 4:3 is 320x240, doubled
  EXPECT_EQ(h, 480);
  int x, y, fw, fh;
  d->frame_rect(x, y, fw, fh);
  EXPECT_EQ(fw, 640);
  EXPECT_EQ(fh, 480);
  EXPECT_EQ(d->frames_presented(), 1u);
  EXPECT_EQ(pixel(*d, 100, 240), 0xFF0000u);
  EXPECT_EQ(pixel(*d, 540, 240), 0x0000FFu);
}

TEST_F(SdlDisplayTest, RedrawsOnlyWhenTheSourceChanged) {
  FakeSource src;
  auto d = open(&src);
  EXPECT_FALSE(d->poll_now());
  EXPECT_FALSE(d->poll_now());
  EXPECT_GE(src.renders, 3);
  EXPECT_EQ(d->frames_presented(), 1u);
  src.left = 0x00FF00;
  src.changed = true;
  d->poll_now();
  EXPECT_EQ(d->frames_presented(), 2u);
  EXPECT_EQ(pixel(*d, 100, 240), 0x00FF00u);
}

TEST_F(SdlDisplayTest, ModeChangeResizesTheWindowAndLetterboxes) {
  FakeSource src;
  auto d = open(&src);
  src.w = 720;
  src.h = 400;
  src.changed = true;
  d->poll_now();
  int w, h;
  SDL_GetWindowSize(d->window(), &w, &h);
  EXPECT_EQ(w, 720);
  EXPECT_EQ(h, 540);
  // A wide window: the picture keeps 4:3 and is centred with bars at the sides.
  SDL_SetWindowSize(d->window(), 1000, 540);
  d->poll_now();
  int x, y, fw, fh;
  d->frame_rect(x, y, fw, fh);
  EXPECT_EQ(fw, 720);
  EXPECT_EQ(fh, 540);
  EXPECT_EQ(x, 140);
  EXPECT_EQ(y, 0);
}

TEST_F(SdlDisplayTest, IntegerScalingUsesWholeMultiples) {
  FakeSource src;
  SdlDisplayOptions o;
  o.integer_scale = true;
  auto d = open(&src, o);
  SDL_SetWindowSize(d->window(), 1000, 700);
  d->poll_now();
  int x, y, fw, fh;
  d->frame_rect(x, y, fw, fh);
  EXPECT_EQ(fw, 960);  // 3 x 320
  EXPECT_EQ(fh, 600);  // 3 x 200
  EXPECT_EQ(x, 20);
  EXPECT_EQ(y, 50);
}

TEST_F(SdlDisplayTest, NoSourceShowsColourBars) {
  auto d = open(nullptr);
  EXPECT_EQ(d->frame().width, 640u);
  EXPECT_EQ(pixel(*d, 10, 10), TestPatternSource::bar_colour(0));
  EXPECT_EQ(pixel(*d, 630, 10), TestPatternSource::bar_colour(7));
  EXPECT_EQ(pixel(*d, 330, 10), TestPatternSource::bar_colour(4));
}

TEST_F(SdlDisplayTest, TitleNamesTheMachine) {
  SdlDisplayOptions o;
  o.name = "box";
  auto d = open(nullptr, o);
  EXPECT_EQ(d->title(), "ringzero - box - 0 MIPS");
  EXPECT_STREQ(SDL_GetWindowTitle(d->window()), "ringzero - box - 0 MIPS");
}

TEST_F(SdlDisplayTest, KeysReachThePs2Keyboard) {
  auto d = open(nullptr);
  push_key(SDL_SCANCODE_A, true);
  push_key(SDL_SCANCODE_A, false);
  push_key(SDL_SCANCODE_RIGHT, true);
  d->poll_now();
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0x1E, 0x9E, 0xE0, 0x4D}));
  // Focus loss releases what the guest thinks is held.
  SDL_Event e{};
  e.type = SDL_WINDOWEVENT;
  e.window.event = SDL_WINDOWEVENT_FOCUS_LOST;
  SDL_PushEvent(&e);
  d->poll_now();
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0xE0, 0xCD}));
  // A release without a press (the key went down in another window) is not passed on.
  push_key(SDL_SCANCODE_B, false);
  d->poll_now();
  EXPECT_TRUE(drain().empty());
  // A media key: SDL's own scancode -> an E0 code.
  push_key(SDL_SCANCODE_AUDIOMUTE, true);
  d->poll_now();
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0xE0, 0x20}));
}

TEST_F(SdlDisplayTest, HotkeysStayWithTheHost) {
  auto d = open(nullptr);
  push_key(SDL_SCANCODE_F, true, KMOD_LCTRL | KMOD_LALT);
  push_key(SDL_SCANCODE_F, false, KMOD_LCTRL | KMOD_LALT);
  d->poll_now();
  EXPECT_TRUE(d->fullscreen());
  EXPECT_TRUE(drain().empty());
  push_key(SDL_SCANCODE_F, true, KMOD_LCTRL | KMOD_LALT);
  d->poll_now();
  EXPECT_FALSE(d->fullscreen());
}

TEST_F(SdlDisplayTest, ClickGrabsTheMouseAndMotionMakesPackets) {
  auto d = open(nullptr);
  m->ports().write(0x64, 1, 0xD4);  // to the mouse:
  m->ports().write(0x60, 1, 0xF4);  // enable reporting
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0xFA}));
  push_button(SDL_BUTTON_LEFT, true);
  push_button(SDL_BUTTON_LEFT, false);
  d->poll_now();
  EXPECT_TRUE(d->grabbed());
  EXPECT_NE(d->title().find("Ctrl+Alt+G"), std::string::npos);
  EXPECT_TRUE(drain().empty());  // the grabbing click is not the guest's
  SDL_Event e{};
  e.type = SDL_MOUSEMOTION;
  e.motion.xrel = 5;
  e.motion.yrel = 3;  // down on the screen: negative in PS/2
  SDL_PushEvent(&e);
  push_button(SDL_BUTTON_RIGHT, true);
  d->poll_now();
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0x2A, 0x05, 0xFD}));
  push_key(SDL_SCANCODE_G, true, KMOD_RCTRL | KMOD_LALT);
  d->poll_now();
  EXPECT_FALSE(d->grabbed());
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0x08, 0x00, 0x00}));  // right button let go
  EXPECT_EQ(d->title().find("Ctrl+Alt+G"), std::string::npos);
}

TEST_F(SdlDisplayTest, WheelAndExtraButtonsReachAnExplorerMouse) {
  auto d = open(nullptr);
  // IntelliMouse (200,100,80) then Explorer (200,200,80) detection, then reporting on.
  for (uint8_t b : {0xF3, 0xC8, 0xF3, 0x64, 0xF3, 0x50, 0xF3, 0xC8, 0xF3, 0xC8, 0xF3, 0x50, 0xF4}) {
    m->ports().write(0x64, 1, 0xD4);
    m->ports().write(0x60, 1, b);
  }
  EXPECT_EQ(drain().size(), 13u);  // acknowledgements
  ASSERT_EQ(m->board()->mouse().id(), 4);
  push_button(SDL_BUTTON_LEFT, true);  // grab
  push_button(SDL_BUTTON_LEFT, false);
  d->poll_now();
  ASSERT_TRUE(d->grabbed());
  SDL_Event e{};
  e.type = SDL_MOUSEWHEEL;
  e.wheel.y = 2;  // away from the user: negative Z in PS/2
  SDL_PushEvent(&e);
  push_button(SDL_BUTTON_X1, true);
  d->poll_now();
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0x08, 0x00, 0x00, 0x1E}));  // Z=-2, 4th button
}

TEST_F(SdlDisplayTest, SpeakerToneIsQueued) {
  auto d = open(nullptr);
  ASSERT_TRUE(d->audio_open());
  Pit& pit = m->board()->pit();
  pit.write(3, 0xB6);  // channel 2, LSB then MSB, mode 3
  pit.write(2, 0xA9);
  pit.write(2, 0x04);  // 1193 clocks: 1000 Hz
  pit.write_port61(0x03);
  m->scheduler().advance_to(m->scheduler().now() + 1'000'000);
  SpeakerTone t = speaker_tone(pit);
  EXPECT_TRUE(t.on);
  EXPECT_NEAR(t.hz, 1000.15, 0.01);
  d->poll_now();
  EXPECT_GT(d->audio_queued_bytes(), 0u);
}

TEST_F(SdlDisplayTest, ClosingTheWindowEndsTheRun) {
  for (int variant = 0; variant < 2; ++variant) {
    test::Snippet s{std::vector<uint8_t>{}};
    for (unsigned r = 0; r < kNumSegs; ++r) s.load_real(r, 0);
    s.ram()[0x1000] = 0xEB;  // jmp $
    s.ram()[0x1001] = 0xFE;
    auto d = std::make_unique<SdlDisplay>(*s.m, nullptr, SdlDisplayOptions{});
    std::string err;
    ASSERT_TRUE(d->open(err)) << err;
    s.m->add_poll_hook([p = d.get()] { return p->poll(); });
    SDL_Event e{};
    if (variant == 0) {
      e.type = SDL_QUIT;
    } else {
      e.type = SDL_WINDOWEVENT;
      e.window.event = SDL_WINDOWEVENT_CLOSE;
      e.window.windowID = SDL_GetWindowID(d->window());
    }
    SDL_PushEvent(&e);
    EXPECT_EQ(s.run(), StopReason::Stopped) << variant;
    EXPECT_TRUE(d->closed());
  }
}

TEST_F(SdlDisplayTest, SetupDisplayHonoursTheChoice) {
  DisplayOptions opt;
  opt.kind = DisplayKind::None;
  EXPECT_FALSE(setup_display(*m, opt));
  opt.kind = DisplayKind::Sdl;
  EXPECT_TRUE(setup_display(*m, opt));  // dummy driver: a window without a display
  m.reset();  // closes the window (and SDL)
  setenv("SDL_VIDEODRIVER", "no-such-driver", 1);
  MachineConfig cfg;
  Machine m2(cfg);
  try {
    setup_display(m2, opt);
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& ex) {
    EXPECT_NE(std::string(ex.what()).find("-display sdl"), std::string::npos) << ex.what();
  }
  // Auto with no host display: headless, quietly.
  const char* x = std::getenv("DISPLAY");
  std::string saved = x ? x : "";
  unsetenv("DISPLAY");
  unsetenv("WAYLAND_DISPLAY");
  opt.kind = DisplayKind::Auto;
  EXPECT_FALSE(setup_display(m2, opt));
  // Auto with a host display that SDL cannot use: none, with a notice.
  setenv("DISPLAY", ":99", 1);
  testing::internal::CaptureStderr();
  EXPECT_FALSE(setup_display(m2, opt));
  std::string notice = testing::internal::GetCapturedStderr();
  EXPECT_NE(notice.find("-display none"), std::string::npos) << notice;
  if (saved.empty()) unsetenv("DISPLAY");
  else setenv("DISPLAY", saved.c_str(), 1);
  setenv("SDL_VIDEODRIVER", "dummy", 1);
}

}  // namespace
}  // namespace rz
#endif  // RZ_HAVE_SDL

#if RZ_HAVE_SDL
#include "devices/vga.h"

namespace rz {
namespace {

// The real video device behind the window: a Bochs VBE 320x200x32 mode, pixels written
// into video memory, read back from the window.
TEST_F(SdlDisplayTest, ShowsTheStdVgaPicture) {
  StdVga vga(m->scheduler());
  vga.map_legacy(m->ports(), m->mem());
  auto dispi = [&](uint16_t idx, uint16_t v) {
    m->ports().write(dispi::kIndexPort, 2, idx);
    m->ports().write(dispi::kDataPort, 2, v);
  };
  dispi(dispi::kXres, 320);
  dispi(dispi::kYres, 200);
  dispi(dispi::kBpp, 32);
  dispi(dispi::kEnable, dispi::kEnabled | dispi::kLfbEnabled);
  auto fill = [&](uint32_t left, uint32_t right) {
    for (uint32_t y = 0; y < 200; ++y)
      for (uint32_t x = 0; x < 320; ++x) {
        uint32_t v = x < 160 ? left : right;
        std::memcpy(vga.vram() + (y * 320 + x) * 4, &v, 4);
      }
  };
  fill(0xFF8000, 0x0080FF);
  auto d = open(&vga);
  int w, h;
  SDL_GetWindowSize(d->window(), &w, &h);
  EXPECT_EQ(w, 640);
  EXPECT_EQ(h, 480);
  EXPECT_EQ(pixel(*d, 100, 200), 0xFF8000u);
  EXPECT_EQ(pixel(*d, 500, 200), 0x0080FFu);
  uint64_t n = d->frames_presented();
  d->poll_now();
  EXPECT_EQ(d->frames_presented(), n);  // nothing changed, nothing drawn
  fill(0x00FF00, 0x0080FF);
  d->poll_now();
  EXPECT_EQ(d->frames_presented(), n + 1);
  EXPECT_EQ(pixel(*d, 100, 200), 0x00FF00u);
}

}  // namespace
}  // namespace rz
#endif  // RZ_HAVE_SDL
