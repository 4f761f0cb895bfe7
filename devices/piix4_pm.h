// devices/piix4_pm.h: the power management function of the Intel 82371AB PIIX4 (PCI
// function 3, 8086:7113), as its data sheet (Intel 290562, section 3.4 and chapter 11)
// and the ACPI specification (chapter 4, fixed hardware) describe the parts an ACPI OS
// uses.  QEMU's "pc" machine puts it at 00:01.3 beside a PIIX3; so do we.
//
// Configuration space:
//   - PMBA (0x40): base of the 64-byte power management I/O block (bits 15:6; bit 0 reads
//     1, "I/O space").  PMREGMISC (0x80) bit 0 PMIOSE turns its decoding on.
//   - DEVACTB (0x58) bit 25 APMC_EN reads 1 and cannot be cleared: SMM is not modelled,
//     and firmware (SeaBIOS, as on QEMU with smm=off) takes a set bit to mean its SMM
//     set-up is done; it would otherwise wait forever for an SMI handler.
//   - SMBBA (0x90), SMBHSTCFG (0xD2), CNTA/CNTB and the DEVRES registers (0x44-0x77) hold
//     their values; the SMBus host controller itself is NOT modelled (its ports stay
//     unmapped), nor are the device-monitor traps the DEVRES registers steer.
// The I/O block (offsets from PMBA):
//   - 00h PMSTS / 02h PMEN (ACPI PM1a_EVT_BLK): TMROF, GBL, PWRBTN, RTC status (write 1
//     to clear) and enable bits.
//   - 04h PMCNTRL (PM1a_CNT_BLK): SCI_EN, BRLD_EN_BM, GBL_RLS (write-only), SUS_TYP and
//     SUS_EN (write-only).  SUS_EN with SUS_TYP = 000 (soft off, the DSDT's \_S5) powers
//     the machine off; the other sleep types (suspend to RAM, POS) are not modelled and do
//     nothing.
//   - 08h PMTMR (PM_TMR_BLK): the 24-bit power management timer, counting at 3.579545 MHz
//     on the scheduler's virtual clock from power-on; TMROF_STS is set each time bit 23
//     changes.
//   - 0Ch GPSTS / 0Eh GPEN (GPE0_BLK, 2 + 2 bytes): status (write 1 to clear) and enable;
//     no general-purpose event source is wired, so status bits never set.
//   - 10h-3Fh (PCNTRL, GLBSTS, DEVSTS, GLBEN, GLBCTL, DEVCTL, GPOREG): plain storage;
//     PLVL2/PLVL3 (14h/15h) and GPIREG (30h-33h) read 0 (no C2/C3 entry, no input pins).
// SCI: while SCI_EN is set, (PMSTS & PMEN) or (GPSTS & GPEN) drives the SCI line, which
// the board wires to IRQ9 (level triggered: the OS sets its ELCR bit).  With SCI_EN clear
// the same events would raise SMI#; there is no SMM, so they are only latched.
// APM control (ports 0xB2 APMC / 0xB3 APMS, PIIX function 0 registers in hardware): a
// write to APMC raises SMI# on a real board, and the firmware's SMI handler answers the
// ACPI enable/disable commands named in the FADT by setting or clearing SCI_EN.  Without
// SMM we do that handler's work here, as QEMU does: 0xF1 sets SCI_EN, 0xF0 clears it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/pci.h"
#include "devices/scheduler.h"

namespace rz {

class Piix4Pm : public PciDevice {
 public:
  // Configuration registers.
  static constexpr uint8_t kPmba = 0x40, kDevactb = 0x58, kPmregmisc = 0x80, kSmbba = 0x90,
                           kSmbhstcfg = 0xD2;
  static constexpr uint32_t kApmcEn = 1u << 25;  // DEVACTB: SMI on APMC writes
  // I/O block offsets.
  static constexpr unsigned kPmsts = 0x00, kPmen = 0x02, kPmcntrl = 0x04, kPmtmr = 0x08,
                            kGpsts = 0x0C, kGpen = 0x0E, kBlockSize = 0x40;
  // PMSTS / PMEN bits.
  static constexpr uint16_t kTmrof = 0x0001, kBmSts = 0x0010, kGbl = 0x0020, kPwrbtn = 0x0100,
                            kRtc = 0x0400, kPwrbtnor = 0x0800, kWak = 0x8000;
  // PMCNTRL bits.
  static constexpr uint16_t kSciEn = 0x0001, kBrldEnBm = 0x0002, kGblRls = 0x0004,
                            kSusTypShift = 10, kSusTypMask = 0x1C00, kSusEn = 0x2000;
  static constexpr uint16_t kPortApmc = 0xB2, kPortApms = 0xB3;
  static constexpr uint8_t kApmAcpiEnable = 0xF1, kApmAcpiDisable = 0xF0;
  static constexpr uint64_t kTimerHz = 3579545;

  Piix4Pm(Scheduler& sched, PortBus& ports);
  ~Piix4Pm() override;

  // The SCI output (the board wires it to IRQ9).
  IrqLine& sci() { return sci_; }
  // SUS_EN with the soft-off sleep type.
  void on_power_off(std::function<void()> f) { power_off_ = std::move(f); }

  // What firmware does to turn the block on (PMBA, PMIOSE), for firmware-less boots.
  void enable_io(uint16_t base);
  // The power button (PWRBTN_STS; an SCI when PWRBTN_EN and SCI_EN are set).
  void press_power_button();

  // The I/O block as the CPU sees it (offset within the block, size 1/2/4).
  uint32_t io_read(unsigned off, unsigned size);
  void io_write(unsigned off, unsigned size, uint32_t value);
  // PMTMR now.
  uint32_t timer() const { return uint32_t(ticks(sched_.now()) & 0xFFFFFF); }
  uint16_t io_base() const { return mapped_base_; }  // 0 when not decoded
  uint16_t pm1_status() const { return pmsts_; }
  uint16_t pm1_control() const { return pmcntrl_; }

  void config_write(uint8_t off, unsigned size, uint32_t value) override;
  void reset() override;
  void serialize(Serializer& s) override;

  // Timer ticks since power-on at virtual time `ns`, and the first time at which the tick
  // count reaches `tick`.
  static uint64_t ticks(int64_t ns);
  static int64_t time_of_tick(uint64_t tick);

 private:
  uint8_t read_byte(unsigned off, uint32_t tmr) const;
  void write_byte(unsigned off, uint8_t v);
  void update_io();
  void update_sci();
  void arm_overflow();
  void overflow();
  void sleep(unsigned type);
  void reset_registers();

  Scheduler& sched_;
  PortBus& ports_;
  IrqLine sci_;
  std::function<void()> power_off_;
  uint16_t mapped_base_ = 0;
  EventId overflow_ev_ = 0;
  bool overflow_armed_ = false;
  uint16_t pmsts_ = 0, pmen_ = 0, pmcntrl_ = 0, gpsts_ = 0, gpen_ = 0;
  std::array<uint8_t, kBlockSize> other_{};  // 10h-3Fh storage
  uint8_t apmc_ = 0, apms_ = 0;
};

}  // namespace rz
