// frontend/speaker.cpp: PC speaker tone from the PIT and a square-wave synthesiser.  See
// speaker.h.
#include "frontend/speaker.h"

namespace rz {

SpeakerTone speaker_tone(bool gate_and_data, const PitChannelState& ch2) {
  SpeakerTone t;
  // Modes 2 and 3 (6 and 7 alias them) repeat with period n clocks while GATE is high.
  bool periodic = ch2.mode == 2 || ch2.mode == 3;
  if (!gate_and_data || !periodic || !ch2.armed || ch2.n < 2) return t;
  t.on = true;
  t.hz = double(kPitHz) / double(ch2.n);
  return t;
}

SpeakerTone speaker_tone(const Pit& pit) { return speaker_tone(pit.speaker_on(), pit.channel(2)); }

void SpeakerSynth::generate(const SpeakerTone& tone, int16_t* out, size_t n) {
  if (!tone.on || tone.hz <= 0 || tone.hz * 2 > rate_) {
    for (size_t k = 0; k < n; ++k) out[k] = 0;
    phase_ = 0;
    return;
  }
  double step = tone.hz / rate_;
  for (size_t k = 0; k < n; ++k) {
    out[k] = phase_ < 0.5 ? kAmplitude : int16_t(-kAmplitude);
    phase_ += step;
    if (phase_ >= 1) phase_ -= 1;
  }
}

}  // namespace rz
