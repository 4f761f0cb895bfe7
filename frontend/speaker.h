// frontend/speaker.h: the PC speaker as host audio samples.  The speaker is driven by PIT
// channel 2's OUT, gated by port 0x61 bit 0 (channel 2 GATE) and bit 1 (speaker data);
// with both bits set and channel 2 in a periodic mode (2 or 3) it plays a tone of
// 1193182 / count Hz.  The frontend samples that state each time it tops up the audio
// queue and synthesises a square wave with a continuous phase.
// Not reproduced: sound made by toggling port 0x61 bit 1 by hand or by one-shot PIT modes
// used as PWM (RealSound-style digitised speech); those come out as silence.
#pragma once

#include <cstddef>
#include <cstdint>

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

}  // namespace rz
