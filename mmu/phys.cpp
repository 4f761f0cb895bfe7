// mmu/phys.cpp: physical address space resolution (RAM, ROM, shadow RAM, MMIO, A20).
#include "mmu/phys.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace rz {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif
#else
constexpr bool kAsan = false;
#endif

// Inaccessible host pages on both sides of guest RAM: a host access that strays past either
// end faults at once instead of reaching other host memory.
constexpr size_t kGuard = 64 * 1024;

uint8_t* map_ram(size_t bytes) {
  // Under AddressSanitizer a heap array instead, so its redzones and reports cover it.
  if (kAsan) return new uint8_t[bytes]();
  void* p = mmap(nullptr, bytes + 2 * kGuard, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED || mprotect(static_cast<uint8_t*>(p) + kGuard, bytes, PROT_READ | PROT_WRITE) != 0)
    throw std::runtime_error("cannot allocate " + std::to_string(bytes >> 20) +
                             " MiB of guest RAM: " + std::strerror(errno));
  return static_cast<uint8_t*>(p) + kGuard;
}

}  // namespace

void PhysMem::RamUnmap::operator()(uint8_t* p) const {
  if (kAsan) delete[] p;
  else munmap(p - kGuard, bytes + 2 * kGuard);
}

PhysMem::PhysMem(uint32_t ram_bytes)
    : ram_size_(ram_bytes & ~0xFFFu),
      ram_(map_ram(ram_size_ ? ram_size_ : 4096), RamUnmap{ram_size_ ? ram_size_ : 4096}) {
  code_chunks_.assign(ram_size_ >> 12, 0);
}

void PhysMem::changed() {
  ++map_gen_;
  for (auto& f : map_listeners_) f();
  if (listener_) listener_->memory_map_changed();
}

void PhysMem::map_rom(uint32_t base, std::vector<uint8_t> image, const std::string& name) {
  if ((base & 0xFFF) || image.empty() || (image.size() & 0xFFF))
    throw std::invalid_argument(name + ": ROM must be page aligned and a multiple of 4 KiB");
  Region r{base, uint32_t(image.size()), std::move(image), {}, name};
  regions_.push_back(std::move(r));
  changed();
}

void PhysMem::map_mmio(uint32_t base, uint32_t size, MmioHandler h, const std::string& name) {
  for (const Region& r : regions_) {
    if (r.rom.empty() && base < r.base + r.size && r.base < base + size)
      throw std::invalid_argument("MMIO region " + name + " overlaps " + r.name);
  }
  regions_.push_back(Region{base, size, {}, std::move(h), name});
  changed();
}

void PhysMem::map_device_ram(uint32_t base, uint32_t size, uint8_t* host,
                             const std::string& name) {
  if ((base & 0xFFF) || (size & 0xFFF) || !size || !host)
    throw std::invalid_argument(name + ": device memory must be page aligned and a multiple of 4 KiB");
  for (const Region& r : regions_) {
    if (r.rom.empty() && base < r.base + r.size && r.base < base + size)
      throw std::invalid_argument("device memory " + name + " overlaps " + r.name);
  }
  Region r{base, size, {}, {}, name};
  r.host = host;
  regions_.push_back(std::move(r));
  changed();
}

void PhysMem::unmap(const std::string& name) {
  size_t before = regions_.size();
  std::erase_if(regions_, [&](const Region& r) { return r.name == name; });
  if (regions_.size() != before) changed();
}

void PhysMem::set_shadow(uint32_t base, uint32_t size, bool read_ram, bool write_ram) {
  for (Shadow& s : shadows_) {
    if (s.base == base && s.size == size) {
      if (s.read_ram == read_ram && s.write_ram == write_ram) return;
      s.read_ram = read_ram;
      s.write_ram = write_ram;
      changed();
      return;
    }
  }
  shadows_.push_back(Shadow{base, size, read_ram, write_ram});
  changed();
}

void PhysMem::set_a20(bool enabled) {
  uint32_t m = enabled ? 0xFFFFFFFFu : ~(1u << 20);
  if (m == a20_mask_) return;
  a20_mask_ = m;
  changed();
}

const PhysMem::Region* PhysMem::find(uint32_t paddr) const {
  for (size_t i = regions_.size(); i-- > 0;) {
    const Region& r = regions_[i];
    if (paddr - r.base < r.size) return &r;
  }
  return nullptr;
}

const PhysMem::Shadow* PhysMem::find_shadow(uint32_t paddr) const {
  for (const Shadow& s : shadows_)
    if (paddr - s.base < s.size) return &s;
  return nullptr;
}

uint8_t* PhysMem::page_for_read(uint32_t paddr) {
  paddr &= ~0xFFFu;
  const Shadow* s = find_shadow(paddr);
  if (s && s->read_ram && paddr < ram_size_) return ram_.get() + paddr;
  if (const Region* r = find(paddr)) {
    if (r->host) return r->host + (paddr - r->base);
    if (r->rom.empty()) return nullptr;
    return const_cast<uint8_t*>(r->rom.data()) + (paddr - r->base);
  }
  // Shadow RAM with reads disabled and nothing on the ROM/ISA side: reads float (slow path).
  if (s) return nullptr;
  return paddr < ram_size_ ? ram_.get() + paddr : nullptr;
}

uint8_t* PhysMem::page_for_write(uint32_t paddr) {
  paddr &= ~0xFFFu;
  if (const Shadow* s = find_shadow(paddr)) {
    // A shadowed page is writable through the fast path only when reads also see RAM;
    // with writes disabled they go to the ROM/ISA side (slow path).
    if (s->write_ram && s->read_ram && paddr < ram_size_) return ram_.get() + paddr;
    return nullptr;
  }
  if (const Region* r = find(paddr)) return r->host ? r->host + (paddr - r->base) : nullptr;
  return paddr < ram_size_ ? ram_.get() + paddr : nullptr;
}

uint8_t PhysMem::read8(uint32_t paddr) {
  const Shadow* s = find_shadow(paddr);
  if (s && s->read_ram && paddr < ram_size_) return ram_[paddr];
  if (const Region* r = find(paddr)) {
    if (r->host) return r->host[paddr - r->base];
    if (!r->rom.empty()) return r->rom[paddr - r->base];
    return r->mmio.read ? uint8_t(r->mmio.read(paddr - r->base, 1)) : 0xFF;
  }
  if (s) return 0xFF;  // shadow reads disabled and no ROM: nothing answers on ISA
  return paddr < ram_size_ ? ram_[paddr] : 0xFF;
}

void PhysMem::write8(uint32_t paddr, uint8_t v) {
  if (const Shadow* s = find_shadow(paddr)) {
    if (s->write_ram && paddr < ram_size_) {
      if (listener_ && is_code_byte(paddr)) listener_->code_written(paddr);
      ram_[paddr] = v;
      return;
    }
    // Writes disabled: they go to the ROM/ISA side (a device-memory region takes them,
    // ROM drops them); they never reach the shadow RAM.
    const Region* r = find(paddr);
    if (r && r->host) r->host[paddr - r->base] = v;
    else if (r && r->rom.empty() && r->mmio.write) r->mmio.write(paddr - r->base, 1, v);
    return;
  }
  if (const Region* r = find(paddr)) {
    if (r->host) r->host[paddr - r->base] = v;
    else if (r->rom.empty() && r->mmio.write) r->mmio.write(paddr - r->base, 1, v);
    return;
  }
  if (paddr < ram_size_) {
    if (listener_ && is_code_byte(paddr)) listener_->code_written(paddr);
    ram_[paddr] = v;
  }
}

uint32_t PhysMem::read(uint32_t paddr, unsigned size) {
  if (paddr + size <= ram_size_ && (paddr >> 12) == ((paddr + size - 1) >> 12) &&
      !find(paddr) && !find_shadow(paddr)) {
    uint32_t v = 0;
    std::memcpy(&v, ram_.get() + paddr, size);
    return v;
  }
  // MMIO regions get the whole access when it lies inside them.
  if (const Region* r = find(paddr);
      r && is_mmio(*r) && !find_shadow(paddr) && paddr - r->base + size <= r->size) {
    if (!r->mmio.read) return 0xFFFFFFFFu >> (32 - 8 * size);
    return r->mmio.read(paddr - r->base, size);
  }
  uint32_t v = 0;
  for (unsigned i = 0; i < size; ++i) v |= uint32_t(read8((paddr + i) & a20_mask_)) << (8 * i);
  return v;
}

void PhysMem::write(uint32_t paddr, unsigned size, uint32_t value) {
  if (paddr + size <= ram_size_ && (paddr >> 12) == ((paddr + size - 1) >> 12) &&
      !find(paddr) && !find_shadow(paddr)) {
    if (listener_ && (is_code_byte(paddr) || is_code_byte(paddr + size - 1))) {
      listener_->code_written(paddr);
      if (is_code_byte(paddr + size - 1)) listener_->code_written(paddr + size - 1);
    }
    std::memcpy(ram_.get() + paddr, &value, size);
    return;
  }
  if (const Region* r = find(paddr);
      r && is_mmio(*r) && !find_shadow(paddr) && paddr - r->base + size <= r->size) {
    if (r->mmio.write) r->mmio.write(paddr - r->base, size, value);
    return;
  }
  for (unsigned i = 0; i < size; ++i) write8((paddr + i) & a20_mask_, uint8_t(value >> (8 * i)));
}

// Block transfers (DMA) copy whole page pieces where the page is plain memory and
// holds no translated code, and fall back to byte accesses elsewhere.
void PhysMem::read_block(uint32_t paddr, void* dst, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  while (n) {
    uint32_t a = paddr & a20_mask_;
    size_t piece = std::min<size_t>(n, 0x1000 - (a & 0xFFF));
    if (const uint8_t* pg = page_for_read(a)) {
      std::memcpy(d, pg + (a & 0xFFF), piece);
    } else {
      for (size_t i = 0; i < piece; ++i) d[i] = read8(uint32_t(a + i) & a20_mask_);
    }
    d += piece;
    paddr += uint32_t(piece);
    n -= piece;
  }
}

void PhysMem::write_block(uint32_t paddr, const void* src, size_t n) {
  auto* s = static_cast<const uint8_t*>(src);
  while (n) {
    uint32_t a = paddr & a20_mask_;
    size_t piece = std::min<size_t>(n, 0x1000 - (a & 0xFFF));
    uint8_t* pg = page_for_write(a);
    if (pg && !is_code_page(a >> 12)) {
      std::memcpy(pg + (a & 0xFFF), s, piece);
    } else {
      for (size_t i = 0; i < piece; ++i) write8(uint32_t(a + i) & a20_mask_, s[i]);
    }
    s += piece;
    paddr += uint32_t(piece);
    n -= piece;
  }
}

}  // namespace rz
