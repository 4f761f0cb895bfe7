// devices/pci.h: the PCI local bus as the i440FX sees it: configuration mechanism #1
// (CONFIG_ADDRESS at 0xCF8, CONFIG_DATA at 0xCFC-0xCFF), type-0 configuration headers
// (PCI Local Bus Specification 2.1, chapter 6), and base address registers that map the
// device's I/O and memory ranges when the command register enables them.
//
// A device derives from PciDevice, fills its header in its constructor (ids, class,
// BARs through declare_*_bar, interrupt pin), and overrides config_write() for its own
// registers (calling PciDevice::config_write for the header).  The bus owns nothing:
// devices outlive it or unplug themselves.
//
// Interrupts: a device drives its INTx# pin with set_intx(level).  The bus swizzles
// (device + pin) onto the four PIRQ lines the way the i440FX/PIIX3 board wires them
// (PIRQ[(slot + pin - 1) & 3]) and hands them to the router (the PIIX3 PIRQ route
// control registers), set with set_pirq_sink().
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/serialize.h"
#include "mmu/phys.h"

namespace rz {

class PciBus;

// Offsets in the type-0 header.
namespace pci {
inline constexpr uint8_t kVendorId = 0x00, kDeviceId = 0x02, kCommand = 0x04, kStatus = 0x06,
                         kRevision = 0x08, kProgIf = 0x09, kSubclass = 0x0A, kClass = 0x0B,
                         kCacheLine = 0x0C, kLatency = 0x0D, kHeaderType = 0x0E, kBar0 = 0x10,
                         kSubsysVendor = 0x2C, kSubsysId = 0x2E, kRomBar = 0x30,
                         kCapPtr = 0x34, kIntLine = 0x3C, kIntPin = 0x3D;
inline constexpr uint16_t kCmdIo = 0x0001, kCmdMem = 0x0002, kCmdMaster = 0x0004,
                          kCmdIntxDisable = 0x0400;
inline constexpr uint16_t kStatusIntx = 0x0008;
}  // namespace pci

class PciDevice {
 public:
  PciDevice(uint16_t vendor, uint16_t device, uint8_t class_code, uint8_t subclass,
            uint8_t prog_if, uint8_t revision, const std::string& name);
  virtual ~PciDevice();
  PciDevice(const PciDevice&) = delete;
  PciDevice& operator=(const PciDevice&) = delete;

  // Configuration space access (offset aligned to size, size 1/2/4).  The default write
  // applies the writable-bit mask, handles the command register, BARs and the ROM BAR.
  virtual uint32_t config_read(uint8_t off, unsigned size);
  virtual void config_write(uint8_t off, unsigned size, uint32_t value);
  // RST#: the header goes back to its power-on values (BARs and command cleared).
  virtual void reset();

  const std::string& name() const { return name_; }
  unsigned devfn() const { return devfn_; }
  uint16_t command() const { return cfg16(pci::kCommand); }
  bool bus_master() const { return command() & pci::kCmdMaster; }

  // Current address of BAR n (0-5, or 6 for the ROM BAR), 0 when unassigned.
  uint32_t bar_address(unsigned n) const;
  // Whether BAR n is decoded now (command bit set and an address assigned).
  bool bar_active(unsigned n) const { return n < kBars && mapped_[n]; }
  // Size of BAR n as declared (0: the BAR is not implemented), and whether it is I/O.
  uint32_t bar_size(unsigned n) const { return n < kBars ? bars_[n].size : 0; }
  bool bar_is_io(unsigned n) const { return n < kBars && bars_[n].kind == Bar::Kind::Io; }

  // The device's INTx# pin (pin declared with set_interrupt_pin; 0 = none).
  void set_intx(bool level);

  uint8_t cfg8(uint8_t off) const { return cfg_[off]; }
  uint16_t cfg16(uint8_t off) const { return uint16_t(cfg_[off] | cfg_[off + 1] << 8); }
  uint32_t cfg32(uint8_t off) const { return uint32_t(cfg16(off)) | uint32_t(cfg16(off + 2)) << 16; }

  virtual void serialize(Serializer& s);

 protected:
  static constexpr unsigned kBars = 7;  // BAR0-5 and the expansion ROM
  // Declare a BAR.  `size` is a power of two (>= 4 for I/O, >= 16 for memory, >= 2 KiB
  // for the ROM).  The bus maps the handlers (or host memory) while the BAR is active.
  void declare_io_bar(unsigned n, uint32_t size, PortHandler h);
  void declare_mmio_bar(unsigned n, uint32_t size, MmioHandler h, bool prefetchable = false);
  void declare_ram_bar(unsigned n, uint32_t size, uint8_t* host, bool prefetchable = false);
  // The expansion ROM BAR (offset 0x30), backed by `image` (padded to a power of two).
  void declare_rom_bar(std::vector<uint8_t> image);
  void set_interrupt_pin(uint8_t pin) { cfg_[pci::kIntPin] = pin; }  // 1 = INTA#
  // Raw header set-up for subclasses (ids, class, their own registers' reset values).
  void set_cfg8(uint8_t off, uint8_t v) { cfg_[off] = v; }
  void set_cfg16(uint8_t off, uint16_t v) { set_cfg8(off, uint8_t(v)), set_cfg8(off + 1, uint8_t(v >> 8)); }
  void set_cfg32(uint8_t off, uint32_t v) { set_cfg16(off, uint16_t(v)), set_cfg16(off + 2, uint16_t(v >> 16)); }
  // Bits the guest may change (default: command, cache line, latency, interrupt line).
  void set_writable(uint8_t off, unsigned size, uint32_t mask);
  // Called after a BAR was mapped, moved or unmapped (for devices that track it).
  virtual void bar_moved(unsigned n) { (void)n; }
  // Re-evaluate BAR decoding (after command or BAR writes, reset, load).
  void update_mappings();
  // The bus this device is plugged into (nullptr when unplugged).
  PciBus* bus() const { return bus_; }

 private:
  friend class PciBus;
  struct Bar {
    uint32_t size = 0;
    enum class Kind : uint8_t { None, Io, Mmio, Ram, Rom } kind = Kind::None;
    bool prefetch = false;
    PortHandler io;
    MmioHandler mmio;
    uint8_t* host = nullptr;
    uint32_t mapped_at = 0;
  };
  void unmap_bar(unsigned n);
  uint8_t bar_offset(unsigned n) const { return n == 6 ? pci::kRomBar : uint8_t(pci::kBar0 + 4 * n); }
  void write_byte(uint8_t off, uint8_t v);

  std::string name_;
  unsigned devfn_ = 0;
  PciBus* bus_ = nullptr;
  std::array<uint8_t, 256> cfg_{};
  std::array<uint8_t, 256> wmask_{};
  std::array<uint8_t, 256> reset_cfg_{};
  std::array<Bar, kBars> bars_{};
  std::array<bool, kBars> mapped_{};
  std::vector<uint8_t> rom_;
  bool intx_ = false;
};

class PciBus {
 public:
  PciBus(PortBus& ports, PhysMem& mem);
  ~PciBus();
  PciBus(const PciBus&) = delete;
  PciBus& operator=(const PciBus&) = delete;

  // Plug a device in at device number `slot`, function `fn`.  Throws on a taken slot.
  void plug(PciDevice* d, unsigned slot, unsigned fn = 0);
  void unplug(PciDevice* d);
  PciDevice* at(unsigned devfn) const { return devfn < 256 ? devs_[devfn] : nullptr; }

  // Configuration mechanism #1 as the CPU sees it, and direct access for firmware-less
  // boots and tests (bus 0 only; other buses read all ones).
  uint32_t config_read(unsigned devfn, uint8_t off, unsigned size);
  void config_write(unsigned devfn, uint8_t off, unsigned size, uint32_t value);

  // The four PIRQ lines after the slot swizzle: out(n) receives PIRQ n's level.
  void set_pirq_sink(unsigned n, IrqSink* sink);
  bool pirq_level(unsigned n) const { return n < 4 && pirq_level_[n]; }
  // The PIIX3 reset control register (port 0xCF9, byte access) shares the address
  // decoder with CONFIG_ADDRESS; its owner registers here.
  void on_reset_control(std::function<uint8_t()> read, std::function<void(uint8_t)> write) {
    rcr_read_ = std::move(read);
    rcr_write_ = std::move(write);
  }
  // RST# to every device.
  void reset();

  PortBus& ports() { return ports_; }
  PhysMem& mem() { return mem_; }
  uint32_t config_address() const { return addr_; }
  void serialize(Serializer& s);

 private:
  friend class PciDevice;
  void intx_changed();
  static unsigned pirq_of(unsigned devfn, unsigned pin) { return ((devfn >> 3) + pin - 1) & 3; }

  PortBus& ports_;
  PhysMem& mem_;
  std::array<PciDevice*, 256> devs_{};
  uint32_t addr_ = 0;
  std::array<IrqSink*, 4> pirq_sink_{};
  std::array<bool, 4> pirq_level_{};
  std::function<uint8_t()> rcr_read_;
  std::function<void(uint8_t)> rcr_write_;
};

}  // namespace rz
