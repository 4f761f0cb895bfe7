// mmu/mmu.cpp: two-level i386 page walk (4 KiB and PSE 4 MiB pages) and TLB fills.
//
// Accessed and dirty bits are written only when the translation succeeds: a walk that
// ends in a page fault leaves every entry untouched (Intel SDM vol. 3 4.8; QEMU differs).
#include "mmu/mmu.h"

namespace rz {

namespace {
constexpr uint32_t P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
}

Mmu::Mmu(PhysMem& phys) : phys_(phys) {
  flush(false);
  phys_.add_map_listener([this] { flush_all(); });
}

void Mmu::invalidate(TlbEntry& e) {
  for (uint32_t& t : e.tag) t = kInvalidTag;
  e.code_w = 0;
  if (e.large) --large_count_;
  e.large = 0;
  e.global = 0;
}

void Mmu::flush(bool keep_global) {
  for (TlbEntry& e : tlb_) {
    if (keep_global && e.global) continue;
    invalidate(e);
  }
  if (!keep_global) large_count_ = 0;
  ++stats_.full_flushes;
}

void Mmu::flush_all() { flush(false); }

void Mmu::set_cr0(uint32_t cr0) {
  bool pg = (cr0 >> 31) & 1, wp = (cr0 >> 16) & 1;
  if (pg != paging_ || wp != wp_) {
    paging_ = pg;
    wp_ = wp;
    flush(false);
  }
}

void Mmu::set_cr3(uint32_t cr3) {
  cr3_ = cr3;
  flush(pge_);
}

void Mmu::set_cr4(uint32_t cr4) {
  bool pse = (cr4 >> 4) & 1, pge = (cr4 >> 7) & 1;
  if (pse != pse_ || pge != pge_) {
    pse_ = pse;
    pge_ = pge;
    flush(false);
  }
}

void Mmu::invlpg(uint32_t lin) {
  ++stats_.page_flushes;
  invalidate(tlb_[(lin >> 12) & (kTlbSize - 1)]);
  if (large_count_) {
    // INVLPG drops the whole 4 MiB translation, which we cached as 4 KiB pieces.
    for (TlbEntry& e : tlb_) {
      if (!e.large) continue;
      for (uint32_t t : e.tag) {
        if (t != kInvalidTag && (t >> 10) == (lin >> 22)) {
          invalidate(e);
          break;
        }
      }
    }
  }
}

void Mmu::protect_code_page(uint32_t ppage) {
  for (TlbEntry& e : tlb_) {
    if ((e.phys >> 12) == ppage) {
      if (e.tag[1] != kInvalidTag) e.code_w |= 1;
      if (e.tag[3] != kInvalidTag) e.code_w |= 2;
      e.tag[1] = kInvalidTag;
      e.tag[3] = kInvalidTag;
    }
  }
}

void Mmu::set_watch_pages(const uint32_t* pages, unsigned n) {
  nwatch_ = n > 8 ? 8 : n;
  for (unsigned k = 0; k < nwatch_; ++k) watch_[k] = pages[k];
  flush(false);
}

bool Mmu::translate(uint32_t lin, Access kind, bool user, uint32_t& phys, PageFault& pf) {
  const bool write = kind == Access::Write;
  const uint32_t a20 = phys_.a20_mask();
  uint32_t page_base;
  bool user_ok = true, user_w = true, sup_w = true, dirty = true, global = false,
       large = false;

  if (!paging_) {
    page_base = (lin & ~0xFFFu) & a20;
  } else {
    const uint32_t fault_bits = (write ? 2u : 0u) | (user ? 4u : 0u);
    uint32_t pde_addr = ((cr3_ & ~0xFFFu) | ((lin >> 20) & 0xFFC)) & a20;
    uint32_t pde = phys_.read(pde_addr, 4);
    if (!(pde & P)) {
      ++stats_.page_faults;
      pf.error_code = fault_bits;
      return false;
    }
    uint32_t perm, pte_addr = 0, pte = 0;
    if (pse_ && (pde & PS)) {
      large = true;
      perm = pde;
      page_base = ((pde & 0xFFC00000u) | (lin & 0x003FF000u)) & a20;
      global = pge_ && (pde & G);
    } else {
      pte_addr = ((pde & ~0xFFFu) | ((lin >> 10) & 0xFFC)) & a20;
      pte = phys_.read(pte_addr, 4);
      if (!(pte & P)) {
        ++stats_.page_faults;
        pf.error_code = fault_bits;
        return false;
      }
      perm = pde & pte;
      page_base = (pte & ~0xFFFu) & a20;
      global = pge_ && (pte & G);
    }
    user_ok = perm & US;
    user_w = user_ok && (perm & RW);
    sup_w = !wp_ || (perm & RW);
    bool allowed = user ? (write ? user_w : user_ok) : (write ? sup_w : true);
    if (!allowed) {
      ++stats_.page_faults;
      pf.error_code = 1u | fault_bits;
      return false;
    }
    // Success: set accessed bits (and dirty on a write) in the entries used.
    if (large) {
      uint32_t n = pde | A | (write ? D : 0);
      if (n != pde) phys_.write(pde_addr, 4, n);
      dirty = n & D;
    } else {
      if (!(pde & A)) phys_.write(pde_addr, 4, pde | A);
      uint32_t n = pte | A | (write ? D : 0);
      if (n != pte) phys_.write(pte_addr, 4, n);
      dirty = n & D;
    }
  }

  phys = page_base | (lin & 0xFFF);

  // Fill the TLB entry when the page is plain memory (and not watched by a breakpoint).
  for (unsigned k = 0; k < nwatch_; ++k)
    if (watch_[k] == (lin >> 12)) return true;
  uint8_t* rd = phys_.page_for_read(page_base);
  if (!rd) return true;
  const bool code = phys_.is_code_page(page_base >> 12);
  uint8_t* wr = dirty ? phys_.page_for_write(page_base) : nullptr;
  TlbEntry& e = tlb_[(lin >> 12) & (kTlbSize - 1)];
  invalidate(e);
  const uint32_t tag = lin >> 12;
  e.addend = reinterpret_cast<uintptr_t>(rd) - (lin & ~0xFFFu);
  e.phys = page_base;
  e.global = global;
  e.large = large;
  if (large) ++large_count_;
  e.tag[0] = tag;
  e.tag[2] = user_ok ? tag : kInvalidTag;
  if (wr == rd) {
    if (code) {
      e.code_w = (sup_w ? 1 : 0) | (user_w ? 2 : 0);
    } else {
      e.tag[1] = sup_w ? tag : kInvalidTag;
      e.tag[3] = user_w ? tag : kInvalidTag;
    }
  }
  ++stats_.fills;
  return true;
}

}  // namespace rz
