// frontend/machine.cpp
#include "frontend/machine.h"

#include "bios/acpi.h"
#include "bios/pc_firmware.h"
#include "cpu/cpuid.h"
#include "frontend/boot.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace rz {

Machine::Machine(const MachineConfig& cfg)
    : cfg_(cfg), mem_(cfg.ram_mb * 1024u * 1024u), mmu_(mem_), cpu_(mmu_, this), engine_(cpu_) {
  if (cfg_.pc) {
    PcBoardConfig bc;
    bc.rtc_start_seconds = cfg_.rtc_start_seconds;
    bc.serial_paced = cfg_.serial_line_timing;
    if (!cfg_.boot_order.empty()) {
      bc.boot_count = unsigned(std::min<size_t>(cfg_.boot_order.size(), 3));
      for (unsigned k = 0; k < bc.boot_count; ++k) bc.boot_order[k] = cfg_.boot_order[k];
    }
    board_ = build_pc_board(ports_, sched_, mem_, bc);
    ack_.board = board_.get();
    cpu_.pic = &ack_;
    board_->on_intr_change([this](bool level) { cpu_.intr_line = level; });
    board_->on_nmi([this] { cpu_.nmi_pending = true; });
    // The CPU's local APIC: the MSR side, and the virtual time of its register accesses (the
    // timer's current count is read at the instruction's moment; a timer armed sooner than
    // the slice's end ends the slice).  Unlike a port access, an APIC access costs no time.
    apic_port_.lapic = &board_->lapic();
    cpu_.attach_apic(&apic_port_);
    board_->lapic().set_access_hooks(
        [this] {
          const int64_t t = int64_t(cpu_.virtual_ns());
          if (t > sched_.now()) sched_.advance_to(t);
        },
        [this] { recheck_slice(); });
    // FERR# from the x87 (CR0.NE=0) is IRQ13, as PCs wire it (SDM vol. 1 appendix D): a
    // write to port F0h while FERR# is asserted drops IRQ13 and asserts IGNNE#, which stays
    // asserted until FERR# goes away.
    cpu_.ferr_ctx = this;
    cpu_.ferr = [](void* ctx, bool asserted) {
      Machine* m = static_cast<Machine*>(ctx);
      if (!asserted) m->cpu_.ignne = false;
      m->board_->irq_input(13)->set_level(asserted && !m->cpu_.ignne);
    };
    PortHandler f0;
    f0.read = [](uint16_t, unsigned) -> uint32_t { return 0xFF; };
    f0.write = [this](uint16_t, unsigned, uint32_t) {
      if (cpu_.ferr_asserted) cpu_.ignne = true;
      board_->irq_input(13)->set_level(false);
    };
    ports_.map(0xF0, 1, std::move(f0), "FPU error latch");
    board_->on_reset([this] {
      reset_requested_ = true;
      engine_.stop();
    });
    board_->on_power_off([this] {
      power_off_requested_ = true;
      engine_.stop();
    });
    fw_cfg_ = std::make_unique<FwCfg>(ports_, mem_);
    PcFirmwareConfig fc;
    fc.ram_below_4g = mem_.ram_size();
    fc.sercon_port = board_->com(0) ? 0x3F8 : 0;
    fc.boot_menu_timeout_ms = cfg_.boot_menu_ms;
    fc.boot_order = cfg_.boot_devices;
    publish_pc_fw_cfg(*fw_cfg_, fc);
    // ACPI tables for SeaBIOS to install (QEMU's table-loader interface).
    publish_acpi_fw_cfg(*fw_cfg_, build_acpi_tables(pc_acpi_config(*this)));
    // SMBIOS structures for SeaBIOS to place (it adds its own type 0, as with QEMU).
    SmbiosConfig sc = pc_smbios_config(*this);
    sc.bios_info = false;
    publish_smbios_fw_cfg(*fw_cfg_, build_smbios(sc));
    // The stdvga decodes the legacy VGA ports and window from power-on, as PCI VGA
    // adapters do; the LFB and ROM BARs appear when the firmware assigns them.
    if (cfg_.vga) {
      VgaConfig vc;
      if (!cfg_.vga_rom.empty()) vc.rom = read_file(cfg_.vga_rom, "VGA BIOS");
      vga_ = std::make_unique<StdVga>(sched_, vc);
      vga_->map_legacy(ports_, mem_);
      display_ = vga_.get();
      board_->pci().plug(vga_.get(), 2);  // 00:02.0, where QEMU's i440FX puts its VGA
    }
  }
}

void Machine::set_serial_backend(unsigned n, CharBackend* b) {
  if (board_) board_->set_serial_backend(n, b);
}

void Machine::request_reset() {
  if (board_) board_->request_hard_reset();  // sets reset_requested_ through on_reset
  else reset_requested_ = true;
}

void Machine::reset_cpu() {
  if (board_) {
    board_->complete_reset();
    board_->lapic().reset();  // RESET: the APIC's registers; cpu_.reset() sets its base MSR
  }
  cpu_.reset();
  engine_.flush();
  if (reset_hook_) reset_hook_();
}

Machine::~Machine() = default;

AcpiConfig pc_acpi_config(Machine& m) {
  AcpiConfig ac;
  ac.ram_bytes = m.mem().ram_size();
  ac.com1 = m.board() && m.board()->com(0);
  ac.com2 = m.board() && m.board()->com(1);
  return ac;
}

SmbiosConfig pc_smbios_config(Machine& m) {
  SmbiosConfig sc;
  sc.ram_bytes = m.mem().ram_size();
  const CpuidResult id = cpuid_of(m.cpu(), 1);  // as the CPUID instruction reports it
  sc.cpuid_signature = id.eax;
  sc.cpuid_features = id.edx;
  return sc;
}

void Machine::load_bios_file(const std::string& path) {
  load_bios_image(read_file(path, "BIOS image"), path);
}

void Machine::load_bios_image(std::vector<uint8_t> img, const std::string& name) {
  size_t n = img.size();
  if (n != 64 * 1024 && n != 128 * 1024 && n != 256 * 1024)
    throw std::runtime_error(name + ": BIOS image must be 64, 128 or 256 KiB (it is " +
                             std::to_string(n) + " bytes)");
  size_t low = n > 128 * 1024 ? 128 * 1024 : n;
  std::vector<uint8_t> low_img(img.end() - long(low), img.end());
  mem_.map_rom(uint32_t(0x100000000ull - n), std::move(img), name + " (high)");
  mem_.map_rom(uint32_t(0x100000 - low), std::move(low_img), name + " (low)");
}

void Machine::add_debugcon(uint16_t port, std::function<void(uint8_t)> sink) {
  PortHandler h;
  // Reads return 0xE9 on any port, as QEMU's debugcon does: SeaBIOS checks for that
  // value at 0x402 before it writes its log there.
  h.read = [](uint16_t, unsigned) -> uint32_t { return 0xE9; };
  h.write = [sink](uint16_t, unsigned, uint32_t v) { sink(uint8_t(v)); };
  ports_.map(port, 1, std::move(h), "debugcon");
}

void Machine::add_exit_device(uint16_t iobase, uint16_t iosize) {
  PortHandler h;
  h.widths = 1 | 2 | 4;
  h.read = [](uint16_t, unsigned) -> uint32_t { return 0; };
  h.write = [this](uint16_t, unsigned, uint32_t v) {
    exit_code_ = int(((v << 1) | 1) & 0xFF);
    exit_requested_ = true;
    request_stop();
  };
  ports_.map(iobase, iosize, std::move(h), "isa-debug-exit");
}

StopReason Machine::run() {
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  const int64_t timeout_ns =
      cfg_.timeout_s > 0 ? int64_t(cfg_.timeout_s * 1e9) : INT64_MAX;
  stop_ = false;
  StopReason why = StopReason::None;
  const int64_t base_ns = sched_.now();
  auto host_ns = [&] {
    return base_ns + std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - t0).count();
  };
  const int64_t kSlice = 1'000'000;  // at most 1 ms of virtual time between device checks
  while (why == StopReason::None) {
    if (paused_) {
      const auto p0 = clock::now();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (poll_hook_ && poll_hook_()) stop_ = true;
      t0 += clock::now() - p0;  // paused host time is not guest time
      if (exit_requested_) why = StopReason::Exit;
      else if (stop_) why = StopReason::Stopped;
      else if (reset_requested_) {
        reset_requested_ = false;
        if (cfg_.no_reboot) why = StopReason::Shutdown;
        else reset_cpu();
      }
      continue;
    }
    int64_t now = sched_.now();
    int64_t next = std::min(sched_.next_event(), now + kSlice);
    uint64_t budget = uint64_t(std::max<int64_t>(1, (next - now) / cfg_.ns_per_insn));
    slice_end_ = now + int64_t(budget) * cfg_.ns_per_insn;
    cpu_.time_base_ns = now;
    cpu_.time_base_icount = cpu_.icount;
    cpu_.ns_per_insn = cfg_.ns_per_insn;
    engine_.run(budget);
    sched_.advance_to(int64_t(cpu_.virtual_ns()));
    if (board_) board_->poll_serial();
    if (poll_hook_ && poll_hook_()) stop_ = true;
    if (reset_requested_) {
      reset_requested_ = false;
      if (cfg_.no_reboot) why = StopReason::Shutdown;
      else reset_cpu();
    }
    if (why != StopReason::None) break;
    if (exit_requested_) why = StopReason::Exit;
    else if (power_off_requested_) why = StopReason::PowerOff;
    else if (stop_) why = StopReason::Stopped;
    else if (cpu_.shutdown) {
      if (cfg_.no_reboot) why = StopReason::Shutdown;
      else reset_cpu();
    } else if (cpu_.halted) {
      // A halted CPU with interrupts off (and no NMI) never wakes: the run ends.
      if (!(cpu_.eflags & IF) && !cpu_.nmi_pending) why = StopReason::Halted;
      else if (cpu_.intr_line || cpu_.nmi_pending) cpu_.halted = false;
      else {
        int64_t n = sched_.next_event();
        if (n == INT64_MAX) {
          why = StopReason::Halted;
        } else {
          if (!cfg_.virtual_clock) {
            // Idle: let host time catch up with the next event (in slices, so the console
            // stays responsive) instead of burning the host CPU.
            int64_t wall = host_ns();
            if (n > wall) std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<int64_t>(n - wall, 10'000'000)));
            n = std::min(n, std::max(sched_.now(), host_ns()));
          }
          sched_.advance_to(n);
        }
        if (cpu_.intr_line) cpu_.halted = false;
      }
    }
    // With the host clock, virtual time never falls behind wall time (the guest clock stays
    // right even when the CPU runs slower than the nominal rate).
    if (!cfg_.virtual_clock) {
      int64_t wall = host_ns();
      if (wall > sched_.now()) sched_.advance_to(wall);
    }
    if (why == StopReason::None) {
      if (cfg_.virtual_clock) {
        if (sched_.now() >= timeout_ns) why = StopReason::Timeout;
      } else if (timeout_ns != INT64_MAX &&
                 std::chrono::duration<double>(clock::now() - t0).count() * 1e9 >= double(timeout_ns)) {
        why = StopReason::Timeout;
      }
    }
  }
  host_seconds_ += std::chrono::duration<double>(clock::now() - t0).count();
  return why;
}

}  // namespace rz
