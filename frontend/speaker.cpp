// frontend/speaker.cpp: PC speaker tone from the PIT and a square-wave synthesiser.  See
// speaker.h.
#include "frontend/speaker.h"

#include <algorithm>
#include <cmath>

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

void SpeakerEdges::reset() {
  edges_.clear();
  head_ = 0;
  active_ = false;
  x_prev_ = y_prev_ = 0;
}

void SpeakerEdges::edge(int64_t ns, bool level) {
  if (!active_) {
    // Start a time line at the first change, from the opposite level (at rest).
    active_ = true;
    edges_.clear();
    head_ = 0;
    base_ns_ = ns;
    k_ = 0;
    level_ = !level;
    x_prev_ = level_ ? 1.0 : 0.0;
    y_prev_ = 0;
  }
  if (edges_.size() - head_ >= kMaxEdges) skip_to(edges_[head_ + kMaxEdges / 2].ns);
  edges_.push_back({std::max(ns, last_edge_ns_), level});
  last_edge_ns_ = edges_.back().ns;
}

void SpeakerEdges::skip_to(int64_t ns) {
  while (head_ < edges_.size() && edges_[head_].ns <= ns) level_ = edges_[head_++].level;
  x_prev_ = level_ ? 1.0 : 0.0;
  y_prev_ = 0;
  base_ns_ = ns;
  k_ = 0;
}

size_t SpeakerEdges::render(int64_t now_ns, int16_t* out, size_t max) {
  if (!active_) return 0;
  if (now_ns - cursor_ns() > kMaxLagNs) skip_to(now_ns - kMaxLagNs);
  size_t n = 0;
  while (n < max) {
    int64_t t0 = cursor_ns();
    int64_t t1 = base_ns_ + int64_t(k_ + 1) * 1'000'000'000 / rate_;
    if (t1 > now_ns) break;
    // Time high within [t0, t1).
    int64_t high = 0, t = t0;
    bool lv = level_;
    while (head_ < edges_.size() && edges_[head_].ns < t1) {
      int64_t e = std::max(edges_[head_].ns, t0);
      if (lv) high += e - t;
      t = e;
      lv = edges_[head_++].level;
    }
    if (lv) high += t1 - t;
    level_ = lv;
    double x = double(high) / double(t1 - t0);
    double y = x - x_prev_ + 0.995 * y_prev_;
    x_prev_ = x;
    y_prev_ = y;
    out[n++] = int16_t(std::clamp(y, -1.0, 1.0) * kAmplitude);
    if (++k_ == uint64_t(rate_)) {  // keep the sample index small
      base_ns_ += 1'000'000'000;
      k_ = 0;
    }
  }
  if (head_ == edges_.size()) {
    edges_.clear();
    head_ = 0;
    // No change for 100 ms and the output has died away: silent until the next change.
    if (cursor_ns() - last_edge_ns_ > 100'000'000 && std::fabs(y_prev_) < 1e-3) active_ = false;
  } else if (head_ > 4096) {
    edges_.erase(edges_.begin(), edges_.begin() + long(head_));
    head_ = 0;
  }
  return n;
}

}  // namespace rz
