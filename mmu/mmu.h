// mmu/mmu.h: linear -> physical translation, the page walk and the shadow TLB.
//
// The TLB is a direct-mapped array indexed by linear page number.  Each entry keeps one
// tag per (access kind, privilege): supervisor read, supervisor write, user read, user
// write.  A tag equals the linear page number only when that access may go straight to
// the host page at `addend + linear`; otherwise it holds kInvalidTag and the access takes
// the slow path (`translate`).  So a hit costs one compare and one add, and every check
// the page tables demand (present, U/S, R/W, CR0.WP, accessed/dirty) was done once, at
// fill time.  Pages that must always take the slow path (MMIO, ROM for writes, pages that
// hold translated code for writes) simply never get a valid tag of that kind.
//
// A miss that the page tables allow is a *hidden* fault (the guest never sees it); a miss
// they forbid is a *true* page fault, reported to the CPU, which raises #PF.  The counters
// are part of the teaching report.
#pragma once

#include <cstdint>
#include <cstring>

#include "mmu/phys.h"

namespace rz {

enum class Access : uint8_t { Read = 0, Write = 1, Fetch = 2 };

// 32 bytes, aligned: an entry never straddles two host cache lines, and a hit reads one
// line (the tag and the addend).
struct alignas(32) TlbEntry {
  uint32_t tag[4];   // index = kind (0 read, 1 write) + 2 * user
  uintptr_t addend;  // host address of the page minus its linear base
  uint32_t phys;     // physical page base
  uint8_t global;    // from a PTE/PDE with G set and CR4.PGE on
  uint8_t large;     // filled from a 4 MiB page
  // For a page the guest may write but which holds translated code (its write tags stay
  // invalid): bit 0 supervisor, bit 1 user may write.  Meaningful only while tag[0] (always
  // set by a fill) matches.  Writes take the slow path, which stores directly when the bytes
  // written are not code (data beside code) without walking the page tables again.
  uint8_t code_w;
};
static_assert(sizeof(TlbEntry) == 32 || sizeof(uintptr_t) != 8, "TlbEntry layout");

struct TlbStats {
  uint64_t fills = 0;         // hidden faults: misses satisfied by a page walk
  uint64_t page_faults = 0;   // true faults reported to the guest
  uint64_t full_flushes = 0;  // CR3 loads, CR0/CR4 paging changes
  uint64_t page_flushes = 0;  // INVLPG
};

// Result of a translation that the guest's page tables forbid.
struct PageFault {
  uint32_t error_code;  // P, W/R, U/S bits as #PF pushes them
};

class Mmu {
 public:
  static constexpr unsigned kTlbBits = 12;
  static constexpr unsigned kTlbSize = 1u << kTlbBits;
  static constexpr uint32_t kInvalidTag = 0xFFFFFFFFu;

  explicit Mmu(PhysMem& phys);

  PhysMem& phys() { return phys_; }

  // Control-register state the walk depends on.  The CPU calls these on every change;
  // each flushes what the manual says a real TLB loses.
  void set_cr0(uint32_t cr0);
  void set_cr3(uint32_t cr3);  // flushes non-global entries
  void set_cr4(uint32_t cr4);
  void invlpg(uint32_t lin);
  void flush_all();
  bool paging() const { return paging_; }

  // Fast path: host pointer for `size` bytes at `lin` that do not cross a page, or nullptr
  // (then call translate()).  `user` selects the CPL-3 permission set.
  inline uint8_t* lookup(uint32_t lin, Access kind, bool user) {
    const TlbEntry& e = tlb_[(lin >> 12) & (kTlbSize - 1)];
    unsigned k = (kind == Access::Write ? 1u : 0u) + (user ? 2u : 0u);
    if (e.tag[k] == (lin >> 12)) return reinterpret_cast<uint8_t*>(e.addend + lin);
    return nullptr;
  }

  // The entry a linear address maps to (for the inline fast paths in cpu/cpu.h).
  inline const TlbEntry& entry(uint32_t lin) const { return tlb_[(lin >> 12) & (kTlbSize - 1)]; }

  // Fast path for instruction fetch: physical address of `lin` if its page is cached for
  // reading at this privilege.
  inline bool lookup_phys(uint32_t lin, bool user, uint32_t& phys) const {
    const TlbEntry& e = tlb_[(lin >> 12) & (kTlbSize - 1)];
    if (e.tag[user ? 2 : 0] != (lin >> 12)) return false;
    phys = e.phys | (lin & 0xFFF);
    return true;
  }

  // Slow path: walk the page tables (setting accessed/dirty bits), fill the TLB when the
  // page is plain memory, and return the physical address.  On a guest page fault returns
  // false with `pf` filled (CR2 is the caller's business).
  bool translate(uint32_t lin, Access kind, bool user, uint32_t& phys, PageFault& pf);

  // Physical page base and host pointer of an instruction fetch; nullptr host if the page
  // is not plain memory.  Same fault contract as translate().
  bool translate_fetch(uint32_t lin, bool user, uint32_t& phys, PageFault& pf) {
    return translate(lin, Access::Fetch, user, phys, pf);
  }

  // Drop write tags that map physical page `ppage` (it now holds translated code).
  void protect_code_page(uint32_t ppage);

  // Linear pages watched by data breakpoints (DR0-DR3): never cached in the TLB, so every
  // access to them takes the slow path, where the CPU compares addresses.  n <= 8.
  void set_watch_pages(const uint32_t* pages, unsigned n);

  const TlbStats& stats() const { return stats_; }
  TlbStats& stats() { return stats_; }

  // Direct access for the JIT's inline sequence (same layout as lookup()).
  TlbEntry* tlb() { return tlb_; }

 private:
  void invalidate(TlbEntry& e);
  void flush(bool keep_global);

  PhysMem& phys_;
  bool paging_ = false, wp_ = false, pse_ = false, pge_ = false;
  uint32_t cr3_ = 0;
  uint32_t large_count_ = 0;
  uint32_t watch_[8] = {};
  unsigned nwatch_ = 0;
  TlbStats stats_;
  TlbEntry tlb_[kTlbSize];
};

}  // namespace rz
