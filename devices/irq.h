// devices/irq.h: an interrupt request line as an object.  A device owns the output end
// and raises, lowers or pulses it; whatever is wired to the other end (a PIC input, an
// OR gate, a test probe) receives the level changes.  Whether the receiver treats the
// line as edge- or level-triggered is the receiver's business (for the PC's 8259A pair
// that is the PIIX ELCR), not the line's.
#pragma once

#include <cstdint>
#include <deque>
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

// A wired-OR of several lines (shared PCI interrupts, PIRQ routing): each source
// connects to its own input(); the output is high while any input is high.
class IrqOrGate {
 public:
  explicit IrqOrGate(IrqSink* out = nullptr) : out_(out) {}
  IrqOrGate(const IrqOrGate&) = delete;
  IrqOrGate& operator=(const IrqOrGate&) = delete;
  void set_output(IrqSink* out) {
    out_ = out;
    if (out_) out_->set_level(high_ != 0);
  }
  // Input n (0-31).
  IrqSink* input(unsigned n) {
    if (n >= 32) n = 31;
    while (inputs_.size() <= n) inputs_.emplace_back(this, unsigned(inputs_.size()));
    return &inputs_[n];
  }
  bool level() const { return high_ != 0; }

 private:
  struct In : IrqSink {
    In(IrqOrGate* g, unsigned n) : gate(g), bit(1u << n) {}
    IrqOrGate* gate;
    uint32_t bit;
    void set_level(bool high) override { gate->set(bit, high); }
    void pulse() override {
      if (gate->high_ == 0 && gate->out_) gate->out_->pulse();
    }
  };
  void set(uint32_t bit, bool high) {
    bool was = high_ != 0;
    high_ = high ? (high_ | bit) : (high_ & ~bit);
    if ((high_ != 0) != was && out_) out_->set_level(high_ != 0);
  }
  IrqSink* out_;
  uint32_t high_ = 0;
  std::deque<In> inputs_;  // stable addresses
};

// One line feeding two receivers: on the PC with an I/O APIC every ISA IRQ reaches both
// the 8259A pair and an I/O APIC pin.
class IrqFanout : public IrqSink {
 public:
  void set_outputs(IrqSink* a, IrqSink* b) {
    a_ = a;
    b_ = b;
  }
  void set_level(bool high) override {
    if (a_) a_->set_level(high);
    if (b_) b_->set_level(high);
  }
  void pulse() override {
    if (a_) a_->pulse();
    if (b_) b_->pulse();
  }

 private:
  IrqSink* a_ = nullptr;
  IrqSink* b_ = nullptr;
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
