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

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

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

// The whole path, guest to audio file: a ROM toggles port 0x61 bit 1 every 500 us of guest
// time (timed by port reads, 1 us each), the machine runs with the window's poll hook, and
// SDL's "disk" audio driver writes what the window queued.  With the silence SDL plays
// while the queue is empty left out, the file holds a 1 kHz wave.  (Not through "dummy":
// that one plays nothing back.)
TEST_F(SdlWindowTest, HandToggledSpeakerPlaysItsPitch) {
  std::string wav = testing::TempDir() + "rz_speaker_disk_audio.raw";
  std::remove(wav.c_str());
  setenv("SDL_AUDIODRIVER", "disk", 1);
  setenv("SDL_DISKAUDIOFILE", wav.c_str(), 1);
  // mov bl,0 / top: xor bl,2 / mov al,bl / out 61h,al / mov cx,499 / d: in al,61h / loop d
  // / jmp top; the reset vector jumps to it.
  std::vector<uint8_t> rom(65536, 0xF4);
  const uint8_t code[] = {0xB3, 0x00, 0x80, 0xF3, 0x02, 0x88, 0xD8, 0xE6, 0x61,
                          0xB9, 0xF3, 0x01, 0xE4, 0x61, 0xE2, 0xFC, 0xEB, 0xF0};
  std::copy(std::begin(code), std::end(code), rom.begin());
  const uint8_t reset[] = {0xEA, 0x00, 0x00, 0x00, 0xF0};  // jmp F000:0000
  std::copy(std::begin(reset), std::end(reset), rom.begin() + 0xFFF0);
  m->load_bios_image(rom, "speaker ROM");
  m->cpu().reset();
  auto d = open(nullptr);
  ASSERT_TRUE(d->audio_open());
  m->add_poll_hook([p = d.get()] { return p->poll(); });
  m->add_poll_hook([this] { return m->scheduler().now() >= 200'000'000; });
  m->run();
  // Let the device play what is queued, then close it.
  for (int k = 0; k < 300 && d->audio_queued_bytes() > 0; ++k) SDL_Delay(10);
  SDL_Delay(100);
  d.reset();
  unsetenv("SDL_DISKAUDIOFILE");
  std::FILE* f = std::fopen(wav.c_str(), "rb");
  ASSERT_NE(f, nullptr) << wav;
  std::vector<int16_t> pcm;
  int16_t v;
  while (std::fread(&v, sizeof v, 1, f) == 1)
    if (v != 0) pcm.push_back(v);
  std::fclose(f);
  std::remove(wav.c_str());
  unsigned rising = 0;
  for (size_t k = 1; k < pcm.size(); ++k) rising += pcm[k - 1] < 0 && pcm[k] > 0;
  // Just under 1 kHz (each 500 us half period has a few instructions' ns more).  The
  // device may not have written the last buffer or two before it closed: at least 100 of
  // the 200 ms must be there, and all of it at the right pitch.
  ASSERT_GE(pcm.size(), 4410u);
  EXPECT_LE(pcm.size(), 8820u + 100u);
  double hz = rising / (double(pcm.size()) / 44100.0);
  EXPECT_NEAR(hz, 997.0, 25.0) << rising << " rising edges in " << pcm.size() << " samples";
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
