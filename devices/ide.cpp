// devices/ide.cpp: the ATA channel (register decoding, device selection, device
// control, INTRQ) and the shared device plumbing (status, events, PIO buffer, DMA
// request).  See ide.h for the model.
#include "devices/ide.h"

#include <algorithm>
#include <cstring>

namespace rz {

// ---------------------------------------------------------------------------------
// IdeDrive

IdeDrive::IdeDrive(IdeChannel& ch, unsigned unit) : ch_(ch), unit_(unit & 1) {}

IdeDrive::~IdeDrive() { cancel_event(); }

AtaTaskFile& IdeDrive::tf() { return ch_.tf(unit_); }
Scheduler& IdeDrive::scheduler() { return ch_.scheduler(); }

void IdeDrive::arm(int64_t delay_ns, uint8_t what) {
  cancel_event();
  event_what_ = what;
  event_due_ = scheduler().now() + delay_ns;
  event_ = scheduler().schedule_at(event_due_, [this] { fire(); });
}

void IdeDrive::cancel_event() {
  if (event_) scheduler().cancel(event_);
  event_ = 0;
  event_what_ = 0;
}

void IdeDrive::fire() {
  uint8_t what = event_what_;
  event_ = 0;
  event_what_ = 0;
  if (what == kEvReset || what == kEvDiag) {
    put_signature();
    error_ = what == kEvDiag ? diag_code_ : 0x01;
    status_ = reset_status();
    reset_done();
    // After EXECUTE DEVICE DIAGNOSTIC device 0 interrupts (device 1 when alone).
    if (what == kEvDiag && (unit_ == 0 || !ch_.drive(0))) raise_irq();
    return;
  }
  on_event(what);
}

void IdeDrive::raise_irq() {
  irq_pending_ = true;
  ch_.update_irq();
}

void IdeDrive::complete(uint8_t extra) {
  status_ = ata::kDrdy | ata::kDsc | extra;
  raise_irq();
}

void IdeDrive::fail(uint8_t err) {
  error_ = err;
  status_ = ata::kDrdy | ata::kErr;
  raise_irq();
}

void IdeDrive::srst_asserted() {
  stop_transfer();
  cancel_event();
  irq_pending_ = false;
  status_ = ata::kBsy;
}

void IdeDrive::srst_released() { begin_reset(ata::kResetNs); }

void IdeDrive::begin_reset(int64_t delay_ns) {
  stop_transfer();
  status_ = ata::kBsy;
  arm(delay_ns, kEvReset);
}

void IdeDrive::hardware_reset() {
  stop_transfer();
  cancel_event();
  irq_pending_ = false;
  put_signature();
  error_ = 0x01;
  status_ = reset_status();
  reset_done();
}

void IdeDrive::start_diagnostic(uint8_t code) {
  stop_transfer();
  irq_pending_ = false;
  diag_code_ = code;
  status_ = ata::kBsy;
  arm(ata::kCommandNs, kEvDiag);
}

void IdeDrive::start_pio_in(std::vector<uint8_t> data) {
  stop_transfer();
  buf_ = std::move(data);
  pos_ = 0;
  phase_ = Phase::PioIn;
  status_ = ata::kDrdy | ata::kDsc | ata::kDrq;
}

void IdeDrive::start_pio_out(size_t n) {
  stop_transfer();
  buf_.assign(n, 0);
  pos_ = 0;
  phase_ = Phase::PioOut;
  status_ = ata::kDrdy | ata::kDsc | ata::kDrq;
}

void IdeDrive::pio_advance(unsigned n) {
  pos_ = std::min(buf_.size(), pos_ + n);
  if (pos_ < buf_.size()) return;
  phase_ = Phase::Idle;
  status_ = uint8_t((status_ & ~ata::kDrq) | ata::kBsy);
  pio_block_done();
}

uint32_t IdeDrive::data_read(unsigned size) {
  if (phase_ != Phase::PioIn) return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
  uint32_t v = 0;
  for (unsigned k = 0; k < size && pos_ + k < buf_.size(); ++k) v |= uint32_t(buf_[pos_ + k]) << (8 * k);
  pio_advance(size);
  return v;
}

void IdeDrive::data_write(unsigned size, uint32_t value) {
  if (phase_ != Phase::PioOut) return;
  for (unsigned k = 0; k < size && pos_ + k < buf_.size(); ++k) buf_[pos_ + k] = uint8_t(value >> (8 * k));
  pio_advance(size);
}

void IdeDrive::set_dmarq(bool on) {
  if (dmarq_ == on) return;
  dmarq_ = on;
  ch_.dmarq_changed();
}

void IdeDrive::start_dma(bool to_memory, uint64_t total) {
  stop_transfer();
  phase_ = to_memory ? Phase::DmaIn : Phase::DmaOut;
  dma_total_ = total;
  dma_done_bytes_ = 0;
  dma_chunk_off_ = 0;
  pos_ = 0;
  chunk_len_ = 0;
  buf_.clear();
  if (!to_memory) {
    chunk_len_ = size_t(std::min<uint64_t>(kDmaChunk, total));
    buf_.assign(chunk_len_, 0);
  }
  status_ = ata::kDrdy | ata::kDsc | ata::kDrq;
  set_dmarq(true);  // the bus master may run the whole transfer from here
}

void IdeDrive::finish_dma(bool ok) {
  uint64_t moved = dma_done_bytes_;
  phase_ = Phase::Idle;
  buf_.clear();
  buf_.shrink_to_fit();
  pos_ = chunk_len_ = 0;
  status_ = ata::kBsy;
  set_dmarq(false);
  dma_done(ok, moved);
}

size_t IdeDrive::dma_data(uint8_t* p, size_t n) {
  size_t moved = 0;
  while (moved < n && dmarq_) {
    if (phase_ == Phase::DmaIn) {
      if (pos_ == chunk_len_) {
        // Load the next chunk of the transfer from the medium.
        size_t len = size_t(std::min<uint64_t>(kDmaChunk, dma_total_ - dma_chunk_off_));
        buf_.resize(len);
        if (!dma_fill(dma_chunk_off_, buf_.data(), len)) {
          finish_dma(false);
          break;
        }
        dma_chunk_off_ += len;
        pos_ = 0;
        chunk_len_ = len;
      }
      size_t k = std::min(n - moved, chunk_len_ - pos_);
      std::memcpy(p + moved, buf_.data() + pos_, k);
      pos_ += k, moved += k, dma_done_bytes_ += k;
      if (dma_done_bytes_ == dma_total_) finish_dma(true);
    } else {
      size_t k = std::min(n - moved, chunk_len_ - pos_);
      std::memcpy(buf_.data() + pos_, p + moved, k);
      pos_ += k, moved += k;
      if (pos_ < chunk_len_) continue;
      // A full chunk: store it on the medium.
      if (!dma_drain(dma_chunk_off_, buf_.data(), chunk_len_)) {
        finish_dma(false);
        break;
      }
      dma_chunk_off_ += chunk_len_;
      dma_done_bytes_ = dma_chunk_off_;
      if (dma_done_bytes_ == dma_total_) {
        finish_dma(true);
        break;
      }
      chunk_len_ = size_t(std::min<uint64_t>(kDmaChunk, dma_total_ - dma_chunk_off_));
      pos_ = 0;
    }
  }
  return moved;
}

void IdeDrive::stop_transfer() {
  phase_ = Phase::Idle;
  buf_.clear();
  pos_ = chunk_len_ = 0;
  set_dmarq(false);
}

void IdeDrive::serialize(Serializer& s) {
  s(status_);
  s(error_);
  s(irq_pending_);
  s(diag_code_);
  s(event_what_);
  s(event_due_);
  s(phase_);
  s.vec(buf_, 1u << 20);
  s(pos_);
  s(dmarq_);
  s(dma_total_);
  s(dma_done_bytes_);
  s(dma_chunk_off_);
  s(chunk_len_);
  if (s.loading()) {
    pos_ = std::min(pos_, buf_.size());
    chunk_len_ = std::min(chunk_len_, buf_.size());
    if (event_) scheduler().cancel(event_);
    event_ = 0;
    if (event_what_) event_ = scheduler().schedule_at(event_due_, [this] { fire(); });
  }
}

// ---------------------------------------------------------------------------------
// IdeChannel

IdeChannel::IdeChannel(Scheduler& sched, unsigned index) : sched_(sched), index_(index) {}

IdeChannel::~IdeChannel() {
  if (bus_) {
    bus_->unmap(cmd_base_, 8);
    bus_->unmap(ctl_port_, 1);
  }
}

void IdeChannel::map_ports(PortBus& bus, uint16_t cmd_base, uint16_t ctl_port) {
  PortHandler cmd;
  cmd.widths = 1 | 2 | 4;
  cmd.read = [this, cmd_base](uint16_t port, unsigned size) { return read(port - cmd_base, size); };
  cmd.write = [this, cmd_base](uint16_t port, unsigned size, uint32_t v) {
    write(port - cmd_base, size, v);
  };
  bus.map(cmd_base, 8, std::move(cmd), index_ ? "IDE secondary" : "IDE primary");
  PortHandler ctl;
  ctl.read = [this](uint16_t, unsigned) -> uint32_t { return read_alt_status(); };
  ctl.write = [this](uint16_t, unsigned, uint32_t v) { write_device_control(uint8_t(v)); };
  bus.map(ctl_port, 1, std::move(ctl), index_ ? "IDE secondary control" : "IDE primary control");
  bus_ = &bus;
  cmd_base_ = cmd_base;
  ctl_port_ = ctl_port;
}

uint32_t IdeChannel::read(unsigned reg, unsigned size) {
  uint32_t ones = size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
  if (!decode_) return ones;
  if (reg == ata::kRegData) {
    IdeDrive* d = selected();
    if (!drive_[0] && !drive_[1]) return 0;
    return d ? d->data_read(size) : 0;
  }
  uint32_t v = 0;
  for (unsigned k = 0; k < size; ++k)
    v |= uint32_t(reg + k <= 7 ? read_reg8(reg + k) : 0xFF) << (8 * k);
  return v;
}

uint8_t IdeChannel::read_reg8(unsigned reg) {
  if (!drive_[0] && !drive_[1]) return 0;
  IdeDrive* d = selected();
  const AtaTaskFile& t = tf_[dev_];
  bool hob = devctl_ & ata::kHob;
  switch (reg) {
    case ata::kRegError: return d ? d->error() : 0;
    case ata::kRegNsect: return hob ? t.hob_nsect : t.nsect;
    case ata::kRegSector: return hob ? t.hob_sector : t.sector;
    case ata::kRegLcyl: return hob ? t.hob_lcyl : t.lcyl;
    case ata::kRegHcyl: return hob ? t.hob_hcyl : t.hcyl;
    case ata::kRegSelect: return t.select;
    case ata::kRegStatus:
      if (!d) return 0;
      d->clear_irq();
      update_irq();
      return d->status();
    default: return 0xFF;
  }
}

void IdeChannel::write(unsigned reg, unsigned size, uint32_t value) {
  if (!decode_) return;
  if (reg == ata::kRegData) {
    if (IdeDrive* d = selected()) d->data_write(size, value);
    return;
  }
  for (unsigned k = 0; k < size && reg + k <= 7; ++k) write_reg8(reg + k, uint8_t(value >> (8 * k)));
}

void IdeChannel::write_reg8(unsigned reg, uint8_t v) {
  if (reg == ata::kRegCommand) {
    if (!drive_[0] && !drive_[1]) return;
    if (v == 0x90) {  // EXECUTE DEVICE DIAGNOSTIC: both devices, whichever is selected
      execute_diagnostic();
      return;
    }
    IdeDrive* d = selected();
    if (!d) return;
    // A busy device ignores commands, except a packet device's DEVICE RESET.
    if ((d->status() & ata::kBsy) && !(v == 0x08 && d->is_packet_device())) return;
    d->clear_irq();
    update_irq();
    d->execute(v);
    return;
  }
  devctl_ &= uint8_t(~ata::kHob);  // any command block write clears HOB
  for (AtaTaskFile& t : tf_) {
    switch (reg) {
      case ata::kRegFeature: t.hob_feature = t.feature, t.feature = v; break;
      case ata::kRegNsect: t.hob_nsect = t.nsect, t.nsect = v; break;
      case ata::kRegSector: t.hob_sector = t.sector, t.sector = v; break;
      case ata::kRegLcyl: t.hob_lcyl = t.lcyl, t.lcyl = v; break;
      case ata::kRegHcyl: t.hob_hcyl = t.hcyl, t.hcyl = v; break;
      case ata::kRegSelect: t.select = v; break;
      default: break;
    }
  }
  if (reg == ata::kRegSelect) {
    dev_ = (v & ata::kDev) ? 1 : 0;
    update_irq();
  }
}

uint8_t IdeChannel::read_alt_status() {
  if (!decode_) return 0xFF;
  if (!drive_[0] && !drive_[1]) return 0;
  IdeDrive* d = selected();
  return d ? d->status() : 0;
}

void IdeChannel::write_device_control(uint8_t v) {
  if (!decode_) return;
  uint8_t old = devctl_;
  devctl_ = v;
  if ((v & ata::kSrst) && !(old & ata::kSrst)) {
    for (auto& d : drive_)
      if (d) d->srst_asserted();
  } else if (!(v & ata::kSrst) && (old & ata::kSrst)) {
    dev_ = 0;
    for (unsigned u = 0; u < 2; ++u) {
      if (drive_[u]) {
        drive_[u]->srst_released();
      } else {
        tf_[u].select = 0;
      }
    }
  }
  update_irq();
}

void IdeChannel::execute_diagnostic() {
  dev_ = 0;
  for (unsigned u = 0; u < 2; ++u) {
    if (drive_[u]) {
      drive_[u]->start_diagnostic(0x01);  // device 1, when present, always passes
    } else {
      tf_[u].select = 0;
    }
  }
  update_irq();
}

void IdeChannel::reset() {
  devctl_ = 0;
  dev_ = 0;
  tf_ = {};
  for (auto& d : drive_)
    if (d) d->hardware_reset();
  update_irq();
}

void IdeChannel::update_irq() {
  IdeDrive* d = selected();
  irq_.set(!(devctl_ & ata::kNien) && d && d->irq_pending());
}

IdeDrive* IdeChannel::dma_device() const {
  IdeDrive* d = selected();
  return d && d->dmarq() ? d : nullptr;
}

void IdeChannel::dmarq_changed() {
  if (dma_host_) dma_host_->dmarq_changed(index_);
}

void IdeChannel::serialize(Serializer& s) {
  s(tf_);
  s(devctl_);
  s(dev_);
  s(decode_);
  for (auto& d : drive_)
    if (d) d->serialize(s);
  if (s.loading()) {
    dev_ &= 1;
    update_irq();
  }
}

// ---------------------------------------------------------------------------------
// IDENTIFY helpers

void ata_put_string(std::array<uint16_t, 256>& id, unsigned first, unsigned chars,
                    const std::string& s) {
  for (unsigned k = 0; k < chars; k += 2) {
    uint8_t hi = k < s.size() ? uint8_t(s[k]) : ' ';
    uint8_t lo = k + 1 < s.size() ? uint8_t(s[k + 1]) : ' ';
    id[first + k / 2] = uint16_t(hi << 8 | lo);
  }
}

void ata_put_checksum(std::array<uint16_t, 256>& id) {
  id[255] = 0x00A5;
  uint8_t sum = 0;
  for (unsigned w = 0; w < 255; ++w) sum = uint8_t(sum + (id[w] & 0xFF) + (id[w] >> 8));
  sum = uint8_t(sum + 0xA5);
  id[255] = uint16_t(uint8_t(-sum) << 8 | 0xA5);
}

std::vector<uint8_t> ata_identify_bytes(const std::array<uint16_t, 256>& id) {
  std::vector<uint8_t> out(512);
  for (unsigned w = 0; w < 256; ++w) {
    out[2 * w] = uint8_t(id[w]);
    out[2 * w + 1] = uint8_t(id[w] >> 8);
  }
  return out;
}

}  // namespace rz
