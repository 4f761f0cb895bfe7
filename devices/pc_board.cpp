// devices/pc_board.cpp: creating and wiring the PC/AT legacy devices.  See pc_board.h.
#include "devices/pc_board.h"

namespace rz {

int64_t pc_calendar_seconds(int64_t year, unsigned month, unsigned day, unsigned hour,
                            unsigned minute, unsigned second) {
  return rtc_days_from_civil(year, month, day) * 86400 + int64_t(hour) * 3600 +
         int64_t(minute) * 60 + second;
}

PcBoard::PcBoard(PortBus& bus, Scheduler& sched, PhysMem& mem, const PcBoardConfig& cfg)
    : mem_(mem), lapic_(sched, mem), ioapic_(&mem), pit_(sched), rtc_(sched, cfg.rtc_start_seconds), kbc_(sched), dma_(mem), pci_(bus, mem), host_(mem),
      isa_([this](unsigned irq) { return irq == 9 ? irq9_.input(kIrq9Pirq) : irq_input(irq); }),
      pm_(sched, bus) {
  for (unsigned n = 0; n < 16; ++n) isa_irq_[n].set_outputs(pic_.input(n), ioapic_.input(n == 0 ? 2 : n));
  irq9_.set_output(&isa_irq_[9]);
  pic_.on_output([this](bool level) { lapic_.lint(0)->set_level(level); });
  lapic_.set_pic_ack([this] { return pic_.acknowledge(); });
  ioapic_.set_delivery([this](const ApicMessage& m) { return lapic_.receive(m); });
  lapic_.on_eoi([this](uint8_t vector) { ioapic_.eoi(vector); });
  pic_.map_ports(bus);
  pit_.map_ports(bus);
  rtc_.map_ports(bus);
  kbc_.map_ports(bus);
  dma_.map_ports(bus);
  fdc_ = std::make_unique<Fdc82077>(sched, &dma_, 2, 0x3F0);
  fdc_->map_ports(bus);
  fdc_->irq().connect(&isa_irq_[6]);
  port92_.map_ports(bus);
  post_.map_ports(bus);

  pit_.irq0().connect(&isa_irq_[0]);
  kbc_.irq1().connect(&isa_irq_[1]);
  rtc_.irq8().connect(&isa_irq_[8]);
  kbc_.irq12().connect(&isa_irq_[12]);
  if (cfg.com1) {
    com1_ = std::make_unique<Uart16550>(sched, 0x3F8);
    com1_->map_ports(bus);
    com1_->set_paced(cfg.serial_paced);
    com1_->irq().connect(&isa_irq_[4]);
  }
  if (cfg.com2) {
    com2_ = std::make_unique<Uart16550>(sched, 0x2F8);
    com2_->map_ports(bus);
    com2_->set_paced(cfg.serial_paced);
    com2_->irq().connect(&isa_irq_[3]);
  }

  kbc_.on_a20([this](bool) { update_a20(); });
  port92_.on_a20([this](bool) { update_a20(); });
  kbc_.on_reset([this] { request_reset(); });
  port92_.on_reset([this] { request_reset(); });
  update_a20();

  pci_.plug(&host_, 0, 0);
  isa_.attach(pci_);
  isa_.on_reset_request([this](bool hard) { request_reset(hard); });
  pci_.plug(&pm_, 1, 3);
  pm_.sci().connect(irq9_.input(kIrq9Sci));

  // CMOS as the firmware expects it.
  uint64_t below = cfg.ram_below_4g ? cfg.ram_below_4g : mem.ram_size();
  rtc_.set_memory(below, cfg.ram_above_4g);
  equipment_ = cfg.equipment;
  rtc_.set_equipment(cfg.equipment);
  rtc_.set_boot_order(cfg.boot_order, cfg.boot_count, cfg.skip_floppy_signature);
  rtc_.set_cpu_count(cfg.cpus);
  rtc_.update_checksum();
}

bool PcBoard::attach_floppy(unsigned drive, BlockDevice* image, std::string& err) {
  if (!fdc_->attach(drive, image, err)) return false;
  // CMOS 0x10: drive 0 type in the high nibble, drive 1 in the low one.  Equipment
  // byte: bit 0 = floppy drives present, bits 7-6 = their count - 1.
  rtc_.set_cmos(0x10, uint8_t(fdc_->drive_type(0) << 4 | fdc_->drive_type(1)));
  unsigned n = fdc_->drive_count();
  uint8_t eq = uint8_t(equipment_ & 0x3E);
  if (n) eq = uint8_t(eq | 0x01 | (n - 1) << 6);
  rtc_.set_equipment(eq);
  rtc_.update_checksum();
  return true;
}

void PcBoard::update_a20() {
  bool on = kbc_.a20() || port92_.a20();
  if (on == a20_ && mem_.a20() == on) return;
  a20_ = on;
  mem_.set_a20(on);
  if (a20_cb_) a20_cb_(on);
}

void PcBoard::request_reset(bool hard) {
  if (hard) pci_reset_pending_ = true;
  if (reset_cb_) reset_cb_();
}

void PcBoard::complete_reset() {
  if (!pci_reset_pending_) return;
  pci_reset_pending_ = false;
  pci_.reset();
  ioapic_.reset();  // PCIRST# resets the I/O APIC too
}

void PcBoard::set_serial_backend(unsigned n, CharBackend* b) {
  if (Uart16550* u = com(n)) u->set_backend(b);
}

void PcBoard::poll_serial() {
  if (com1_) com1_->poll_backend();
  if (com2_) com2_->poll_backend();
}

void PcBoard::serialize(Serializer& s) {
  // Sources before the PIC, so the PIC's own saved view of its inputs wins on load.
  pit_.serialize(s);
  rtc_.serialize(s);
  kbc_.serialize(s);
  if (com1_) com1_->serialize(s);
  if (com2_) com2_->serialize(s);
  dma_.serialize(s);
  fdc_->serialize(s);
  port92_.serialize(s);
  post_.serialize(s);
  pci_.serialize(s);
  host_.serialize(s);
  isa_.serialize(s);
  pm_.serialize(s);
  s(pci_reset_pending_);
  pic_.serialize(s);
  ioapic_.serialize(s);
  lapic_.serialize(s);
  s(a20_);
  if (s.loading()) {
    mem_.set_a20(a20_);
    if (a20_cb_) a20_cb_(a20_);
  }
}

std::unique_ptr<PcBoard> build_pc_board(PortBus& bus, Scheduler& sched, PhysMem& mem,
                                        const PcBoardConfig& cfg) {
  return std::make_unique<PcBoard>(bus, sched, mem, cfg);
}

}  // namespace rz
