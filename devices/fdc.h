// devices/fdc.h: the Intel 82077AA floppy disk controller in PC/AT mode (ports 0x3F0-0x3F5
// and 0x3F7; 0x3F6 belongs to the IDE controller), IRQ6, DMA channel 2, two drives.
//
// Registers by the data sheet: SRA/SRB (their PS/2-mode contents), DOR (drive select,
// /RESET, DMA GATE which gates INT and DRQ onto the ISA bus in PC/AT mode, motor enables),
// TDR, MSR/DSR (software reset, data rate), the FIFO data port, DIR (DSKCHG in bit 7; bits
// 6-0 are not driven in PC/AT mode and read as 1s) and CCR (data rate).
//
// Commands (82077AA set): READ DATA, READ DELETED DATA, WRITE DATA, WRITE DELETED DATA,
// READ TRACK, VERIFY, FORMAT TRACK, SCAN EQUAL / LOW OR EQUAL / HIGH OR EQUAL, READ ID,
// RECALIBRATE, SEEK, RELATIVE SEEK, SENSE INTERRUPT STATUS, SENSE DRIVE STATUS, SPECIFY,
// CONFIGURE (implied seek, FIFO, polling), LOCK, DUMPREG, PERPENDICULAR MODE, VERSION
// (0x90).  Anything else, including the 82078's PART ID (0x18), is invalid: one result
// byte, ST0 = 0x80, no interrupt (Linux tells an 82077AA from an 82078 exactly so).
// Multi-track, end of track (EN without TC), terminal count from the DMA controller,
// implied seek, skip of deleted data, and non-DMA mode (SPECIFY ND) where the execution
// phase moves bytes through the FIFO port with RQM/DIO/NDM in MSR and INT asserted while
// a byte is wanted.  IDs are checked as the chip does (C/H/R/N against the track's IDs:
// ND, WC, BC; no readable marks at the wrong data rate, in FM mode, on an unformatted
// track or with no medium: MA), results follow the data sheet's tables (ID after the
// last sector, MT side switch).
//
// After a reset with drive polling on, SENSE INTERRUPT STATUS answers 0xC0-0xC3 (ready
// changed, one per drive); the next interrupt (a seek's end, a result phase) drops the
// statuses nobody asked for, so a BIOS that asks once still gets its seek's status next.
//
// Every buffer is fixed-size and every index is bounded by the phase: bytes written when
// the chip is not asking for them (DIO=1, RQM=0, execution in DMA mode, reset) are
// dropped, reads outside a data or result phase return the last byte again.
//
// Timing runs on the scheduler, shortened from the mechanics but never zero: a step takes
// kStepNs, a seek or recalibrate kSeekNs plus the steps, a sector kSectorNs; the interrupt
// follows the work.  The controller does not wait for motors or index pulses (a command
// on an empty or absent drive ends with MA instead of hanging as on the chip), and deleted
// data marks are not kept by raw images (WRITE DELETED DATA stores normal data).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "devices/bus.h"
#include "devices/dma.h"
#include "devices/fdc_media.h"
#include "devices/irq.h"
#include "devices/scheduler.h"
#include "devices/serialize.h"

namespace rz {

enum class FdcPhase : uint8_t { Idle, Command, Execution, Result };

// What the execution phase is doing.
enum class FdcOp : uint8_t {
  None, ReadData, ReadDeleted, WriteData, WriteDeleted, ReadTrack, Verify, Format, ReadId,
  ScanEqual, ScanLowEqual, ScanHighEqual,
};

struct FdcDriveState {
  uint8_t pcn = 0;       // the controller's present cylinder number for the drive
  uint8_t cyl = 0;       // where the head really is (stops at 0 and the drive's limit)
  bool disk_changed = true;  // DSKCHG latch: set at power-on and when media change
  bool seeking = false;  // DxB in MSR
  bool int_pending = false;  // seek/recalibrate status waiting for SENSE INTERRUPT
  uint8_t st0 = 0;       // that status
  uint8_t target = 0;    // PCN when the seek ends
  uint8_t target_cyl = 0;  // head position when it ends
  bool stepped = false;  // the seek issues step pulses (they clear DSKCHG)
  int64_t seek_due = -1;
};

struct FdcXfer {
  FdcOp op = FdcOp::None;
  uint8_t drive = 0, hd = 0;           // drive and physical head (HDS)
  uint8_t c = 0, h = 0, r = 0, n = 0;  // the sector ID the chip looks for next
  uint8_t eot = 0, gpl = 0, dtl = 0;
  bool mt = false, mfm = false, sk = false, ec = false, dma = false;
  uint8_t count = 0;       // sectors done (READ TRACK, VERIFY EC=1, FORMAT)
  uint8_t st0 = 0, st1 = 0, st2 = 0;
  bool tc = false;         // terminal count seen during this sector
  bool stop_after = false; // a control mark was met with SK=0: end after this sector
  uint8_t dma_waits = 0;   // sector times spent waiting for DACK
};

struct FdcState {
  uint8_t dor = 0x00;       // hardware reset leaves /RESET low
  uint8_t tdr = 0;
  uint8_t rate = kRate250k; // DSR/CCR bits 1-0
  uint8_t precomp = 0;      // DSR bits 4-2
  uint8_t specify1 = 0, specify2 = 0;  // SRT/HUT, HLT/ND
  uint8_t config = 0x20;    // CONFIGURE byte 2: EIS 0x40, EFIFO 0x20, POLL 0x10, FIFOTHR
  uint8_t pretrk = 0;
  uint8_t perp = 0;         // PERPENDICULAR MODE: D3-D0 (bits 5-2), GAP, WGATE
  bool lock = false;
  uint8_t last_eot = 0;     // DUMPREG "SC/EOT"
  FdcPhase phase = FdcPhase::Idle;
  std::array<uint8_t, 16> cmd{};
  uint8_t cmd_len = 0, cmd_need = 0;
  std::array<uint8_t, 16> res{};
  uint8_t res_len = 0, res_pos = 0;
  uint8_t last_byte = 0;     // what a read of the FIFO outside a phase returns
  bool int_latch = false;    // INT from seek/reset/result, until serviced
  bool result_int = false;   // the latch came from a result phase (first byte clears it)
  uint8_t reset_sense = 0;   // SENSE INTERRUPT STATUS answers owed after a reset
  int64_t reset_due = -1;    // polling interrupt after leaving reset
  int64_t exec_due = -1;     // next step of the execution phase
  std::array<FdcDriveState, 4> drv{};
  FdcXfer x;
  std::array<uint8_t, 512> buf{};  // one sector (or one FORMAT ID) in non-DMA mode
  uint16_t buf_pos = 0, buf_len = 0;
  bool pio_request = false;  // non-DMA execution: RQM set, the chip wants a byte moved
  bool pio_to_host = false;  // ... and it goes to the host (DIO)
};

class Fdc82077 {
 public:
  static constexpr int64_t kStepNs = 2'000;
  static constexpr int64_t kSeekNs = 20'000;
  static constexpr int64_t kSectorNs = 20'000;
  static constexpr int64_t kResetNs = 10'000;
  static constexpr unsigned kDmaWaits = 16;  // sector times before an overrun

  // `dma` may be null (a board without DMA: only non-DMA mode works, DMA mode overruns).
  Fdc82077(Scheduler& sched, DmaController* dma, unsigned dma_channel = 2, uint16_t base = 0x3F0);
  Fdc82077(const Fdc82077&) = delete;
  Fdc82077& operator=(const Fdc82077&) = delete;
  ~Fdc82077();

  void map_ports(PortBus& bus);
  IrqLine& irq() { return irq_; }

  // Drives 0 and 1.  attach() takes the format from the image size and fails with a
  // message for an unknown size; the drive becomes the type that reads that format.
  // A write-protected medium is one whose BlockDevice is read-only.
  bool attach(unsigned drive, BlockDevice* medium, std::string& err);
  // A drive of CMOS type `type` (1-5) with no medium.
  void add_drive(unsigned drive, uint8_t type);
  // Take the medium out (DSKCHG goes high); the drive stays.
  void eject(unsigned drive);
  uint8_t drive_type(unsigned drive) const { return drive < 2 ? drives_[drive].type : 0; }
  unsigned drive_count() const { return drives_[0].present + drives_[1].present; }

  uint8_t read(uint16_t offset);
  void write(uint16_t offset, uint8_t v);

  const FdcState& state() const { return s_; }
  void serialize(Serializer& s);

 private:
  // fdc.cpp: registers, command phase, the non-transfer commands.
  uint8_t msr() const;
  uint8_t read_fifo();
  void write_fifo(uint8_t v);
  void chip_reset(bool hardware);
  void leave_reset();
  void start_command();
  void result(std::initializer_list<uint8_t> bytes, bool interrupt);
  void cmd_sense_interrupt();
  void cmd_seek(unsigned d, unsigned hd, uint8_t new_pcn, int delta, bool recalibrate);
  void seek_done(unsigned d);
  void update_irq();
  void arm();
  void on_event();
  bool drive_usable(unsigned d) const { return d < 2 && drives_[d].present; }

  // fdc_xfer.cpp: the execution phase of the data commands.
  void start_xfer();
  void exec_step();
  bool locate(bool check_id);
  uint64_t sector_offset() const;
  void sector_done(bool stop_here);
  void finish_xfer(uint8_t ic);
  void advance_id();
  void pio_byte_done();
  bool media_sector(bool write);
  void format_sector(const uint8_t* id);
  bool dma_wait();
  bool is_scan() const;
  void scan_sector(size_t n);
  void implied_seek();
  bool to_host() const;
  bool is_write() const;

  Scheduler& sched_;
  DmaController* dma_;
  unsigned dma_ch_;
  uint16_t base_;
  FdcState s_;
  std::array<FloppyDrive, 2> drives_{};
  IrqLine irq_;
  EventId ev_ = 0;
  int64_t ev_when_ = -1;
};

}  // namespace rz
