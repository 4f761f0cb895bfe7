// devices/ioapic.cpp: the 82093AA I/O APIC: register window, redirection table, edge and
// level pins with Remote IRR.  See ioapic.h.
#include "devices/ioapic.h"

namespace rz {

namespace {
constexpr uint32_t kRedirLoWritable = 0x1AFFFu;  // all but delivery status and Remote IRR
constexpr uint32_t kRedirHiWritable = 0xFF000000u;
constexpr const char* kRegion = "ioapic";
}  // namespace

IoApic::IoApic(PhysMem* mem) : mem_(mem) {
  for (unsigned n = 0; n < kPins; ++n) {
    in_[n].owner = this;
    in_[n].n = n;
  }
  reset();
  if (mem_) {
    MmioHandler h;
    h.read = [this](uint32_t a, unsigned size) { return read(a, size); };
    h.write = [this](uint32_t a, unsigned size, uint32_t v) { write(a, size, v); };
    mem_->map_mmio(kBase, 0x1000, std::move(h), kRegion);
  }
}

IoApic::~IoApic() {
  if (mem_) mem_->unmap(kRegion);
}

void IoApic::reset() {
  s_.regsel = 0;
  for (uint64_t& e : s_.redir) e = kMask;
}

uint32_t IoApic::read(uint32_t off, unsigned size) {
  const uint32_t byte = off & 0xF;
  uint32_t v = 0;
  if (byte < 4) {
    if ((off & 0xFF0) == 0x00) v = s_.regsel >> (8 * byte);
    else if ((off & 0xFF0) == 0x10) v = read_register(uint8_t(s_.regsel)) >> (8 * byte);
  }
  if (size < 4) v &= (1u << (8 * size)) - 1;
  return v;
}

void IoApic::write(uint32_t off, unsigned size, uint32_t v) {
  if (off == 0x00) s_.regsel = v & 0xFF;
  else if (off == 0x10 && size == 4) write_register(uint8_t(s_.regsel), v);
}

uint32_t IoApic::read_register(uint8_t index) const {
  switch (index) {
    case 0x00: return s_.id;
    case 0x01: return kVersion;
    case 0x02: return s_.id;  // arbitration ID
    default: break;
  }
  if (index >= 0x10 && index < 0x10 + 2 * kPins) {
    const uint64_t e = s_.redir[(index - 0x10u) >> 1];
    return (index & 1) ? uint32_t(e >> 32) : uint32_t(e);
  }
  return 0;
}

void IoApic::write_register(uint8_t index, uint32_t v) {
  if (index == 0x00) {
    s_.id = v & 0x0F000000u;
    return;
  }
  if (index < 0x10 || index >= 0x10 + 2 * kPins) return;
  const unsigned pin = (index - 0x10u) >> 1;
  uint64_t& e = s_.redir[pin];
  const uint64_t old = e;
  if (index & 1) {
    e = (e & 0xFFFFFFFFull) | (uint64_t(v & kRedirHiWritable) << 32);
    return;
  }
  e = (e & ~uint64_t(kRedirLoWritable)) | (v & kRedirLoWritable);
  if (!(e & kLevel)) e &= ~kRemoteIrr;  // Remote IRR means nothing for edge pins
  if ((old & kMask) && !(e & kMask) && (e & kLevel)) service_level(pin);
}

bool IoApic::send(unsigned pin) {
  const uint64_t e = s_.redir[pin];
  ApicMessage m;
  m.vector = uint8_t(e);
  m.mode = uint8_t((e >> 8) & 7);
  m.logical = (e >> 11) & 1;
  m.level = (e & kLevel) != 0;
  m.dest = uint8_t(e >> 56);
  return deliver_ && deliver_(m);
}

void IoApic::service_level(unsigned pin) {
  uint64_t& e = s_.redir[pin];
  if (!(s_.pins >> pin & 1) || (e & kMask) || (e & kRemoteIrr)) return;
  if (send(pin)) e |= kRemoteIrr;
}

void IoApic::pin_changed(unsigned pin, bool high) {
  const uint32_t bit = 1u << pin;
  const bool was = s_.pins & bit;
  s_.pins = high ? (s_.pins | bit) : (s_.pins & ~bit);
  const uint64_t e = s_.redir[pin];
  if (e & kMask) return;
  if (e & kLevel) {
    if (high) service_level(pin);
  } else if (high && !was) {
    send(pin);
  }
}

void IoApic::eoi(uint8_t vector) {
  for (unsigned pin = 0; pin < kPins; ++pin) {
    uint64_t& e = s_.redir[pin];
    if (!(e & kRemoteIrr) || uint8_t(e) != vector) continue;
    e &= ~kRemoteIrr;
    service_level(pin);
  }
}

void IoApic::serialize(Serializer& s) { s(s_); }

}  // namespace rz
