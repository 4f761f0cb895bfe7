// bios/acpi_dsdt.cpp: the DSDT of ringzero's PIIX PC, written with the AML builder.  In
// ASL terms:
//   \_S5: soft off is SLP_TYP 0 on the PIIX4 (PMCNTRL.SUS_TYP = 000).
//   \_SB.PCI0 (PNP0A03): the PCI root bridge with its bus, I/O and memory windows (_CRS)
//     and its interrupt routing (_PRT): pin P of slot S reaches PIRQ[(S + P) & 3], the
//     board's swizzle (devices/pci.h), i.e. link device LNKA-LNKD.
//   \_SB.PCI0.ISA (00:01.0): the PIIX3's PIRQRC registers (config 0x60-0x63) as fields
//     PRQ0-PRQ3, and the ISA devices of the board: RTC, i8042 keyboard and mouse, floppy
//     controller, COM1/COM2.
//   \_SB.LNKA-LNKD (PNP0C0F): the PCI interrupt links over PRQ0-PRQ3: bit 7 set =
//     disabled, else bits 3:0 = the ISA IRQ (_STA, _CRS, _DIS, _SRS), choices 5, 10, 11
//     (_PRS; IRQ9 is left to the SCI).
#include "bios/acpi.h"
#include "bios/acpi_aml.h"

namespace rz {

namespace {

using aml::Bytes;
using namespace aml;

Bytes hid(const char* eisa) { return name("_HID", integer(eisa_id(eisa))); }
Bytes crs(std::initializer_list<Bytes> descriptors) {
  return name("_CRS", buffer(resource_template(descriptors)));
}

Bytes pci_root(const AcpiConfig& cfg) {
  std::vector<Bytes> prt;
  for (unsigned slot = 1; slot < 32; ++slot)
    for (unsigned pin = 0; pin < 4; ++pin) {
      const char* link[4] = {"\\_SB.LNKA", "\\_SB.LNKB", "\\_SB.LNKC", "\\_SB.LNKD"};
      prt.push_back(package({integer(slot << 16 | 0xFFFF), integer(pin),
                             name_string(link[(slot + pin) & 3]), integer(0)}));
    }
  uint32_t mem_lo = cfg.ram_bytes < 0x100000 ? 0x100000 : cfg.ram_bytes;
  return device("PCI0", cat({
      hid("PNP0A03"),
      name("_ADR", integer(0)),
      name("_UID", integer(0)),
      crs({word_bus_number(0x00, 0xFF),
           io16(0x0CF8, 0x0CF8, 1, 8),
           word_io(0x0000, 0x0CF7),
           word_io(0x0D00, 0xFFFF),
           dword_memory(0x000A0000, 0x000BFFFF, true),
           dword_memory(mem_lo, 0xFEBFFFFF, false)}),
      name("_PRT", package(prt)),
  }));
}

Bytes isa_bridge(const AcpiConfig& cfg) {
  auto com = [](const char* n, unsigned uid, uint16_t port, unsigned irq) {
    return device(n, cat({hid("PNP0501"), name("_UID", integer(uid)),
                          crs({io16(port, port, 1, 8), irq_noflags({irq})})}));
  };
  Bytes body = cat({
      name("_ADR", integer(0x00010000)),
      operation_region("P40C", RegionSpace::PciConfig, 0x60, 4),
      field("P40C", Access::Byte, {{"PRQ0", 8}, {"PRQ1", 8}, {"PRQ2", 8}, {"PRQ3", 8}}),
      device("RTC", cat({hid("PNP0B00"), crs({io16(0x70, 0x70, 1, 2), irq_noflags({8})})})),
      device("KBD", cat({hid("PNP0303"),
                         crs({io16(0x60, 0x60, 1, 1), io16(0x64, 0x64, 1, 1), irq_noflags({1})})})),
      device("MOU", cat({hid("PNP0F13"), crs({irq_noflags({12})})})),
      device("FDC0", cat({hid("PNP0700"), crs({io16(0x3F2, 0x3F2, 1, 4), io16(0x3F7, 0x3F7, 1, 1),
                                               irq_noflags({6}), dma8({2})})})),
  });
  if (cfg.com1) body = cat({body, com("COM1", 1, 0x3F8, 4)});
  if (cfg.com2) body = cat({body, com("COM2", 2, 0x2F8, 3)});
  return device("ISA", body);
}

Bytes link(unsigned n) {
  const std::string prq = "\\_SB.PCI0.ISA.PRQ" + std::to_string(n);
  const std::string dev = std::string("LNK") + char('A' + n);
  const Bytes irqs = buffer(resource_template({interrupt(true, false, true, {5, 10, 11})}));
  const Bytes current = buffer(resource_template({interrupt(true, false, true, {0})}));
  return device(dev, cat({
      hid("PNP0C0F"),
      name("_UID", integer(n + 1)),
      name("_PRS", irqs),
      // _STA: present and enabled (0x0B) unless IRQROUTEN (bit 7) is set (0x09).
      method("_STA", 0, false, cat({if_(and_(ref(prq), integer(0x80)), return_(integer(0x09))),
                                    return_(integer(0x0B))})),
      method("_DIS", 0, false, or_(ref(prq), integer(0x80), ref(prq))),
      // _CRS: the routed IRQ in an Interrupt descriptor (its number is the dword at 5).
      method("_CRS", 0, true, cat({name("BUF0", current),
                                   create_dword_field(ref("BUF0"), 5, "IRQW"),
                                   store(and_(ref(prq), integer(0x0F)), ref("IRQW")),
                                   return_(ref("BUF0"))})),
      // _SRS: route to the IRQ the OS chose (writing the number clears bit 7).
      method("_SRS", 1, true, cat({create_dword_field(arg(0), 5, "IRQW"),
                                   store(ref("IRQW"), ref(prq))})),
  }));
}

}  // namespace

std::vector<uint8_t> build_dsdt(const AcpiConfig& cfg) {
  Bytes sb = cat({pci_root(cfg), link(0), link(1), link(2), link(3)});
  // The ISA bridge sits inside PCI0; add it there with a Scope so PCI0 stays readable.
  Bytes body = cat({
      scope("\\_SB", sb),
      scope("\\_SB.PCI0", isa_bridge(cfg)),
      name("\\_S5", package({integer(0), integer(0), integer(0), integer(0)})),
  });
  // Header (36 bytes; revision 1: 32-bit integers, as ACPI 1.0 AML) + AML.
  std::vector<uint8_t> t(36, 0);
  const char* sig = "DSDT";
  for (int i = 0; i < 4; ++i) t[i] = uint8_t(sig[i]);
  t[8] = 1;
  const char* oem = "RNGZRORINGZERO";
  for (int i = 0; i < 14; ++i) t[10 + i] = uint8_t(oem[i]);
  t[24] = 1;
  const char* creator = "RZRO";
  for (int i = 0; i < 4; ++i) t[28 + i] = uint8_t(creator[i]);
  t[32] = 1;
  t.insert(t.end(), body.begin(), body.end());
  uint32_t len = uint32_t(t.size());
  for (int i = 0; i < 4; ++i) t[4 + i] = uint8_t(len >> (8 * i));
  return t;
}

}  // namespace rz
