// tests/unit/test_sdl_speaker.cpp: the PC speaker tone derived from the 8254 and port 0x61
// (programmed through the ports, as a guest does), the square-wave synthesiser, and the
// speaker toggled by hand through port 0x61 bit 1 (the PIT's reports and SpeakerEdges).
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
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

// Port 0x61 bit 1 toggled with channel 2's gate off: the PIT reports each change of the
// speaker input with its virtual time, and only changes.
TEST(SdlSpeaker, Port61TogglesAreReportedWithTheirTime) {
  PitRig r;
  std::vector<std::pair<int64_t, bool>> seen;
  r.pit.on_speaker_input([&](int64_t ns, bool level) { seen.emplace_back(ns, level); });
  r.bus.write(0x61, 1, 0x02);  // data on, gate off: OUT2 idles high, the speaker follows bit 1
  r.sched.advance_to(500'000);
  r.bus.write(0x61, 1, 0x00);
  r.bus.write(0x61, 1, 0x00);  // no change, no report
  r.bus.write(0x61, 1, 0x0C);  // parity/channel-check bits only
  r.sched.advance_to(1'000'000);
  r.bus.write(0x61, 1, 0x02);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], std::make_pair(int64_t(0), true));
  EXPECT_EQ(seen[1], std::make_pair(int64_t(500'000), false));
  EXPECT_EQ(seen[2], std::make_pair(int64_t(1'000'000), true));
  // OUT2 low (mode 0 counting, gate on) keeps the speaker input low whatever bit 1 says.
  r.bus.write(0x61, 1, 0x00);
  r.bus.write(0x43, 1, 0xB0);  // channel 2, mode 0
  r.bus.write(0x42, 1, 0xFF);
  r.bus.write(0x42, 1, 0xFF);
  r.bus.write(0x61, 1, 0x01);  // gate on: counting, OUT2 low
  r.sched.advance_to(r.sched.now() + 10'000);
  size_t before = seen.size();
  r.bus.write(0x61, 1, 0x03);
  EXPECT_EQ(seen.size(), before);
  r.pit.on_speaker_input(nullptr);
  r.bus.write(0x61, 1, 0x02);  // nobody listening: nothing called
  EXPECT_EQ(seen.size(), before);
}

// Toggles every 500 us of virtual time: a 1 kHz square wave at the sample rate.
TEST(SdlSpeaker, HandToggledSpeakerIsAWaveOnTheVirtualTimeLine) {
  SpeakerEdges e(44100);
  EXPECT_FALSE(e.active());
  const int64_t t0 = 7'000'000'000;  // anywhere on the guest's time line
  for (int k = 0; k < 400; ++k) e.edge(t0 + int64_t(k) * 500'000, (k & 1) == 0);
  EXPECT_TRUE(e.active());
  std::vector<int16_t> buf(44100);
  size_t n = e.render(t0 + 200'000'000, buf.data(), buf.size());
  EXPECT_EQ(n, 8820u);  // 200 ms at 44.1 kHz, up to the present and no further
  buf.resize(n);
  EXPECT_NEAR(rising_edges(buf), 200u, 2u);
  int16_t peak = 0;
  for (int16_t v : buf) peak = std::max<int16_t>(peak, v);
  EXPECT_GT(peak, SpeakerEdges::kAmplitude / 2);
  // Rendering again up to the same moment gives nothing new.
  EXPECT_EQ(e.render(t0 + 200'000'000, buf.data(), buf.size()), 0u);
}

TEST(SdlSpeaker, HandToggledSpeakerFallsSilentAndStops) {
  SpeakerEdges e(44100);
  e.edge(1'000'000, true);  // one step, then nothing
  std::vector<int16_t> buf(44100);
  size_t n = e.render(101'000'000, buf.data(), buf.size());
  ASSERT_EQ(n, 4410u);
  EXPECT_GT(buf[0], SpeakerEdges::kAmplitude / 2);  // the step is heard...
  EXPECT_EQ(buf[n - 1], 0);                           // ...and dies away (DC is silent)
  EXPECT_TRUE(e.active());  // 100 ms without a change is not yet the end
  n = e.render(150'000'000, buf.data(), buf.size());
  EXPECT_GT(n, 0u);
  EXPECT_FALSE(e.active());
  EXPECT_EQ(e.render(200'000'000, buf.data(), buf.size()), 0u);  // silent: nothing rendered
}

TEST(SdlSpeaker, FastToggleAveragesToItsDutyCycle) {
  // PWM at 100 kHz through port 0x61 (RealSound-style): each sample is the average level
  // over its 22.7 us, so a duty change from 25% to 75% is a step of half the full swing.
  SpeakerEdges e(44100);
  int64_t t = 0;
  auto pwm = [&](int64_t until, int64_t high_ns) {
    for (; t < until; t += 10'000) {
      e.edge(t, true);
      e.edge(t + high_ns, false);
    }
  };
  pwm(50'000'000, 2'500);   // 25%
  pwm(100'000'000, 7'500);  // 75%
  std::vector<int16_t> buf(44100);
  size_t n = e.render(100'000'000, buf.data(), buf.size());
  ASSERT_EQ(n, 4410u);
  auto mean = [&](size_t from, size_t to) {
    double sum = 0;
    for (size_t k = from; k < to; ++k) sum += buf[k];
    return sum / double(to - from);
  };
  // The change is at sample 2205; the high-pass lets about 0.995^20 of a step through 20
  // samples on.
  double step = mean(2210, 2230) - mean(2170, 2190);
  EXPECT_NEAR(step, 0.5 * SpeakerEdges::kAmplitude * 0.905, SpeakerEdges::kAmplitude / 8.0);
  EXPECT_NEAR(mean(2170, 2190), 0.0, SpeakerEdges::kAmplitude / 16.0);  // the old DC is gone
}

TEST(SdlSpeaker, HistoryFarBehindThePresentIsCut) {
  SpeakerEdges e(44100);
  for (int k = 0; k < 4000; ++k) e.edge(int64_t(k) * 500'000, (k & 1) == 0);  // 2 s of 1 kHz
  std::vector<int16_t> buf(441000);
  size_t n = e.render(2'000'000'000, buf.data(), buf.size());
  // Only the last kMaxLagNs (200 ms) is rendered.
  EXPECT_EQ(n, size_t(SpeakerEdges::kMaxLagNs / 1'000'000 * 441 / 10));
  buf.resize(n);
  EXPECT_NEAR(rising_edges(buf), 200u, 2u);
  EXPECT_EQ(e.cursor_ns(), 2'000'000'000);
}

}  // namespace
}  // namespace rz
