// frontend/machine.h: one emulated machine (CPU, memory, board, scheduler).  The frontend,
// tests and benchmarks create Machines; two in one process are independent.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bios/acpi.h"
#include "bios/fw_cfg.h"
#include "cpu/cpu.h"
#include "devices/bus.h"
#include "devices/display.h"
#include "bios/smbios.h"
#include "devices/pc_board.h"
#include "devices/scheduler.h"
#include "devices/vga.h"
#include "mmu/mmu.h"
#include "mmu/phys.h"
#include "translator/engine.h"

namespace rz {

struct MachineConfig {
  uint32_t ram_mb = 128;
  // Virtual nanoseconds per retired instruction (the deterministic clock's rate).
  int64_t ns_per_insn = 1;
  // Virtual time one port access takes, as an ISA bus cycle does (about 1 us).  Delay
  // loops built on port reads (the 8250 console's LSR polling, outb_p to port 80h)
  // depend on it.
  int64_t io_cost_ns = 1000;
  bool virtual_clock = true;
  double timeout_s = 0;  // 0: none (virtual seconds under the virtual clock)
  bool no_reboot = false;  // triple fault: reset like a PC (true: stop the run)
  // The PC board's devices (PIC, PIT, RTC, i8042, UARTs, DMA, port 0x92/0x80).  false (the
  // default for tests): a bare CPU with memory and only the ports the creator adds.  The
  // command line turns it on unless -machine bare is given.
  bool pc = false;
  // RTC start, seconds since 1970 (host local time by default, fixed under --clock=virtual).
  int64_t rtc_start_seconds = PcBoardConfig::kFixedRtcStart;
  // The PC machine's display adapter: a stdvga (VGA + Bochs VBE, devices/vga.h) when true.
  bool vga = true;
  // Its expansion ROM image file (SeaVGABIOS); empty: no ROM BAR.
  std::string vga_rom;
  // CMOS boot devices in order (1 floppy, 2 hard disk, 3 CD-ROM, 4 network; at most 3).
  // Empty: the board's default (disk, CD-ROM, floppy).
  std::vector<uint8_t> boot_order;
  // fw_cfg "bootorder" lines (SeaBIOS device paths, -drive bootindex=), highest priority
  // first; devices not listed boot in the CMOS order above.
  std::vector<std::string> boot_devices;
  // The COM ports' line timing (--serial-timing).  false (the default, as QEMU does): a
  // character written to an idle transmitter leaves at once and host input fills the FIFO
  // at once, so a guest polling LSR never waits.  true: each character takes its time at the
  // programmed baud rate, as on real hardware (at Linux's default 9600 baud, about 1 ms of
  // guest time per console character).
  bool serial_line_timing = false;
  // -boot menu=on: SeaBIOS offers its boot menu (ESC/F12) for this many ms; 0: no menu.
  unsigned boot_menu_ms = 0;
};

// PowerOff: ACPI soft off (the PIIX4's SLP_EN with the S5 sleep type).
enum class StopReason { None, Halted, Shutdown, Exit, Timeout, Stopped, PowerOff };

class Machine : public IoBus {
 public:
  explicit Machine(const MachineConfig& cfg);
  ~Machine() override;

  // Map a 64/128/256 KiB image at the top of 4 GiB and (its last 128 KiB at most) at the
  // top of the first megabyte.  Throws std::runtime_error naming the file on problems.
  void load_bios_file(const std::string& path);
  void load_bios_image(std::vector<uint8_t> image, const std::string& name);

  // Port hooks used by the bare-metal frontend.
  void add_debugcon(uint16_t port, std::function<void(uint8_t)> sink);
  void add_exit_device(uint16_t iobase, uint16_t iosize);

  PcBoard* board() { return board_.get(); }
  // The PCI bus of the PC board (nullptr without the board).
  PciBus* pci() { return board_ ? &board_->pci() : nullptr; }
  // QEMU's firmware configuration device (ports 0x510-0x51B) of the PC board.
  FwCfg* fw_cfg() { return fw_cfg_.get(); }
  // The video device's picture for the SDL window, -screendump and --text-screen
  // (nullptr when the machine has no display adapter).
  DisplaySource* display() { return display_; }
  // The stdvga (nullptr without one).  It decodes its legacy ports and the A0000 window
  // from the start; whoever owns the PCI bus plugs it in for BAR0 (LFB) and the ROM BAR.
  StdVga* vga() { return vga_.get(); }
  // Serial port n (0 = COM1) back-end; the Machine does not own it.
  void set_serial_backend(unsigned n, CharBackend* b);
  // Keep an object alive as long as the machine (serial back-ends, output files).
  void keep(std::shared_ptr<void> p) { owned_.push_back(std::move(p)); }
  // Polled between slices: returning true stops the run (e.g. Ctrl-A x on the console).
  void set_poll_hook(std::function<bool()> f) { poll_hook_ = std::move(f); }
  // Called after every CPU reset of the run (reboot, triple fault without -no-reboot): a boot
  // protocol without firmware (direct Linux boot) puts the machine back in its entry state,
  // as QEMU's firmware does by loading the kernel again.
  void set_reset_hook(std::function<void()> f) { reset_hook_ = std::move(f); }
  // Add a poll hook beside the current one (both run; either can stop the run).
  void add_poll_hook(std::function<bool()> f) {
    if (!poll_hook_) {
      poll_hook_ = std::move(f);
      return;
    }
    poll_hook_ = [a = std::move(poll_hook_), b = std::move(f)] {
      bool stop_a = a();
      bool stop_b = b();
      return stop_a || stop_b;
    };
  }

  // Run until the guest stops the machine.  Returns why.
  StopReason run();
  void request_stop() { stop_ = true; engine_.stop(); }
  // A reset like the PIIX3's hard reset (0xCF9): the run loop resets the CPU (and, on the
  // PC board, every PCI device) at its next check.  Call between slices (poll hooks).
  void request_reset();
  // The monitor's stop/cont.  While paused the run loop runs no instructions and moves no
  // virtual time; it keeps calling the poll hook (every 10 ms of host time), and host time
  // spent paused does not count as guest time under the host clock.
  void set_paused(bool p) { paused_ = p; }
  bool paused() const { return paused_; }
  int exit_code() const { return exit_code_; }

  Cpu& cpu() { return cpu_; }
  Mmu& mmu() { return mmu_; }
  PhysMem& mem() { return mem_; }
  PortBus& ports() { return ports_; }
  Scheduler& scheduler() { return sched_; }
  Engine& engine() { return engine_; }
  const MachineConfig& config() const { return cfg_; }
  double host_seconds() const { return host_seconds_; }

  // IoBus.
  // Port accesses first bring device time up to the CPU's current virtual time (so a
  // device sees the instruction's true moment), and end the slice early when the access
  // armed an event sooner than the slice's end.
  uint32_t io_read(uint16_t port, unsigned size) override {
    sync_devices();
    uint32_t v = ports_.read(port, size);
    recheck_slice();
    return v;
  }
  void io_write(uint16_t port, unsigned size, uint32_t value) override {
    sync_devices();
    ports_.write(port, size, value);
    recheck_slice();
  }

 private:
  MachineConfig cfg_;
  PhysMem mem_;
  Mmu mmu_;
  Cpu cpu_;
  Engine engine_;
  PortBus ports_;
  Scheduler sched_;
  std::unique_ptr<PcBoard> board_;
  std::unique_ptr<FwCfg> fw_cfg_;
  DisplaySource* display_ = nullptr;
  std::unique_ptr<StdVga> vga_;
  struct BoardAck : InterruptAck {
    PcBoard* board = nullptr;
    uint8_t acknowledge() override { return board->inta(); }
  } ack_;
  // IA32_APIC_BASE writes reach the board's local APIC.
  struct ApicPort : LocalApicPort {
    LocalApic* lapic = nullptr;
    void apic_base_written(uint64_t v) override { lapic->set_base_msr(v); }
  } apic_port_;
  std::function<bool()> poll_hook_;
  std::function<void()> reset_hook_;
  std::vector<std::shared_ptr<void>> owned_;
  bool reset_requested_ = false;
  void reset_cpu();
  void sync_devices() {
    cpu_.time_base_ns += cfg_.io_cost_ns;
    int64_t t = int64_t(cpu_.virtual_ns());
    if (t > sched_.now()) sched_.advance_to(t);
  }
  void recheck_slice() {
    if (sched_.next_event() < slice_end_ || int64_t(cpu_.virtual_ns()) >= slice_end_)
      engine_.stop();
  }
  int64_t slice_end_ = 0;
  bool stop_ = false;
  bool paused_ = false;
  bool exit_requested_ = false;
  bool power_off_requested_ = false;
  int exit_code_ = 0;
  double host_seconds_ = 0;
};

// The ACPI description of a PC machine (RAM size, which COM ports exist).
AcpiConfig pc_acpi_config(Machine& m);
// Its SMBIOS description (RAM size, the CPUID signature and features).
SmbiosConfig pc_smbios_config(Machine& m);

}  // namespace rz
