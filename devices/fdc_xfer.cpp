// devices/fdc_xfer.cpp: the execution phase of the 82077AA's data commands (READ DATA,
// READ DELETED DATA, WRITE DATA, WRITE DELETED DATA, READ TRACK, VERIFY, FORMAT TRACK,
// SCAN, READ ID): finding the sector's ID on the track under the head, moving one sector per
// step through DMA or the FIFO, the multi-track and end-of-track rules, and the result
// phase.  See fdc.h.
#include "devices/fdc.h"

#include <algorithm>

namespace rz {

namespace {

constexpr uint8_t kAbnormal = 0x40;
// ST0
constexpr uint8_t kSt0Se = 0x20, kSt0Ec = 0x10;
// ST1
constexpr uint8_t kEn = 0x80, kDe = 0x20, kOr = 0x10, kNd = 0x04, kNw = 0x02, kMa = 0x01;
// ST2
constexpr uint8_t kCm = 0x40, kDd = 0x20, kWc = 0x10, kSh = 0x08, kSn = 0x04, kBc = 0x02;

constexpr int64_t kRevolutionNs = 200'000'000;  // 300 rpm
constexpr unsigned kSectorBytes = 512;

}  // namespace

bool Fdc82077::to_host() const {
  auto op = s_.x.op;
  return op == FdcOp::ReadData || op == FdcOp::ReadDeleted || op == FdcOp::ReadTrack;
}

bool Fdc82077::is_scan() const {
  auto op = s_.x.op;
  return op == FdcOp::ScanEqual || op == FdcOp::ScanLowEqual || op == FdcOp::ScanHighEqual;
}

bool Fdc82077::is_write() const {
  auto op = s_.x.op;
  return op == FdcOp::WriteData || op == FdcOp::WriteDeleted || op == FdcOp::Format;
}

void Fdc82077::start_xfer() {
  const uint8_t* c = s_.cmd.data();
  FdcXfer x;
  switch (c[0] & 0x1F) {
    case 0x06: x.op = FdcOp::ReadData; break;
    case 0x0C: x.op = FdcOp::ReadDeleted; break;
    case 0x05: x.op = FdcOp::WriteData; break;
    case 0x09: x.op = FdcOp::WriteDeleted; break;
    case 0x02: x.op = FdcOp::ReadTrack; break;
    case 0x16: x.op = FdcOp::Verify; break;
    case 0x0D: x.op = FdcOp::Format; break;
    case 0x11: x.op = FdcOp::ScanEqual; break;
    case 0x19: x.op = FdcOp::ScanLowEqual; break;
    case 0x1D: x.op = FdcOp::ScanHighEqual; break;
    default: x.op = FdcOp::ReadId; break;
  }
  x.drive = c[1] & 3;
  x.hd = (c[1] >> 2) & 1;
  x.mfm = c[0] & 0x40;
  x.dma = !(s_.specify2 & 1);
  bool scan = x.op == FdcOp::ScanEqual || x.op == FdcOp::ScanLowEqual ||
              x.op == FdcOp::ScanHighEqual;
  bool options = x.op == FdcOp::ReadData || x.op == FdcOp::ReadDeleted || scan ||
                 x.op == FdcOp::Verify || x.op == FdcOp::WriteData || x.op == FdcOp::WriteDeleted;
  x.mt = options && (c[0] & 0x80);
  x.sk = (x.op == FdcOp::ReadData || x.op == FdcOp::ReadDeleted || x.op == FdcOp::Verify ||
          scan) && (c[0] & 0x20);
  if (x.op == FdcOp::Format) {
    x.n = c[2];
    x.eot = c[3];  // SC: sectors per track
    x.gpl = c[4];
    x.dtl = c[5];  // D: filler byte
    x.c = s_.drv[x.drive].pcn;
    x.h = uint8_t(x.hd);
    s_.last_eot = x.eot;
  } else if (x.op != FdcOp::ReadId) {
    x.c = c[2];
    x.h = c[3];
    x.r = c[4];
    x.n = c[5];
    x.eot = c[6];
    x.gpl = c[7];
    x.dtl = c[8];
    x.ec = x.op == FdcOp::Verify && (c[1] & 0x80);
    s_.last_eot = x.ec ? x.dtl : x.eot;
  }
  x.st0 = uint8_t(x.hd << 2 | x.drive);
  s_.x = x;
  s_.phase = FdcPhase::Execution;
  int64_t delay = kSectorNs;
  if ((s_.config & 0x40) && x.op != FdcOp::ReadId && x.op != FdcOp::Format) {
    auto& dv = s_.drv[x.drive];
    if (x.c != dv.pcn) {
      int delta = int(x.c) - int(dv.pcn);
      delay += kSeekNs + int64_t(delta < 0 ? -delta : delta) * kStepNs;
      implied_seek();
    }
  }
  if (x.dma && dma_) dma_->set_dreq(dma_ch_, true);
  s_.exec_due = sched_.now() + delay;
  arm();
}

// EIS: seek to the command's cylinder first (ST0 SE reports it).
void Fdc82077::implied_seek() {
  auto& x = s_.x;
  auto& dv = s_.drv[x.drive];
  int delta = int(x.c) - int(dv.pcn);
  dv.pcn = x.c;
  if (drive_usable(x.drive)) {
    int top = floppy_drive_max_cylinder(drives_[x.drive].type);
    uint8_t cyl = uint8_t(std::clamp(int(dv.cyl) + delta, 0, top));
    if (cyl != dv.cyl && drives_[x.drive].has_medium()) dv.disk_changed = false;
    dv.cyl = cyl;
  }
  x.st0 |= kSt0Se;
}

// Can the chip read address marks on the track under the head, and (check_id) is the
// sector it wants there?  On failure the command ends with the data sheet's status.
bool Fdc82077::locate(bool check_id) {
  auto& x = s_.x;
  const FloppyDrive& dv = drives_[x.drive & 1];
  unsigned cyl = s_.drv[x.drive].cyl;
  if (!drive_usable(x.drive) || !dv.has_medium() || !x.mfm ||
      !((dv.format->rates >> s_.rate) & 1) || cyl >= dv.format->cylinders ||
      x.hd >= dv.format->heads) {
    x.st1 |= kMa;
    finish_xfer(kAbnormal);
    return false;
  }
  if (!check_id) return true;
  bool id_ok = x.c == cyl && x.h == x.hd && x.r >= 1 && x.r <= dv.format->sectors && x.n == 2;
  if (x.c != cyl) x.st2 |= uint8_t(kWc | (x.c == 0xFF ? kBc : 0));
  if (x.op == FdcOp::ReadTrack) {  // reads every sector from the index on regardless
    if (!id_ok && x.count == 0) x.st1 |= kNd;
    return true;
  }
  if (!id_ok) {
    x.st1 |= kNd;
    finish_xfer(kAbnormal);
    return false;
  }
  return true;
}

uint64_t Fdc82077::sector_offset() const {
  const auto& x = s_.x;
  const FloppyFormat& f = *drives_[x.drive & 1].format;
  unsigned sector = x.op == FdcOp::ReadTrack ? x.count + 1u : x.r;
  uint64_t lba = (uint64_t(s_.drv[x.drive].cyl) * f.heads + x.hd) * f.sectors + (sector - 1);
  return lba * kSectorBytes;
}

// Move the sector between the image and buf.  A host I/O failure is a CRC error on
// reading and a drive fault (EC) on writing.
bool Fdc82077::media_sector(bool write) {
  auto& x = s_.x;
  BlockDevice* m = drives_[x.drive & 1].medium;
  uint64_t off = sector_offset();
  if (write ? m->write(off, s_.buf.data(), kSectorBytes) : m->read(off, s_.buf.data(), kSectorBytes))
    return true;
  if (write) {
    x.st0 |= kSt0Ec;
  } else {
    x.st1 |= kDe;
    x.st2 |= kDd;
  }
  finish_xfer(kAbnormal);
  return false;
}

// DMA mode: is DACK coming?  If not, wait up to kDmaWaits sector times, then overrun.
bool Fdc82077::dma_wait() {
  if (dma_ && (s_.dor & 0x08) && dma_->ready(dma_ch_)) {
    s_.x.dma_waits = 0;
    return true;
  }
  if (++s_.x.dma_waits > kDmaWaits) {
    s_.x.st1 |= kOr;
    finish_xfer(kAbnormal);
  } else {
    s_.exec_due = sched_.now() + kSectorNs;
  }
  return false;
}

// One sector time of the execution phase.
void Fdc82077::exec_step() {
  auto& x = s_.x;
  if (s_.phase != FdcPhase::Execution) return;
  const FloppyDrive& dv = drives_[x.drive & 1];

  if (x.op == FdcOp::ReadId) {
    if (!locate(false)) return;
    unsigned spt = dv.format->sectors;
    x.c = s_.drv[x.drive].cyl;
    x.h = x.hd;
    x.r = uint8_t(1 + (sched_.now() / (kRevolutionNs / spt)) % spt);
    x.n = 2;
    finish_xfer(0);
    return;
  }
  if (is_write() && x.count == 0 && drive_usable(x.drive) && dv.has_medium() &&
      dv.write_protected) {
    x.st1 |= kNw;
    finish_xfer(kAbnormal);
    return;
  }

  if (x.op == FdcOp::Format) {
    if (!drive_usable(x.drive) || !dv.has_medium()) {
      x.st1 |= kMa;
      finish_xfer(kAbnormal);
      return;
    }
    if (x.dma) {
      if (!dma_wait()) return;
      uint8_t id[4] = {0, 0, 0, 0};
      x.tc = dma_->remaining(dma_ch_) <= 4;
      dma_->read_memory(dma_ch_, id, 4);
      format_sector(id);
    } else {
      s_.buf_pos = 0;
      s_.buf_len = 4;
      s_.pio_to_host = false;
      s_.pio_request = true;
      update_irq();
    }
    return;
  }

  if (!locate(true)) return;
  bool skip = false;
  if (x.op == FdcOp::ReadDeleted) {  // raw images hold normal data marks only
    x.st2 |= kCm;
    if (x.sk) skip = true;
    else x.stop_after = true;
  }
  if (skip || x.op == FdcOp::Verify) {
    if (x.op == FdcOp::Verify && !media_sector(false)) return;  // the CRC is checked
    sector_done(false);
    return;
  }
  if (is_scan()) {  // the host's bytes to compare with the sector's
    if (x.dma) {
      if (!dma_wait()) return;
      x.tc = dma_->remaining(dma_ch_) <= kSectorBytes;
      scan_sector(dma_->read_memory(dma_ch_, s_.buf.data(), kSectorBytes));
    } else {
      s_.buf_pos = 0;
      s_.buf_len = kSectorBytes;
      s_.pio_to_host = false;
      s_.pio_request = true;
      update_irq();
    }
    return;
  }
  if (to_host()) {
    if (!media_sector(false)) return;
    if (x.dma) {
      if (!dma_wait()) return;
      x.tc = dma_->remaining(dma_ch_) <= kSectorBytes;
      dma_->write_memory(dma_ch_, s_.buf.data(), kSectorBytes);
      sector_done(x.stop_after);
    } else {
      s_.buf_pos = 0;
      s_.buf_len = kSectorBytes;
      s_.pio_to_host = true;
      s_.pio_request = true;
      update_irq();
    }
    return;
  }
  // WRITE DATA / WRITE DELETED DATA.
  if (x.dma) {
    if (!dma_wait()) return;
    x.tc = dma_->remaining(dma_ch_) <= kSectorBytes;
    size_t got = dma_->read_memory(dma_ch_, s_.buf.data(), kSectorBytes);
    std::fill(s_.buf.begin() + long(got), s_.buf.end(), uint8_t(0));  // TC mid-sector
    if (!media_sector(true)) return;
    sector_done(false);
  } else {
    s_.buf_pos = 0;
    s_.buf_len = kSectorBytes;
    s_.pio_to_host = false;
    s_.pio_request = true;
    update_irq();
  }
}

// Non-DMA mode: the host has moved the last byte the step wanted.
void Fdc82077::pio_byte_done() {
  auto& x = s_.x;
  s_.pio_request = false;
  s_.buf_pos = s_.buf_len = 0;
  if (!drive_usable(x.drive) || !drives_[x.drive & 1].has_medium()) {  // taken out meanwhile
    x.st1 |= kMa;
    finish_xfer(kAbnormal);
    return;
  }
  switch (x.op) {
    case FdcOp::Format: format_sector(s_.buf.data()); break;
    case FdcOp::WriteData:
    case FdcOp::WriteDeleted:
      if (media_sector(true)) sector_done(false);
      break;
    case FdcOp::ScanEqual:
    case FdcOp::ScanLowEqual:
    case FdcOp::ScanHighEqual: scan_sector(kSectorBytes); break;
    default: sector_done(x.stop_after); break;
  }
}

// SCAN: compare the first n host bytes in buf with the sector (0xFF from the host matches
// anything).  A sector that meets the condition ends the command with SH if every byte
// was equal; otherwise R advances by STP (the last parameter byte) until EOT (then the
// other side with MT), where the command ends with SN.  TC ends it after this sector.
// The result reports the ID of the last sector compared.
void Fdc82077::scan_sector(size_t n) {
  auto& x = s_.x;
  std::array<uint8_t, kSectorBytes> disk;
  if (!drives_[x.drive & 1].medium->read(sector_offset(), disk.data(), kSectorBytes)) {
    x.st1 |= kDe;
    x.st2 |= kDd;
    finish_xfer(kAbnormal);
    return;
  }
  bool equal = true, met = true;
  for (size_t k = 0; k < n && k < kSectorBytes; ++k) {
    uint8_t h = s_.buf[k], d = disk[k];
    if (h == 0xFF) continue;
    if (d != h) equal = false;
    if ((x.op == FdcOp::ScanEqual && d != h) || (x.op == FdcOp::ScanLowEqual && d > h) ||
        (x.op == FdcOp::ScanHighEqual && d < h))
      met = false;
  }
  ++x.count;
  if (met) {
    if (equal) x.st2 |= kSh;
    finish_xfer(0);
    return;
  }
  unsigned stp = x.dtl ? x.dtl : 1;
  if (!x.tc && x.r + stp > x.eot && x.mt && x.hd == 0) {
    x.hd = 1;
    x.h ^= 1;
    x.r = 1;
    x.st0 |= 0x04;
  } else if (x.tc || x.r + stp > x.eot) {
    x.st2 |= kSn;
    finish_xfer(0);
    return;
  } else {
    x.r = uint8_t(x.r + stp);
  }
  s_.exec_due = sched_.now() + kSectorNs;
  arm();
}

// FORMAT TRACK: one ID (C, H, R, N) from the host; the sector is filled with D.  A raw
// image can only keep the medium's own layout: IDs that do not fit it (other sizes,
// sector numbers or cylinders) are accepted and not stored.
void Fdc82077::format_sector(const uint8_t* id) {
  auto& x = s_.x;
  const FloppyDrive& dv = drives_[x.drive & 1];
  const FloppyFormat& f = *dv.format;
  unsigned cyl = s_.drv[x.drive].cyl;
  x.c = id[0];
  x.h = id[1];
  x.r = id[2];
  x.n = id[3];
  bool fits = x.mfm && ((f.rates >> s_.rate) & 1) && cyl < f.cylinders && x.hd < f.heads &&
              x.c == cyl && x.h == x.hd && x.n == 2 && s_.cmd[2] == 2 && x.r >= 1 &&
              x.r <= f.sectors;
  ++x.count;
  if (fits) {
    std::fill(s_.buf.begin(), s_.buf.end(), x.dtl);
    uint64_t off = ((uint64_t(cyl) * f.heads + x.hd) * f.sectors + (x.r - 1u)) * kSectorBytes;
    if (!dv.medium->write(off, s_.buf.data(), kSectorBytes)) {
      x.st0 |= kSt0Ec;
      finish_xfer(kAbnormal);
      return;
    }
  }
  if (x.tc || x.count >= x.eot) {
    finish_xfer(0);
    return;
  }
  s_.exec_due = sched_.now() + kSectorNs;
  arm();
}

// The sector's data has moved.  Decide between the next sector, the other side (MT),
// normal termination (TC, a control mark with SK=0, VERIFY's count) and end of cylinder.
void Fdc82077::sector_done(bool stop_here) {
  auto& x = s_.x;
  ++x.count;
  if (stop_here) {  // the ID is not advanced
    finish_xfer(0);
    return;
  }
  if (x.op == FdcOp::ReadTrack) {
    unsigned spt = drives_[x.drive & 1].format->sectors;
    ++x.r;
    if (x.tc) {
      finish_xfer(0);
      return;
    }
    if (x.count >= x.eot || x.count >= spt) {
      x.st1 |= kEn;
      finish_xfer(kAbnormal);
      return;
    }
  } else {
    bool verify_done = x.op == FdcOp::Verify && x.ec && x.count >= x.dtl;
    if (x.tc || verify_done) {
      advance_id();
      finish_xfer(0);
      return;
    }
    if (x.r == x.eot) {
      if (x.mt && x.hd == 0) {
        x.hd = 1;
        x.h ^= 1;
        x.r = 1;
        x.st0 |= 0x04;
      } else {
        bool clean = x.op == FdcOp::Verify && !x.ec;  // VERIFY EC=0 ends at EOT
        if (!clean) x.st1 |= kEn;
        advance_id();
        finish_xfer(clean ? 0 : kAbnormal);
        return;
      }
    } else {
      ++x.r;
    }
  }
  s_.exec_due = sched_.now() + kSectorNs;
  arm();
}

// The ID the result phase reports after the last sector transferred (data sheet table).
void Fdc82077::advance_id() {
  auto& x = s_.x;
  if (x.r != x.eot) {
    ++x.r;
    return;
  }
  x.r = 1;
  if (x.mt) {
    if (x.h & 1) ++x.c;
    x.h ^= 1;
  } else {
    ++x.c;
  }
}

void Fdc82077::finish_xfer(uint8_t ic) {
  auto& x = s_.x;
  if (dma_) dma_->set_dreq(dma_ch_, false);
  s_.pio_request = false;
  s_.exec_due = -1;
  uint8_t st0 = uint8_t(ic | (x.st0 & ~0x04) | (x.hd << 2));
  result({st0, x.st1, x.st2, x.c, x.h, x.r, x.n}, true);
  arm();
}

}  // namespace rz
