// devices/pic.cpp: 8259A command decoding, priority resolution and the INTA cycle, and
// the PC/AT cascade.  See pic.h for what is modelled.
#include "devices/pic.h"

namespace rz {

namespace {
constexpr uint8_t kIcw1Ic4 = 0x01, kIcw1Sngl = 0x02, kIcw1Ltim = 0x08;
constexpr uint8_t kIcw4Aeoi = 0x02, kIcw4Sfnm = 0x10;
}  // namespace

int Pic8259::priority_of(uint8_t mask) const {
  if (!mask) return 8;
  for (int p = 0; p < 8; ++p)
    if (mask & (1u << ir_at(p))) return p;
  return 8;
}

// The IR that would be acknowledged now, or -1: the highest-priority unmasked request,
// if it beats everything in service (fully nested mode).  Special mask mode ignores
// in-service levels that are masked; special fully nested mode (master only) lets the
// cascade input interrupt its own in-service level.
int Pic8259::winning_request() const {
  uint8_t req = s_.irr & ~s_.imr;
  uint8_t in_service = s_.isr;
  if (s_.special_mask) in_service &= ~s_.imr;
  if (master_ && (s_.icw4 & kIcw4Sfnm)) in_service &= ~0x04;
  int p = priority_of(req);
  return p < priority_of(in_service) ? int(ir_at(p)) : -1;
}

void Pic8259::update() {
  bool out = winning_request() >= 0;
  if (out != s_.int_out) {
    s_.int_out = out;
    if (out_cb_) out_cb_(out);
  }
}

void Pic8259::set_input(unsigned ir, bool high) {
  uint8_t m = uint8_t(1u << (ir & 7));
  if (s_.level_mode & m) {
    if (high) s_.irr |= m;
    else s_.irr &= ~m;
  } else {
    if (high && !(s_.input & m)) s_.irr |= m;
    if (!high) s_.irr &= ~m;
  }
  if (high) s_.input |= m;
  else s_.input &= ~m;
  update();
}

void Pic8259::pulse_input(unsigned ir) {
  uint8_t m = uint8_t(1u << (ir & 7));
  if (s_.input & m) return;  // already high: no edge
  if (!(s_.level_mode & m)) s_.irr |= m;  // the edge is latched until INTA
  update();
}

void Pic8259::set_elcr(uint8_t v) {
  s_.elcr = v;
  s_.level_mode = (s_.icw1 & kIcw1Ltim) ? 0xFF : v;
  // A level input's request follows its pin.
  s_.irr = uint8_t((s_.irr & ~s_.level_mode) | (s_.input & s_.level_mode));
  update();
}

unsigned Pic8259::acknowledge(bool& spurious) {
  int w = winning_request();
  if (w < 0) {
    spurious = true;  // the request went away: default IR7, ISR untouched
    return 7;
  }
  spurious = false;
  unsigned ir = unsigned(w);
  uint8_t m = uint8_t(1u << ir);
  s_.irr = uint8_t((s_.irr & ~m) | (s_.input & s_.level_mode & m));
  if (s_.icw4 & kIcw4Aeoi) {
    if (s_.rotate_on_aeoi) s_.lowest = uint8_t(ir);
  } else {
    s_.isr |= m;
  }
  update();
  return ir;
}

void Pic8259::eoi_nonspecific(bool rotate) {
  uint8_t mask = s_.isr;
  if (s_.special_mask) mask &= ~s_.imr;  // data sheet: masked ISR bits are not reset
  int p = priority_of(mask);
  if (p >= 8) return;
  unsigned ir = ir_at(p);
  s_.isr &= uint8_t(~(1u << ir));
  if (rotate) s_.lowest = uint8_t(ir);
}

uint8_t Pic8259::poll_read() {
  bool spurious;
  if (winning_request() < 0) return 0;
  unsigned ir = acknowledge(spurious);
  return spurious ? 0 : uint8_t(0x80 | ir);
}

uint8_t Pic8259::read(unsigned a0) {
  if (s_.poll) {
    s_.poll = false;
    return poll_read();
  }
  if (a0 & 1) return s_.imr;
  return s_.read_isr ? s_.isr : s_.irr;
}

void Pic8259::write(unsigned a0, uint8_t v) {
  if (a0 & 1) {
    switch (s_.init_step) {
      case 2:
        s_.icw2 = v;
        s_.init_step = (s_.icw1 & kIcw1Sngl) ? ((s_.icw1 & kIcw1Ic4) ? 4 : 0) : 3;
        return;
      case 3:
        s_.icw3 = v;
        s_.init_step = (s_.icw1 & kIcw1Ic4) ? 4 : 0;
        return;
      case 4:
        s_.icw4 = v;
        s_.init_step = 0;
        update();
        return;
      default:
        s_.imr = v;  // OCW1
        update();
        return;
    }
  }
  if (v & 0x10) {  // ICW1
    s_.icw1 = v;
    s_.init_step = 2;
    if (!(v & kIcw1Ic4)) s_.icw4 = 0;
    s_.imr = 0;
    s_.isr = 0;
    s_.lowest = 7;
    s_.special_mask = false;
    s_.read_isr = false;
    s_.poll = false;
    s_.rotate_on_aeoi = false;
    s_.level_mode = (v & kIcw1Ltim) ? 0xFF : s_.elcr;
    // The edge sense latches are reset: only level inputs that are high request.
    s_.irr = s_.input & s_.level_mode;
    update();
    return;
  }
  if (v & 0x08) {  // OCW3
    if (v & 0x04) s_.poll = true;
    if (v & 0x02) s_.read_isr = v & 0x01;
    if (v & 0x40) s_.special_mask = (v & 0x20) != 0;
    update();
    return;
  }
  unsigned level = v & 7;  // OCW2
  switch (v >> 5) {
    case 0: s_.rotate_on_aeoi = false; break;
    case 4: s_.rotate_on_aeoi = true; break;
    case 1: eoi_nonspecific(false); break;
    case 5: eoi_nonspecific(true); break;
    case 3: s_.isr &= uint8_t(~(1u << level)); break;
    case 7:
      s_.isr &= uint8_t(~(1u << level));
      s_.lowest = uint8_t(level);
      break;
    case 6: s_.lowest = uint8_t(level); break;
    default: break;  // 2: no operation
  }
  update();
}

void Pic8259::serialize(Serializer& s) {
  s(s_);
  // The output level is part of the state; the callback sees no change on load, the
  // owner re-reads int_output() in its post-load step.
}

// ---- the PC/AT pair -------------------------------------------------------------

DualPic::DualPic() {
  for (unsigned k = 0; k < 16; ++k) {
    inputs_[k].pic = this;
    inputs_[k].irq = k;
  }
  slave_.on_output([this](bool high) { master_.set_input(2, high); });
  master_.on_output([this](bool high) {
    if (out_cb_) out_cb_(high);
  });
}

void DualPic::Input::set_level(bool high) {
  if (irq < 8) pic->master_.set_input(irq, high);
  else pic->slave_.set_input(irq - 8, high);
}

void DualPic::Input::pulse() {
  if (irq < 8) pic->master_.pulse_input(irq);
  else pic->slave_.pulse_input(irq - 8);
}

uint8_t DualPic::acknowledge() {
  bool spurious;
  unsigned ir = master_.acknowledge(spurious);
  if (spurious) return uint8_t(master_.vector_base() + 7);
  bool cascade = !(master_.state().icw1 & kIcw1Sngl) && (master_.state().icw3 & 0x04);
  if (ir == 2 && cascade) {
    unsigned sir = slave_.acknowledge(spurious);
    return uint8_t(slave_.vector_base() + sir);
  }
  return uint8_t(master_.vector_base() + ir);
}

void DualPic::map_ports(PortBus& bus) {
  auto chip_port = [](Pic8259& chip) {
    PortHandler h;
    h.read = [&chip](uint16_t port, unsigned) -> uint32_t { return chip.read(port & 1); };
    h.write = [&chip](uint16_t port, unsigned, uint32_t v) { chip.write(port & 1, uint8_t(v)); };
    return h;
  };
  bus.map(0x20, 2, chip_port(master_), "pic-master");
  bus.map(0xA0, 2, chip_port(slave_), "pic-slave");
  PortHandler elcr;
  // PIIX: IRQ0, 1, 2, 8 and 13 are always edge triggered (their bits read 0).
  elcr.read = [this](uint16_t port, unsigned) -> uint32_t {
    return port == 0x4D0 ? master_.elcr() : slave_.elcr();
  };
  elcr.write = [this](uint16_t port, unsigned, uint32_t v) {
    if (port == 0x4D0) master_.set_elcr(uint8_t(v & 0xF8));
    else slave_.set_elcr(uint8_t(v & 0xDE));
  };
  bus.map(0x4D0, 2, elcr, "elcr");
}

void DualPic::serialize(Serializer& s) {
  master_.serialize(s);
  slave_.serialize(s);
}

}  // namespace rz
