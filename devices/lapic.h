// devices/lapic.h: the local APIC of a P6-family processor (Pentium Pro/II), as Intel SDM
// vol. 3 chapter 10 describes it for P6 processors on the three-wire APIC bus (no x2APIC, no
// TSC-deadline timer, no thermal or CMCI LVT entries).
//
// The APIC sits in the CPU package, but it is modelled as a device: the CPU keeps the
// IA32_APIC_BASE MSR and tells us of every write (cpu/cpu.h `LocalApicPort`, wired by the
// machine); we map our 4 KiB register page at the base in PhysMem and drive the CPU's INTR
// line through a callback, as the PIC does without an APIC.
//
// Registers (offsets in the page; only 16-byte-aligned 32-bit accesses are architectural):
//   20h ID (bits 27:24, 4-bit P6 IDs), 30h version 0x00040011 (integrated APIC 11h, 5 LVT
//   entries: timer, perf counter, LINT0, LINT1, error), 80h TPR, 90h APR, A0h PPR, B0h EOI,
//   D0h LDR, E0h DFR, F0h SVR (bits 3:0 read 1 on P6), 100h-170h ISR, 180h-1F0h TMR,
//   200h-270h IRR, 280h ESR (a write latches the errors gathered since the previous write),
//   300h/310h ICR, 320h LVT timer, 340h LVT perf counter, 350h/360h LVT LINT0/LINT1,
//   370h LVT error, 380h/390h timer initial/current count, 3E0h divide configuration.
// Other offsets are reserved: reads give 0, writes are dropped, and both set ESR bit 7
// (illegal register address) as P6 processors do.  Widths (model specific by the SDM; our
// choice): a read of 1, 2 or 4 bytes returns those bytes of the 32-bit register (bytes 4-15
// of a 16-byte slot read 0); a write must be 4 bytes at the register's offset, anything
// else is ignored, so no register is ever half written.
//
// Interrupt acceptance follows SDM 10.8: fixed interrupts set IRR (and TMR for level
// triggered ones); the highest IRR vector is presented to the CPU when its priority class
// is above PPR's (PPR = TPR when TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0); INTA moves it to
// ISR; an EOI clears the highest ISR bit and, for a level-triggered vector, sends an EOI
// message to the I/O APIC.  If nothing is left to deliver at INTA the APIC answers with the
// spurious vector (SVR).  Vectors 0-15 are illegal: they set ESR bit 6 (received) or 5
// (sent) and are dropped.
//
// LINT0 takes the 8259A's INT output: in ExtINT mode the APIC asserts INTR while it is high
// and hands the INTA cycle to the PIC (virtual wire mode).  With IA32_APIC_BASE[11] clear
// the APIC is out of the way and the PIC drives INTR directly.  LINT1 in NMI mode gives an
// NMI on a rising edge.
//
// RESET state: SDM 10.4.7.1 (SVR 0FFh: software disabled; every LVT masked), with ONE
// deliberate departure, the one QEMU makes: LVT LINT0 is ExtINT and unmasked (00000700h),
// as a BIOS programs it for virtual wire mode.  Without it no PIC interrupt would reach the
// CPU in firmware-less runs (direct Linux boot, bare-metal ROMs) until software set the
// APIC up.  An explicit software disable (SVR bit 8 written 0) then masks every LVT entry
// as the SDM says, and mask bits cannot be cleared while software disabled.
//
// Timer: counts at the bus clock divided by the divide configuration; the bus runs at
// 66.67 MHz (15 ns per clock, the Pentium II "Klamath" front-side bus), so every count is a
// whole number of virtual nanoseconds and --clock=virtual runs repeat exactly.  The current
// count is derived from the virtual clock, and one scheduler event is armed for the next
// expiry while the timer LVT is unmasked.  Periodic mode reloads the initial count when the
// count reaches 0 (period = initial count clocks).  Changing the divider or the mode while
// the timer runs continues from the current count (the fraction of the clock in progress
// is dropped).
//
// ICR: fixed (and lowest-priority), NMI IPIs to ourselves (shorthand self, all including
// self, or a destination that matches us) are delivered at once, so the delivery-status
// bit always reads idle.  INIT, start-up, SMI and INIT level de-assert IPIs have no other
// CPU to go to (one CPU) and are dropped; an INIT addressed to ourselves is not modelled
// either.  No send-accept error is logged for messages nobody accepts.
//
// Not modelled: the performance-counter LVT is a register only (the CPU's P6 counters do
// not signal overflow to it), focus processor checking and arbitration IDs (one CPU).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "devices/irq.h"
#include "devices/scheduler.h"
#include "devices/serialize.h"
#include "mmu/phys.h"

namespace rz {

// An interrupt message on the APIC bus (from the I/O APIC or an IPI).
struct ApicMessage {
  enum Mode : uint8_t { Fixed = 0, LowestPriority = 1, Smi = 2, Nmi = 4, Init = 5, StartUp = 6, ExtInt = 7 };
  uint8_t vector = 0;
  uint8_t mode = Fixed;
  bool logical = false;  // destination mode: logical (LDR/DFR) or physical (APIC ID)
  uint8_t dest = 0;
  bool level = false;    // trigger mode: level (true) or edge
};

struct LocalApicState {
  uint64_t base_msr = 0;        // IA32_APIC_BASE as the CPU last wrote it
  uint32_t id = 0;              // bits 27:24
  uint32_t tpr = 0;
  uint32_t ldr = 0;
  uint32_t dfr = 0xFFFFFFFFu;
  uint32_t svr = 0xFF;
  std::array<uint32_t, 8> isr{}, tmr{}, irr{};
  uint32_t esr = 0;             // as last latched by an ESR write
  uint32_t esr_pending = 0;     // errors since that write
  uint32_t icr_lo = 0, icr_hi = 0;
  std::array<uint32_t, 6> lvt{};  // timer, (thermal: absent), perf, LINT0, LINT1, error
  uint32_t initial_count = 0;
  uint32_t divide_config = 0;
  bool timer_running = false;   // counting down (or periodic)
  int64_t timer_start = 0;      // virtual ns at which the count was last (re)loaded
  bool lint_level[2] = {false, false};
};

class LocalApic {
 public:
  static constexpr uint32_t kDefaultBase = 0xFEE00000u;
  static constexpr uint32_t kVersion = 0x00040011u;
  static constexpr int64_t kBusClockNs = 15;  // 66.67 MHz
  // IA32_APIC_BASE bits.
  static constexpr uint64_t kMsrBsp = 1u << 8, kMsrEnable = 1u << 11;
  // LVT indices (register offset 320h + 10h * index).
  enum Lvt : unsigned { kLvtTimer = 0, kLvtThermal = 1, kLvtPerf = 2, kLvtLint0 = 3, kLvtLint1 = 4, kLvtError = 5 };
  // ESR bits (P6).
  static constexpr uint32_t kEsrSendIllegalVector = 1u << 5, kEsrReceiveIllegalVector = 1u << 6,
                            kEsrIllegalRegister = 1u << 7;

  LocalApic(Scheduler& sched, PhysMem& mem);
  LocalApic(const LocalApic&) = delete;
  LocalApic& operator=(const LocalApic&) = delete;
  ~LocalApic();

  // Power-up/RESET state (see the header comment for LINT0), with the base MSR at its reset
  // value FEE00900h (BSP, enabled): the page is mapped at FEE00000h.  The CPU, which owns
  // the MSR, repeats that value through set_base_msr when it resets.
  void reset();
  // IA32_APIC_BASE written (the CPU has checked reserved bits).  Moves the register page;
  // clearing bit 11 puts the APIC in its power-up state and hands INTR to the PIC.
  void set_base_msr(uint64_t v);
  uint64_t base_msr() const { return s_.base_msr; }
  bool hw_enabled() const { return s_.base_msr & kMsrEnable; }
  bool sw_enabled() const { return s_.svr & 0x100; }

  // The 8259A side: its INTA cycle (for ExtINT).  Its INT output drives lint(0).
  void set_pic_ack(std::function<uint8_t()> ack) { pic_ack_ = std::move(ack); }
  // LINT0 / LINT1 input pins.
  IrqSink* lint(unsigned n) { return &lint_in_[n & 1]; }

  // A message from the APIC bus; true if this APIC accepted it.
  bool receive(const ApicMessage& m);

  // The CPU side.
  bool intr() const { return intr_; }
  uint8_t acknowledge();
  void on_intr_change(std::function<void(bool)> f) { intr_cb_ = std::move(f); }
  void on_nmi(std::function<void()> f) { nmi_cb_ = std::move(f); }
  // EOI of a level-triggered vector: the I/O APIC clears its Remote IRR.
  void on_eoi(std::function<void(uint8_t vector)> f) { eoi_cb_ = std::move(f); }

  // Register access at `off` in the page.
  uint32_t read(uint32_t off, unsigned size);
  void write(uint32_t off, unsigned size, uint32_t v);
  uint32_t read_reg(uint32_t off);  // one 32-bit register (off 16-byte aligned)
  void write_reg(uint32_t off, uint32_t v);
  // Called before and after every guest access to the page: the machine brings device time
  // up to the CPU's (the current count must be read at the instruction's moment) and ends
  // its time slice early when the access armed a sooner event.
  void set_access_hooks(std::function<void()> before, std::function<void()> after) {
    before_ = std::move(before);
    after_ = std::move(after);
  }

  uint32_t ppr() const;
  uint32_t apr() const;
  uint32_t current_count() const;
  const LocalApicState& state() const { return s_; }
  void serialize(Serializer& s);

 private:
  struct LintIn : IrqSink {
    LocalApic* apic = nullptr;
    unsigned n = 0;
    void set_level(bool high) override { apic->lint_changed(n, high); }
  };
  static int highest(const std::array<uint32_t, 8>& v);  // vector or -1
  void map_page();
  void unmap_page();
  void update(bool force = false);               // recompute INTR
  bool extint_pending() const;
  int deliverable() const;                        // IRR vector to present, or -1
  bool accept_fixed(uint8_t vector, bool level);  // set IRR (false: illegal vector)
  void local_interrupt(unsigned lvt);             // an LVT source fires
  void lint_changed(unsigned n, bool high);
  void error(uint32_t esr_bits);
  void eoi();
  void send_ipi();
  bool matches(bool logical, uint8_t dest) const;
  void write_lvt(unsigned idx, uint32_t v);
  void write_svr(uint32_t v);
  // Timer.
  int64_t tick_ns() const;
  // Keeping the current count across a divider or mode change: settle (a one-shot count that
  // ran out stops), change the setting, continue from the count read before.
  void timer_rebase_settle();
  void timer_continue_from(uint32_t count);
  void timer_arm();
  void timer_fire();

  Scheduler& sched_;
  PhysMem& mem_;
  LocalApicState s_;
  bool mapped_ = false;
  uint32_t mapped_base_ = 0;
  bool intr_ = false;
  EventId timer_event_ = 0;
  std::array<LintIn, 2> lint_in_{};
  std::function<uint8_t()> pic_ack_;
  std::function<void(bool)> intr_cb_;
  std::function<void()> nmi_cb_;
  std::function<void(uint8_t)> eoi_cb_;
  std::function<void()> before_, after_;
};

}  // namespace rz
