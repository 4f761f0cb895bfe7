// tests/unit/test_sdl_window.cpp: the window's pacing of an idle guest under the virtual
// clock (IdlePacer), the picture's aspect ratio by video mode (VGA modes 4:3, VBE modes
// square pixels) as the window shows it, and the PC speaker through SDL audio: a speaker
// toggled by hand through port 0x61 is queued, and a host without an audio device runs
// silent without failing.  SDL runs on its dummy drivers (no display needed); the same
// window on a real X server is tests/window/window_test.py.
#include <gtest/gtest.h>

#include "frontend/pacer.h"

namespace rz {
namespace {

TEST(IdlePacer, GuestAheadOfTheHostIsMeasured) {
  IdlePacer p;
  EXPECT_EQ(p.update(5'000'000'000, 100, true), 0);  // the first call only notes the clocks
  // The guest idled: 55 ms of guest time in 1 ms of host time.
  EXPECT_EQ(p.update(5'055'000'000, 1'000'100, true), 54'000'000);
  // Waiting 30 ms of host time with the guest stopped takes that off.
  EXPECT_EQ(p.update(5'055'000'000, 31'000'100, true), 24'000'000);
  // Oversleeping by 2 ms leaves the guest 2 ms behind, made up by its next jump.
  EXPECT_EQ(p.update(5'055'000'000, 57'000'100, true), -2'000'000);
  EXPECT_EQ(p.update(5'110'000'000, 58'000'100, true), 52'000'000);
}

TEST(IdlePacer, TimeABusyGuestLostIsMadeUpOnlyALittle) {
  IdlePacer p;
  p.update(0, 0, false);
  // Busy: 100 ms of guest time took a second of host time.  Nothing to wait for...
  EXPECT_EQ(p.update(100'000'000, 1'000'000'000, false), -IdlePacer::kBusySlackNs);
  // ...and when it idles afterwards, only kBusySlackNs of the 900 ms it fell behind is made
  // up before its jumps are paced again.
  EXPECT_EQ(p.update(155'000'000, 1'000'000'000, true), 55'000'000 - IdlePacer::kBusySlackNs);
  EXPECT_EQ(p.update(210'000'000, 1'000'000'000, true), 110'000'000 - IdlePacer::kBusySlackNs);
}

TEST(IdlePacer, TimeLostWhileIdleIsMadeUpToALimit) {
  IdlePacer p;
  p.update(0, 0, true);
  // Idle, but the host ran the machine 1.5 s late (a loaded host, a slow frame): the guest
  // may catch up all of it...
  EXPECT_EQ(p.update(55'000'000, 1'555'000'000, true), -1'500'000'000);
  // ...but not more than kIdleSlackNs of a longer stall.
  EXPECT_EQ(p.update(110'000'000, 11'610'000'000, true), -IdlePacer::kIdleSlackNs);
}

}  // namespace
}  // namespace rz

#if RZ_HAVE_SDL
#include <SDL.h>

#include <cstdlib>
#include <memory>

#include "devices/vga.h"
#include "frontend/machine.h"
#include "frontend/sdl_display.h"

namespace rz {
namespace {

class SdlWindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    MachineConfig cfg;
    cfg.ram_mb = 4;
    cfg.pc = true;
    cfg.virtual_clock = true;
    m = std::make_unique<Machine>(cfg);
  }
  void TearDown() override { setenv("SDL_AUDIODRIVER", "dummy", 1); }
  std::unique_ptr<SdlDisplay> open(DisplaySource* src) {
    auto d = std::make_unique<SdlDisplay>(*m, src, SdlDisplayOptions{});
    std::string err;
    EXPECT_TRUE(d->open(err)) << err;
    return d;
  }
  void dispi(uint16_t idx, uint16_t v) {
    m->ports().write(dispi::kIndexPort, 2, idx);
    m->ports().write(dispi::kDataPort, 2, v);
  }
  void vbe_mode(uint16_t w, uint16_t h) {
    dispi(dispi::kEnable, 0);
    dispi(dispi::kXres, w);
    dispi(dispi::kYres, h);
    dispi(dispi::kBpp, 32);
    dispi(dispi::kEnable, dispi::kEnabled | dispi::kLfbEnabled);
  }
  // A 1 kHz tone made by toggling port 0x61 bit 1 every 500 us (gate off), for `ms`.
  void toggle_speaker(int ms) {
    for (int k = 0; k < 2 * ms; ++k) {
      m->scheduler().advance_to(m->scheduler().now() + 500'000);
      m->ports().write(0x61, 1, (k & 1) ? 0x00 : 0x02);
    }
  }
  std::unique_ptr<Machine> m;
};

TEST_F(SdlWindowTest, VgaModesAre4By3AndModernVbeModesHaveSquarePixels) {
  StdVga& vga = *m->vga();
  EXPECT_DOUBLE_EQ(vga.aspect(), 4.0 / 3.0);  // power-on: a VGA mode
  vbe_mode(1280, 1024);
  EXPECT_DOUBLE_EQ(vga.aspect(), 1.25);
  auto d = open(&vga);
  int w, h;
  SDL_GetWindowSize(d->window(), &w, &h);
  EXPECT_EQ(w, 1280);
  EXPECT_EQ(h, 1024);
  int x, y, fw, fh;
  d->frame_rect(x, y, fw, fh);
  EXPECT_EQ(fw, 1280);
  EXPECT_EQ(fh, 1024);
  // A wide VBE mode stays wide: 1920x1080 is 16:9, not squeezed to 4:3.
  vbe_mode(1920, 1080);
  EXPECT_DOUBLE_EQ(vga.aspect(), 1920.0 / 1080.0);
  d->poll_now();
  SDL_GetWindowSize(d->window(), &w, &h);
  EXPECT_EQ(w, 1920);
  EXPECT_EQ(h, 1080);
  // 320x200 and 640x400 through VBE are the old CRT shapes: 4:3 (320x240, doubled).
  vbe_mode(320, 200);
  EXPECT_DOUBLE_EQ(vga.aspect(), 4.0 / 3.0);
  d->poll_now();
  SDL_GetWindowSize(d->window(), &w, &h);
  EXPECT_EQ(w, 640);
  EXPECT_EQ(h, 480);
  vbe_mode(640, 400);
  EXPECT_DOUBLE_EQ(vga.aspect(), 4.0 / 3.0);
  // 1280x800 keeps 16:10.
  vbe_mode(1280, 800);
  EXPECT_DOUBLE_EQ(vga.aspect(), 1.6);
  // VBE off: back to the VGA's 4:3 (the 720x400 text mode at power-on: 720x540).
  dispi(dispi::kEnable, 0);
  EXPECT_DOUBLE_EQ(vga.aspect(), 4.0 / 3.0);
}

TEST_F(SdlWindowTest, HandToggledSpeakerIsQueued) {
  auto d = open(nullptr);
  ASSERT_TRUE(d->audio_open());
  d->poll_now();
  EXPECT_EQ(d->audio_queued_bytes(), 0u);  // silence queues nothing
  toggle_speaker(100);
  d->poll_now();
  // 100 ms of guest time rendered (less what the dummy device already played).
  EXPECT_GT(d->audio_queued_bytes(), 0u);
  EXPECT_LE(d->audio_queued_bytes(), 4410u * 2);
}

TEST_F(SdlWindowTest, NoAudioDeviceMeansSilenceNotFailure) {
  setenv("SDL_AUDIODRIVER", "no-such-driver", 1);
  testing::internal::CaptureStderr();
  auto d = open(nullptr);
  std::string notice = testing::internal::GetCapturedStderr();
  EXPECT_FALSE(d->audio_open());
  EXPECT_NE(notice.find("no sound"), std::string::npos) << notice;
  // A tone and a toggled speaker: nothing to play them on, and nothing goes wrong.
  Pit& pit = m->board()->pit();
  pit.write(3, 0xB6);
  pit.write(2, 0xA9);
  pit.write(2, 0x04);
  pit.write_port61(0x03);
  EXPECT_FALSE(d->poll_now());
  toggle_speaker(20);
  EXPECT_FALSE(d->poll_now());
  EXPECT_EQ(d->audio_queued_bytes(), 0u);
}

}  // namespace
}  // namespace rz
#endif  // RZ_HAVE_SDL
