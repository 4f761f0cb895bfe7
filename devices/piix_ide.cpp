// devices/piix_ide.cpp: the PIIX3 IDE function: configuration registers, legacy port
// decoding, and the bus master IDE engine walking physical region descriptor tables
// (see piix_ide.h).
#include "devices/piix_ide.h"

#include <algorithm>

namespace rz {

PiixIde::PiixIde(PhysMem& mem, Scheduler& sched)
    : PciDevice(0x8086, 0x7010, 0x01, 0x01, 0x80, 0x00, "piix3-ide"), mem_(mem) {
  for (unsigned n = 0; n < 2; ++n) {
    ch_[n] = std::make_unique<IdeChannel>(sched, n);
    ch_[n]->set_dma_host(this);
    tap_[n].self = this;
    tap_[n].ch = n;
    ch_[n]->irq().connect(&tap_[n]);
  }
  set_cfg16(pci::kStatus, 0x0280);  // fast back-to-back capable, medium DEVSEL timing
  set_writable(pci::kCommand, 2, 0x0005);  // I/O space, bus master (the rest is fixed)
  set_writable(kIdetim0, 2, 0xF3FF);
  set_writable(kIdetim1, 2, 0xF3FF);
  set_writable(kSidetim, 1, 0xFF);
  PortHandler bm;
  bm.widths = 1 | 2 | 4;
  bm.read = [this](uint16_t port, unsigned size) { return bm_read(port & 0xF, size); };
  bm.write = [this](uint16_t port, unsigned size, uint32_t v) { bm_write(port & 0xF, size, v); };
  declare_io_bar(4, 16, std::move(bm));
  update_decode();
}

PiixIde::~PiixIde() = default;

void PiixIde::map_legacy_ports(PortBus& bus) {
  ch_[0]->map_ports(bus, 0x1F0, 0x3F6);
  ch_[1]->map_ports(bus, 0x170, 0x376);
}

void PiixIde::connect_irqs(IrqSink* primary, IrqSink* secondary) {
  tap_[0].out = primary;
  tap_[1].out = secondary;
  for (auto& t : tap_)
    if (t.out) t.out->set_level(t.level);
}

void PiixIde::IrqTap::set_level(bool high) {
  if (high && !level) self->bm_[ch].status |= kBmIrq;
  level = high;
  if (out) out->set_level(high);
}

void PiixIde::firmware_setup() {
  config_write(kIdetim0, 2, 0x8000);
  config_write(kIdetim1, 2, 0x8000);
  config_write(pci::kCommand, 2, command() | pci::kCmdIo | pci::kCmdMaster);
}

void PiixIde::update_decode() {
  bool io = command() & pci::kCmdIo;
  ch_[0]->set_decode(io && (cfg16(kIdetim0) & 0x8000));
  ch_[1]->set_decode(io && (cfg16(kIdetim1) & 0x8000));
}

void PiixIde::config_write(uint8_t off, unsigned size, uint32_t value) {
  bool was_master = bus_master();
  PciDevice::config_write(off, size, value);
  update_decode();
  if (bus_master() && !was_master) {
    run(0);
    run(1);
  }
}

void PiixIde::reset() {
  PciDevice::reset();
  bm_ = {};
  for (auto& c : ch_) c->reset();
  update_decode();
}

// ---------------------------------------------------------------- bus master registers

uint8_t PiixIde::bm_read8(unsigned off) const {
  const BusMaster& b = bm_[(off >> 3) & 1];
  switch (off & 7) {
    case 0: return b.cmd;
    case 2: return b.status;
    case 4: case 5: case 6: case 7: return uint8_t(b.prdt >> (8 * (off & 3)));
    default: return 0;
  }
}

uint32_t PiixIde::bm_read(unsigned off, unsigned size) {
  uint32_t v = 0;
  for (unsigned k = 0; k < size; ++k) v |= uint32_t(off + k < 16 ? bm_read8(off + k) : 0xFF) << (8 * k);
  return v;
}

void PiixIde::bm_write(unsigned off, unsigned size, uint32_t value) {
  for (unsigned k = 0; k < size && off + k < 16; ++k) bm_write8(off + k, uint8_t(value >> (8 * k)));
}

void PiixIde::bm_write8(unsigned off, uint8_t v) {
  unsigned n = (off >> 3) & 1;
  BusMaster& b = bm_[n];
  switch (off & 7) {
    case 0: {
      // The direction may not change while the engine runs.
      uint8_t dir = (b.status & kBmActive) ? (b.cmd & kBmWrite) : (v & kBmWrite);
      bool start = v & kBmStart, was = b.cmd & kBmStart;
      b.cmd = uint8_t(dir | (start ? kBmStart : 0));
      if (start && !was) {
        b.status |= kBmActive;
        b.next_prd = b.prdt;
        b.have_region = b.last_region = false;
        run(n);
      } else if (!start && was) {
        b.status &= uint8_t(~kBmActive);  // stopped: whatever was left is abandoned
        b.have_region = false;
      }
      break;
    }
    case 2:
      b.status = uint8_t((b.status & ~(v & (kBmError | kBmIrq)) & ~0x60) | (v & 0x60));
      break;
    case 4: case 5: case 6: case 7: {
      unsigned sh = 8 * (off & 3);
      b.prdt = ((b.prdt & ~(0xFFu << sh)) | uint32_t(v) << sh) & ~3u;
      break;
    }
    default: break;
  }
}

// ---------------------------------------------------------------- the DMA engine

void PiixIde::dmarq_changed(unsigned channel) { run(channel & 1); }

void PiixIde::master_abort(BusMaster& b) {
  b.status = uint8_t((b.status | kBmError) & ~kBmActive);
  b.have_region = false;
}

bool PiixIde::fetch_prd(BusMaster& b) {
  uint32_t at = b.next_prd;
  // Both dwords must be in decoded memory (the table is dword aligned, so the two may
  // sit on either side of a page boundary).
  if (!mem_.page_for_read(at) || !mem_.page_for_read(at + 7)) return false;
  uint32_t base = mem_.read(at, 4), count = mem_.read(at + 4, 4);
  b.addr = base & ~1u;
  b.left = (count & 0xFFFE) ? (count & 0xFFFE) : 0x10000;
  b.last_region = count & 0x80000000u;
  b.have_region = true;
  b.next_prd = at + 8;
  return true;
}

void PiixIde::run(unsigned n) {
  BusMaster& b = bm_[n];
  if (running_[n]) return;  // a device callback from inside the loop below
  running_[n] = true;
  while ((b.status & kBmActive) && (b.cmd & kBmStart) && bus_master()) {
    IdeDrive* d = ch_[n]->dma_device();
    if (!d) break;
    // A device moving data the other way than the engine was set up for waits (the
    // driver's mistake; it will time out and reset).
    if (d->dma_to_memory() != bool(b.cmd & kBmWrite)) break;
    if (!b.have_region) {
      if (b.last_region) {  // the table is used up but the device wants more
        b.status &= uint8_t(~kBmActive);
        break;
      }
      if (!fetch_prd(b)) {
        master_abort(b);
        break;
      }
    }
    size_t piece = std::min<size_t>(b.left, 0x1000 - (b.addr & 0xFFF));
    if (!mem_.page_for_read(b.addr)) {
      master_abort(b);
      break;
    }
    size_t got;
    if (d->dma_to_memory()) {
      got = d->dma_data(bounce_.data(), piece);
      mem_.write_block(b.addr, bounce_.data(), got);
    } else {
      mem_.read_block(b.addr, bounce_.data(), piece);
      got = d->dma_data(bounce_.data(), piece);
    }
    b.addr += uint32_t(got);
    b.left -= uint32_t(got);
    if (b.left == 0) {
      b.have_region = false;
      if (b.last_region) b.status &= uint8_t(~kBmActive);  // EOT region done
    }
    if (got < piece) break;  // the device has no more for now
  }
  running_[n] = false;
}

void PiixIde::serialize(Serializer& s) {
  PciDevice::serialize(s);
  s(bm_);
  for (auto& t : tap_) s(t.level);
  for (auto& c : ch_) c->serialize(s);
  if (s.loading()) update_decode();
}

}  // namespace rz
