// devices/atapi.cpp: the ATAPI CD-ROM's ATA side: PACKET protocol phases (command
// packet, DRQ data blocks under the byte count limit, DMA, status), IDENTIFY PACKET
// DEVICE, the packet signature, media changes.  The SCSI command set is in
// atapi_scsi.cpp.
#include "devices/atapi.h"

#include <algorithm>
#include <cstring>

namespace rz {

AtapiCdrom::AtapiCdrom(IdeChannel& ch, unsigned unit, BlockDevice* media, const AtapiConfig& cfg)
    : IdeDrive(ch, unit), media_(media), cfg_(cfg) {
  if (cfg_.serial.empty())
    cfg_.serial = "RZCD" + std::to_string(ch.index()) + std::to_string(unit & 1) + "0000";
  hardware_reset();
}

void AtapiCdrom::hardware_reset() {
  prevent_ = false;
  sense_ = {};
  ua_pending_ = true;  // POWER ON, RESET, OR BUS DEVICE RESET OCCURRED
  ua_ = {scsi::kUnitAttention, 0x29, 0x00};
  media_event_ = 0;
  read_speed_ = write_speed_ = 0xFFFF;
  dma_mode_ = 0;
  IdeDrive::hardware_reset();
}

void AtapiCdrom::put_signature() {
  AtaTaskFile& t = tf();
  t.nsect = 1, t.sector = 1, t.lcyl = 0x14, t.hcyl = 0xEB, t.select = 0;
}

void AtapiCdrom::reset_done() {
  xfer_ = Xfer::None;
  reply_.clear();
  total_ = done_ = 0;
}

bool AtapiCdrom::insert_media(BlockDevice* media) {
  media_ = media;
  tray_open_ = false;
  if (media_) {
    ua_pending_ = true;  // NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED
    ua_ = {scsi::kUnitAttention, 0x28, 0x00};
    media_event_ = 2;  // NewMedia
  }
  return true;
}

bool AtapiCdrom::eject_media(bool force) {
  if (prevent_ && !force) {
    media_event_ = 1;  // EjectRequest: the guest may let go
    return false;
  }
  media_ = nullptr;
  tray_open_ = true;
  media_event_ = 3;  // MediaRemoval
  return true;
}

void AtapiCdrom::execute(uint8_t cmd) {
  stop_transfer();
  xfer_ = Xfer::None;
  cmd_ = cmd;
  if (cmd == 0x08) {  // DEVICE RESET: signature, no interrupt
    begin_reset(ata::kCommandNs);
    return;
  }
  set_status(ata::kBsy);
  if (cmd == 0xA0) {  // PACKET
    const AtaTaskFile& t = tf();
    dma_ = t.feature & 0x01;
    uint32_t lim = uint32_t(t.hcyl) << 8 | t.lcyl;
    if (lim == 0 || lim > 0xFFFE) lim = 0xFFFE;
    limit_ = uint16_t(lim & ~1u ? lim & ~1u : 2);
    arm(ata::kPacketDrqNs, kEvPacketDrq);
    return;
  }
  arm(ata::kCommandNs, kEvCommand);
}

void AtapiCdrom::on_event(uint8_t what) {
  switch (what) {
    case kEvCommand: run_ata(cmd_); break;
    case kEvPacketDrq:
      xfer_ = Xfer::Packet;
      start_pio_out(12);
      tf().nsect = 0x01;  // CoD=1, IO=0: the command packet, no interrupt
      break;
    case kEvRunPacket: run_packet(); break;
    case kEvNextBlock: next_pio_block(); break;
    case kEvStatus: status_phase(); break;
    default: break;
  }
}

void AtapiCdrom::run_ata(uint8_t cmd) {
  switch (cmd) {
    case 0xA1:  // IDENTIFY PACKET DEVICE
      xfer_ = Xfer::Identify;
      start_pio_in(ata_identify_bytes(identify()));
      raise_irq();
      return;
    case 0xEC: case 0x20: case 0x21:  // IDENTIFY DEVICE, READ SECTORS: not a disk
      put_signature();
      return fail(ata::kAbrt);
    case 0xEF: {  // SET FEATURES
      uint8_t n = tf().nsect;
      switch (tf().feature) {
        case 0x02: case 0x82: case 0xAA: case 0x55: case 0xCC: case 0x66: break;
        case 0x03:
          if ((n >= 0x20 && n <= 0x22) || (n >= 0x40 && n <= 0x45)) {
            dma_mode_ = n;
          } else if (!(n <= 0x01 || (n >= 0x08 && n <= 0x0C))) {
            return fail(ata::kAbrt);
          }
          break;
        default: return fail(ata::kAbrt);
      }
      return complete();
    }
    case 0xE5: case 0x98:  // CHECK POWER MODE
      tf().nsect = 0xFF;
      return complete();
    case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE6:
    case 0x94: case 0x95: case 0x96: case 0x97: case 0x99:
      return complete();
    default: return fail(ata::kAbrt);
  }
}

void AtapiCdrom::pio_block_done() {
  switch (xfer_) {
    case Xfer::Identify:
      xfer_ = Xfer::None;
      set_status(ata::kDrdy | ata::kDsc);
      return;
    case Xfer::Packet:
      std::copy_n(buffer().begin(), 12, cdb_.begin());
      xfer_ = Xfer::None;
      arm(ata::kCommandNs, kEvRunPacket);
      return;
    case Xfer::Data:
      done_ += block_len_;
      arm(ata::kBlockNs, done_ < total_ ? kEvNextBlock : kEvStatus);
      return;
    default:
      set_status(ata::kDrdy | ata::kDsc);
      return;
  }
}

void AtapiCdrom::run_packet() {
  Result r;
  if (!run_scsi(cdb_.data(), r)) return check_condition(sense_.key, sense_.asc, sense_.ascq);
  from_media_ = r.is_read;
  if (r.is_read) {
    reply_.clear();
    media_base_ = uint64_t(r.read_lba) * kBlock;
    total_ = uint64_t(r.read_blocks) * kBlock;
  } else {
    reply_ = std::move(r.reply);
    total_ = reply_.size();
  }
  done_ = 0;
  if (total_ == 0) return status_phase();
  xfer_ = Xfer::Data;
  if (dma_) {
    tf().nsect = 0x02;
    start_dma(true, total_);  // last: the bus master may finish it at once
    return;
  }
  next_pio_block();
}

bool AtapiCdrom::source_read(uint64_t off, uint8_t* dst, size_t n) {
  if (from_media_) return media_ && !tray_open_ && media_->read(media_base_ + off, dst, n);
  if (off > reply_.size() || n > reply_.size() - off) return false;
  std::memcpy(dst, reply_.data() + off, n);
  return true;
}

void AtapiCdrom::next_pio_block() {
  uint32_t n = uint32_t(std::min<uint64_t>(total_ - done_, limit_));
  std::vector<uint8_t> blk(n);
  if (!source_read(done_, blk.data(), n)) return check_condition(scsi::kMediumError, 0x11, 0x00);
  block_len_ = n;
  AtaTaskFile& t = tf();
  t.lcyl = uint8_t(n), t.hcyl = uint8_t(n >> 8);
  t.nsect = 0x02;  // IO=1, CoD=0: data to the host
  xfer_ = Xfer::Data;
  start_pio_in(std::move(blk));
  raise_irq();
}

void AtapiCdrom::status_phase() {
  xfer_ = Xfer::None;
  reply_.clear();
  tf().nsect = 0x03;  // IO=1, CoD=1
  complete();
}

void AtapiCdrom::check_condition(uint8_t key, uint8_t asc, uint8_t ascq) {
  sense_ = {key, asc, ascq};
  xfer_ = Xfer::None;
  reply_.clear();
  tf().nsect = 0x03;
  fail(uint8_t(key << 4));
}

bool AtapiCdrom::dma_fill(uint64_t offset, uint8_t* dst, size_t n) {
  return source_read(offset, dst, n);
}

bool AtapiCdrom::dma_drain(uint64_t, const uint8_t*, size_t) { return false; }

void AtapiCdrom::dma_done(bool ok, uint64_t) {
  if (!ok) return check_condition(scsi::kMediumError, 0x11, 0x00);
  arm(int64_t(total_) * ata::kDmaNsPerByte, kEvStatus);
}

std::array<uint16_t, 256> AtapiCdrom::identify() const {
  std::array<uint16_t, 256> id{};
  // ATAPI, CD-ROM device type, removable, DRQ within 50 us of PACKET, 12-byte packets.
  id[0] = uint16_t(2u << 14 | 0x05u << 8 | 1u << 7 | 2u << 5);
  ata_put_string(id, 10, 20, cfg_.serial);
  ata_put_string(id, 23, 8, cfg_.firmware);
  ata_put_string(id, 27, 40, cfg_.model);
  id[49] = 0x0F00;  // IORDY, IORDY can be disabled, LBA, DMA
  id[53] = 0x0006;  // words 64-70 and 88 valid
  id[63] = 0x0007;
  id[88] = 0x003F;
  if (dma_mode_ >= 0x20 && dma_mode_ <= 0x22) id[63] |= uint16_t(0x0100 << (dma_mode_ & 7));
  if (dma_mode_ >= 0x40 && dma_mode_ <= 0x45) id[88] |= uint16_t(0x0100 << (dma_mode_ & 7));
  id[64] = 0x0003;
  id[65] = 120, id[66] = 120, id[67] = 120, id[68] = 120;
  id[71] = 30, id[72] = 30;  // ns from PACKET to bus release / to service
  id[80] = 0x007E;
  id[82] = 0x4210;  // NOP, DEVICE RESET, PACKET
  id[83] = 0x4000;
  id[84] = 0x4000;
  id[85] = 0x4210;
  id[87] = 0x4000;
  IdeChannel& ch = const_cast<AtapiCdrom*>(this)->channel();
  if (unit() == 0) {
    id[93] = uint16_t(0x4000 | 0x2000 | 0x000B | (ch.drive(1) ? 0x0030 : 0x0040));
  } else {
    id[93] = 0x4000 | 0x2000 | 0x0B00;
  }
  ata_put_checksum(id);
  return id;
}

void AtapiCdrom::serialize(Serializer& s) {
  IdeDrive::serialize(s);
  s(tray_open_);
  s(prevent_);
  s(sense_);
  s(ua_pending_);
  s(ua_);
  s(media_event_);
  s(read_speed_);
  s(write_speed_);
  s(dma_mode_);
  s(xfer_);
  s(cmd_);
  s(cdb_);
  s(dma_);
  s(limit_);
  s.vec(reply_, 1u << 20);
  s(from_media_);
  s(media_base_);
  s(total_);
  s(done_);
  s(block_len_);
  if (s.loading()) {
    if (limit_ < 2) limit_ = 0xFFFE;
    if (done_ > total_) done_ = total_;
  }
}

void cd_lba_to_msf(uint32_t lba, uint8_t msf[3]) {
  uint32_t f = lba + 150;
  msf[0] = uint8_t(f / (75 * 60));
  msf[1] = uint8_t(f / 75 % 60);
  msf[2] = uint8_t(f % 75);
}

}  // namespace rz
