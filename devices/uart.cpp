// devices/uart.cpp: 16550A registers, FIFOs, interrupt identification and line timing
// on the virtual clock.  See uart.h.
#include "devices/uart.h"

namespace rz {

namespace {
constexpr uint8_t kLsrDr = 0x01, kLsrOe = 0x02, kLsrThre = 0x20, kLsrTemt = 0x40;
constexpr uint8_t kIerRda = 0x01, kIerThre = 0x02, kIerRls = 0x04, kIerMs = 0x08;
constexpr uint8_t kMcrOut2 = 0x08, kMcrLoop = 0x10;
constexpr int64_t kCrystalHz = 1843200;
}  // namespace

Uart16550::Uart16550(Scheduler& sched, uint16_t base) : sched_(sched), base_(base) {}

Uart16550::~Uart16550() {
  disarm(tx_ev_, s_.tx_due);
  disarm(rx_ev_, s_.rx_due);
  disarm(to_ev_, s_.timeout_due);
}

int64_t Uart16550::char_time_ns() const {
  unsigned divisor = unsigned(s_.dlm) << 8 | s_.dll;
  if (divisor == 0) divisor = 0x10000;  // no valid rate: the slowest one
  unsigned data = 5 + (s_.lcr & 3);
  unsigned half_bits = 2 * (1 + data + ((s_.lcr & 0x08) ? 1 : 0));
  half_bits += (s_.lcr & 0x04) ? (data == 5 ? 3 : 4) : 2;
  __int128 num = (__int128)half_bits * divisor * 16 * 1000000000;
  return int64_t(num / (2 * kCrystalHz));
}

unsigned Uart16550::trigger_level() const {
  static constexpr unsigned kLevels[4] = {1, 4, 8, 14};
  return s_.fifo_enabled ? kLevels[s_.fcr_trigger >> 6] : 1;
}

void Uart16550::arm(EventId& id, int64_t& due, int64_t when, void (Uart16550::*fn)()) {
  if (id) sched_.cancel(id);
  due = when;
  id = sched_.schedule_at(when, [this, fn] { (this->*fn)(); });
}

void Uart16550::disarm(EventId& id, int64_t& due) {
  if (id) sched_.cancel(id);
  id = 0;
  due = -1;
}

uint8_t Uart16550::lsr() const {
  uint8_t v = s_.lsr_errors;
  if (s_.rx_count) v |= kLsrDr;
  if (s_.tx_count == 0) {
    v |= kLsrThre;
    if (!s_.tsr_busy) v |= kLsrTemt;
  }
  return v;
}

uint8_t Uart16550::iir() const {
  uint8_t id = 0x01;
  if ((s_.ier & kIerRls) && (s_.lsr_errors & 0x1E)) id = 0x06;
  else if ((s_.ier & kIerRda) && s_.rx_count >= trigger_level()) id = 0x04;
  else if ((s_.ier & kIerRda) && s_.timeout_pending) id = 0x0C;
  else if ((s_.ier & kIerThre) && s_.thre_pending) id = 0x02;
  else if ((s_.ier & kIerMs) && (s_.msr_delta & 0x0F)) id = 0x00;
  return uint8_t(id | (s_.fifo_enabled ? 0xC0 : 0));
}

void Uart16550::update_irq() {
  // OUT2 gates the interrupt onto the bus; in loopback the OUT pins are forced inactive.
  bool pending = !(iir() & 1);
  irq_.set(pending && (s_.mcr & kMcrOut2) && !loopback());
}

uint8_t Uart16550::msr_lines_now() const {
  if (!loopback()) return s_.modem_in & 0xF0;
  uint8_t m = s_.mcr, v = 0;
  if (m & 0x02) v |= 0x10;  // RTS -> CTS
  if (m & 0x01) v |= 0x20;  // DTR -> DSR
  if (m & 0x04) v |= 0x40;  // OUT1 -> RI
  if (m & 0x08) v |= 0x80;  // OUT2 -> DCD
  return v;
}

void Uart16550::update_msr() {
  uint8_t now = msr_lines_now(), old = s_.msr_lines, diff = now ^ old;
  if (diff & 0x10) s_.msr_delta |= 0x01;
  if (diff & 0x20) s_.msr_delta |= 0x02;
  if ((old & 0x40) && !(now & 0x40)) s_.msr_delta |= 0x04;  // trailing edge of RI
  if (diff & 0x80) s_.msr_delta |= 0x08;
  s_.msr_lines = now;
}

void Uart16550::set_modem_inputs(uint8_t lines) {
  s_.modem_in = lines & 0xF0;
  update_msr();
  update_irq();
}

void Uart16550::rx_push(uint8_t byte) {
  if (s_.rx_count >= rx_capacity()) {
    s_.lsr_errors |= kLsrOe;  // the character in the shift register is lost
  } else {
    s_.rx[(s_.rx_head + s_.rx_count) & 15] = byte;
    ++s_.rx_count;
  }
  s_.rx_activity_ns = sched_.now();
  s_.timeout_pending = false;
  arm_timeout();
  update_irq();
}

void Uart16550::arm_timeout() {
  if (s_.fifo_enabled && s_.rx_count && !s_.timeout_pending)
    arm(to_ev_, s_.timeout_due, s_.rx_activity_ns + 4 * char_time_ns(), &Uart16550::on_timeout);
  else
    disarm(to_ev_, s_.timeout_due);
}

void Uart16550::on_timeout() {
  to_ev_ = 0;
  s_.timeout_due = -1;
  if (s_.fifo_enabled && s_.rx_count) s_.timeout_pending = true;
  update_irq();
}

void Uart16550::start_tx() {
  if (s_.tsr_busy || s_.tx_count == 0) return;
  s_.tsr = s_.tx[s_.tx_head];
  s_.tx_head = (s_.tx_head + 1) & 15;
  --s_.tx_count;
  s_.tsr_busy = true;
  if (s_.tx_count == 0) s_.thre_pending = true;  // holding register / FIFO now empty
  arm(tx_ev_, s_.tx_due, sched_.now() + char_time_ns(), &Uart16550::on_tx_done);
}

void Uart16550::on_tx_done() {
  tx_ev_ = 0;
  s_.tx_due = -1;
  s_.tsr_busy = false;
  if (loopback()) rx_push(s_.tsr);
  else if (backend_) backend_->write(s_.tsr);
  start_tx();
  update_irq();
}

void Uart16550::kick_rx_pace() {
  if (!rx_ev_ && s_.host_count && s_.rx_count < rx_capacity())
    arm(rx_ev_, s_.rx_due, sched_.now() + char_time_ns(), &Uart16550::on_rx_pace);
}

void Uart16550::on_rx_pace() {
  rx_ev_ = 0;
  s_.rx_due = -1;
  if (s_.host_count && s_.rx_count < rx_capacity()) {
    uint8_t b = s_.host_in[s_.host_head];
    s_.host_head = uint16_t((s_.host_head + 1) % s_.host_in.size());
    --s_.host_count;
    rx_push(b);
  }
  kick_rx_pace();
}

size_t Uart16550::receive(const uint8_t* data, size_t n) {
  size_t k = 0;
  for (; k < n && s_.host_count < s_.host_in.size(); ++k) {
    s_.host_in[(s_.host_head + s_.host_count) % s_.host_in.size()] = data[k];
    ++s_.host_count;
  }
  kick_rx_pace();
  return k;
}

void Uart16550::poll_backend() {
  if (!backend_) return;
  uint8_t buf[256];
  size_t room = s_.host_in.size() - s_.host_count;
  size_t n = backend_->read(buf, room < sizeof buf ? room : sizeof buf);
  if (n) receive(buf, n);
}

uint8_t Uart16550::read(unsigned reg) {
  switch (reg & 7) {
    case 0: {
      if (s_.lcr & 0x80) return s_.dll;
      uint8_t v = 0;
      if (s_.rx_count) {
        v = s_.rx[s_.rx_head];
        s_.rx_head = (s_.rx_head + 1) & 15;
        --s_.rx_count;
      }
      s_.rx_activity_ns = sched_.now();
      s_.timeout_pending = false;
      arm_timeout();
      kick_rx_pace();
      update_irq();
      return v;
    }
    case 1: return (s_.lcr & 0x80) ? s_.dlm : s_.ier;
    case 2: {
      uint8_t v = iir();
      if ((v & 0x0F) == 0x02) s_.thre_pending = false;  // reading IIR clears THRE source
      update_irq();
      return v;
    }
    case 3: return s_.lcr;
    case 4: return s_.mcr;
    case 5: {
      uint8_t v = lsr();
      s_.lsr_errors = 0;
      update_irq();
      return v;
    }
    case 6: {
      update_msr();
      uint8_t v = uint8_t(s_.msr_lines | s_.msr_delta);
      s_.msr_delta = 0;
      update_irq();
      return v;
    }
    default: return s_.scr;
  }
}

void Uart16550::write(unsigned reg, uint8_t v) {
  switch (reg & 7) {
    case 0:
      if (s_.lcr & 0x80) {
        s_.dll = v;
        return;
      }
      if (s_.tx_count < tx_capacity()) {
        s_.tx[(s_.tx_head + s_.tx_count) & 15] = v;
        ++s_.tx_count;
      }  // a write to a full FIFO is lost
      s_.thre_pending = false;
      start_tx();
      break;
    case 1:
      if (s_.lcr & 0x80) {
        s_.dlm = v;
        return;
      }
      // Enabling the THRE interrupt while THR is empty raises it at once.
      if ((v & kIerThre) && !(s_.ier & kIerThre) && s_.tx_count == 0) s_.thre_pending = true;
      s_.ier = v & 0x0F;
      break;
    case 2: {
      bool enable = v & 0x01;
      // Emptying a non-empty transmit FIFO makes THR empty: a new THRE event.
      bool had_tx = s_.tx_count != 0;
      if (enable != s_.fifo_enabled) {
        s_.rx_count = s_.tx_count = 0;
        s_.rx_head = s_.tx_head = 0;
        s_.fifo_enabled = enable;
      }
      if (enable) {
        if (v & 0x02) s_.rx_count = s_.rx_head = 0;
        if (v & 0x04) s_.tx_count = s_.tx_head = 0;
        s_.fcr_trigger = v & 0xC0;
      }
      if (had_tx && s_.tx_count == 0) s_.thre_pending = true;
      s_.timeout_pending = false;
      arm_timeout();
      kick_rx_pace();
      break;
    }
    case 3: s_.lcr = v; break;
    case 4:
      s_.mcr = v & 0x1F;
      update_msr();
      break;
    case 5: return;  // LSR writes are for factory test only
    case 6: return;  // MSR is read-only
    default: s_.scr = v; return;
  }
  update_irq();
}

void Uart16550::map_ports(PortBus& bus) {
  PortHandler h;
  h.read = [this](uint16_t port, unsigned) -> uint32_t { return read(port - base_); };
  h.write = [this](uint16_t port, unsigned, uint32_t v) { write(port - base_, uint8_t(v)); };
  bus.map(base_, 8, h, base_ == 0x3F8 ? "com1" : base_ == 0x2F8 ? "com2" : "uart");
}

void Uart16550::serialize(Serializer& s) {
  s(s_);
  if (!s.loading()) return;
  s_.rx_head &= 15;
  s_.tx_head &= 15;
  if (s_.rx_count > 16) s_.rx_count = 16;
  if (s_.tx_count > 16) s_.tx_count = 16;
  s_.host_head = uint16_t(s_.host_head % s_.host_in.size());
  if (s_.host_count > s_.host_in.size()) s_.host_count = uint16_t(s_.host_in.size());
  int64_t tx = s_.tx_due, rx = s_.rx_due, to = s_.timeout_due;
  disarm(tx_ev_, s_.tx_due);
  disarm(rx_ev_, s_.rx_due);
  disarm(to_ev_, s_.timeout_due);
  if (tx >= 0) arm(tx_ev_, s_.tx_due, tx, &Uart16550::on_tx_done);
  if (rx >= 0) arm(rx_ev_, s_.rx_due, rx, &Uart16550::on_rx_pace);
  if (to >= 0) arm(to_ev_, s_.timeout_due, to, &Uart16550::on_timeout);
  update_irq();
}

}  // namespace rz
