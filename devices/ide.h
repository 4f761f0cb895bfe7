// devices/ide.h: an ATA (IDE) channel and the register-level behaviour every device on
// it shares, by ATA/ATAPI-6 (T13 1410D) chapters 7-9.
//
// A channel is one cable: the command block (8 ports, 0x1F0-0x1F7 or 0x170-0x177), the
// control block port (0x3F6 or 0x376: Alternate Status / Device Control), one INTRQ
// line (IRQ14 or IRQ15), and up to two devices (0 = master, 1 = slave).  Writes to the
// command block reach both devices; each keeps its own copy of the task file (they
// differ after a reset: each shows its own signature), and reads come from the device
// the DEV bit selects.  An absent device 1 reads as status 00h with the latched task file
// (device 0 answers for it, as the standard lets it); a channel with no device at all
// reads 00h everywhere.
//
// IdeDrive is the part of a device the channel drives: its status and error registers,
// its pending interrupt, one scheduler event (command latency, DRQ blocks, reset), and
// the data buffer behind the data port (16- and 32-bit PIO) and the DMA request line.
// AtaDisk (ide_ata.h) and AtapiCdrom (atapi.h) implement the command sets on top.
//
// Interrupts: a device sets its interrupt pending; INTRQ is driven by the selected
// device while nIEN is clear.  Reading the Status register (not Alternate Status) or
// writing a command clears the selected device's pending interrupt.
//
// DMA: a device that is ready to move data asserts DMARQ and tells the channel's
// IdeDmaHost (the PIIX bus master); the bus master pulls or pushes bytes with
// dma_data() while it is started.  The device ends the command (interrupt) once the
// last byte moved, after a transfer time on the virtual clock.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/scheduler.h"
#include "devices/serialize.h"

namespace rz {

namespace ata {
// Status register.
inline constexpr uint8_t kBsy = 0x80, kDrdy = 0x40, kDf = 0x20, kDsc = 0x10, kDrq = 0x08,
                         kCorr = 0x04, kIdx = 0x02, kErr = 0x01;
// Error register.
inline constexpr uint8_t kIcrc = 0x80, kUnc = 0x40, kMc = 0x20, kIdnf = 0x10, kMcr = 0x08,
                         kAbrt = 0x04, kTk0nf = 0x02, kAmnf = 0x01;
// Device control register.
inline constexpr uint8_t kHob = 0x80, kSrst = 0x04, kNien = 0x02;
// Device/Head register.
inline constexpr uint8_t kLba = 0x40, kDev = 0x10;
// Command block register offsets.
inline constexpr unsigned kRegData = 0, kRegError = 1, kRegFeature = 1, kRegNsect = 2,
                          kRegSector = 3, kRegLcyl = 4, kRegHcyl = 5, kRegSelect = 6,
                          kRegStatus = 7, kRegCommand = 7;

// Virtual-clock latencies (a fast disk of the PIIX era, kept short so polling BIOSes
// and drivers do not wait long, but never zero: software that reads status right after
// a command must see BSY first, as on real drives).
inline constexpr int64_t kCommandNs = 20'000;     // command accepted -> first DRQ / done
inline constexpr int64_t kBlockNs = 2'000;        // between PIO DRQ blocks
inline constexpr int64_t kDmaNsPerByte = 8;       // about 125 MB/s
inline constexpr int64_t kResetNs = 400'000;      // SRST released -> signature, BSY clear
inline constexpr int64_t kPacketDrqNs = 2'000;    // PACKET -> DRQ for the command packet
}  // namespace ata

// One device's copy of the command block registers.  Each writable register is a
// two-deep FIFO for 48-bit commands: the previous value is the "HOB" byte.
struct AtaTaskFile {
  uint8_t feature = 0, nsect = 0, sector = 0, lcyl = 0, hcyl = 0, select = 0;
  uint8_t hob_feature = 0, hob_nsect = 0, hob_sector = 0, hob_lcyl = 0, hob_hcyl = 0;
};

class IdeChannel;

// The bus master that serves a channel's DMA requests.
class IdeDmaHost {
 public:
  virtual ~IdeDmaHost() = default;
  // The channel's DMARQ changed (a device became ready to move data, or stopped).
  // The bus master may call dma_data() from inside this call.
  virtual void dmarq_changed(unsigned channel) = 0;
};

class IdeDrive {
 public:
  IdeDrive(IdeChannel& ch, unsigned unit);
  virtual ~IdeDrive();
  IdeDrive(const IdeDrive&) = delete;
  IdeDrive& operator=(const IdeDrive&) = delete;

  virtual bool is_packet_device() const = 0;
  unsigned unit() const { return unit_; }
  uint8_t status() const { return status_; }
  uint8_t error() const { return error_; }
  bool irq_pending() const { return irq_pending_; }
  AtaTaskFile& tf();

  // From the channel.
  // A command written to the command register while this device is selected.
  virtual void execute(uint8_t cmd) = 0;
  // SRST asserted (the device stops and is busy) and released (reset runs, then the
  // signature appears after ata::kResetNs).
  void srst_asserted();
  void srst_released();
  // Power-on / hardware reset (RESET-): immediate, all settings back to defaults.
  virtual void hardware_reset();
  // EXECUTE DEVICE DIAGNOSTIC on this device: busy now; after the command latency the
  // signature and diagnostic code `code` appear (device 0 then interrupts).
  void start_diagnostic(uint8_t code);
  void clear_irq() { irq_pending_ = false; }

  uint32_t data_read(unsigned size);
  void data_write(unsigned size, uint32_t value);

  // DMA side, used by the bus master through the channel.
  bool dmarq() const { return dmarq_; }
  bool dma_to_memory() const { return phase_ == Phase::DmaIn; }
  // Move up to n bytes: out of the device into p (DmaIn) or from p into the device
  // (DmaOut).  Returns the bytes moved; stops at the end of the command's data.
  size_t dma_data(uint8_t* p, size_t n);

  virtual void serialize(Serializer& s);

 protected:
  enum class Phase : uint8_t { Idle, PioIn, PioOut, DmaIn, DmaOut };

  IdeChannel& channel() { return ch_; }
  Scheduler& scheduler();

  // One pending event per device; `what` is the subclass's own code (nonzero), passed
  // back to on_event().  Arming replaces whatever was pending.
  void arm(int64_t delay_ns, uint8_t what);
  void cancel_event();
  virtual void on_event(uint8_t what) = 0;

  // The reset signature in the task file (ATA: 01h 01h 00h 00h; packet devices
  // 01h 01h 14h EBh) and the status a device shows when reset completes.
  virtual void put_signature() = 0;
  virtual uint8_t reset_status() const = 0;
  // A reset (SRST, DEVICE RESET) finished: the subclass forgets its command state.
  virtual void reset_done() {}
  // Start the reset sequence now (BSY, then signature after ata::kResetNs).
  void begin_reset(int64_t delay_ns);

  void raise_irq();
  // End a command: status DRDY|DSC (plus `extra`), interrupt.
  void complete(uint8_t extra = 0);
  // End a command in error: status DRDY|ERR, error register `err`, interrupt.
  void fail(uint8_t err);
  // Set or clear status bits.
  void set_status(uint8_t s) { status_ = s; }

  // PIO: the buffer holds exactly the next DRQ block (in) or receives it (out).
  // The device shows DRQ; the subclass raises the interrupt if its protocol wants one.
  void start_pio_in(std::vector<uint8_t> data);
  void start_pio_out(size_t n);
  // The host moved the whole DRQ block: DRQ dropped, BSY set, the buffer still holds the
  // data (out).  The subclass continues the command.
  virtual void pio_block_done() = 0;
  const std::vector<uint8_t>& buffer() const { return buf_; }

  // DMA: `total` bytes for this command.  The device asserts DMARQ (status DRQ) and
  // pulls chunks of at most kDmaChunk through dma_fill()/dma_drain().
  static constexpr size_t kDmaChunk = 64 * 1024;
  void start_dma(bool to_memory, uint64_t total);
  // Load the next `n` bytes of the transfer (starting `offset` bytes in) into `dst`, or
  // store them from `src`.  False on a media error: DMA stops, dma_done(false) follows.
  virtual bool dma_fill(uint64_t offset, uint8_t* dst, size_t n) = 0;
  virtual bool dma_drain(uint64_t offset, const uint8_t* src, size_t n) = 0;
  // The last byte moved (ok) or a media error stopped the transfer after `moved` bytes.
  virtual void dma_done(bool ok, uint64_t moved) = 0;
  // Stop any data phase without completing (reset, a new command over DRQ).
  void stop_transfer();
  Phase phase() const { return phase_; }

  uint8_t status_ = 0;
  uint8_t error_ = 0;

 private:
  void set_dmarq(bool on);
  void pio_advance(unsigned n);
  void finish_dma(bool ok);

  IdeChannel& ch_;
  unsigned unit_;
  static constexpr uint8_t kEvReset = 0xFF, kEvDiag = 0xFE;
  void fire();
  bool irq_pending_ = false;
  uint8_t diag_code_ = 0;
  EventId event_ = 0;
  uint8_t event_what_ = 0;
  int64_t event_due_ = 0;

  Phase phase_ = Phase::Idle;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0;
  bool dmarq_ = false;
  uint64_t dma_total_ = 0, dma_done_bytes_ = 0;
  uint64_t dma_chunk_off_ = 0;  // next chunk to load (in) / chunk being filled (out)
  size_t chunk_len_ = 0;  // DMA: valid bytes in buf_ (in), or bytes expected (out)
};

class IdeChannel {
 public:
  // `index` 0 = primary, 1 = secondary (for the DMA host and names).
  IdeChannel(Scheduler& sched, unsigned index);
  ~IdeChannel();
  IdeChannel(const IdeChannel&) = delete;
  IdeChannel& operator=(const IdeChannel&) = delete;

  // Claim the command block (8 ports at cmd_base) and the control port (released again
  // when the channel is destroyed).
  void map_ports(PortBus& bus, uint16_t cmd_base, uint16_t ctl_port);
  // The PIIX's per-channel decode enable: while off, reads float (all ones) and writes
  // are dropped.
  void set_decode(bool on) { decode_ = on; }
  bool decode() const { return decode_; }

  // Attach a device (before the guest runs).  T's constructor takes (IdeChannel&,
  // unsigned unit, args...).
  template <typename T, typename... A>
  T& attach(unsigned unit, A&&... a) {
    auto d = std::make_unique<T>(*this, unit, std::forward<A>(a)...);
    T& ref = *d;
    drive_[unit & 1] = std::move(d);
    return ref;
  }
  IdeDrive* drive(unsigned unit) const { return drive_[unit & 1].get(); }
  IdeDrive* selected() const { return drive_[dev_].get(); }
  unsigned selected_unit() const { return dev_; }
  // Select device 0 (reset, diagnostic).
  void select_device0() { dev_ = 0; }
  AtaTaskFile& tf(unsigned unit) { return tf_[unit & 1]; }

  IrqLine& irq() { return irq_; }
  void set_dma_host(IdeDmaHost* h) { dma_host_ = h; }
  unsigned index() const { return index_; }
  Scheduler& scheduler() { return sched_; }
  uint8_t device_control() const { return devctl_; }

  // Register access (offsets 0-7 of the command block; size 1, 2 or 4 on the data port).
  uint32_t read(unsigned reg, unsigned size);
  void write(unsigned reg, unsigned size, uint32_t value);
  uint8_t read_alt_status();
  void write_device_control(uint8_t v);

  // Power-on reset of everything on the cable.
  void reset();

  // DMA, for the bus master: the device asserting DMARQ, if any.
  IdeDrive* dma_device() const;

  // Called by drives.
  void update_irq();
  void dmarq_changed();
  // EXECUTE DEVICE DIAGNOSTIC runs on both devices whichever is selected.
  void execute_diagnostic();

  void serialize(Serializer& s);

 private:
  uint8_t read_reg8(unsigned reg);
  void write_reg8(unsigned reg, uint8_t v);

  Scheduler& sched_;
  unsigned index_;
  std::array<std::unique_ptr<IdeDrive>, 2> drive_;
  std::array<AtaTaskFile, 2> tf_{};
  uint8_t devctl_ = 0;
  uint8_t dev_ = 0;  // DEV bit of the last Device/Head write
  bool decode_ = true;
  IrqLine irq_;
  IdeDmaHost* dma_host_ = nullptr;
  PortBus* bus_ = nullptr;  // where map_ports claimed ports (released on destruction)
  uint16_t cmd_base_ = 0, ctl_port_ = 0;
};

// ATA strings: ASCII, space padded, two characters per word with the first in the high
// byte.  Writes `s` into words [first, first + chars/2) of an IDENTIFY block.
void ata_put_string(std::array<uint16_t, 256>& id, unsigned first, unsigned chars,
                    const std::string& s);
// Word 255: signature A5h and a checksum making all 512 bytes sum to zero.
void ata_put_checksum(std::array<uint16_t, 256>& id);
// IDENTIFY data as the 512 bytes the data port delivers (little-endian words).
std::vector<uint8_t> ata_identify_bytes(const std::array<uint16_t, 256>& id);

}  // namespace rz
