// devices/piix4_pm.cpp: PIIX4 power management (ACPI fixed hardware, PM timer, SCI,
// soft off).  See piix4_pm.h.
#include "devices/piix4_pm.h"

namespace rz {

namespace {

constexpr uint16_t kPmenMask = Piix4Pm::kTmrof | Piix4Pm::kGbl | Piix4Pm::kPwrbtn | Piix4Pm::kRtc;
constexpr uint16_t kPmstsMask = kPmenMask | Piix4Pm::kBmSts | Piix4Pm::kPwrbtnor | Piix4Pm::kWak;
// PMCNTRL bits that read back (GBL_RLS and SUS_EN are write-only).
constexpr uint16_t kPmcntrlStored = Piix4Pm::kSciEn | Piix4Pm::kBrldEnBm | Piix4Pm::kSusTypMask;

}  // namespace

Piix4Pm::Piix4Pm(Scheduler& sched, PortBus& ports)
    : PciDevice(0x8086, 0x7113, 0x06, 0x80, 0x00, 0x03, "piix4-pm"), sched_(sched), ports_(ports) {
  set_cfg16(pci::kStatus, 0x0280);  // fast back-to-back capable, medium DEVSEL
  set_cfg16(pci::kSubsysVendor, 0x1AF4);
  set_cfg16(pci::kSubsysId, 0x1100);
  set_interrupt_pin(1);  // INTA#: the SMBus interrupt (the SMBus is not modelled)
  set_cfg32(kPmba, 0x00000001);
  set_cfg32(kSmbba, 0x00000001);
  set_writable(kPmba, 4, 0x0000FFC0);
  set_writable(kPmregmisc, 1, 0x01);
  set_writable(kSmbba, 4, 0x0000FFF0);
  set_writable(kSmbhstcfg, 1, 0x0F);
  set_writable(0x44, 4, 0xFFFFFFFF);  // CNTA
  set_writable(0x48, 4, 0xFFFFFFFF);  // CNTB
  for (uint8_t off = 0x4C; off < 0x78; off = uint8_t(off + 4)) set_writable(off, 4, 0xFFFFFFFF);
  // DEVACTB.APMC_EN (0x58 bit 25) reads 1 and stays: there is no SMM, and firmware takes
  // the bit as "SMM already set up" (QEMU does the same with smm=off).  SeaBIOS would
  // otherwise enable APMC SMIs and wait forever for an SMI handler to answer on APMS.
  set_cfg32(kDevactb, kApmcEn);
  set_writable(kDevactb, 4, ~kApmcEn);

  PortHandler apm;
  apm.read = [this](uint16_t port, unsigned) -> uint32_t { return port == kPortApmc ? apmc_ : apms_; };
  apm.write = [this](uint16_t port, unsigned, uint32_t v) {
    if (port == kPortApms) {
      apms_ = uint8_t(v);
      return;
    }
    apmc_ = uint8_t(v);
    // The firmware's SMI handler's answer to the FADT's ACPI_ENABLE / ACPI_DISABLE.
    if (apmc_ == kApmAcpiEnable) pmcntrl_ |= kSciEn;
    else if (apmc_ == kApmAcpiDisable) pmcntrl_ = uint16_t(pmcntrl_ & ~kSciEn);
    update_sci();
  };
  ports_.map(kPortApmc, 2, std::move(apm), "piix4 APM control");
  arm_overflow();
}

Piix4Pm::~Piix4Pm() {
  if (mapped_base_) ports_.unmap(mapped_base_, kBlockSize);
  ports_.unmap(kPortApmc, 2);
  sched_.cancel(overflow_ev_);
}

uint64_t Piix4Pm::ticks(int64_t ns) {
  if (ns <= 0) return 0;
  return uint64_t((unsigned __int128)uint64_t(ns) * kTimerHz / 1000000000u);
}

int64_t Piix4Pm::time_of_tick(uint64_t tick) {
  // The smallest ns with ticks(ns) >= tick: ceil(tick * 1e9 / f).
  unsigned __int128 n = (unsigned __int128)tick * 1000000000u + (kTimerHz - 1);
  return int64_t(n / kTimerHz);
}

void Piix4Pm::arm_overflow() {
  if (overflow_armed_) sched_.cancel(overflow_ev_);
  uint64_t next = ((ticks(sched_.now()) >> 23) + 1) << 23;
  overflow_ev_ = sched_.schedule_at(time_of_tick(next), [this] {
    overflow_armed_ = false;
    overflow();
  });
  overflow_armed_ = true;
}

void Piix4Pm::overflow() {
  // Bit 23 of the counter changed: TMROF_STS.
  pmsts_ |= kTmrof;
  update_sci();
  arm_overflow();
}

void Piix4Pm::press_power_button() {
  pmsts_ |= kPwrbtn;
  update_sci();
}

void Piix4Pm::update_sci() {
  bool active = (pmcntrl_ & kSciEn) && ((pmsts_ & pmen_ & kPmenMask) || (gpsts_ & gpen_));
  sci_.set(active);
}

uint8_t Piix4Pm::read_byte(unsigned off, uint32_t tmr) const {
  switch (off) {
    case kPmsts: return uint8_t(pmsts_);
    case kPmsts + 1: return uint8_t(pmsts_ >> 8);
    case kPmen: return uint8_t(pmen_);
    case kPmen + 1: return uint8_t(pmen_ >> 8);
    case kPmcntrl: return uint8_t(pmcntrl_);
    case kPmcntrl + 1: return uint8_t(pmcntrl_ >> 8);
    case kPmcntrl + 2: case kPmcntrl + 3: return 0;
    case kPmtmr: case kPmtmr + 1: case kPmtmr + 2: case kPmtmr + 3:
      return uint8_t(tmr >> (8 * (off - kPmtmr)));
    case kGpsts: return uint8_t(gpsts_);
    case kGpsts + 1: return uint8_t(gpsts_ >> 8);
    case kGpen: return uint8_t(gpen_);
    case kGpen + 1: return uint8_t(gpen_ >> 8);
    case 0x14: case 0x15: return 0;  // PLVL2 / PLVL3: no C2/C3 entry
    case 0x30: case 0x31: case 0x32: case 0x33: return 0;  // GPIREG: no input pins
    default: return off < kBlockSize ? other_[off] : 0xFF;
  }
}

void Piix4Pm::write_byte(unsigned off, uint8_t v) {
  auto lo = [](uint16_t r, uint8_t b) { return uint16_t((r & 0xFF00) | b); };
  auto hi = [](uint16_t r, uint8_t b) { return uint16_t((r & 0x00FF) | b << 8); };
  switch (off) {
    case kPmsts: pmsts_ = uint16_t(pmsts_ & ~(v & kPmstsMask)); break;
    case kPmsts + 1: pmsts_ = uint16_t(pmsts_ & ~((v << 8) & kPmstsMask)); break;
    case kPmen: pmen_ = uint16_t(lo(pmen_, v) & kPmenMask); break;
    case kPmen + 1: pmen_ = uint16_t(hi(pmen_, v) & kPmenMask); break;
    case kPmcntrl:
      // GBL_RLS would raise BIOS_STS for an SMI handler: no SMM, nothing to tell.
      pmcntrl_ = uint16_t(lo(pmcntrl_, v) & kPmcntrlStored);
      break;
    case kPmcntrl + 1:
      pmcntrl_ = uint16_t(hi(pmcntrl_, v) & kPmcntrlStored);
      if ((v << 8) & kSusEn) sleep((pmcntrl_ & kSusTypMask) >> kSusTypShift);
      break;
    case kGpsts: gpsts_ = uint16_t(gpsts_ & ~v); break;
    case kGpsts + 1: gpsts_ = uint16_t(gpsts_ & ~(v << 8)); break;
    case kGpen: gpen_ = lo(gpen_, v); break;
    case kGpen + 1: gpen_ = hi(gpen_, v); break;
    default:
      if (off >= 0x10 && off < kBlockSize) other_[off] = v;  // PMTMR and 06h/07h: read only
      break;
  }
}

void Piix4Pm::sleep(unsigned type) {
  // SUS_TYP 000: soft off (S5).  Suspend to RAM and the power-on-suspend states are not
  // modelled: the request is dropped and the CPU keeps running.
  if (type == 0 && power_off_) power_off_();
}

uint32_t Piix4Pm::io_read(unsigned off, unsigned size) {
  const uint32_t tmr = timer();  // one sample for the whole access
  uint32_t v = 0;
  for (unsigned k = 0; k < size; ++k) v |= uint32_t(read_byte(off + k, tmr)) << (8 * k);
  return v;
}

void Piix4Pm::io_write(unsigned off, unsigned size, uint32_t value) {
  for (unsigned k = 0; k < size; ++k) write_byte(off + k, uint8_t(value >> (8 * k)));
  update_sci();
}

void Piix4Pm::enable_io(uint16_t base) {
  config_write(kPmba, 4, uint32_t(base) | 1);
  config_write(kPmregmisc, 1, 1);
}

void Piix4Pm::update_io() {
  uint16_t want = (cfg8(kPmregmisc) & 1) ? uint16_t(cfg32(kPmba) & 0xFFC0) : 0;
  if (want == mapped_base_) return;
  if (mapped_base_) ports_.unmap(mapped_base_, kBlockSize);
  mapped_base_ = 0;
  if (!want) return;
  PortHandler h;
  h.widths = 1 | 2 | 4;
  h.read = [this](uint16_t port, unsigned size) -> uint32_t {
    return io_read(unsigned(port - mapped_base_), size);
  };
  h.write = [this](uint16_t port, unsigned size, uint32_t v) {
    io_write(unsigned(port - mapped_base_), size, v);
  };
  ports_.map(want, kBlockSize, std::move(h), "piix4 power management");
  mapped_base_ = want;
}

void Piix4Pm::config_write(uint8_t off, unsigned size, uint32_t value) {
  PciDevice::config_write(off, size, value);
  bool pmba = off < kPmba + 4 && off + size > kPmba;
  bool misc = off <= kPmregmisc && off + size > kPmregmisc;
  if (pmba || misc) update_io();
}

void Piix4Pm::reset_registers() {
  pmsts_ = pmen_ = pmcntrl_ = gpsts_ = gpen_ = 0;
  other_.fill(0);
  apmc_ = apms_ = 0;
}

void Piix4Pm::reset() {
  PciDevice::reset();
  reset_registers();
  update_io();
  update_sci();
}

void Piix4Pm::serialize(Serializer& s) {
  PciDevice::serialize(s);
  s(pmsts_);
  s(pmen_);
  s(pmcntrl_);
  s(gpsts_);
  s(gpen_);
  s(other_);
  s(apmc_);
  s(apms_);
  if (s.loading()) {
    update_io();
    update_sci();
    arm_overflow();
  }
}

}  // namespace rz
