// devices/irq.h: an interrupt request line as an object.  A device owns the output end
// and raises, lowers or pulses it; whatever is wired to the other end (a PIC input, an
// OR gate, a test probe) receives the level changes.  Whether the receiver treats the
// line as edge- or level-triggered is the receiver's business (for the PC's 8259A pair
// that is the PIIX ELCR), not the line's.
#pragma once

#include <functional>

namespace rz {

// The receiving end of a line.
class IrqSink {
 public:
  virtual ~IrqSink() = default;
  virtual void set_level(bool high) = 0;
  // A rising edge immediately followed by a falling one (a pulse shorter than the
  // receiver can see go away).  Edge-triggered receivers latch it; level-triggered ones
  // see a request that was withdrawn at once.
  virtual void pulse() {
    set_level(true);
    set_level(false);
  }
};

class IrqLine {
 public:
  IrqLine() = default;
  IrqLine(const IrqLine&) = delete;
  IrqLine& operator=(const IrqLine&) = delete;

  void connect(IrqSink* sink) {
    sink_ = sink;
    if (sink_) sink_->set_level(level_);
  }
  void raise() { set(true); }
  void lower() { set(false); }
  void set(bool high) {
    if (high == level_) return;
    level_ = high;
    if (sink_) sink_->set_level(high);
  }
  // Only meaningful while the line is low: a short high pulse.
  void pulse() {
    if (level_) return;
    if (sink_) sink_->pulse();
  }
  bool level() const { return level_; }

 private:
  bool level_ = false;
  IrqSink* sink_ = nullptr;
};

// A sink that forwards to a function (probes in tests, glue logic in the board).
class FnIrqSink : public IrqSink {
 public:
  explicit FnIrqSink(std::function<void(bool)> f) : f_(std::move(f)) {}
  void set_level(bool high) override { f_(high); }

 private:
  std::function<void(bool)> f_;
};

}  // namespace rz
