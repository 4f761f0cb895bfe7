// devices/pci.cpp: configuration mechanism #1, the type-0 header and BAR decoding.
#include "devices/pci.h"

#include <stdexcept>

namespace rz {

// ---------------------------------------------------------------- PciDevice

PciDevice::PciDevice(uint16_t vendor, uint16_t device, uint8_t class_code, uint8_t subclass,
                     uint8_t prog_if, uint8_t revision, const std::string& name)
    : name_(name) {
  set_cfg16(pci::kVendorId, vendor);
  set_cfg16(pci::kDeviceId, device);
  set_cfg8(pci::kRevision, revision);
  set_cfg8(pci::kProgIf, prog_if);
  set_cfg8(pci::kSubclass, subclass);
  set_cfg8(pci::kClass, class_code);
  set_writable(pci::kCommand, 2, 0x0547);  // I/O, memory, master, parity, SERR, INTx disable
  set_writable(pci::kCacheLine, 1, 0xFF);
  set_writable(pci::kLatency, 1, 0xFF);
  set_writable(pci::kIntLine, 1, 0xFF);
}

PciDevice::~PciDevice() {
  if (bus_) bus_->unplug(this);
}

void PciDevice::set_writable(uint8_t off, unsigned size, uint32_t mask) {
  for (unsigned k = 0; k < size && off + k < 256; ++k) wmask_[off + k] = uint8_t(mask >> (8 * k));
}

void PciDevice::declare_io_bar(unsigned n, uint32_t size, PortHandler h) {
  if (n >= 6 || size < 4 || (size & (size - 1)) || size > 0x10000)
    throw std::invalid_argument(name_ + ": bad I/O BAR");
  Bar& b = bars_[n];
  b = Bar{};
  b.size = size;
  b.kind = Bar::Kind::Io;
  b.io = std::move(h);
  set_cfg32(bar_offset(n), 1);
  set_writable(bar_offset(n), 4, ~(size - 1) & 0xFFFFFFFCu);
}

void PciDevice::declare_mmio_bar(unsigned n, uint32_t size, MmioHandler h, bool prefetchable) {
  if (n >= 6 || size < 16 || (size & (size - 1))) throw std::invalid_argument(name_ + ": bad memory BAR");
  Bar& b = bars_[n];
  b = Bar{};
  b.size = size;
  b.kind = Bar::Kind::Mmio;
  b.prefetch = prefetchable;
  b.mmio = std::move(h);
  set_cfg32(bar_offset(n), prefetchable ? 8 : 0);
  set_writable(bar_offset(n), 4, ~(size - 1) & 0xFFFFFFF0u);
}

void PciDevice::declare_ram_bar(unsigned n, uint32_t size, uint8_t* host, bool prefetchable) {
  if (n >= 6 || size < 0x1000 || (size & (size - 1)) || !host)
    throw std::invalid_argument(name_ + ": bad memory BAR");
  Bar& b = bars_[n];
  b = Bar{};
  b.size = size;
  b.kind = Bar::Kind::Ram;
  b.prefetch = prefetchable;
  b.host = host;
  set_cfg32(bar_offset(n), prefetchable ? 8 : 0);
  set_writable(bar_offset(n), 4, ~(size - 1) & 0xFFFFFFF0u);
}

void PciDevice::declare_rom_bar(std::vector<uint8_t> image) {
  uint32_t size = 0x1000;  // map_device_ram works in pages
  while (size < image.size()) size <<= 1;
  image.resize(size, 0);
  rom_ = std::move(image);
  Bar& b = bars_[6];
  b = Bar{};
  b.size = size;
  b.kind = Bar::Kind::Rom;
  b.host = rom_.data();
  set_cfg32(pci::kRomBar, 0);
  set_writable(pci::kRomBar, 4, (~(size - 1) & 0xFFFFF800u) | 1u);
}

uint32_t PciDevice::bar_address(unsigned n) const {
  if (n >= kBars || bars_[n].kind == Bar::Kind::None) return 0;
  uint32_t v = cfg32(bar_offset(n));
  return bars_[n].kind == Bar::Kind::Io ? (v & ~3u) : (v & ~0xFu) & ~(n == 6 ? 0x7FFu : 0u);
}

void PciDevice::unmap_bar(unsigned n) {
  if (!mapped_[n]) return;
  Bar& b = bars_[n];
  if (b.kind == Bar::Kind::Io) bus_->ports().unmap(uint16_t(b.mapped_at), uint16_t(b.size));
  else bus_->mem().unmap(name_ + ":bar" + std::to_string(n));
  mapped_[n] = false;
}

void PciDevice::update_mappings() {
  if (!bus_) return;
  for (unsigned n = 0; n < kBars; ++n) {
    Bar& b = bars_[n];
    if (b.kind == Bar::Kind::None) continue;
    uint32_t addr = bar_address(n);
    bool io = b.kind == Bar::Kind::Io;
    bool on = (command() & (io ? pci::kCmdIo : pci::kCmdMem)) && addr != 0;
    if (n == 6) on = on && (cfg8(pci::kRomBar) & 1);
    // A range that would wrap past the top of the address space (what BAR sizing leaves
    // behind) or past 64 KiB of I/O is not decoded.
    if (io ? (uint64_t(addr) + b.size > 0x10000) : (uint64_t(addr) + b.size >= 0x100000000ull))
      on = false;
    if (mapped_[n] && on && b.mapped_at == addr) continue;
    bool was = mapped_[n];
    unmap_bar(n);
    if (on) {
      try {
        if (io) {
          bus_->ports().map(uint16_t(addr), uint16_t(b.size), b.io, name_);
        } else {
          std::string region = name_ + ":bar" + std::to_string(n);
          if (b.kind == Bar::Kind::Mmio) bus_->mem().map_mmio(addr, b.size, b.mmio, region);
          else if (b.kind == Bar::Kind::Rom) bus_->mem().map_rom(addr, rom_, region);  // read only
          else bus_->mem().map_device_ram(addr, b.size, b.host, region);
        }
        mapped_[n] = true;
        b.mapped_at = addr;
      } catch (const std::invalid_argument&) {
        // Overlaps another device's range: a real bus would see a conflict; we leave this
        // BAR undecoded until the guest moves it.
      }
    }
    if (was || mapped_[n]) bar_moved(n);
  }
}

void PciDevice::write_byte(uint8_t off, uint8_t v) {
  if (off == pci::kStatus + 1) {  // error bits are write-one-to-clear
    cfg_[off] &= uint8_t(~(v & 0xF9));
    return;
  }
  cfg_[off] = uint8_t((cfg_[off] & ~wmask_[off]) | (v & wmask_[off]));
}

uint32_t PciDevice::config_read(uint8_t off, unsigned size) {
  uint32_t v = 0;
  for (unsigned k = 0; k < size; ++k) v |= uint32_t(cfg_[uint8_t(off + k)]) << (8 * k);
  return v;
}

void PciDevice::config_write(uint8_t off, unsigned size, uint32_t value) {
  uint16_t old_cmd = command();
  bool touches_bars = false;
  for (unsigned k = 0; k < size; ++k) {
    uint8_t o = uint8_t(off + k);
    write_byte(o, uint8_t(value >> (8 * k)));
    if ((o >= pci::kBar0 && o < pci::kBar0 + 24) || (o >= pci::kRomBar && o < pci::kRomBar + 4))
      touches_bars = true;
  }
  if (touches_bars || (command() ^ old_cmd) & (pci::kCmdIo | pci::kCmdMem)) update_mappings();
  if ((command() ^ old_cmd) & pci::kCmdIntxDisable) set_intx(intx_);
}

void PciDevice::reset() {
  cfg_ = reset_cfg_;  // the header as it was when the device was plugged in
  update_mappings();
}

void PciDevice::set_intx(bool level) {
  intx_ = level;
  if (level) cfg_[pci::kStatus] |= pci::kStatusIntx;
  else cfg_[pci::kStatus] &= uint8_t(~pci::kStatusIntx);
  if (bus_) bus_->intx_changed();
}

void PciDevice::serialize(Serializer& s) {
  s(cfg_);
  s(intx_);
  if (s.loading()) {
    for (unsigned n = 0; n < kBars; ++n) unmap_bar(n);
    update_mappings();
    if (bus_) bus_->intx_changed();
  }
}

// ---------------------------------------------------------------- PciBus

PciBus::PciBus(PortBus& ports, PhysMem& mem) : ports_(ports), mem_(mem) {
  PortHandler addr;
  addr.widths = 1 | 2 | 4;
  addr.read = [this](uint16_t port, unsigned size) -> uint32_t {
    if (port == 0xCF8 && size == 4) return addr_;
    if (port == 0xCF9 && size == 1 && rcr_read_) return rcr_read_();
    return 0xFFFFFFFFu >> (32 - 8 * size);
  };
  addr.write = [this](uint16_t port, unsigned size, uint32_t v) {
    if (port == 0xCF8 && size == 4) addr_ = v & 0x80FFFFFCu;
    else if (port == 0xCF9 && size == 1 && rcr_write_) rcr_write_(uint8_t(v));
  };
  ports_.map(0xCF8, 4, std::move(addr), "pci-config-address");
  PortHandler data;
  data.widths = 1 | 2 | 4;
  data.read = [this](uint16_t port, unsigned size) -> uint32_t {
    if (!(addr_ & 0x80000000u) || ((addr_ >> 16) & 0xFF) != 0) return 0xFFFFFFFFu >> (32 - 8 * size);
    return config_read((addr_ >> 8) & 0xFF, uint8_t((addr_ & 0xFC) + (port & 3)), size);
  };
  data.write = [this](uint16_t port, unsigned size, uint32_t v) {
    if (!(addr_ & 0x80000000u) || ((addr_ >> 16) & 0xFF) != 0) return;
    config_write((addr_ >> 8) & 0xFF, uint8_t((addr_ & 0xFC) + (port & 3)), size, v);
  };
  ports_.map(0xCFC, 4, std::move(data), "pci-config-data");
}

PciBus::~PciBus() {
  for (PciDevice*& d : devs_)
    if (d) {
      d->bus_ = nullptr;
      d = nullptr;
    }
  ports_.unmap(0xCF8, 4);
  ports_.unmap(0xCFC, 4);
}

void PciBus::plug(PciDevice* d, unsigned slot, unsigned fn) {
  unsigned devfn = (slot & 31) << 3 | (fn & 7);
  if (devs_[devfn]) throw std::invalid_argument("PCI slot " + std::to_string(slot) + "." +
                                                std::to_string(fn) + " is taken");
  devs_[devfn] = d;
  d->bus_ = this;
  d->devfn_ = devfn;
  d->reset_cfg_ = d->cfg_;
  d->update_mappings();
}

void PciBus::unplug(PciDevice* d) {
  if (!d || d->bus_ != this) return;
  for (unsigned n = 0; n < PciDevice::kBars; ++n) d->unmap_bar(n);
  devs_[d->devfn_] = nullptr;
  d->bus_ = nullptr;
  intx_changed();
}

uint32_t PciBus::config_read(unsigned devfn, uint8_t off, unsigned size) {
  PciDevice* d = at(devfn);
  if (!d) return 0xFFFFFFFFu >> (32 - 8 * size);
  if (off & (size - 1)) {  // unaligned: byte by byte
    uint32_t v = 0;
    for (unsigned k = 0; k < size; ++k) v |= d->config_read(uint8_t(off + k), 1) << (8 * k);
    return v;
  }
  return d->config_read(off, size);
}

void PciBus::config_write(unsigned devfn, uint8_t off, unsigned size, uint32_t value) {
  PciDevice* d = at(devfn);
  if (!d) return;
  if (off & (size - 1)) {
    for (unsigned k = 0; k < size; ++k) d->config_write(uint8_t(off + k), 1, (value >> (8 * k)) & 0xFF);
    return;
  }
  d->config_write(off, size, value);
}

void PciBus::set_pirq_sink(unsigned n, IrqSink* sink) {
  if (n >= 4) return;
  pirq_sink_[n] = sink;
  if (sink) sink->set_level(pirq_level_[n]);
}

void PciBus::intx_changed() {
  std::array<bool, 4> lv{};
  for (unsigned devfn = 0; devfn < 256; ++devfn) {
    PciDevice* d = devs_[devfn];
    if (!d || !d->intx_) continue;
    unsigned pin = d->cfg8(pci::kIntPin);
    if (pin < 1 || pin > 4 || (d->command() & pci::kCmdIntxDisable)) continue;
    lv[pirq_of(devfn, pin)] = true;
  }
  for (unsigned n = 0; n < 4; ++n) {
    if (lv[n] == pirq_level_[n]) continue;
    pirq_level_[n] = lv[n];
    if (pirq_sink_[n]) pirq_sink_[n]->set_level(lv[n]);
  }
}

void PciBus::reset() {
  addr_ = 0;
  for (PciDevice* d : devs_)
    if (d) d->reset();
}

void PciBus::serialize(Serializer& s) { s(addr_); }

}  // namespace rz
