// devices/ide_ata.cpp: the ATA hard disk command set (see ide_ata.h).
#include "devices/ide_ata.h"

#include <algorithm>

namespace rz {

namespace {

constexpr uint32_t kSector = 512;

bool is_power_of_two(unsigned n) { return n && !(n & (n - 1)); }

}  // namespace

AtaDisk::AtaDisk(IdeChannel& ch, unsigned unit, BlockDevice& media, const AtaDiskConfig& cfg)
    : IdeDrive(ch, unit), media_(media), cfg_(cfg), total_(media.size() / kSector) {
  if (cfg_.serial.empty())
    cfg_.serial = "RZHD" + std::to_string(ch.index()) + std::to_string(unit & 1) + "0000";
  if (cfg_.heads && cfg_.sectors && cfg_.cylinders) {
    cyl_ = cfg_.cylinders, heads_ = std::min<uint8_t>(cfg_.heads, 16), spt_ = cfg_.sectors;
  } else {
    heads_ = 16, spt_ = 63;
    cyl_ = uint16_t(std::clamp<uint64_t>(total_ / (16 * 63), 1, 16383));
  }
  hardware_reset();
}

void AtaDisk::hardware_reset() {
  ccyl_ = cyl_, cheads_ = heads_, cspt_ = spt_;
  multiple_ = 0;
  write_cache_ = true, look_ahead_ = true, revert_defaults_ = false;
  pio_mode_ = 0, dma_mode_ = 0;
  power_ = Power::Active;
  IdeDrive::hardware_reset();
}

void AtaDisk::put_signature() {
  AtaTaskFile& t = tf();
  t.nsect = 1, t.sector = 1, t.lcyl = 0, t.hcyl = 0, t.select = 0;
}

void AtaDisk::reset_done() {
  xfer_ = Xfer::None;
  left_ = cur_ = 0;
  if (power_ == Power::Sleep) power_ = Power::Active;
  if (revert_defaults_) {  // SRST with "revert to power-on defaults" enabled
    multiple_ = 0;
    write_cache_ = true;
    look_ahead_ = true;
  }
}

void AtaDisk::execute(uint8_t cmd) {
  if (power_ == Power::Sleep) return;  // only a reset wakes a sleeping drive
  stop_transfer();
  xfer_ = Xfer::None;
  cmd_ = cmd;
  set_status(ata::kBsy | (status_ & ata::kDsc));
  arm(ata::kCommandNs, kEvCommand);
}

void AtaDisk::on_event(uint8_t what) {
  switch (what) {
    case kEvCommand: run_command(cmd_); break;
    case kEvNextIn: read_block(); break;
    case kEvNextOut:
      if (left_) {
        cur_ = std::min(block_, left_);
        start_pio_out(size_t(cur_) * kSector);
        raise_irq();
      } else {
        complete();
      }
      break;
    case kEvDmaDone: complete(); break;
    default: break;
  }
}

void AtaDisk::run_command(uint8_t cmd) {
  switch (cmd) {
    case 0xEC:  // IDENTIFY DEVICE
      xfer_ = Xfer::Identify;
      start_pio_in(ata_identify_bytes(identify()));
      raise_irq();
      return;

    case 0x20: case 0x21: case 0x24:  // READ SECTORS (+EXT)
    case 0xC4: case 0x29:             // READ MULTIPLE (+EXT)
    case 0x30: case 0x31: case 0x34:  // WRITE SECTORS (+EXT)
    case 0xC5: case 0x39: {           // WRITE MULTIPLE (+EXT)
      bool multiple = cmd == 0xC4 || cmd == 0x29 || cmd == 0xC5 || cmd == 0x39;
      bool ext = cmd == 0x24 || cmd == 0x29 || cmd == 0x34 || cmd == 0x39;
      write_ = cmd >= 0x30 && cmd != 0xC4;
      if (multiple && !multiple_) return fail(ata::kAbrt);
      if (write_ && media_.read_only()) return fail(ata::kAbrt);
      if (!setup_transfer(ext)) return;
      block_ = multiple ? multiple_ : 1;
      set_power(Power::Active);
      if (!write_) {
        xfer_ = Xfer::Read;
        read_block();
      } else {
        xfer_ = Xfer::Write;
        cur_ = std::min(block_, left_);
        start_pio_out(size_t(cur_) * kSector);  // no interrupt before the first block
      }
      return;
    }

    case 0xC8: case 0xC9: case 0x25:  // READ DMA (+EXT)
    case 0xCA: case 0xCB: case 0x35: {  // WRITE DMA (+EXT)
      write_ = cmd == 0xCA || cmd == 0xCB || cmd == 0x35;
      if (write_ && media_.read_only()) return fail(ata::kAbrt);
      if (!setup_transfer(cmd == 0x25 || cmd == 0x35)) return;
      set_power(Power::Active);
      xfer_ = Xfer::Dma;
      dma_bytes_ = uint64_t(left_) * kSector;
      start_dma(!write_, dma_bytes_);  // last: the bus master may finish it at once
      return;
    }

    case 0x40: case 0x41: case 0x42: {  // READ VERIFY SECTORS (+EXT)
      if (!setup_transfer(cmd == 0x42)) return;
      set_power(Power::Active);
      std::vector<uint8_t> scratch(std::min<size_t>(size_t(left_) * kSector, 64 * 1024));
      while (left_) {
        uint32_t n = std::min<uint32_t>(left_, uint32_t(scratch.size() / kSector));
        if (!media_.read(lba_ * kSector, scratch.data(), size_t(n) * kSector)) {
          put_address(lba_);
          return fail(ata::kUnc);
        }
        lba_ += n, left_ -= n;
      }
      put_address(lba_ - 1);
      tf().nsect = 0;
      return complete();
    }

    case 0x10: case 0x11: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16: case 0x17:
    case 0x18: case 0x19: case 0x1A: case 0x1B: case 0x1C: case 0x1D: case 0x1E: case 0x1F:
      set_power(Power::Active);
      return complete();  // RECALIBRATE

    case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
    case 0x78: case 0x79: case 0x7A: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F: {
      uint64_t lba;  // SEEK
      if (!decode_lba(false, lba) || lba >= total_) return fail(ata::kAbrt | ata::kIdnf);
      set_power(Power::Active);
      return complete();
    }

    case 0x91: {  // INITIALIZE DEVICE PARAMETERS
      const AtaTaskFile& t = tf();
      if (t.nsect == 0) return fail(ata::kAbrt);
      cspt_ = t.nsect;
      cheads_ = uint8_t((t.select & 0x0F) + 1);
      ccyl_ = uint16_t(std::min<uint64_t>(total_ / (uint64_t(cheads_) * cspt_), 65535));
      return complete();
    }

    case 0xC6:  // SET MULTIPLE MODE
      if (tf().nsect && (!is_power_of_two(tf().nsect) || tf().nsect > kMaxMultiple))
        return fail(ata::kAbrt);
      multiple_ = tf().nsect;
      return complete();

    case 0xEF: return set_features();

    case 0xE7: case 0xEA:  // FLUSH CACHE (+EXT)
      return media_.flush() ? complete() : fail(ata::kAbrt);

    case 0xE0: case 0x94: set_power(Power::Standby); return complete();  // STANDBY IMMEDIATE
    case 0xE1: case 0x95: set_power(Power::Idle); return complete();     // IDLE IMMEDIATE
    case 0xE2: case 0x96: set_power(Power::Standby); return complete();  // STANDBY
    case 0xE3: case 0x97: set_power(Power::Idle); return complete();     // IDLE
    case 0xE5: case 0x98:                                                // CHECK POWER MODE
      tf().nsect = power_ == Power::Standby ? 0x00 : power_ == Power::Idle ? 0x80 : 0xFF;
      return complete();
    case 0xE6: case 0x99:  // SLEEP
      complete();
      power_ = Power::Sleep;
      return;

    default:  // NOP, DEVICE RESET, PACKET, IDENTIFY PACKET DEVICE, anything unknown
      return fail(ata::kAbrt);
  }
}

void AtaDisk::set_features() {
  uint8_t n = tf().nsect;
  switch (tf().feature) {
    case 0x02: write_cache_ = true; break;
    case 0x82: write_cache_ = false; break;
    case 0xAA: look_ahead_ = true; break;
    case 0x55: look_ahead_ = false; break;
    case 0xCC: revert_defaults_ = true; break;
    case 0x66: revert_defaults_ = false; break;
    case 0x03:  // set transfer mode from the sector count register
      if (n <= 0x01) {
        pio_mode_ = 0;
      } else if (n >= 0x08 && n <= 0x0C) {
        pio_mode_ = uint8_t(n & 7);
      } else if ((n >= 0x20 && n <= 0x22) || (n >= 0x40 && n <= 0x45)) {
        dma_mode_ = n;
      } else {
        return fail(ata::kAbrt);
      }
      break;
    default: return fail(ata::kAbrt);
  }
  complete();
}

void AtaDisk::set_power(Power p) { power_ = p; }

bool AtaDisk::decode_lba(bool ext, uint64_t& lba) {
  const AtaTaskFile& t = tf();
  if (ext) {
    lba = uint64_t(t.hob_hcyl) << 40 | uint64_t(t.hob_lcyl) << 32 | uint64_t(t.hob_sector) << 24 |
          uint64_t(t.hcyl) << 16 | uint64_t(t.lcyl) << 8 | t.sector;
    return true;
  }
  if (t.select & ata::kLba) {
    lba = uint64_t(t.select & 0x0F) << 24 | uint64_t(t.hcyl) << 16 | uint64_t(t.lcyl) << 8 | t.sector;
    return true;
  }
  // CHS through the current translation.
  unsigned c = unsigned(t.hcyl) << 8 | t.lcyl, h = t.select & 0x0F, s = t.sector;
  if (s == 0 || s > cspt_ || h >= cheads_) return false;
  lba = (uint64_t(c) * cheads_ + h) * cspt_ + (s - 1);
  return true;
}

bool AtaDisk::setup_transfer(bool ext) {
  const AtaTaskFile& t = tf();
  uint32_t count = ext ? uint32_t(t.hob_nsect) << 8 | t.nsect : t.nsect;
  if (count == 0) count = ext ? 65536 : 256;
  uint64_t lba;
  if (!decode_lba(ext, lba) || lba >= total_ || count > total_ - lba) {
    fail(ata::kAbrt);
    return false;
  }
  lba48_ = ext;
  chs_ = !ext && !(t.select & ata::kLba);
  lba_ = lba;
  left_ = count;
  return true;
}

void AtaDisk::put_address(uint64_t lba) {
  AtaTaskFile& t = tf();
  if (lba48_) {
    t.sector = uint8_t(lba), t.lcyl = uint8_t(lba >> 8), t.hcyl = uint8_t(lba >> 16);
    t.hob_sector = uint8_t(lba >> 24), t.hob_lcyl = uint8_t(lba >> 32), t.hob_hcyl = uint8_t(lba >> 40);
  } else if (!chs_) {
    t.sector = uint8_t(lba), t.lcyl = uint8_t(lba >> 8), t.hcyl = uint8_t(lba >> 16);
    t.select = uint8_t((t.select & 0xF0) | ((lba >> 24) & 0x0F));
  } else {
    uint64_t track = lba / cspt_;
    uint64_t c = track / cheads_;
    t.sector = uint8_t(lba % cspt_ + 1);
    t.lcyl = uint8_t(c), t.hcyl = uint8_t(c >> 8);
    t.select = uint8_t((t.select & 0xF0) | (track % cheads_));
  }
}

void AtaDisk::read_block() {
  cur_ = std::min(block_, left_);
  std::vector<uint8_t> data(size_t(cur_) * kSector);
  if (!media_.read(lba_ * kSector, data.data(), data.size())) {
    put_address(lba_);
    xfer_ = Xfer::None;
    return fail(ata::kUnc);
  }
  start_pio_in(std::move(data));
  raise_irq();
}

void AtaDisk::pio_block_done() {
  switch (xfer_) {
    case Xfer::Identify:
      xfer_ = Xfer::None;
      set_status(ata::kDrdy | ata::kDsc);
      return;
    case Xfer::Read:
      lba_ += cur_, left_ -= cur_;
      put_address(lba_ - 1);
      tf().nsect = uint8_t(left_);
      if (lba48_) tf().hob_nsect = uint8_t(left_ >> 8);
      if (left_) {
        arm(ata::kBlockNs, kEvNextIn);  // BSY until the next block is ready
      } else {
        xfer_ = Xfer::None;
        set_status(ata::kDrdy | ata::kDsc);  // the last block's data read: no interrupt
      }
      return;
    case Xfer::Write:
      if (!media_.write(lba_ * kSector, buffer().data(), size_t(cur_) * kSector)) {
        put_address(lba_);
        xfer_ = Xfer::None;
        return fail(ata::kAbrt);
      }
      lba_ += cur_, left_ -= cur_;
      put_address(lba_ - 1);
      tf().nsect = uint8_t(left_);
      if (lba48_) tf().hob_nsect = uint8_t(left_ >> 8);
      if (!left_) xfer_ = Xfer::None;
      arm(ata::kBlockNs, kEvNextOut);  // next DRQ block, or completion, with an interrupt
      return;
    default:
      set_status(ata::kDrdy | ata::kDsc);
      return;
  }
}

bool AtaDisk::dma_fill(uint64_t offset, uint8_t* dst, size_t n) {
  return media_.read(lba_ * kSector + offset, dst, n);
}

bool AtaDisk::dma_drain(uint64_t offset, const uint8_t* src, size_t n) {
  return media_.write(lba_ * kSector + offset, src, n);
}

void AtaDisk::dma_done(bool ok, uint64_t moved) {
  xfer_ = Xfer::None;
  if (!ok) {
    put_address(lba_ + moved / kSector);
    return fail(write_ ? ata::kAbrt : ata::kUnc);
  }
  lba_ += left_;
  left_ = 0;
  put_address(lba_ - 1);
  tf().nsect = 0;
  if (lba48_) tf().hob_nsect = 0;
  arm(int64_t(dma_bytes_) * ata::kDmaNsPerByte, kEvDmaDone);
}

std::array<uint16_t, 256> AtaDisk::identify() const {
  std::array<uint16_t, 256> id{};
  id[0] = 0x0040;  // fixed device, not removable
  id[1] = total_ > 16514064 ? 16383 : cyl_;
  id[3] = heads_;
  id[6] = spt_;
  ata_put_string(id, 10, 20, cfg_.serial);
  ata_put_string(id, 23, 8, cfg_.firmware);
  ata_put_string(id, 27, 40, cfg_.model);
  id[47] = 0x8000 | kMaxMultiple;
  id[49] = 0x0F00;   // IORDY supported and can be disabled, LBA, DMA
  id[50] = 0x4000;
  id[51] = 0x0200;   // PIO timing mode 2 (obsolete field)
  id[53] = 0x0007;   // words 54-58, 64-70 and 88 are valid
  uint32_t cur_cap = uint32_t(std::min<uint64_t>(uint64_t(ccyl_) * cheads_ * cspt_, 0xFFFFFFFFu));
  id[54] = ccyl_;
  id[55] = cheads_;
  id[56] = cspt_;
  id[57] = uint16_t(cur_cap);
  id[58] = uint16_t(cur_cap >> 16);
  id[59] = multiple_ ? uint16_t(0x0100 | multiple_) : 0;
  uint32_t lba28 = uint32_t(std::min<uint64_t>(total_, 0x0FFFFFFF));
  id[60] = uint16_t(lba28);
  id[61] = uint16_t(lba28 >> 16);
  id[63] = 0x0007;   // multiword DMA 0-2 supported
  id[88] = 0x003F;   // Ultra DMA 0-5 supported
  if (dma_mode_ >= 0x20 && dma_mode_ <= 0x22) id[63] |= uint16_t(0x0100 << (dma_mode_ & 7));
  if (dma_mode_ >= 0x40 && dma_mode_ <= 0x45) id[88] |= uint16_t(0x0100 << (dma_mode_ & 7));
  id[64] = 0x0003;   // PIO modes 3 and 4
  id[65] = 120, id[66] = 120, id[67] = 120, id[68] = 120;
  id[80] = 0x007E;   // ATA-1 .. ATA/ATAPI-6
  id[82] = 0x4028;   // NOP, write cache, power management
  id[83] = 0x7400;   // FLUSH CACHE EXT, FLUSH CACHE, 48-bit addresses
  id[84] = 0x4000;
  id[85] = uint16_t(0x4008 | (write_cache_ ? 0x0020 : 0));
  id[86] = 0x3400;
  id[87] = 0x4000;
  // Word 93, hardware reset result: 80-conductor cable, device number by jumper,
  // diagnostics passed; device 0 says whether device 1 answered (PDIAG-/DASP-) or
  // whether it answers for an absent device 1.
  IdeChannel& ch = const_cast<AtaDisk*>(this)->channel();
  if (unit() == 0) {
    id[93] = 0x4000 | 0x2000 | 0x000B;
    id[93] = uint16_t(id[93] | (ch.drive(1) ? 0x0030 : 0x0040));
  } else {
    id[93] = 0x4000 | 0x2000 | 0x0B00;
  }
  id[100] = uint16_t(total_), id[101] = uint16_t(total_ >> 16);
  id[102] = uint16_t(total_ >> 32), id[103] = uint16_t(total_ >> 48);
  id[106] = 0x4000;  // one logical sector per physical sector, 512 bytes
  ata_put_checksum(id);
  return id;
}

void AtaDisk::serialize(Serializer& s) {
  IdeDrive::serialize(s);
  s(ccyl_);
  s(cheads_);
  s(cspt_);
  s(multiple_);
  s(write_cache_);
  s(look_ahead_);
  s(revert_defaults_);
  s(pio_mode_);
  s(dma_mode_);
  s(power_);
  s(cmd_);
  s(xfer_);
  s(write_);
  s(lba48_);
  s(chs_);
  s(lba_);
  s(left_);
  s(block_);
  s(cur_);
  s(dma_bytes_);
  if (s.loading()) {
    if (!cspt_ || !cheads_) cspt_ = spt_, cheads_ = heads_;
    if (block_ == 0 || block_ > kMaxMultiple) block_ = 1;
  }
}

}  // namespace rz
