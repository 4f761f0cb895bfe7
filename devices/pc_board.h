// devices/pc_board.h: the PC/AT schematic.  One constructor creates the legacy devices
// of a PIIX-era PC on a PortBus + Scheduler + PhysMem and wires them the way the
// motherboard does:
//   PIT OUT0 -> IRQ0, i8042 keyboard -> IRQ1, slave PIC -> IRQ2 (cascade),
//   COM2 -> IRQ3, COM1 -> IRQ4, RTC -> IRQ8, i8042 mouse -> IRQ12;
//   82077AA floppy controller at 0x3F0 -> IRQ6, DMA channel 2;
//   A20 = i8042 output port bit 1 OR port 0x92 bit 1 (applied to PhysMem);
//   CPU reset requests from the i8042 (0xFE, output port) and port 0x92 bit 0;
//   the PCI bus (0xCF8/0xCFC) with the i440FX host bridge at 00.0 (PAM shadowing of
//   0xC0000-0xFFFFF) and the PIIX3 ISA bridge at 01.0 (PIRQ A-D -> ISA IRQs, reset
//   control at 0xCF9: a hard reset there also resets every PCI device), and the PIIX4
//   power management function at 01.3 (ACPI PM registers and timer; its SCI is wired-ORed
//   into IRQ9 with the ISA IRQ9 pin and the PIIX3's PIRQ routing; soft off ends the run);
//   the CPU's local APIC (devices/lapic.h) at FEE00000h and an 82093AA I/O APIC at
//   FEC00000h: every ISA IRQ n (including the PIIX3's PIRQ routing and the SCI) drives
//   both the 8259A input n and I/O APIC pin n, except IRQ0, which goes to pin 2 (QEMU's
//   wiring, described by the MADT's interrupt source override); the PIC's INT output is
//   the local APIC's LINT0, and the local APIC drives the CPU's INTR and answers INTA
//   (asking the PIC for ExtINT).
// The integrator connects intr()/inta() and the reset callback to the CPU, and the
// frontend feeds keyboard, mouse and serial input through the accessors.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "devices/bus.h"
#include "devices/char_backend.h"
#include "devices/dma.h"
#include "devices/fdc.h"
#include "devices/i440fx.h"
#include "devices/i8042.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "devices/pci.h"
#include "devices/piix3.h"
#include "devices/piix4_pm.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/rtc.h"
#include "devices/scheduler.h"
#include "devices/serialize.h"
#include "devices/sysctl.h"
#include "devices/uart.h"
#include "mmu/phys.h"

namespace rz {

struct PcBoardConfig {
  // RTC calendar seconds since 1970-01-01 00:00 at the board's creation.  The owner
  // passes host local time, or kFixedRtcStart for a repeatable --clock=virtual run.
  int64_t rtc_start_seconds = kFixedRtcStart;
  uint64_t ram_below_4g = 0;  // 0: PhysMem::ram_size()
  uint64_t ram_above_4g = 0;
  unsigned cpus = 1;
  uint8_t boot_order[3] = {2, 3, 1};  // hard disk, CD-ROM, floppy
  unsigned boot_count = 3;
  bool skip_floppy_signature = true;
  uint8_t equipment = 0x06;  // FPU present, PS/2 mouse; no floppy (the FDC adds it)
  bool com1 = true, com2 = true;
  // UART line timing on the virtual clock (false: characters move at once, see uart.h).
  bool serial_paced = true;

  // 2000-01-01 00:00:00.
  static constexpr int64_t kFixedRtcStart = 946684800;
};

// Calendar seconds for a date and time (what PcBoardConfig::rtc_start_seconds wants).
int64_t pc_calendar_seconds(int64_t year, unsigned month, unsigned day, unsigned hour,
                            unsigned minute, unsigned second);

class PcBoard {
 public:
  PcBoard(PortBus& bus, Scheduler& sched, PhysMem& mem, const PcBoardConfig& cfg);
  PcBoard(const PcBoard&) = delete;
  PcBoard& operator=(const PcBoard&) = delete;

  // The CPU side.
  bool intr() const { return lapic_.intr(); }
  uint8_t inta() { return lapic_.acknowledge(); }
  void on_intr_change(std::function<void(bool)> f) { lapic_.on_intr_change(std::move(f)); }
  // NMIs from the local APIC (LINT1, IPIs, I/O APIC NMI entries).
  void on_nmi(std::function<void()> f) { lapic_.on_nmi(std::move(f)); }
  void on_reset(std::function<void()> f) { reset_cb_ = std::move(f); }
  void on_a20(std::function<void(bool)> f) { a20_cb_ = std::move(f); }
  bool a20() const { return a20_; }
  bool nmi_masked() const { return rtc_.nmi_masked(); }

  // Input from the host.
  Ps2Keyboard& keyboard() { return kbc_.keyboard(); }
  Ps2Mouse& mouse() { return kbc_.mouse(); }
  Uart16550* com(unsigned n) { return n == 0 ? com1_.get() : n == 1 ? com2_.get() : nullptr; }
  void set_serial_backend(unsigned n, CharBackend* b);
  void poll_serial();  // pull input from the serial back-ends

  // The devices, for other boards' parts (IDE/FDC use the PIC inputs and DMA).
  // ISA IRQ n.  Master IR2 carries the cascade, so the bus's IRQ2 pin is wired to IRQ9
  // (slave IR1), as on the PC/AT.
  IrqSink* irq_input(unsigned irq) {
    return irq == 2 || irq == 9 ? irq9_.input(kIrq9Isa) : &isa_irq_[irq & 15];
  }
  DualPic& pic() { return pic_; }
  LocalApic& lapic() { return lapic_; }
  IoApic& ioapic() { return ioapic_; }
  Pit& pit() { return pit_; }
  Rtc& rtc() { return rtc_; }
  I8042& kbc() { return kbc_; }
  DmaController& dma() { return dma_; }
  Fdc82077& fdc() { return *fdc_; }
  // Put a floppy image in drive 0 (A:) or 1 (B:): the drive type follows the image's
  // format, and CMOS 0x10 (drive types) and the equipment byte's floppy bits follow the
  // drives.  False with a message for an image of no known floppy size.
  bool attach_floppy(unsigned drive, BlockDevice* image, std::string& err);
  PostPort& post() { return post_; }
  // The PCI bus (configuration mechanism #1 at 0xCF8/0xCFC); devices plug in here.
  PciBus& pci() { return pci_; }
  I440fx& host_bridge() { return host_; }
  Piix3& isa_bridge() { return isa_; }
  Piix4Pm& power_management() { return pm_; }
  // ACPI soft off (SLP_EN with the S5 sleep type).
  void on_power_off(std::function<void()> f) { pm_.on_power_off(std::move(f)); }
  // Called by the owner when it carries out a reset request, before the CPU restarts:
  // a hard reset through 0xCF9 also asserts PCIRST# (every PCI device to its defaults).
  void complete_reset();
  // A hard reset requested from outside the guest (the monitor's system_reset): as a
  // write of 0x06 to 0xCF9 would, through the on_reset callback.
  void request_hard_reset() { request_reset(true); }
  SystemControlA& port92() { return port92_; }

  void serialize(Serializer& s);

 private:
  void update_a20();
  void request_reset(bool hard = false);

  // IRQ9's wired-OR inputs.
  enum : unsigned { kIrq9Isa = 0, kIrq9Pirq = 1, kIrq9Sci = 2 };

  PhysMem& mem_;
  DualPic pic_;
  LocalApic lapic_;
  IoApic ioapic_;
  std::array<IrqFanout, 16> isa_irq_;  // ISA IRQ n -> PIC input n and an I/O APIC pin
  IrqOrGate irq9_;
  Pit pit_;
  Rtc rtc_;
  I8042 kbc_;
  DmaController dma_;
  std::unique_ptr<Fdc82077> fdc_;
  uint8_t equipment_ = 0;
  SystemControlA port92_;
  PostPort post_;
  PciBus pci_;
  I440fx host_;
  Piix3 isa_;
  Piix4Pm pm_;
  bool pci_reset_pending_ = false;
  std::unique_ptr<Uart16550> com1_, com2_;
  bool a20_ = true;
  std::function<void(bool)> a20_cb_;
  std::function<void()> reset_cb_;
};

// The schematic as one call.
std::unique_ptr<PcBoard> build_pc_board(PortBus& bus, Scheduler& sched, PhysMem& mem,
                                        const PcBoardConfig& cfg);

}  // namespace rz
