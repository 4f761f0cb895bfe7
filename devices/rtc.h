// devices/rtc.h: the Motorola MC146818A real-time clock with its CMOS NVRAM (ports
// 0x70/0x71, IRQ8), as in the PC/AT.
//
// The clock keeps "calendar seconds since 1970-01-01 00:00" and the virtual time at
// which the current second began; the time/date registers are derived on read in BCD or
// binary and 12/24-hour form (register B).  An update cycle ends on every second
// boundary of virtual time (a scheduler event): it sets UF, compares the alarm (with
// the 0xC0-0xFF don't-care codes) and sets AF.  UIP reads 1 for the 244 us before and
// the 1984 us of an update cycle.  Periodic interrupts run from the 32.768 kHz divider
// at the rate in register A; PF is also set when nobody enables PIE (polled guests).
// IRQ8 is active while (PF&PIE)|(AF&AIE)|(UF&UIE); reading register C clears it.
// Port 0x70 bit 7 is the NMI mask of the PC/AT.
// Known simplifications: changing DM or 24/12 in register B re-presents the clock in the
// new format instead of leaving stale register contents; daylight saving (DSE) is not
// applied; only the 32.768 kHz time base (DV=010) runs the clock.
#pragma once

#include <array>
#include <cstdint>

#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/scheduler.h"
#include "devices/serialize.h"

namespace rz {

struct RtcState {
  std::array<uint8_t, 128> cmos{};  // NVRAM; 0x00-0x09 and 0x32 are derived on read
  uint8_t index = 0;
  bool nmi_masked = true;
  int64_t base_seconds = 0;  // calendar seconds at base_ns (or frozen value when stopped)
  int64_t base_ns = 0;       // virtual time at which that second began
  int64_t divider_ns = 0;    // virtual time the divider chain was last released
  int64_t pf_index = 0;      // periodic interval count PF was last evaluated at
  uint8_t flags = 0;         // register C bits PF (0x40), AF (0x20), UF (0x10)
  int8_t dow_offset = 0;     // guest-written day of week relative to the computed one
};

// Calendar helpers (proleptic Gregorian, days since 1970-01-01).
int64_t rtc_days_from_civil(int64_t y, unsigned m, unsigned d);
void rtc_civil_from_days(int64_t days, int64_t& y, unsigned& m, unsigned& d);

class Rtc {
 public:
  // `start_seconds`: calendar seconds since 1970-01-01 00:00 at virtual time now.
  Rtc(Scheduler& sched, int64_t start_seconds);
  Rtc(const Rtc&) = delete;
  Rtc& operator=(const Rtc&) = delete;
  ~Rtc();

  void map_ports(PortBus& bus);
  IrqLine& irq8() { return irq_; }
  bool nmi_masked() const { return s_.nmi_masked; }

  uint8_t read_port(uint16_t port);
  void write_port(uint16_t port, uint8_t v);
  uint8_t read_reg(uint8_t index);
  void write_reg(uint8_t index, uint8_t v);
  int64_t seconds_now() const;

  // Raw NVRAM access for the board's firmware set-up (no side effects).
  uint8_t cmos(uint8_t index) const { return s_.cmos[index & 0x7F]; }
  void set_cmos(uint8_t index, uint8_t v) { s_.cmos[index & 0x7F] = v; }

  // CMOS contents as SeaBIOS and the PC BIOS conventions read them.
  void set_memory(uint64_t below_4g, uint64_t above_4g);  // 0x15-18, 0x30-31, 0x34-35, 0x5B-5D
  void set_equipment(uint8_t v) { s_.cmos[0x14] = v; }
  // Boot devices in order (1 floppy, 2 hard disk, 3 CD-ROM, 4 network), up to three;
  // 0x3D low/high nibble and 0x38 high nibble, as QEMU/SeaBIOS use them.
  void set_boot_order(const uint8_t* dev, unsigned n, bool skip_floppy_check);
  void set_cpu_count(unsigned n) { s_.cmos[0x5F] = uint8_t(n ? n - 1 : 0); }
  void update_checksum();  // 0x2E/0x2F: sum of 0x10-0x2D

  void serialize(Serializer& s);

 private:
  bool running() const;
  bool binary() const { return s_.cmos[0x0B] & 0x04; }
  bool hour24() const { return s_.cmos[0x0B] & 0x02; }
  uint8_t encode(unsigned v) const;
  unsigned decode(uint8_t v) const;
  uint8_t time_reg(uint8_t index) const;
  void set_time_field(uint8_t index, uint8_t v);
  int64_t periodic_ns_ticks() const;  // interval in 32.768 kHz ticks, 0 = off
  void refresh_pf();
  void update_irq();
  void arm_update();
  void arm_periodic();
  void on_update();
  void on_periodic();

  Scheduler& sched_;
  RtcState s_;
  IrqLine irq_;
  EventId update_ev_ = 0, periodic_ev_ = 0;
};

}  // namespace rz
