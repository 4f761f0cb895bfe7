// frontend/speaker.h: the PC speaker as host audio samples.  The speaker is driven by PIT
// channel 2's OUT, gated by port 0x61 bit 0 (channel 2 GATE) and bit 1 (speaker data);
// with both bits set and channel 2 in a periodic mode (2 or 3) it plays a tone of
// 1193182 / count Hz.  The frontend samples that state each time it tops up the audio
// queue and synthesises a square wave with a continuous phase (SpeakerSynth).
// Sound made by toggling port 0x61 bit 1 by hand (the timer's OUT2 held high, gate off)
// comes as level changes stamped with virtual time; SpeakerEdges renders that history.
// Not reproduced: one-shot PIT modes used as PWM (RealSound-style digitised speech), which
// change OUT2 rather than port 0x61; those come out as silence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "devices/pit.h"

namespace rz {

struct SpeakerTone {
  bool on = false;
  double hz = 0;
  bool operator==(const SpeakerTone&) const = default;
};

// The tone the speaker plays now, from the PIT's state.
SpeakerTone speaker_tone(const Pit& pit);
// The same from the parts (tests): port 0x61 bits 0-1 set, channel 2's state.
SpeakerTone speaker_tone(bool port61_gate_and_data, const PitChannelState& ch2);

class SpeakerSynth {
 public:
  explicit SpeakerSynth(int sample_rate) : rate_(sample_rate) {}
  // Append n mono signed 16-bit samples of `tone`.  Tones above half the sample rate
  // (inaudible, or count 1 used to park the speaker) are silence.
  void generate(const SpeakerTone& tone, int16_t* out, size_t n);
  static constexpr int16_t kAmplitude = 6000;

 private:
  int rate_;
  double phase_ = 0;  // in cycles, [0, 1)
};

// The speaker input driven by hand, as a time line of level changes (virtual ns).  Each
// output sample is the fraction of its 1/rate seconds the input was high, through a
// DC-blocking high-pass (a cone held at one position is silent); so a 1 kHz toggle is a
// 1 kHz square wave and fast PWM toggling averages to its duty cycle.  Sample k lies at
// virtual time start + k / rate: the sound keeps the guest's timing whatever the host's
// pace, and the frontend drops what it cannot play in time.
class SpeakerEdges {
 public:
  explicit SpeakerEdges(int sample_rate) : rate_(sample_rate) {}
  // The input became `level` at virtual time `ns` (non-decreasing).
  void edge(int64_t ns, bool level);
  // Sound to render: changes pending, or the output not yet decayed to silence.
  bool active() const { return active_; }
  // Render the time line up to now_ns into at most `max` samples; returns how many.  A
  // history more than kMaxLagNs behind now_ns is cut to its last kMaxLagNs.
  size_t render(int64_t now_ns, int16_t* out, size_t max);
  // Forget everything (the PIT tone takes over).
  void reset();
  // Virtual time of the next sample.
  int64_t cursor_ns() const { return base_ns_ + int64_t(k_) * 1'000'000'000 / rate_; }

  static constexpr int64_t kMaxLagNs = 200'000'000;
  static constexpr size_t kMaxEdges = 1u << 16;
  static constexpr int16_t kAmplitude = SpeakerSynth::kAmplitude;

 private:
  struct Edge {
    int64_t ns;
    bool level;
  };
  void skip_to(int64_t ns);  // move the cursor to ns, applying the changes before it

  int rate_;
  std::vector<Edge> edges_;
  size_t head_ = 0;  // edges_[head_..] are not rendered yet
  bool active_ = false;
  bool level_ = false;  // the input at the cursor
  int64_t base_ns_ = 0;
  uint64_t k_ = 0;
  int64_t last_edge_ns_ = 0;
  double x_prev_ = 0, y_prev_ = 0;  // the high-pass filter's memory
};

}  // namespace rz
