// translator/engine.cpp: block building, the block cache and the interpreter run loop.
#include "translator/engine.h"

#include "cpu/debug.h"
#include "cpu/interrupts.h"
#include "cpu/table.h"

namespace rz {

namespace {
void op_too_long(Cpu& c, const Insn&) { raise_gp0(c); }
constexpr uint32_t kDebugTrapBS = 1u << 14;
}  // namespace

Engine::Engine(Cpu& cpu) : cpu_(cpu) { cpu_.mmu->phys().set_listener(this); }

Engine::~Engine() {
  if (cpu_.mmu) cpu_.mmu->phys().set_listener(nullptr);
}

uint32_t Engine::mode_key() const {
  // Bit 0: CS.D (32-bit code); bit 1: real or virtual-8086 mode (CR0.PE clear or EFLAGS.VM).
  return ((cpu_.seg[CS].ar >> 14) & 1u) | (((~cpu_.cr0 & CR0_PE) | ((cpu_.eflags >> 17) & 1u)) << 1);
}

void Engine::retire(std::unique_ptr<Block> b) {
  ++block_gen_;  // every link to it is dead now
  prev_ = nullptr;  // it may be the previous block
  for (int k = 0; k < kNumInsnClasses; ++k) cpu_.stats.by_class[k] += b->execs * b->class_counts[k];
  b->execs = 0;
  graveyard_.push_back(std::move(b));
}

void Engine::class_totals(uint64_t out[kNumInsnClasses]) const {
  for (int k = 0; k < kNumInsnClasses; ++k) out[k] = cpu_.stats.by_class[k];
  for (const auto& kv : blocks_)
    for (int k = 0; k < kNumInsnClasses; ++k) out[k] += kv.second->execs * kv.second->class_counts[k];
}

void Engine::flush() {
  for (auto& kv : blocks_) retire(std::move(kv.second));
  blocks_.clear();
  for (auto& kv : code_pages_) cpu_.mmu->phys().set_code_mask(kv.first, 0);
  code_pages_.clear();
  last_page_ = 0xFFFFFFFFu;
  last_cp_ = nullptr;
  for (Block*& f : front_) f = nullptr;
  ++block_gen_;
  prev_ = nullptr;
  cpu_.stop_block = true;
}

bool Engine::span_on(const Block& b, uint32_t ppage, uint32_t& lo, uint32_t& hi) {
  if (ppage == b.pages[0]) {
    lo = b.phys & 0xFFF;
    hi = lo + b.first_page_bytes - 1;
    return true;
  }
  if (ppage == b.pages[1] && b.nbytes > b.first_page_bytes) {
    lo = 0;
    hi = b.nbytes - b.first_page_bytes - 1;
    return true;
  }
  return false;
}

void Engine::refresh_page(uint32_t ppage) {
  auto it = code_pages_.find(ppage);
  uint64_t chunks = 0;
  if (it != code_pages_.end()) {
    CodePage& cp = it->second;
    cp.bytes.reset();
    for (const Block* b : cp.blocks) {
      uint32_t lo, hi;
      if (!span_on(*b, ppage, lo, hi)) continue;
      for (uint32_t x = lo; x <= hi; ++x) cp.bytes.set(x);
      for (uint32_t ch = lo >> 6; ch <= hi >> 6; ++ch) chunks |= 1ull << ch;
    }
    if (cp.blocks.empty()) {
      code_pages_.erase(it);
      last_page_ = 0xFFFFFFFFu;
      last_cp_ = nullptr;
    }
  }
  PhysMem& pm = cpu_.mmu->phys();
  const bool was_code = pm.is_code_page(ppage);
  pm.set_code_mask(ppage, chunks);
  if (!was_code && chunks) cpu_.mmu->protect_code_page(ppage);
}

void Engine::unlink(Block* b) {
  Block*& f = front_[front_index(b->phys)];
  if (f == b) f = nullptr;
  for (uint32_t pg : b->pages) {
    if (pg == 0xFFFFFFFFu) continue;
    auto it = code_pages_.find(pg);
    if (it == code_pages_.end()) continue;
    auto& v = it->second.blocks;
    for (size_t k = 0; k < v.size(); ++k) {
      if (v[k] == b) {
        v[k] = v.back();
        v.pop_back();
        break;
      }
    }
  }
}

void Engine::code_written(uint32_t paddr) {
  const uint32_t ppage = paddr >> 12, off = paddr & 0xFFF;
  if (ppage == last_page_ && !last_cp_->bytes.test(off)) return;  // data beside code
  auto pit = code_pages_.find(ppage);
  if (pit == code_pages_.end()) return;
  last_page_ = ppage;
  last_cp_ = &pit->second;
  if (!pit->second.bytes.test(off)) return;
  // Collect first: unlink() edits the page lists.
  Block* victims[64];
  size_t nv = 0;
  bool more = true;
  while (more) {
    more = false;
    nv = 0;
    for (Block* b : pit->second.blocks) {
      uint32_t lo, hi;
      if (span_on(*b, ppage, lo, hi) && lo <= off && off <= hi) {
        if (nv == 64) {
          more = true;
          break;
        }
        victims[nv++] = b;
      }
    }
    uint32_t other_pages[64];
    size_t no = 0;
    for (size_t k = 0; k < nv; ++k) {
      Block* b = victims[k];
      unlink(b);
      for (uint32_t pg : b->pages)
        if (pg != 0xFFFFFFFFu && pg != ppage) other_pages[no++] = pg;
      auto it = blocks_.find((uint64_t(b->key) << 32) | b->phys);
      retire(std::move(it->second));
      blocks_.erase(it);
      ++cpu_.stats.blocks_invalidated;
    }
    for (size_t k = 0; k < no; ++k) refresh_page(other_pages[k]);
    pit = code_pages_.find(ppage);
    if (pit == code_pages_.end()) break;
  }
  refresh_page(ppage);
  cpu_.stop_block = true;  // the running block may have been one of them
}

uint32_t Engine::fetch_phys(uint32_t lin) {
  uint32_t phys;
  if (cpu_.mmu->lookup_phys(lin, cpu_.user(), phys)) return phys;
  PageFault pf;
  if (!cpu_.mmu->translate(lin, Access::Fetch, cpu_.user(), phys, pf))
    raise_page_fault(cpu_, lin, pf.error_code);
  return phys;
}

size_t Engine::fetch_bytes(uint32_t lin, uint8_t* buf, bool fault_on_first) {
  size_t got = 0;
  while (got < 15) {
    uint32_t a = lin + uint32_t(got);
    uint32_t phys;
    if (!cpu_.mmu->lookup_phys(a, cpu_.user(), phys)) {
      PageFault pf;
      if (!cpu_.mmu->translate(a, Access::Fetch, cpu_.user(), phys, pf)) {
        if (fault_on_first) raise_page_fault(cpu_, a, pf.error_code);
        return got;
      }
    }
    size_t chunk = std::min<size_t>(15 - got, 0x1000 - (a & 0xFFF));
    cpu_.mmu->phys().read_block(phys, buf + got, chunk);
    got += chunk;
  }
  return got;
}

std::unique_ptr<Block> Engine::build(uint32_t lin, uint32_t phys, uint32_t key) {
  auto b = std::make_unique<Block>();
  b->phys = phys;
  b->key = key;
  b->pages[0] = phys >> 12;
  const DecodeMode mode{cpu_.code32(), !cpu_.pe() || cpu_.v86()};
  const OpTable& table = instruction_table();
  uint32_t off = 0;
  for (;;) {
    uint8_t buf[16];
    const uint32_t a = lin + off;
    const uint32_t page_left = 0x1000 - (a & 0xFFF);
    size_t n;
    if (page_left >= 15) {
      cpu_.mmu->phys().read_block(phys + off, buf, 15);
      n = 15;
    } else {
      cpu_.mmu->phys().read_block(phys + off, buf, page_left);
      n = page_left;
    }
    Insn insn;
    const OpRow* row = nullptr;
    DecodeStatus st = decode_insn(buf, n, mode, insn, &row);
    if (st == DecodeStatus::NeedMore) {
      // The instruction continues on the next page.  Only the block's first instruction
      // may fetch across (faulting if that page is absent); otherwise end the block here.
      if (off != 0) break;
      n = fetch_bytes(a, buf, true);
      st = decode_insn(buf, n, mode, insn, &row);
      if (st == DecodeStatus::NeedMore) st = DecodeStatus::TooLong;
      uint32_t p2;
      PageFault pf;
      if (cpu_.mmu->translate(a + page_left, Access::Fetch, cpu_.user(), p2, pf))
        b->pages[1] = p2 >> 12;
    }
    if (st == DecodeStatus::TooLong) {
      insn.fn = op_too_long;
      insn.len = 15;
    }
    if (st != DecodeStatus::Ok) {
      b->insns.push_back(insn);
      b->last_sets_eip = false;
      off += insn.len;
      break;
    }
    b->insns.push_back(insn);
    ++b->class_counts[int(row->cls)];
    off += insn.len;
    if (row->attrs & kEndsBlock) {
      b->last_sets_eip = row->attrs & kControl;
      break;
    }
    if (b->pages[1] != 0xFFFFFFFFu || off >= 0x1000 - (lin & 0xFFF)) break;
    if (b->insns.size() >= kMaxBlockInsns) break;
  }
  b->nbytes = off;
  b->ninsns = uint32_t(b->insns.size());
  b->first_page_bytes = std::min<uint32_t>(off, 0x1000 - (phys & 0xFFF));
  ++cpu_.stats.blocks_decoded;
  (void)table;
  return b;
}

Block* Engine::lookup_or_build(uint32_t lin, uint32_t phys, uint32_t key) {
  Block*& f = front_[front_index(phys)];
  if (f && f->phys == phys && f->key == key) return f;
  const uint64_t k = (uint64_t(key) << 32) | phys;
  auto it = blocks_.find(k);
  if (it == blocks_.end()) {
    auto nb = build(lin, phys, key);
    Block* raw = nb.get();
    for (uint32_t pg : raw->pages) {
      if (pg == 0xFFFFFFFFu || (pg << 12) >= cpu_.mmu->phys().ram_size()) continue;
      CodePage& cp = code_pages_[pg];
      cp.blocks.push_back(raw);
      uint32_t lo, hi;
      if (!span_on(*raw, pg, lo, hi)) continue;
      uint64_t chunks = cpu_.mmu->phys().code_mask(pg);
      for (uint32_t x = lo; x <= hi; ++x) cp.bytes.set(x);
      for (uint32_t ch = lo >> 6; ch <= hi >> 6; ++ch) chunks |= 1ull << ch;
      const bool was_code = cpu_.mmu->phys().is_code_page(pg);
      cpu_.mmu->phys().set_code_mask(pg, chunks);
      if (!was_code) cpu_.mmu->protect_code_page(pg);
    }
    it = blocks_.emplace(k, std::move(nb)).first;
  }
  f = it->second.get();
  return f;
}

Block* Engine::next_block_slow(uint32_t lin, uint32_t key) {
  graveyard_.clear();  // nothing runs now; discarded blocks always come this way (prev_ is null)
  ++looked_up_;
  const uint32_t phys = fetch_phys(lin);
  Block* b = lookup_or_build(lin, phys, key & 0xFF);
  // Link only when the TLB now holds this fetch translation (not for pages the TLB does not
  // cache, whose every fetch walks the page tables).
  uint32_t tlb_phys;
  if (Block* p = prev_; p && cpu_.mmu->lookup_phys(lin, cpu_.user(), tlb_phys) && tlb_phys == phys) {
    if (p->links[0].lin != lin) p->links[1] = p->links[0];
    p->links[0] = BlockLink{block_gen_, lin, key, phys & ~0xFFFu, b};
  }
  return b;
}

[[gnu::always_inline]] inline void Engine::exec_block(Block& b) {
  Cpu& c = cpu_;
  const size_t n = b.ninsns;
  const uint64_t user = c.cpl == 3;  // a block runs at one CPL; only its last insn changes it
  c.icount += n;
  c.icount_user += n & -user;
  ++b.execs;
  c.stop_block = false;
  const Insn* i = b.insns.data();
  const Insn* last = i + n - 1;
  for (; i < last; ++i) {
    i->fn(c, *i);
    c.eip += i->len;
    if (__builtin_expect(c.stop_block, 0)) {
      // Left early: un-count the instructions that did not run.
      c.icount -= uint64_t(last - i);
      c.icount_user -= uint64_t(last - i) & -user;
      const auto& rows = instruction_table().rows();
      for (const Insn* j = i + 1; j <= last; ++j)
        if (j->row != kNoRow) --c.stats.by_class[int(rows[j->row].cls)];  // wraps; retire() adds back
      return;
    }
  }
  i->fn(c, *i);
  if (!b.last_sets_eip) c.eip += i->len;
}

void Engine::step() {
  Cpu& c = cpu_;
  const bool tf_before = c.eflags & TF;
  const uint8_t inhibited = c.inhibit_irq;
  c.inhibit_irq = 0;
  // EFLAGS.RF suppresses instruction breakpoints for this one instruction and is cleared
  // as it starts (IRET may set it again for the next one).
  // inhibit_irq == 2 (after MOV SS/POP SS) also holds debug exceptions: traps of that
  // instruction were kept in pending_dbg and are delivered after this one.
  const bool rf = c.eflags & RF;
  c.eflags &= ~RF;
  if (inhibited != 2) c.pending_dbg = 0;
  const uint32_t lin = c.seg[CS].base + c.eip;
  if (__builtin_expect(c.dr[7] & 0xFF, 0) && !rf && inhibited != 2) {
    if (uint32_t hits = insn_breakpoint_hits(c, lin)) {
      c.dr[6] |= hits;  // fault-class #DB before the instruction executes
      raise_fault(c, kDB);
    }
  }
  uint8_t buf[16];
  if (c.eip > c.seg[CS].limit) raise_gp0(c);
  size_t n = fetch_bytes(lin, buf, true);
  Insn insn;
  const OpRow* row = nullptr;
  const DecodeMode mode{c.code32(), !c.pe() || c.v86()};
  DecodeStatus st = decode_insn(buf, n, mode, insn, &row);
  if (st == DecodeStatus::TooLong || st == DecodeStatus::NeedMore) raise_gp0(c);
  if (uint64_t(c.eip) + insn.len - 1 > c.seg[CS].limit) raise_gp0(c);
  if (st == DecodeStatus::Invalid) raise_ud(c);
  exec_one(insn, row, tf_before);
}

void Engine::exec_one(const Insn& i, const OpRow* row, bool tf_before) {
  Cpu& c = cpu_;
  ++c.icount;
  c.icount_user += c.cpl == 3;
  ++c.stats.by_class[int(row->cls)];
  c.stop_block = false;
  i.fn(c, i);
  if (!(row->attrs & kControl)) c.eip += i.len;
  // Trap-class #DB after the instruction: single-step (BS) and data breakpoints (B0-B3).
  uint32_t dbg = c.pending_dbg;
  if (tf_before) dbg |= kDebugTrapBS;
  if (c.inhibit_irq == 2) {  // MOV SS/POP SS: hold the traps for one more instruction
    c.pending_dbg = dbg;
    return;
  }
  c.pending_dbg = 0;
  if (dbg) {
    c.dr[6] |= dbg;
    c.exc = PendingException{kDB, false, 0};
    c.deliver_pending_exception();
  }
}

uint64_t Engine::run(uint64_t max_insns) {
  Cpu& c = cpu_;
  std::jmp_buf jb;
  std::jmp_buf* saved = c.fault_jmp;
  c.fault_jmp = &jb;
  const uint64_t start = c.icount;
  const uint64_t target = start + max_insns;
  stop_requested_ = false;
  prev_ = nullptr;
  if (setjmp(jb)) {
    // A guest exception left a handler: deliver it (which may fault again and land here).
    prev_ = nullptr;
    c.pending_dbg = 0;  // data-breakpoint hits of a faulting instruction do not count
    c.deliver_pending_exception();
  }
  while (c.icount < target && !c.halted && !c.shutdown && !stop_requested_) {
    if (c.inhibit_irq) {
      prev_ = nullptr;
      step();
      continue;
    }
    if (__builtin_expect(c.nmi_pending || (c.intr_line && (c.eflags & IF)), 0)) {
      prev_ = nullptr;
      c.service_interrupts();
    }
    if (__builtin_expect((c.eflags & TF) || (c.dr[7] & 0xFF), 0)) {
      prev_ = nullptr;
      step();
      continue;
    }
    // The next block: through the previous block's links, else the full lookup.
    const uint32_t lin = c.seg[CS].base + c.eip;
    const uint32_t key = link_key();
    Block* b = nullptr;
    if (const Block* p = prev_) {
      const BlockLink* l = p->links;
      const BlockLink* hit = (l[0].lin == lin && l[0].key == key) ? &l[0]
                             : (l[1].lin == lin && l[1].key == key) ? &l[1] : nullptr;
      if (hit && hit->block_gen == block_gen_) {
        // The fetch's TLB hit test (Mmu::lookup_phys) against the recorded page.
        const TlbEntry& e = c.mmu->entry(lin);
        if (e.tag[c.cpl == 3 ? 2 : 0] == (lin >> 12) && e.phys == hit->ppage) b = hit->to;
      }
    }
    if (!b) b = next_block_slow(lin, key);
    if (__builtin_expect(uint64_t(c.eip) + b->nbytes - 1 > c.seg[CS].limit, 0)) {
      prev_ = nullptr;
      step();  // near the CS limit: one instruction at a time, checked precisely
      continue;
    }
    c.eflags &= ~RF;  // RF lasts for one instruction; no breakpoints are armed here
    prev_ = b;
    exec_block(*b);
  }
  prev_ = nullptr;
  graveyard_.clear();
  c.fault_jmp = saved;
  return c.icount - start;
}

}  // namespace rz
