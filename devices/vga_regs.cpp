// devices/vga_regs.cpp: the VGA's I/O registers (IBM VGA Technical Reference; FreeVGA's
// register pages): miscellaneous output, sequencer, CRT controller with its write-protect
// bit, graphics controller, attribute controller with its index/data flip-flop, the DAC's
// read and write indexes with 6-bit components, feature control and input status 1, whose
// retrace bits follow the CRTC timing on the virtual clock.  Also the PCI side (ids, the
// linear framebuffer BAR, the ROM BAR), the legacy decode and the device state.
#include <cstring>
#include <stdexcept>

#include "devices/vga.h"

namespace rz {

namespace {
// Writable bits of the sequencer and graphics controller registers.
constexpr uint8_t kSeqMask[8] = {0x03, 0x3D, 0x0F, 0x3F, 0x0E, 0, 0, 0};
constexpr uint8_t kGcMask[16] = {0x0F, 0x0F, 0x0F, 0x1F, 0x03, 0x7B, 0x0F, 0x0F, 0xFF};
}  // namespace

StdVga::StdVga(Scheduler& sched, const VgaConfig& cfg)
    : PciDevice(0x1234, 0x1111, 0x03, 0x00, 0x00, 0x02, "vga"),
      sched_(sched),
      vram_size_(cfg.vram_mb * 1024u * 1024u) {
  if (cfg.vram_mb < 1 || cfg.vram_mb > 256 || (cfg.vram_mb & (cfg.vram_mb - 1)))
    throw std::invalid_argument("vga: video memory must be a power of two from 1 to 256 MiB");
  vram_.reset(new uint8_t[vram_size_]());
  set_cfg16(pci::kSubsysVendor, 0x1AF4);  // as QEMU's stdvga reports it
  set_cfg16(pci::kSubsysId, 0x1100);
  declare_ram_bar(0, vram_size_, vram_.get(), /*prefetchable=*/true);
  if (!cfg.rom.empty()) declare_rom_bar(cfg.rom);
  reset_registers();
}

StdVga::~StdVga() { unmap_legacy(); }

void StdVga::reset_registers() {
  misc_ = feature_ = 0;
  subsys_enable_ = 1;
  seq_index_ = crtc_index_ = gc_index_ = ac_index_ = 0;
  seq_.fill(0);
  crtc_.fill(0);
  gc_.fill(0);
  ac_.fill(0);
  ac_flipflop_ = false;
  dac_mask_ = 0xFF;
  dac_read_index_ = dac_write_index_ = dac_sub_ = dac_state_ = 0;
  dac_latch_.fill(0);
  dac_.fill(0);
  latch_ = 0;
  vbe_index_ = 0;
  vbe_.fill(0);
  vbe_[dispi::kId] = dispi::kId0;
  vbe_[dispi::kBpp] = 8;
  dirty_ = true;
}

void StdVga::reset() {
  PciDevice::reset();
  reset_registers();
}

void StdVga::map_legacy(PortBus& ports, PhysMem& mem) {
  unmap_legacy();
  PortHandler vga;
  vga.widths = 1;
  vga.read = [this](uint16_t port, unsigned) -> uint32_t { return port_read(port); };
  vga.write = [this](uint16_t port, unsigned, uint32_t v) { port_write(port, uint8_t(v)); };
  ports.map(0x3B0, 0x30, std::move(vga), "vga");
  // DISPI: 16-bit index at 0x1CE, 16-bit data at 0x1CF (and 0x1D0, as Bochs decodes it).
  PortHandler vbe;
  vbe.widths = 1 | 2;
  vbe.read = [this](uint16_t port, unsigned size) -> uint32_t {
    uint16_t v = port == dispi::kIndexPort ? vbe_index_ : dispi_read_data();
    return size == 1 ? v & 0xFF : v;
  };
  vbe.write = [this](uint16_t port, unsigned size, uint32_t v) {
    if (port == dispi::kIndexPort) vbe_index_ = size == 1 ? uint16_t((vbe_index_ & 0xFF00) | (v & 0xFF)) : uint16_t(v);
    else dispi_write_data(uint16_t(v));
  };
  ports.map(dispi::kIndexPort, 3, std::move(vbe), "vga-dispi");
  MmioHandler win;
  win.read = [this](uint32_t a, unsigned size) -> uint32_t {
    uint32_t v = 0;
    for (unsigned k = 0; k < size; ++k) v |= uint32_t(mem_read(a + k)) << (8 * k);
    return v;
  };
  win.write = [this](uint32_t a, unsigned size, uint32_t v) {
    for (unsigned k = 0; k < size; ++k) mem_write(a + k, uint8_t(v >> (8 * k)));
  };
  mem.map_mmio(0xA0000, 0x20000, std::move(win), "vga-window");
  ports_ = &ports;
  mem_ = &mem;
}

void StdVga::unmap_legacy() {
  if (ports_) {
    ports_->unmap(0x3B0, 0x30);
    ports_->unmap(dispi::kIndexPort, 3);
  }
  if (mem_) mem_->unmap("vga-window");
  ports_ = nullptr;
  mem_ = nullptr;
}

// ---------------------------------------------------------------- ports

uint8_t StdVga::port_read(uint16_t port) {
  // The CRTC and input status 1 answer only at the address misc output bit 0 selects.
  if ((port >= 0x3B0 && port <= 0x3BF && color_io()) || (port >= 0x3D0 && port <= 0x3DF && !color_io()))
    return 0xFF;
  switch (port) {
    case 0x3B4: case 0x3D4: return crtc_index_;
    case 0x3B5: case 0x3D5: return crtc_index_ <= 0x18 ? crtc_[crtc_index_] : 0xFF;
    case 0x3BA: case 0x3DA: return input_status1();
    case 0x3C0: return ac_index_;
    case 0x3C1: return (ac_index_ & 0x1F) <= 0x14 ? ac_[ac_index_ & 0x1F] : 0;
    case 0x3C2: return 0x00;  // input status 0: no CRT interrupt pending, switch sense 0
    case 0x3C3: return subsys_enable_;
    case 0x3C4: return seq_index_;
    case 0x3C5: return seq_index_ <= 4 ? seq_[seq_index_] : 0xFF;
    case 0x3C6: return dac_mask_;
    case 0x3C7: return dac_state_;
    case 0x3C8: return dac_write_index_;
    case 0x3C9: return dac_read_data();
    case 0x3CA: return feature_;
    case 0x3CC: return misc_;
    case 0x3CE: return gc_index_;
    case 0x3CF: return gc_index_ <= 8 ? gc_[gc_index_] : 0xFF;
    default: return 0xFF;
  }
}

void StdVga::port_write(uint16_t port, uint8_t v) {
  if ((port >= 0x3B0 && port <= 0x3BF && color_io()) || (port >= 0x3D0 && port <= 0x3DF && !color_io()))
    return;
  switch (port) {
    case 0x3B4: case 0x3D4: crtc_index_ = v & 0x3F; break;
    case 0x3B5: case 0x3D5: crtc_write(crtc_index_, v); break;
    case 0x3BA: case 0x3DA: feature_ = v & 0x03; break;
    case 0x3C0:
      if (!ac_flipflop_) {
        ac_index_ = v & 0x3F;  // bit 5: palette address source (1 = video on)
      } else if ((ac_index_ & 0x1F) <= 0x14) {
        unsigned i = ac_index_ & 0x1F;
        ac_[i] = i < 16 ? (v & 0x3F) : i == 0x12 ? (v & 0x3F) : i == 0x13 || i == 0x14 ? (v & 0x0F) : v;
      }
      ac_flipflop_ = !ac_flipflop_;
      break;
    case 0x3C2: misc_ = v; break;
    case 0x3C3: subsys_enable_ = v & 1; break;
    case 0x3C4: seq_index_ = v & 0x07; break;
    case 0x3C5: seq_[seq_index_] = v & kSeqMask[seq_index_]; break;
    case 0x3C6: dac_mask_ = v; break;
    case 0x3C7: dac_read_index_ = v; dac_sub_ = 0; dac_state_ = 3; break;
    case 0x3C8: dac_write_index_ = v; dac_sub_ = 0; dac_state_ = 0; break;
    case 0x3C9: dac_write_data(v); break;
    case 0x3CE: gc_index_ = v & 0x0F; break;
    case 0x3CF: gc_[gc_index_] = v & kGcMask[gc_index_]; break;
    default: return;
  }
  touch();
}

void StdVga::crtc_write(uint8_t idx, uint8_t v) {
  // CR11 bit 7 protects CR0-CR7, except the line compare bit 8 in CR7 (bit 4).
  if ((crtc_[0x11] & 0x80) && idx <= 7) {
    if (idx == 7) crtc_[7] = uint8_t((crtc_[7] & ~0x10) | (v & 0x10));
    return;
  }
  crtc_[idx] = v;
}

void StdVga::dac_write_data(uint8_t v) {
  bool wide = vbe_on() && (vbe_[dispi::kEnable] & dispi::k8BitDac);
  dac_latch_[dac_sub_] = wide ? v : (v & 0x3F);
  if (++dac_sub_ == 3) {
    std::memcpy(&dac_[dac_write_index_ * 3u], dac_latch_.data(), 3);
    ++dac_write_index_;
    dac_sub_ = 0;
  }
}

uint8_t StdVga::dac_read_data() {
  uint8_t v = dac_[dac_read_index_ * 3u + dac_sub_];
  if (++dac_sub_ == 3) {
    ++dac_read_index_;
    dac_sub_ = 0;
  }
  return v;
}

// ---------------------------------------------------------------- timing

StdVga::Timing StdVga::timing() const {
  Timing t{};
  unsigned cw = (seq_[1] & 1) ? 8 : 9;
  // Dot clock from misc output bits 3:2: 25.175 MHz or 28.322 MHz (others: external).
  t.dot_ps = ((misc_ >> 2) & 3) == 1 ? 35308 : 39722;
  if (seq_[1] & 0x08) t.dot_ps *= 2;
  t.htotal = (crtc_[0] + 5u) * cw;
  t.hde = (crtc_[1] + 1u) * cw;
  t.vtotal = (crtc_[6] | (crtc_[7] & 0x01) << 8 | (crtc_[7] & 0x20) << 4) + 2u;
  t.vde = (crtc_[0x12] | (crtc_[7] & 0x02) << 7 | (crtc_[7] & 0x40) << 3) + 1u;
  t.vrs = crtc_[0x10] | (crtc_[7] & 0x04) << 6 | (crtc_[7] & 0x80) << 2;
  t.vre = crtc_[0x11] & 0x0F;
  if (t.htotal < t.hde || t.vtotal < 16 || t.htotal < 16) {
    // Unprogrammed CRTC: run as the 70 Hz 720x400 text timing.
    t.htotal = 900;
    t.hde = 720;
    t.vtotal = 449;
    t.vde = 400;
    t.vrs = 412;
    t.vre = 14;
    t.dot_ps = 35308;
  }
  return t;
}

uint8_t StdVga::input_status1() {
  ac_flipflop_ = false;  // reading input status 1 resets the attribute flip-flop
  Timing t = timing();
  int64_t line_ps = int64_t(t.htotal) * t.dot_ps;
  int64_t frame_ps = line_ps * t.vtotal;
  int64_t pos = int64_t((__int128(sched_.now()) * 1000) % frame_ps);
  uint32_t line = uint32_t(pos / line_ps);
  uint32_t dot = uint32_t((pos % line_ps) / t.dot_ps);
  // Vertical retrace from the start line until the line counter's low four bits equal
  // the vertical retrace end field.
  uint32_t len = (t.vre - t.vrs) & 0x0F;
  if (len == 0) len = 16;
  bool vretrace = line >= t.vrs && line < t.vrs + len;
  bool display = line < t.vde && dot < t.hde;
  return uint8_t((vretrace ? 0x08 : 0) | (display ? 0 : 0x01));
}

unsigned StdVga::blink_phase() const {
  // The cursor blinks every 8 frames, blinking characters every 16.
  Timing t = timing();
  int64_t frame_ps = int64_t(t.htotal) * t.dot_ps * t.vtotal;
  int64_t frames = int64_t((__int128(sched_.now()) * 1000) / frame_ps);
  return unsigned(frames >> 3) & 3;
}

// ---------------------------------------------------------------- state

void StdVga::serialize(Serializer& s) {
  PciDevice::serialize(s);
  s(misc_), s(feature_), s(subsys_enable_);
  s(seq_index_), s(crtc_index_), s(gc_index_), s(ac_index_);
  s(seq_), s(crtc_), s(gc_), s(ac_), s(ac_flipflop_);
  s(dac_mask_), s(dac_read_index_), s(dac_write_index_), s(dac_sub_), s(dac_state_);
  s(dac_latch_), s(dac_), s(latch_);
  s(vbe_index_), s(vbe_);
  s.bytes(vram_.get(), vram_size_);
  if (s.loading()) {
    seq_index_ &= 7;
    crtc_index_ &= 0x3F;
    gc_index_ &= 0x0F;
    ac_index_ &= 0x3F;
    dac_sub_ %= 3;
    dirty_ = true;
    last_mode_ = Mode{};
    lfb_shadow_.clear();
  }
}

}  // namespace rz
