// devices/dma.cpp: 8237A registers and the transfer walk.  See dma.h.
#include "devices/dma.h"

namespace rz {

void Dma8237::master_clear() {
  s_.command = s_.status = s_.request = s_.temp = 0;
  s_.flipflop = false;
  s_.mask = 0x0F;
}

uint8_t Dma8237::read(unsigned reg) {
  if (reg < 8) {
    auto& c = s_.ch[reg >> 1];
    uint16_t v = (reg & 1) ? c.cur_count : c.cur_addr;
    uint8_t b = s_.flipflop ? uint8_t(v >> 8) : uint8_t(v);
    s_.flipflop = !s_.flipflop;
    return b;
  }
  switch (reg) {
    case 8: {
      uint8_t v = uint8_t((s_.status & 0x0F) | ((s_.dreq | s_.request) & 0x0F) << 4);
      s_.status &= 0xF0;  // reading clears the TC bits
      return v;
    }
    case 13: return s_.temp;
    case 15: return uint8_t(0xF0 | s_.mask);
    default: return 0xFF;
  }
}

void Dma8237::write(unsigned reg, uint8_t v) {
  if (reg < 8) {
    auto& c = s_.ch[reg >> 1];
    uint16_t& base = (reg & 1) ? c.base_count : c.base_addr;
    uint16_t& cur = (reg & 1) ? c.cur_count : c.cur_addr;
    base = s_.flipflop ? uint16_t((base & 0x00FF) | v << 8) : uint16_t((base & 0xFF00) | v);
    cur = base;
    s_.flipflop = !s_.flipflop;
    return;
  }
  switch (reg) {
    case 8: s_.command = v; break;
    case 9:
      if (v & 4) s_.request |= uint8_t(1u << (v & 3));
      else s_.request &= uint8_t(~(1u << (v & 3)));
      break;
    case 10:
      if (v & 4) s_.mask |= uint8_t(1u << (v & 3));
      else s_.mask &= uint8_t(~(1u << (v & 3)));
      break;
    case 11: s_.ch[v & 3].mode = v; break;
    case 12: s_.flipflop = false; break;
    case 13: master_clear(); break;
    case 14: s_.mask = 0; break;
    default: s_.mask = v & 0x0F; break;  // 15
  }
}

void DmaController::set_dreq(unsigned ch, bool active) {
  auto& s = controller(ch >> 2 & 1).state();
  uint8_t m = uint8_t(1u << (ch & 3));
  if (active) s.dreq |= m;
  else s.dreq &= ~m;
}

bool DmaController::ready(unsigned ch) const {
  ch &= 7;
  const auto& s = (ch < 4 ? dma1_ : dma2_).state();
  if (s.command & 0x04) return false;                // controller disabled
  if (s.mask & (1u << (ch & 3))) return false;
  if ((s.ch[ch & 3].mode & 0xC0) == 0xC0) return false;  // cascade mode
  if (ch < 4) {  // DMA1 reaches the bus through DMA2 channel 4
    const auto& s2 = dma2_.state();
    if ((s2.command & 0x04) || (s2.mask & 1)) return false;
  }
  return true;
}

uint32_t DmaController::unit_address(unsigned ch) const {
  const auto& c = (ch < 4 ? dma1_ : dma2_).state().ch[ch & 3];
  if (ch < 4) return uint32_t(page(ch)) << 16 | c.cur_addr;
  return uint32_t(page(ch) & 0xFE) << 16 | uint32_t(c.cur_addr) << 1;
}

size_t DmaController::transfer(unsigned ch, uint8_t* buf, size_t len, uint8_t want_type) {
  ch &= 7;
  if (!ready(ch)) return 0;
  auto& s = (ch < 4 ? dma1_ : dma2_).state();
  auto& c = s.ch[ch & 3];
  unsigned unit = ch < 4 ? 1 : 2;
  uint8_t type = (c.mode >> 2) & 3;
  bool move = type == want_type;
  size_t done = 0;
  while (done + unit <= len) {
    uint32_t addr = unit_address(ch);
    if (move) {
      if (want_type == 1) mem_.write_block(addr, buf + done, unit);
      else mem_.read_block(addr, buf + done, unit);
    } else if (want_type == 2) {
      for (unsigned k = 0; k < unit; ++k) buf[done + k] = 0xFF;  // nothing driven
    }
    done += unit;
    c.cur_addr = uint16_t((c.mode & 0x20) ? c.cur_addr - 1 : c.cur_addr + 1);
    if (c.cur_count-- == 0) {  // terminal count
      s.status |= uint8_t(1u << (ch & 3));
      s.request &= uint8_t(~(1u << (ch & 3)));
      if (c.mode & 0x10) {
        c.cur_addr = c.base_addr;
        c.cur_count = c.base_count;
      } else {
        s.mask |= uint8_t(1u << (ch & 3));
      }
      break;
    }
  }
  return done;
}

size_t DmaController::write_memory(unsigned ch, const void* src, size_t len) {
  return transfer(ch, const_cast<uint8_t*>(static_cast<const uint8_t*>(src)), len, 1);
}

size_t DmaController::read_memory(unsigned ch, void* dst, size_t len) {
  return transfer(ch, static_cast<uint8_t*>(dst), len, 2);
}

bool DmaController::terminal_count(unsigned ch) const {
  return (ch < 4 ? dma1_ : dma2_).state().status & (1u << (ch & 3));
}

size_t DmaController::remaining(unsigned ch) const {
  const auto& c = ((ch & 7) < 4 ? dma1_ : dma2_).state().ch[ch & 3];
  return (size_t(c.cur_count) + 1) * ((ch & 7) < 4 ? 1 : 2);
}

void DmaController::map_ports(PortBus& bus) {
  PortHandler d1;
  d1.read = [this](uint16_t port, unsigned) -> uint32_t { return dma1_.read(port & 0x0F); };
  d1.write = [this](uint16_t port, unsigned, uint32_t v) { dma1_.write(port & 0x0F, uint8_t(v)); };
  bus.map(0x00, 0x10, d1, "dma1");
  PortHandler d2;
  d2.read = [this](uint16_t port, unsigned) -> uint32_t {
    return (port & 1) ? 0xFF : dma2_.read((port - 0xC0) >> 1);
  };
  d2.write = [this](uint16_t port, unsigned, uint32_t v) {
    if (!(port & 1)) dma2_.write((port - 0xC0) >> 1, uint8_t(v));
  };
  bus.map(0xC0, 0x20, d2, "dma2");
  PortHandler pg;
  pg.read = [this](uint16_t port, unsigned) -> uint32_t { return pages_[port & 0x0F]; };
  pg.write = [this](uint16_t port, unsigned, uint32_t v) { pages_[port & 0x0F] = uint8_t(v); };
  bus.map(0x81, 0x0F, pg, "dma-page");
}

void DmaController::serialize(Serializer& s) {
  dma1_.serialize(s);
  dma2_.serialize(s);
  s(pages_);
}

}  // namespace rz
