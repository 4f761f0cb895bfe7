// translator/engine.h: the block cache and the run loop (tier 0, the interpreter).
//
// A Block is a straight run of decoded instructions starting at one physical address,
// ending at a control transfer, a mode-changing instruction, an undefined opcode, the end
// of its page or kMaxBlockInsns.  Blocks are keyed by (physical address, mode key) and
// looked up through a direct-mapped front array backed by a hash map.  A guest write to a
// physical page holding blocks (reported by the MMU) discards that page's blocks; blocks
// discarded while one of them runs are freed only at the next block boundary.
//
// BLOCK CHAINING.  Each block remembers up to two successors (BlockLink: the linear address,
// mode key and CPL the next block was entered with, its physical page and the block found).
// The run loop tries the links of the block that just ran before the full lookup (TLB fetch
// translation, then the block cache).  A link is followed only if
//   * no block has been discarded since it was recorded (the engine's block generation,
//     bumped by self-modifying-code invalidation and flush(), is unchanged), and
//   * the TLB entry of the linear address still holds a fetch tag for it at this privilege
//     and maps it to the link's physical page.
// The second condition is exactly the hit test of the full path's fetch (Mmu::lookup_phys),
// which would then have found the same block: so a link gives what the lookup would, with
// the same side effects (none), and CR3 loads, INVLPG, CR0/CR4 paging changes, A20 and
// memory-map changes (which all drop TLB tags) and TLB evictions drop links by themselves.
// The CS limit, interrupts, TF/DR7 and the instruction budget are checked at every block
// boundary exactly as without links.
#pragma once

#include <bitset>
#include <csetjmp>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/insn.h"

namespace rz {

struct Block;

// A remembered successor (see BLOCK CHAINING above).
struct BlockLink {
  uint64_t block_gen = 0;  // the engine's block generation when recorded (0: empty)
  uint32_t lin = 0;        // linear address of the successor's first byte (CS.base + EIP)
  uint32_t key = 0;        // mode key | CPL << 8 (the CPL picks the TLB's fetch permission)
  uint32_t ppage = 0;      // physical page base of `lin` when recorded
  Block* to = nullptr;
};

struct Block {
  uint32_t phys = 0;    // physical address of the first byte
  uint32_t key = 0;     // mode key (see mode_key())
  uint32_t nbytes = 0;  // bytes covered
  uint32_t pages[2] = {0xFFFFFFFFu, 0xFFFFFFFFu};  // physical pages it reads from
  uint32_t first_page_bytes = 0;  // bytes on pages[0] (the rest are on pages[1])
  uint32_t class_counts[kNumInsnClasses] = {};
  std::vector<Insn> insns;
  uint32_t ninsns = 0;         // insns.size(), kept apart so the run loop need not divide
  bool last_sets_eip = false;  // the final instruction is a control transfer
  uint64_t execs = 0;          // times entered (per-class counts are folded in lazily)
  BlockLink links[2];          // successors: [0] the most recent, [1] the one before
};

class Engine : public CodeWriteListener {
 public:
  static constexpr unsigned kMaxBlockInsns = 64;

  explicit Engine(Cpu& cpu);
  ~Engine() override;

  // Run until `max_insns` more instructions have retired, the CPU halts or shuts down, or
  // stop() is called.  Returns the number of instructions retired.
  uint64_t run(uint64_t max_insns);
  // Execute exactly one instruction (with TF/debug traps), outside the block cache.
  void step();
  void stop() { stop_requested_ = true; }

  void flush();  // discard every block
  // Executed instructions per privilege class, including blocks still in the cache.
  void class_totals(uint64_t out[kNumInsnClasses]) const;
  uint64_t blocks_live() const { return blocks_.size(); }
  // Block entries that took the full lookup (TLB fetch translation and cache) instead of a
  // link, for tests; not part of the --stats report.
  uint64_t looked_up() const { return looked_up_; }

  // CodeWriteListener.
  void code_written(uint32_t paddr) override;
  void memory_map_changed() override { flush(); }

 private:
  uint32_t mode_key() const;
  // Mode key plus CPL: what a link must match besides the linear address.
  uint32_t link_key() const {
    return mode_key() | uint32_t(cpu_.cpl) << 8;
  }
  // The block at CS:EIP: through `prev_`'s links when one matches (inline in run()), else
  // the TLB and the cache, after which `prev_` learns the link (next_block_slow).
  Block* next_block_slow(uint32_t lin, uint32_t key);
  Block* lookup_or_build(uint32_t lin, uint32_t phys, uint32_t key);
  std::unique_ptr<Block> build(uint32_t lin, uint32_t phys, uint32_t key);
  // Translate CS:EIP for fetch; raises #GP/#PF as the guest would see them.
  uint32_t fetch_phys(uint32_t lin);
  // Fetch up to 15 instruction bytes at `lin` into buf; returns how many were readable
  // without faulting (stops at the first untranslatable page).
  size_t fetch_bytes(uint32_t lin, uint8_t* buf, bool fault_on_first);
  void exec_block(Block& b);
  void exec_one(const Insn& i, const OpRow* row, bool tf_before);
  // The bytes [lo, hi] (page offsets) a block occupies on `ppage`; false if none.
  static bool span_on(const Block& b, uint32_t ppage, uint32_t& lo, uint32_t& hi);
  // Recompute a code page's exact byte map and the PhysMem chunk mask from its blocks.
  void refresh_page(uint32_t ppage);
  void unlink(Block* b);  // remove from the front array and the page lists
  void retire(std::unique_ptr<Block> b);  // fold its counts into the stats, free it later

  Cpu& cpu_;
  std::unordered_map<uint64_t, std::unique_ptr<Block>> blocks_;
  // Per physical page holding code: its blocks and exactly which bytes they cover, so a
  // write next to code (data sharing a page with code is common) costs one bit test.
  struct CodePage {
    std::vector<Block*> blocks;
    std::bitset<4096> bytes;
  };
  std::unordered_map<uint32_t, CodePage> code_pages_;
  // One-entry cache of the last code page a write looked up (writes beside code tend to
  // hit the same page); cleared whenever code_pages_ loses an element.
  uint32_t last_page_ = 0xFFFFFFFFu;
  CodePage* last_cp_ = nullptr;
  std::vector<std::unique_ptr<Block>> graveyard_;
  // Direct-mapped front array.  The index mixes page-number bits into the page offset:
  // indexing by the low 12 bits alone made every block at the same offset of different
  // pages (function entries, page-aligned code) fight for one slot.
  static constexpr unsigned kFrontBits = 13;
  static uint32_t front_index(uint32_t phys) {
    return (phys ^ (phys >> 11) ^ (phys >> 19)) & ((1u << kFrontBits) - 1);
  }
  Block* front_[1u << kFrontBits] = {};
  bool stop_requested_ = false;
  // Bumped whenever a block is discarded (retire(), flush()): links recorded before are dead.
  uint64_t block_gen_ = 1;
  // The block that ran last, whose links the next lookup tries; nullptr after anything but
  // a plain block exit, and whenever a block is discarded (so it is never dangling).  A
  // member, not a local of run(), because run() longjmps.
  Block* prev_ = nullptr;
  uint64_t looked_up_ = 0;
};

}  // namespace rz
