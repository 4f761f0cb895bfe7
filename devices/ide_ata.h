// devices/ide_ata.h: an ATA hard disk (ATA/ATAPI-6 general and 48-bit address feature
// sets, power management) on an IdeChannel, backed by a BlockDevice.
//
// Commands: IDENTIFY DEVICE; READ/WRITE SECTORS (+EXT); READ/WRITE MULTIPLE (+EXT) with
// SET MULTIPLE MODE; READ/WRITE DMA (+EXT); READ VERIFY SECTORS (+EXT); SEEK;
// RECALIBRATE; INITIALIZE DEVICE PARAMETERS (CHS translation by the current geometry);
// SET FEATURES (transfer mode, write cache, read look-ahead, revert to defaults);
// FLUSH CACHE (+EXT); IDLE, IDLE IMMEDIATE, STANDBY, STANDBY IMMEDIATE, CHECK POWER MODE,
// SLEEP (and their ATA-1 opcodes 94h-99h).  Anything else, and addresses outside the
// disk, end with ERR and ABRT in the error register.  After a transfer the task file
// holds the address of the last sector moved (or of the failing one) and the sector
// count left, as drives of the period report it.
//
// Writes reach the BlockDevice when the guest has delivered each DRQ block (PIO) or
// each 64 KiB DMA chunk; FLUSH CACHE calls BlockDevice::flush().  The "write cache" the
// guest can enable or disable is only reported in IDENTIFY: data is never held back.
// Not modelled: the standby timer (the disk never spins down by itself), SMART,
// security, host protected area, READ/WRITE BUFFER, queued and FUA commands.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "devices/block.h"
#include "devices/ide.h"

namespace rz {

struct AtaDiskConfig {
  std::string model = "RINGZERO HARDDISK";
  std::string serial;  // "" -> "RZHD" + channel and unit
  std::string firmware = "1.0";
  // Default (physical) geometry; 0 = derived from the size: 16 heads, 63 sectors per
  // track, as many cylinders as fit (at most 16383).
  uint16_t cylinders = 0;
  uint8_t heads = 0, sectors = 0;
};

class AtaDisk : public IdeDrive {
 public:
  static constexpr unsigned kMaxMultiple = 16;

  AtaDisk(IdeChannel& ch, unsigned unit, BlockDevice& media, const AtaDiskConfig& cfg = {});

  bool is_packet_device() const override { return false; }
  void execute(uint8_t cmd) override;
  void hardware_reset() override;
  void serialize(Serializer& s) override;

  uint64_t sectors() const { return total_; }
  uint16_t cylinders() const { return cyl_; }
  uint8_t heads() const { return heads_; }
  uint8_t sectors_per_track() const { return spt_; }
  unsigned multiple_count() const { return multiple_; }
  bool write_cache() const { return write_cache_; }
  // The IDENTIFY DEVICE words as the drive would return them now.
  std::array<uint16_t, 256> identify() const;

 protected:
  void on_event(uint8_t what) override;
  void put_signature() override;
  uint8_t reset_status() const override { return ata::kDrdy | ata::kDsc; }
  void reset_done() override;
  void pio_block_done() override;
  bool dma_fill(uint64_t offset, uint8_t* dst, size_t n) override;
  bool dma_drain(uint64_t offset, const uint8_t* src, size_t n) override;
  void dma_done(bool ok, uint64_t moved) override;

 private:
  enum Event : uint8_t { kEvCommand = 1, kEvNextIn, kEvNextOut, kEvDmaDone };
  enum class Xfer : uint8_t { None, Identify, Read, Write, Dma };
  enum class Power : uint8_t { Active, Idle, Standby, Sleep };

  void run_command(uint8_t cmd);
  // Decode the address and count of a read/write/verify command into lba_/left_.
  // False (after failing the command) when they do not address the disk.
  bool setup_transfer(bool ext);
  bool decode_lba(bool ext, uint64_t& lba);
  void put_address(uint64_t lba);
  void read_block();
  void set_features();
  void set_power(Power p);

  BlockDevice& media_;
  AtaDiskConfig cfg_;
  uint64_t total_;                 // sectors
  uint16_t cyl_;                   // default geometry
  uint8_t heads_, spt_;
  uint16_t ccyl_ = 0;              // current geometry (INITIALIZE DEVICE PARAMETERS)
  uint8_t cheads_ = 0, cspt_ = 0;
  uint8_t multiple_ = 0;           // sectors per DRQ block for READ/WRITE MULTIPLE; 0 = off
  bool write_cache_ = true, look_ahead_ = true, revert_defaults_ = false;
  uint8_t pio_mode_ = 0;           // SET FEATURES transfer mode values
  uint8_t dma_mode_ = 0;           // 0 = none selected, else the 20h+n / 40h+n value
  Power power_ = Power::Active;

  uint8_t cmd_ = 0;
  Xfer xfer_ = Xfer::None;
  bool write_ = false, lba48_ = false, chs_ = false;
  uint64_t lba_ = 0;               // next sector to move
  uint32_t left_ = 0;              // sectors left in the command
  uint32_t block_ = 1;             // sectors per DRQ block
  uint32_t cur_ = 0;               // sectors in the current DRQ block
  uint64_t dma_bytes_ = 0;
};

}  // namespace rz
