// devices/vga.h: a PCI VGA adapter in the shape of QEMU's "stdvga" (PCI 1234:1111, class
// 0300): IBM VGA registers and planar memory, the Bochs VBE "DISPI" extension for linear
// high-resolution modes, a linear framebuffer on BAR0 and SeaVGABIOS on the expansion ROM
// BAR.  It renders its picture for the frontends as a DisplaySource.
//
// Video memory (vram_) is one host allocation.  The VGA's four 8-bit planes are interleaved
// in it: plane p's byte at plane address a is vram_[a * 4 + p], so one 32-bit load is the
// four latches, and the first 256 KiB hold the VGA's own memory.  The LFB (and VBE packed
// modes through the A0000 bank window) sees vram_ linearly.  CPU addresses map to planes
// as the IBM VGA does: chain-4 takes the plane from A1:A0 and writes plane address A & ~3
// (mode 13h uses every fourth byte of each plane; the CRTC's doubleword mode reads them),
// odd/even takes the plane from A0 and writes A & ~1.  QEMU keeps chain-4 bytes at A >> 2
// instead; the difference only shows when a program mixes chained and unchained views.
//
// The files: vga_regs.cpp (ports, registers, retrace timing, PCI/ROM, state),
// vga_memory.cpp (the A0000-BFFFF window: read/write modes, latches),
// vga_vbe.cpp (DISPI), vga_render.cpp (graphics scan-out), vga_text.cpp (text scan-out,
// CP437 text page).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/bus.h"
#include "devices/display.h"
#include "devices/pci.h"
#include "devices/scheduler.h"
#include "devices/serialize.h"
#include "mmu/phys.h"

namespace rz {

struct VgaConfig {
  uint32_t vram_mb = 16;          // power of two, 1..256 (BAR0 size)
  std::vector<uint8_t> rom;       // expansion ROM image (empty: no ROM BAR)
};

// Bochs VBE DISPI register indexes and ENABLE bits (Bochs vbe.h / QEMU vga_int.h names).
namespace dispi {
inline constexpr uint16_t kId = 0, kXres = 1, kYres = 2, kBpp = 3, kEnable = 4, kBank = 5,
                          kVirtWidth = 6, kVirtHeight = 7, kXOffset = 8, kYOffset = 9,
                          kVideoMemory64K = 10, kNumRegs = 11;
inline constexpr uint16_t kEnabled = 0x01, kGetCaps = 0x02, k8BitDac = 0x20,
                          kLfbEnabled = 0x40, kNoClearMem = 0x80;
inline constexpr uint16_t kId0 = 0xB0C0, kId5 = 0xB0C5;
inline constexpr uint16_t kMaxXres = 16000, kMaxYres = 12000, kMaxBpp = 32;
inline constexpr uint16_t kIndexPort = 0x1CE, kDataPort = 0x1CF;
}  // namespace dispi

class StdVga : public PciDevice, public DisplaySource {
 public:
  StdVga(Scheduler& sched, const VgaConfig& cfg = {});
  ~StdVga() override;

  // The legacy decode every VGA has regardless of PCI: ports 0x3B0-0x3DF, the DISPI ports
  // 0x1CE-0x1D0 and memory 0xA0000-0xBFFFF.  The PC machine maps them; tests may too.
  void map_legacy(PortBus& ports, PhysMem& mem);
  void unmap_legacy();

  // Port and window access as the bus delivers them (tests call them directly too).
  uint8_t port_read(uint16_t port);
  void port_write(uint16_t port, uint8_t v);
  uint16_t dispi_read_data();
  void dispi_write_data(uint16_t v);
  uint8_t mem_read(uint32_t off);             // off: 0..0x1FFFF from 0xA0000
  void mem_write(uint32_t off, uint8_t v);

  // DisplaySource.
  bool render(DisplayFrame& f) override;
  bool text_page(std::vector<std::string>& lines) override;
  // VGA modes fill a 4:3 monitor whatever their pixel count (720x400 text, 640x400,
  // 320x200 and 640x480 alike: the CRT scans the same frame), and so do the VBE modes of
  // that shape (320x200, 640x400); other Bochs VBE modes have square pixels, as an LCD at
  // that resolution shows them (a 1280x1024 or 1920x1080 desktop is not squeezed to 4:3).
  double aspect() const override;

  // PCI.
  void reset() override;
  void serialize(Serializer& s) override;

  uint8_t* vram() { return vram_.get(); }
  uint32_t vram_size() const { return vram_size_; }
  // Register views for tests and the debugger.
  uint8_t seq(unsigned i) const { return seq_[i & 7]; }
  uint8_t crtc(unsigned i) const { return crtc_[i & 0x3F]; }
  uint8_t gc(unsigned i) const { return gc_[i & 15]; }
  uint8_t ac(unsigned i) const { return ac_[i & 31]; }
  uint16_t dispi_reg(unsigned i) const { return i < dispi::kNumRegs ? vbe_[i] : 0; }
  uint32_t latches() const { return latch_; }
  uint8_t misc() const { return misc_; }

 private:
  // ---- registers (vga_regs.cpp)
  MmioHandler mmio_bar_handler();
  void reset_registers();
  bool color_io() const { return misc_ & 1; }  // CRTC at 3Dx (else 3Bx)
  uint8_t input_status1();
  void crtc_write(uint8_t idx, uint8_t v);
  void dac_write_data(uint8_t v);
  uint8_t dac_read_data();
  // The graphics controller's memory map select (GR6 bits 3:2): offset within the
  // selected part of the A0000-BFFFF window, false when `off` lies outside it.
  bool window(uint32_t off, uint32_t& rel) const;
  struct Timing {
    int64_t dot_ps;           // picoseconds per dot
    uint32_t htotal, hde;     // dots
    uint32_t vtotal, vde, vrs, vre_mask, vre;  // lines
  };
  Timing timing() const;
  void touch() { dirty_ = true; }

  // ---- VBE (vga_vbe.cpp)
  bool vbe_on() const { return vbe_[dispi::kEnable] & dispi::kEnabled; }
  unsigned vbe_bytes_pp() const;
  uint32_t vbe_line_bytes() const;
  void vbe_enable(uint16_t v);
  void vbe_fixup();

  // ---- scan-out (vga_render.cpp, vga_text.cpp)
  enum class Scan : uint8_t { Blank, Text, Planar, Cga4, Packed8, Vbe };
  struct Mode {
    Scan kind = Scan::Blank;
    uint32_t width = 0, height = 0;
    bool operator==(const Mode&) const = default;
  };
  Mode current_mode() const;
  uint32_t crtc_address(uint32_t ma, unsigned rsc) const;
  uint32_t palette_color(uint8_t index) const;   // DAC index -> XRGB
  uint32_t attr_color(uint8_t v4) const;         // 4-bit attribute -> XRGB
  void draw_graphics(const Mode& m, std::vector<uint32_t>& out);
  void draw_text(const Mode& m, std::vector<uint32_t>& out, unsigned blink_phase);
  bool render_vbe(const Mode& m, DisplayFrame& f, bool full);
  unsigned blink_phase() const;
  unsigned pel_shift(const Mode& m) const;  // horizontal pel panning in pixels (AR13)
  struct CrtcGeometry {
    uint32_t start, offset2, vde, line_compare;
    unsigned max_scan, repeat;
    bool double_scan;
  };
  CrtcGeometry geometry() const;

  Scheduler& sched_;
  uint32_t vram_size_;
  std::unique_ptr<uint8_t[]> vram_;

  // VGA registers.
  uint8_t misc_ = 0, feature_ = 0, subsys_enable_ = 1;
  uint8_t seq_index_ = 0, crtc_index_ = 0, gc_index_ = 0, ac_index_ = 0;
  std::array<uint8_t, 8> seq_{};
  std::array<uint8_t, 64> crtc_{};
  std::array<uint8_t, 16> gc_{};
  std::array<uint8_t, 32> ac_{};
  bool ac_flipflop_ = false;  // false: next 3C0 write is the index
  uint8_t dac_mask_ = 0xFF, dac_read_index_ = 0, dac_write_index_ = 0, dac_sub_ = 0;
  uint8_t dac_state_ = 0;     // 0: write mode, 3: read mode (port 3C7 read)
  std::array<uint8_t, 3> dac_latch_{};
  std::array<uint8_t, 768> dac_{};
  uint32_t latch_ = 0;

  // Bochs VBE.
  uint16_t vbe_index_ = 0;
  std::array<uint16_t, dispi::kNumRegs> vbe_{};

  // Rendering state.
  bool dirty_ = true;
  Mode last_mode_{};
  unsigned last_blink_ = ~0u;
  std::vector<uint32_t> scratch_;
  std::vector<uint32_t> line_;       // one scan line, with room for pel panning
  std::vector<uint8_t> lfb_shadow_;  // VBE: the bytes each displayed line showed last time

  // Legacy mapping.
  PortBus* ports_ = nullptr;
  PhysMem* mem_ = nullptr;
};

}  // namespace rz
