// tests/unit/test_sdl_speaker.cpp: the PC speaker tone derived from the 8254 and port 0x61
// (programmed through the ports, as a guest does), and the square-wave synthesiser.
#include <gtest/gtest.h>

#include <vector>

#include "devices/bus.h"
#include "devices/pit.h"
#include "devices/scheduler.h"
#include "frontend/speaker.h"

namespace rz {
namespace {

struct PitRig {
  Scheduler sched;
  PortBus bus;
  Pit pit{sched};
  PitRig() { pit.map_ports(bus); }
  void program_ch2(uint8_t mode, uint16_t count) {
    bus.write(0x43, 1, 0xB0 | (mode << 1));  // channel 2, LSB then MSB
    bus.write(0x42, 1, count & 0xFF);
    bus.write(0x42, 1, count >> 8);
    sched.advance_to(sched.now() + 10'000);  // the count loads on the next CLK
  }
};

TEST(SdlSpeaker, ToneNeedsGateDataAndAPeriodicMode) {
  PitRig r;
  r.program_ch2(3, 1193);
  EXPECT_FALSE(speaker_tone(r.pit).on);  // port 0x61 bits clear
  r.bus.write(0x61, 1, 0x01);            // gate only
  EXPECT_FALSE(speaker_tone(r.pit).on);
  r.bus.write(0x61, 1, 0x02);            // data only
  EXPECT_FALSE(speaker_tone(r.pit).on);
  r.bus.write(0x61, 1, 0x03);
  SpeakerTone t = speaker_tone(r.pit);
  EXPECT_TRUE(t.on);
  EXPECT_NEAR(t.hz, 1193182.0 / 1193, 1e-9);
  r.program_ch2(2, 2712);  // mode 2 also repeats: 440 Hz
  t = speaker_tone(r.pit);
  EXPECT_TRUE(t.on);
  EXPECT_NEAR(t.hz, 439.96, 0.01);
  r.program_ch2(0, 1000);  // one-shot: no tone
  EXPECT_FALSE(speaker_tone(r.pit).on);
}

unsigned rising_edges(const std::vector<int16_t>& v) {
  unsigned n = 0;
  for (size_t k = 1; k < v.size(); ++k) n += v[k - 1] < 0 && v[k] > 0;
  return n;
}

TEST(SdlSpeaker, SquareWaveHasTheToneFrequency) {
  SpeakerSynth s(44100);
  std::vector<int16_t> buf(44100);
  s.generate({true, 1000.0}, buf.data(), buf.size());
  EXPECT_NEAR(rising_edges(buf), 1000u, 1u);
  for (int16_t v : buf) EXPECT_TRUE(v == SpeakerSynth::kAmplitude || v == -SpeakerSynth::kAmplitude);
}

TEST(SdlSpeaker, PhaseContinuesAcrossCalls) {
  SpeakerSynth a(44100), b(44100);
  std::vector<int16_t> whole(4410), parts(4410);
  a.generate({true, 440.0}, whole.data(), whole.size());
  b.generate({true, 440.0}, parts.data(), 1000);
  b.generate({true, 440.0}, parts.data() + 1000, 3410);
  EXPECT_EQ(whole, parts);
}

TEST(SdlSpeaker, SilenceWhenOffOrAboveNyquist) {
  SpeakerSynth s(44100);
  std::vector<int16_t> buf(1000, 1);
  s.generate({false, 1000.0}, buf.data(), buf.size());
  for (int16_t v : buf) EXPECT_EQ(v, 0);
  buf.assign(1000, 1);
  s.generate({true, 1193182.0 / 2}, buf.data(), buf.size());
  for (int16_t v : buf) EXPECT_EQ(v, 0);
}

}  // namespace
}  // namespace rz
