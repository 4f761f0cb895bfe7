// devices/atapi.h: an ATAPI CD/DVD-ROM drive (ATA/ATAPI-6 PACKET feature set, SCSI
// MMC-3 commands) on an IdeChannel, reading 2048-byte blocks from a BlockDevice.
//
// ATA level: PACKET, IDENTIFY PACKET DEVICE, DEVICE RESET, SET FEATURES, CHECK POWER
// MODE and the power commands; IDENTIFY DEVICE and READ SECTORS abort with the packet
// signature (01h 01h 14h EBh) in the task file, which is how BIOSes and drivers tell a
// packet device from a disk.
//
// Packet protocol: after PACKET the drive shows DRQ with interrupt reason CoD=1 (no
// interrupt: "accelerated DRQ", IDENTIFY PACKET word 0 bits 6:5 = 10b) and takes 12
// command bytes.  Data comes in DRQ blocks of at most the byte count limit the host put
// in the LBA Mid/High registers (even, 0 and FFFFh read as FFFEh), each announced with
// the byte count in those registers, reason IO=1 CoD=0 and an interrupt; with Features
// bit 0 (DMA) set the data goes through the bus master instead.  The status phase ends
// every command: reason IO=1 CoD=1, DRDY, interrupt, and ERR (CHECK) with the sense key
// in the Error register's high nibble on failure.
//
// SCSI commands: TEST UNIT READY, REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10),
// READ(12), READ TOC/PMA/ATIP (formats 0 TOC, 1 session info, 2 raw TOC; LBA or MSF),
// MODE SENSE(10) (pages 01h, 0Dh, 2Ah, 3Fh), GET CONFIGURATION, GET EVENT STATUS
// NOTIFICATION (polled, media class), START STOP UNIT (eject/load), PREVENT ALLOW MEDIUM
// REMOVAL, READ DISC INFORMATION, SET CD SPEED, MECHANISM STATUS.  Others end with
// ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE (05h/20h/00h).
//
// Media: the disc is a single data track (mode 1, 2048-byte blocks) in one session.
// Power-on leaves a UNIT ATTENTION (29h/00h); inserting a disc another (28h/00h), which
// every command except INQUIRY, REQUEST SENSE, GET CONFIGURATION and GET EVENT STATUS
// NOTIFICATION reports once.  Without a disc medium commands fail with NOT READY /
// MEDIUM NOT PRESENT (02h/3Ah/01h tray closed, /02h tray open).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "devices/block.h"
#include "devices/ide.h"

namespace rz {

struct AtapiConfig {
  std::string model = "RINGZERO DVD-ROM";
  std::string serial;  // "" -> "RZCD" + channel and unit
  std::string firmware = "1.0";
  std::string vendor = "RINGZERO";  // INQUIRY (8 characters)
  std::string product = "DVD-ROM";  // INQUIRY (16 characters)
};

namespace scsi {
inline constexpr uint8_t kNoSense = 0x00, kNotReady = 0x02, kMediumError = 0x03,
                         kIllegalRequest = 0x05, kUnitAttention = 0x06;
}  // namespace scsi

struct ScsiSense {
  uint8_t key = 0, asc = 0, ascq = 0;
};

class AtapiCdrom : public IdeDrive {
 public:
  static constexpr uint32_t kBlock = 2048;

  // `media` may be null (empty drive); the caller keeps it alive while inserted.
  AtapiCdrom(IdeChannel& ch, unsigned unit, BlockDevice* media, const AtapiConfig& cfg = {});

  bool is_packet_device() const override { return true; }
  void execute(uint8_t cmd) override;
  void hardware_reset() override;
  void serialize(Serializer& s) override;

  // The host changes the disc: insert closes the tray and leaves a UNIT ATTENTION
  // (medium may have changed); eject opens the tray and removes the disc (refused while
  // the guest prevents removal, unless `force`).  Return false when refused.
  bool insert_media(BlockDevice* media);
  bool eject_media(bool force = false);
  bool has_media() const { return media_ && !tray_open_; }
  bool tray_open() const { return tray_open_; }
  bool removal_prevented() const { return prevent_; }
  uint32_t blocks() const { return has_media() ? uint32_t(media_->size() / kBlock) : 0; }
  const ScsiSense& sense() const { return sense_; }
  std::array<uint16_t, 256> identify() const;

  // The SCSI layer on its own (tests and the packet protocol): run one 12-byte command
  // block.  Returns false with the sense set on CHECK CONDITION; otherwise `reply` is
  // the data-in (empty for no data, the whole allocation-length-trimmed reply), or for
  // READ the block range in `read_lba`/`read_blocks` with `reply` empty.
  struct Result {
    std::vector<uint8_t> reply;
    bool is_read = false;
    uint32_t read_lba = 0, read_blocks = 0;
  };
  bool run_scsi(const uint8_t* cdb, Result& out);

 protected:
  void on_event(uint8_t what) override;
  void put_signature() override;
  uint8_t reset_status() const override { return 0; }
  void reset_done() override;
  void pio_block_done() override;
  bool dma_fill(uint64_t offset, uint8_t* dst, size_t n) override;
  bool dma_drain(uint64_t offset, const uint8_t* src, size_t n) override;
  void dma_done(bool ok, uint64_t moved) override;

 private:
  enum Event : uint8_t { kEvCommand = 1, kEvPacketDrq, kEvRunPacket, kEvNextBlock, kEvStatus };
  enum class Xfer : uint8_t { None, Identify, Packet, Data };

  void run_ata(uint8_t cmd);
  void run_packet();
  void next_pio_block();
  bool source_read(uint64_t off, uint8_t* dst, size_t n);
  void status_phase();
  void check_condition(uint8_t key, uint8_t asc, uint8_t ascq);
  bool fail_scsi(uint8_t key, uint8_t asc, uint8_t ascq);
  bool need_media();

  // SCSI command bodies (atapi_scsi.cpp).
  bool scsi_request_sense(const uint8_t* cdb, Result& out);
  bool scsi_inquiry(const uint8_t* cdb, Result& out);
  bool scsi_read_capacity(Result& out);
  bool scsi_read(uint32_t lba, uint32_t count, Result& out);
  bool scsi_read_toc(const uint8_t* cdb, Result& out);
  bool scsi_mode_sense(const uint8_t* cdb, Result& out);
  bool scsi_get_configuration(const uint8_t* cdb, Result& out);
  bool scsi_get_event_status(const uint8_t* cdb, Result& out);
  bool scsi_start_stop(const uint8_t* cdb);
  bool scsi_read_disc_info(const uint8_t* cdb, Result& out);
  bool scsi_mechanism_status(const uint8_t* cdb, Result& out);
  bool is_dvd() const { return blocks() > kCdMaxBlocks; }
  static constexpr uint32_t kCdMaxBlocks = 405000;  // 90-minute CD

  BlockDevice* media_;
  AtapiConfig cfg_;
  bool tray_open_ = false;
  bool prevent_ = false;
  ScsiSense sense_;
  bool ua_pending_ = false;
  ScsiSense ua_;
  uint8_t media_event_ = 0;  // GET EVENT STATUS media event code not yet reported
  uint16_t read_speed_ = 0xFFFF, write_speed_ = 0xFFFF;
  uint8_t dma_mode_ = 0;

  Xfer xfer_ = Xfer::None;
  uint8_t cmd_ = 0;
  std::array<uint8_t, 12> cdb_{};
  bool dma_ = false;       // Features bit 0 of the PACKET command
  uint16_t limit_ = 0;     // byte count limit
  std::vector<uint8_t> reply_;
  bool from_media_ = false;
  uint64_t media_base_ = 0;  // byte offset on the medium of a READ
  uint64_t total_ = 0, done_ = 0;
  uint32_t block_len_ = 0;
};

// Logical block address to minutes/seconds/frames (the 150-frame lead-in offset added).
void cd_lba_to_msf(uint32_t lba, uint8_t msf[3]);

}  // namespace rz
