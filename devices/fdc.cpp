// devices/fdc.cpp: 82077AA registers, reset, the command phase and the commands that
// move no data (SPECIFY, SENSE *, SEEK, RECALIBRATE, CONFIGURE, LOCK, DUMPREG,
// PERPENDICULAR MODE, VERSION).  The data commands' execution phase is fdc_xfer.cpp.
#include "devices/fdc.h"

#include <algorithm>

namespace rz {

namespace {

// DOR bits.
constexpr uint8_t kDorReset = 0x04, kDorDmaGate = 0x08;
// MSR bits.
constexpr uint8_t kRqm = 0x80, kDio = 0x40, kNdm = 0x20, kCb = 0x10;

enum class Cmd : uint8_t {
  Invalid, ReadData, ReadDeleted, WriteData, WriteDeleted, ReadTrack, Verify, Format, ReadId,
  Recalibrate, SenseInt, Specify, SenseDrive, Seek, RelSeek, Configure, DumpReg, Perpendicular,
  Lock, Version, Scan,
};

// The first command byte as the data sheet draws it: bits in `mask` are fixed, the others
// are options (MT, MFM, SK, DIR, LOCK).
struct CmdDesc {
  uint8_t mask, value, length;
  Cmd cmd;
};

constexpr CmdDesc kCmds[] = {
    {0x1F, 0x06, 9, Cmd::ReadData},     {0x1F, 0x0C, 9, Cmd::ReadDeleted},
    {0x3F, 0x05, 9, Cmd::WriteData},    {0x3F, 0x09, 9, Cmd::WriteDeleted},
    {0xBF, 0x02, 9, Cmd::ReadTrack},    {0x1F, 0x16, 9, Cmd::Verify},
    {0xBF, 0x0D, 6, Cmd::Format},       {0xBF, 0x0A, 2, Cmd::ReadId},
    {0xFF, 0x07, 2, Cmd::Recalibrate},  {0xFF, 0x08, 1, Cmd::SenseInt},
    {0xFF, 0x03, 3, Cmd::Specify},      {0xFF, 0x04, 2, Cmd::SenseDrive},
    {0xFF, 0x0F, 3, Cmd::Seek},         {0xBF, 0x8F, 3, Cmd::RelSeek},
    {0xFF, 0x13, 4, Cmd::Configure},    {0xFF, 0x0E, 1, Cmd::DumpReg},
    {0xFF, 0x12, 2, Cmd::Perpendicular}, {0x7F, 0x14, 1, Cmd::Lock},
    {0xFF, 0x10, 1, Cmd::Version},      {0x1F, 0x11, 9, Cmd::Scan},
    {0x1F, 0x19, 9, Cmd::Scan},         {0x1F, 0x1D, 9, Cmd::Scan},
};

const CmdDesc& lookup(uint8_t op) {
  static constexpr CmdDesc kInvalid{0, 0, 1, Cmd::Invalid};
  for (const auto& d : kCmds)
    if ((op & d.mask) == d.value) return d;
  return kInvalid;
}

}  // namespace

Fdc82077::Fdc82077(Scheduler& sched, DmaController* dma, unsigned dma_channel, uint16_t base)
    : sched_(sched), dma_(dma), dma_ch_(dma_channel), base_(base) {
  chip_reset(true);
}

Fdc82077::~Fdc82077() {
  if (ev_) sched_.cancel(ev_);
}

void Fdc82077::map_ports(PortBus& bus) {
  PortHandler h;
  h.read = [this](uint16_t port, unsigned) -> uint32_t { return read(uint16_t(port - base_)); };
  h.write = [this](uint16_t port, unsigned, uint32_t v) { write(uint16_t(port - base_), uint8_t(v)); };
  bus.map(base_, 6, h, "fdc");
  bus.map(uint16_t(base_ + 7), 1, h, "fdc");
}

bool Fdc82077::attach(unsigned d, BlockDevice* medium, std::string& err) {
  if (d >= 2) {
    err = "floppy drive " + std::to_string(d) + ": only drives 0 and 1 exist";
    return false;
  }
  const FloppyFormat* f = floppy_format_for_size(medium->size());
  if (!f) {
    err = medium->name() + ": " + std::to_string(medium->size()) +
          " bytes is not a floppy image size (known: " + floppy_known_sizes() + ")";
    return false;
  }
  FloppyDrive& dv = drives_[d];
  dv.present = true;
  dv.type = f->cmos_type;
  dv.medium = medium;
  dv.format = f;
  dv.write_protected = medium->read_only();
  s_.drv[d].disk_changed = true;
  return true;
}

void Fdc82077::add_drive(unsigned d, uint8_t type) {
  if (d >= 2) return;
  drives_[d] = FloppyDrive{};
  drives_[d].present = true;
  drives_[d].type = type;
  s_.drv[d].disk_changed = true;
}

void Fdc82077::eject(unsigned d) {
  if (d >= 2) return;
  drives_[d].medium = nullptr;
  drives_[d].format = nullptr;
  drives_[d].write_protected = true;
  s_.drv[d].disk_changed = true;
}

// ---- registers ----

uint8_t Fdc82077::read(uint16_t off) {
  unsigned sel = s_.dor & 3;
  bool sel_ok = drive_usable(sel);
  switch (off) {
    case 0: {  // SRA (PS/2-mode layout)
      uint8_t v = 0x04;  // /INDEX inactive
      if (s_.int_latch || s_.pio_request) v |= 0x80;
      if (!drives_[1].present) v |= 0x40;  // /DRV2
      if (!(sel_ok && s_.drv[sel].cyl == 0)) v |= 0x10;  // /TRK0
      if (!(sel_ok && drives_[sel].write_protected)) v |= 0x02;  // /WP
      return v;
    }
    case 1:  // SRB
      return uint8_t(0xC0 | ((s_.dor & 1) ? 0x20 : 0) | ((s_.dor >> 4) & 3));
    case 2: return s_.dor;
    case 3: return s_.tdr;
    case 4: return msr();
    case 5: return read_fifo();
    case 7: return uint8_t(0x7F | (sel_ok && s_.drv[sel].disk_changed ? 0x80 : 0));
    default: return 0xFF;
  }
}

void Fdc82077::write(uint16_t off, uint8_t v) {
  switch (off) {
    case 2: {
      uint8_t old = s_.dor;
      s_.dor = v;
      if (!(v & kDorReset)) chip_reset(false);
      else if (!(old & kDorReset)) leave_reset();
      update_irq();
      break;
    }
    case 3: s_.tdr = v & 3; break;
    case 4:  // DSR
      s_.rate = v & 3;
      s_.precomp = (v >> 2) & 7;
      if (v & 0x80) {
        chip_reset(false);
        if (s_.dor & kDorReset) leave_reset();
      }
      break;
    case 5: write_fifo(v); break;
    case 7: s_.rate = v & 3; break;  // CCR
    default: break;
  }
}

uint8_t Fdc82077::msr() const {
  if (!(s_.dor & kDorReset)) return 0;
  uint8_t m = 0;
  for (unsigned d = 0; d < 4; ++d)
    if (s_.drv[d].seeking) m |= uint8_t(1u << d);
  switch (s_.phase) {
    case FdcPhase::Idle: m |= kRqm; break;
    case FdcPhase::Command: m |= kRqm | kCb; break;
    case FdcPhase::Execution:
      m |= kCb;
      if (!s_.x.dma) m |= kNdm;
      if (s_.pio_request) m |= uint8_t(kRqm | (s_.pio_to_host ? kDio : 0));
      break;
    case FdcPhase::Result: m |= kRqm | kDio | kCb; break;
  }
  return m;
}

uint8_t Fdc82077::read_fifo() {
  if (!(s_.dor & kDorReset)) return s_.last_byte;
  if (s_.phase == FdcPhase::Result) {
    uint8_t v = s_.res[s_.res_pos++ & 15];
    if (s_.res_pos == 1 && s_.result_int) {
      s_.result_int = false;
      s_.int_latch = false;
      for (const auto& d : s_.drv) s_.int_latch |= d.int_pending;
    }
    if (s_.res_pos >= s_.res_len) s_.phase = FdcPhase::Idle;
    s_.last_byte = v;
    update_irq();
    return v;
  }
  if (s_.phase == FdcPhase::Execution && s_.pio_request && s_.pio_to_host) {
    uint8_t v = s_.buf[s_.buf_pos++ % s_.buf.size()];
    s_.last_byte = v;
    irq_.lower();  // each byte moved ends this request; the next one is a new edge
    if (s_.buf_pos >= s_.buf_len) pio_byte_done();
    update_irq();
    return v;
  }
  return s_.last_byte;
}

void Fdc82077::write_fifo(uint8_t v) {
  if (!(s_.dor & kDorReset)) return;
  switch (s_.phase) {
    case FdcPhase::Idle: {
      const CmdDesc& d = lookup(v);
      s_.cmd[0] = v;
      s_.cmd_len = 1;
      s_.cmd_need = d.length;
      if (s_.cmd_need == 1) start_command();
      else s_.phase = FdcPhase::Command;
      break;
    }
    case FdcPhase::Command:
      if (s_.cmd_len < s_.cmd_need && s_.cmd_len < s_.cmd.size()) s_.cmd[s_.cmd_len++] = v;
      if (s_.cmd_len >= s_.cmd_need) start_command();
      break;
    case FdcPhase::Execution:
      if (s_.pio_request && !s_.pio_to_host) {
        s_.buf[s_.buf_pos++ % s_.buf.size()] = v;
        irq_.lower();
        if (s_.buf_pos >= s_.buf_len) pio_byte_done();
        update_irq();
      }
      break;
    case FdcPhase::Result: break;  // the chip is not listening
  }
}

// hardware: the RESET pin (power-on); otherwise DOR /RESET or DSR S/W RESET.
void Fdc82077::chip_reset(bool hardware) {
  s_.phase = FdcPhase::Idle;
  s_.cmd_len = s_.cmd_need = 0;
  s_.res_len = s_.res_pos = 0;
  s_.int_latch = s_.result_int = false;
  s_.reset_sense = 0;
  s_.reset_due = -1;
  s_.exec_due = -1;
  s_.x = FdcXfer{};
  s_.pio_request = false;
  s_.buf_pos = s_.buf_len = 0;
  for (auto& d : s_.drv) {
    d.seeking = false;
    d.int_pending = false;
    d.seek_due = -1;
  }
  if (hardware) {
    s_.dor = 0;
    s_.tdr = 0;
    s_.rate = kRate250k;
    s_.precomp = 0;
    s_.specify1 = s_.specify2 = 0;
    s_.lock = false;
    s_.perp = 0;
    s_.last_eot = 0;
  } else {
    s_.perp &= 0x3C;  // GAP and WGATE clear; the drive bits D3-D0 survive
  }
  if (hardware || !s_.lock) {
    s_.config = 0x20;  // implied seek off, FIFO off, polling on, threshold 1
    s_.pretrk = 0;
  }
  if (dma_) dma_->set_dreq(dma_ch_, false);
  update_irq();
  arm();
}

void Fdc82077::leave_reset() {
  if (!(s_.config & 0x10)) {  // drive polling enabled: the "ready changed" interrupt
    s_.reset_due = sched_.now() + kResetNs;
    arm();
  }
}

void Fdc82077::update_irq() {
  bool level = (s_.dor & kDorReset) && (s_.dor & kDorDmaGate) && (s_.int_latch || s_.pio_request);
  irq_.set(level);
}

void Fdc82077::result(std::initializer_list<uint8_t> bytes, bool interrupt) {
  s_.res_len = 0;
  for (uint8_t b : bytes)
    if (s_.res_len < s_.res.size()) s_.res[s_.res_len++] = b;
  s_.res_pos = 0;
  s_.phase = FdcPhase::Result;
  if (interrupt) {
    s_.int_latch = true;
    s_.result_int = true;
    s_.reset_sense = 0;  // a new interrupt supersedes the reset's drive-ready statuses
  }
  update_irq();
}

// ---- commands without a data transfer ----

void Fdc82077::start_command() {
  const uint8_t* c = s_.cmd.data();
  unsigned d = c[1] & 3, hd = (c[1] >> 2) & 1;
  s_.phase = FdcPhase::Idle;
  switch (lookup(c[0]).cmd) {
    case Cmd::Specify:
      s_.specify1 = c[1];
      s_.specify2 = c[2];
      break;
    case Cmd::SenseDrive: {
      uint8_t st3 = uint8_t(0x28 | hd << 2 | d);
      if (drive_usable(d)) {
        if (drives_[d].write_protected) st3 |= 0x40;
        if (s_.drv[d].cyl == 0) st3 |= 0x10;
      }
      result({st3}, false);
      break;
    }
    case Cmd::SenseInt: cmd_sense_interrupt(); break;
    case Cmd::Recalibrate: cmd_seek(d, 0, 0, 0, true); break;
    case Cmd::Seek: cmd_seek(d, hd, c[2], int(c[2]) - int(s_.drv[d].pcn), false); break;
    case Cmd::RelSeek: {
      int delta = (c[0] & 0x40) ? c[2] : -int(c[2]);
      cmd_seek(d, hd, uint8_t(s_.drv[d].pcn + delta), delta, false);
      break;
    }
    case Cmd::Configure:
      s_.config = c[2] & 0x7F;
      s_.pretrk = c[3];
      break;
    case Cmd::Lock:
      s_.lock = c[0] & 0x80;
      result({uint8_t(s_.lock ? 0x10 : 0)}, false);
      break;
    case Cmd::DumpReg:
      result({s_.drv[0].pcn, s_.drv[1].pcn, s_.drv[2].pcn, s_.drv[3].pcn, s_.specify1,
              s_.specify2, s_.last_eot, uint8_t((s_.lock ? 0x80 : 0) | (s_.perp & 0x3F)),
              s_.config, s_.pretrk},
             false);
      break;
    case Cmd::Perpendicular:
      if (c[1] & 0x80) s_.perp = c[1] & 0x3F;  // OW: the drive bits are written too
      else s_.perp = uint8_t((s_.perp & 0x3C) | (c[1] & 3));
      break;
    case Cmd::Version: result({0x90}, false); break;
    case Cmd::Invalid: result({0x80}, false); break;
    default: start_xfer(); break;
  }
}

void Fdc82077::cmd_sense_interrupt() {
  if (s_.reset_sense) {
    unsigned d = 4u - s_.reset_sense--;
    s_.int_latch = false;
    result({uint8_t(0xC0 | d), s_.drv[d].pcn}, false);
    return;
  }
  for (unsigned d = 0; d < 4; ++d) {
    auto& dv = s_.drv[d];
    if (!dv.int_pending) continue;
    dv.int_pending = false;
    s_.int_latch = false;
    for (const auto& o : s_.drv) s_.int_latch |= o.int_pending;
    result({dv.st0, dv.pcn}, false);
    return;
  }
  result({0x80}, false);
}

// SEEK, RELATIVE SEEK (delta steps, PCN becomes new_pcn) and RECALIBRATE (step out until
// TRK0, at most 79 steps).  The controller is free again at once; DxB shows the seek.
void Fdc82077::cmd_seek(unsigned d, unsigned hd, uint8_t new_pcn, int delta, bool recal) {
  auto& dv = s_.drv[d];
  bool present = drive_usable(d);
  int steps;
  if (recal) {
    steps = present ? std::min<int>(dv.cyl, 79) : 79;
    bool found = present && dv.cyl <= 79;
    dv.st0 = uint8_t(0x20 | d | (found ? 0 : 0x50));  // SE; abnormal + EC without TRK0
    dv.target = 0;
    dv.target_cyl = uint8_t(present ? dv.cyl - steps : 0);
  } else {
    steps = delta < 0 ? -delta : delta;
    dv.st0 = uint8_t(0x20 | hd << 2 | d);
    dv.target = new_pcn;
    int cyl = present ? int(dv.cyl) + delta : 0;
    int top = present ? floppy_drive_max_cylinder(drives_[d].type) : 0;
    dv.target_cyl = uint8_t(std::clamp(cyl, 0, top));
  }
  dv.stepped = present && dv.target_cyl != dv.cyl;
  dv.seeking = true;
  dv.int_pending = false;
  dv.seek_due = sched_.now() + kSeekNs + int64_t(steps) * kStepNs;
  arm();
}

void Fdc82077::seek_done(unsigned d) {
  auto& dv = s_.drv[d];
  dv.seeking = false;
  dv.seek_due = -1;
  dv.pcn = dv.target;
  dv.cyl = dv.target_cyl;
  if (dv.stepped && drive_usable(d) && drives_[d].has_medium()) dv.disk_changed = false;
  dv.int_pending = true;
  s_.int_latch = true;
  s_.reset_sense = 0;  // as for a result phase: the reset statuses are gone
  update_irq();
}

// ---- time ----

void Fdc82077::arm() {
  int64_t when = INT64_MAX;
  auto take = [&](int64_t t) {
    if (t >= 0 && t < when) when = t;
  };
  take(s_.reset_due);
  take(s_.exec_due);
  for (const auto& d : s_.drv) take(d.seek_due);
  if (when == INT64_MAX) {
    if (ev_) sched_.cancel(ev_);
    ev_ = 0;
    ev_when_ = -1;
    return;
  }
  if (ev_ && ev_when_ == when) return;
  if (ev_) sched_.cancel(ev_);
  ev_when_ = when;
  ev_ = sched_.schedule_at(when, [this] { on_event(); });
}

void Fdc82077::on_event() {
  ev_ = 0;
  ev_when_ = -1;
  int64_t now = sched_.now();
  if (s_.reset_due >= 0 && s_.reset_due <= now) {
    s_.reset_due = -1;
    s_.reset_sense = 4;
    s_.int_latch = true;
    update_irq();
  }
  for (unsigned d = 0; d < 4; ++d)
    if (s_.drv[d].seek_due >= 0 && s_.drv[d].seek_due <= now) seek_done(d);
  if (s_.exec_due >= 0 && s_.exec_due <= now) {
    s_.exec_due = -1;
    exec_step();
  }
  arm();
}

void Fdc82077::serialize(Serializer& s) {
  s(s_);
  if (s.loading()) {
    if (ev_) sched_.cancel(ev_);
    ev_ = 0;
    ev_when_ = -1;
    irq_.set(false);
    update_irq();
    arm();
  }
}

}  // namespace rz
