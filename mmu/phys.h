// mmu/phys.h: the guest physical address space.
//
// RAM is one host allocation; ROM images are guest-owned buffers; everything else is
// MMIO dispatched to callbacks or unmapped (reads all ones, writes dropped).  Every access
// on the slow path is bounds-checked here, so a guest can never reach host memory outside
// its own.  The A20 gate masks bit 20 of every physical address when disabled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rz {

// An MMIO region's handlers.  `size` is 1, 2 or 4; `addr` is relative to the region start.
struct MmioHandler {
  std::function<uint32_t(uint32_t addr, unsigned size)> read;
  std::function<void(uint32_t addr, unsigned size, uint32_t value)> write;
};

// Listener for guest writes to physical memory that holds translated code (self-modifying
// code).  Code is tracked in 64-byte chunks; a write to a chunk that holds code is reported
// with its physical address.  The translator registers one; the MMU knows nothing else
// about blocks.
class CodeWriteListener {
 public:
  virtual ~CodeWriteListener() = default;
  virtual void code_written(uint32_t paddr) = 0;
  virtual void memory_map_changed() = 0;
};

class PhysMem {
 public:
  explicit PhysMem(uint32_t ram_bytes);
  PhysMem(const PhysMem&) = delete;
  PhysMem& operator=(const PhysMem&) = delete;

  uint32_t ram_size() const { return ram_size_; }
  uint8_t* ram() { return ram_.get(); }

  // Map a read-only image at `base` (page aligned).  Later regions win over earlier ones.
  void map_rom(uint32_t base, std::vector<uint8_t> image, const std::string& name);
  // Map MMIO callbacks over [base, base+size).
  void map_mmio(uint32_t base, uint32_t size, MmioHandler h, const std::string& name);
  // Map device-owned memory (a video card's linear framebuffer, a PCI ROM BAR) at `base`
  // (page aligned, size a multiple of 4 KiB): guest accesses go straight to `host`,
  // which must outlive the mapping.  Overlapping MMIO regions throw, like map_mmio.
  void map_device_ram(uint32_t base, uint32_t size, uint8_t* host, const std::string& name);
  // Remove every region called `name` (a PCI BAR that moved or was disabled).
  void unmap(const std::string& name);
  // Shadow RAM control for the legacy area (PAM): pages in [base, base+size) read from
  // RAM when `read_ram` and accept writes into RAM when `write_ram`; otherwise they read
  // the ROM mapped there and drop writes.
  void set_shadow(uint32_t base, uint32_t size, bool read_ram, bool write_ram);

  void set_a20(bool enabled);
  bool a20() const { return a20_mask_ == 0xFFFFFFFFu; }
  uint32_t a20_mask() const { return a20_mask_; }

  // Host pointer for reading the 4 KiB page holding `paddr`, or nullptr if that page is
  // not plain memory (MMIO, unmapped).  For writing, also nullptr for ROM.
  uint8_t* page_for_read(uint32_t paddr);
  uint8_t* page_for_write(uint32_t paddr);

  // Slow-path accesses of 1, 2 or 4 bytes (no alignment needed; may cross pages).
  uint32_t read(uint32_t paddr, unsigned size);
  void write(uint32_t paddr, unsigned size, uint32_t value);
  void read_block(uint32_t paddr, void* dst, size_t n);
  void write_block(uint32_t paddr, const void* src, size_t n);

  // Code tracking for self-modifying code: per RAM page, a mask of the 64-byte chunks that
  // hold translated code.  Pages with any code get no TLB write tags (writes take the slow
  // path, which reports writes to code chunks).
  void set_listener(CodeWriteListener* l) { listener_ = l; }
  bool is_code_page(uint32_t ppage) const {
    return ppage < code_chunks_.size() && code_chunks_[ppage];
  }
  uint64_t code_mask(uint32_t ppage) const {
    return ppage < code_chunks_.size() ? code_chunks_[ppage] : 0;
  }
  void set_code_mask(uint32_t ppage, uint64_t mask) {
    if (ppage < code_chunks_.size()) code_chunks_[ppage] = mask;
  }
  bool is_code_byte(uint32_t paddr) const {
    uint32_t pg = paddr >> 12;
    return pg < code_chunks_.size() && ((code_chunks_[pg] >> ((paddr >> 6) & 63)) & 1);
  }

  // Called (in registration order) whenever the mapping changes: the MMU flushes its TLB.
  void add_map_listener(std::function<void()> f) { map_listeners_.push_back(std::move(f)); }

  // Bumped whenever the mapping changes (shadowing, A20, regions): TLBs compare it.
  uint64_t map_generation() const { return map_gen_; }

 private:
  struct Region {
    uint32_t base, size;
    std::vector<uint8_t> rom;  // non-empty for ROM
    MmioHandler mmio;
    std::string name;
    uint8_t* host = nullptr;   // device RAM (map_device_ram)
  };
  struct Shadow {
    uint32_t base, size;
    bool read_ram, write_ram;
  };
  const Region* find(uint32_t paddr) const;
  static bool is_mmio(const Region& r) { return r.rom.empty() && !r.host; }
  const Shadow* find_shadow(uint32_t paddr) const;
  uint8_t read8(uint32_t paddr);
  void write8(uint32_t paddr, uint8_t v);
  void changed();

  uint32_t ram_size_;
  // Guest RAM: one anonymous mapping between two inaccessible guard areas, zero-filled by
  // the host kernel page by page as the guest first touches it, so the host's resident
  // memory follows what the guest uses (a heap array under AddressSanitizer).
  struct RamUnmap {
    size_t bytes;
    void operator()(uint8_t* p) const;
  };
  std::unique_ptr<uint8_t[], RamUnmap> ram_;
  std::vector<Region> regions_;
  std::vector<Shadow> shadows_;
  std::vector<uint64_t> code_chunks_;
  uint32_t a20_mask_ = 0xFFFFFFFFu;
  CodeWriteListener* listener_ = nullptr;
  std::vector<std::function<void()>> map_listeners_;
  uint64_t map_gen_ = 1;
};

}  // namespace rz
