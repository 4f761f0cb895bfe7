// cpu/cpu.h: the CPU object, its outside interfaces, and the guest-exception mechanism.
//
// GUEST EXCEPTIONS.  A handler that detects a fault calls raise_fault(), which records the
// vector, error code and (unchanged) EIP of the faulting instruction in CpuState and
// longjmps to the run loop (Cpu::fault_jmp).  Consequences every handler must respect:
//   * do every access that can fault before changing architectural state, or make the
//     partial change one the manual allows (string instructions update registers per
//     iteration; that is the architected behaviour);
//   * EIP is advanced by the run loop after the handler returns, so a fault leaves EIP at
//     the faulting instruction; control-transfer handlers set EIP themselves;
//   * no frame between the run loop and a handler may own a resource with a destructor
//     (no std::string, std::vector, unique_ptr locals on that path), and C++ exceptions
//     never cross it (JIT-generated code has no unwind tables).
#pragma once

#include <csetjmp>
#include <cstdint>
#include <cstring>

#include "cpu/flags.h"
#include "cpu/state.h"
#include "mmu/mmu.h"

namespace rz {

// Port I/O as seen from the CPU.  The PC board implements it; tests use small fakes.
class IoBus {
 public:
  virtual ~IoBus() = default;
  virtual uint32_t io_read(uint16_t port, unsigned size) = 0;
  virtual void io_write(uint16_t port, unsigned size, uint32_t value) = 0;
};

// The INTR side of the interrupt controller: asked for a vector when the CPU takes INTR.
class InterruptAck {
 public:
  virtual ~InterruptAck() = default;
  virtual uint8_t acknowledge() = 0;
};

// The local APIC as the CPU sees it.  The CPU owns IA32_APIC_BASE (MSR 1Bh,
// CpuState::apic_base); the APIC (a device) is told of every value the MSR takes (WRMSR,
// RESET) so its register page follows the base.  Cpu::apic == nullptr: no local APIC (the
// MSR raises #GP and CPUID.1:EDX.APIC reads 0).
class LocalApicPort {
 public:
  virtual ~LocalApicPort() = default;
  virtual void apic_base_written(uint64_t value) = 0;
};

// IA32_APIC_BASE: BSP (bit 8), global enable (bit 11), base (bits 35:12); bits 7:0, 10:9
// and 63:36 (above the P6's 36-bit physical address width) are reserved.  Value after RESET
// FEE00900h.
inline constexpr uint64_t kApicBaseBsp = 1u << 8, kApicBaseEnable = 1u << 11,
                          kApicBaseReserved = ~0xFFFFFF900ull, kApicBaseReset = 0xFEE00900u;

// Privilege classes of the teaching report (see docs/design.md).
enum class InsnClass : uint8_t { Innocuous, Privileged, IoplSensitive, SensitiveUnprivileged };
constexpr int kNumInsnClasses = 4;

struct CpuStats {
  uint64_t blocks_decoded = 0;
  uint64_t blocks_invalidated = 0;
  uint64_t exceptions = 0;
  uint64_t interrupts = 0;
  uint64_t by_class[kNumInsnClasses] = {};
};

struct Insn;

class Cpu : public CpuState {
 public:
  Cpu(Mmu& mmu, IoBus* io) : mmu(&mmu), io(io) { reset(); }

  // Power-on/RESET state: real mode at F000:FFF0 with CS base FFFF0000.
  void reset();

  Mmu* mmu;
  IoBus* io;
  InterruptAck* pic = nullptr;
  LocalApicPort* apic = nullptr;  // set with attach_apic()
  volatile bool intr_line = false;  // INTR pin, driven by the PIC
  bool nmi_pending = false;
  // FERR# output: with CR0.NE=0 an unmasked x87 exception asserts it when the instruction
  // that caused it completes (P6); clearing the exception flags (FNCLEX, FNINIT, FLDENV,
  // FRSTOR) deasserts it.  The PC board routes it to IRQ13 (through the chipset latch);
  // nullptr: not connected.
  void (*ferr)(void* ctx, bool asserted) = nullptr;
  void* ferr_ctx = nullptr;
  bool ferr_asserted = false;
  // IGNNE# input (the PC chipset asserts it on a write to port F0h while FERR# is asserted,
  // until FERR# goes away): with CR0.NE=0 waiting x87 instructions ignore a pending error
  // instead of freezing.
  bool ignne = false;
  std::jmp_buf* fault_jmp = nullptr;  // where raise_fault() lands (the run loop)
  CpuStats stats;

  // Give the CPU its local APIC (nullptr: none); the MSR takes its RESET value.
  void attach_apic(LocalApicPort* a) {
    apic = a;
    apic_base = a ? kApicBaseReset : 0;
    if (a) a->apic_base_written(apic_base);
  }

  // Deliver the exception recorded in `exc` (called by the run loop after a longjmp).
  // Handles #DF and triple-fault escalation.
  void deliver_pending_exception();
  // Take a maskable interrupt if INTR is asserted and allowed; returns true if taken.
  bool service_interrupts();

  bool user() const { return cpl == 3; }
  bool pe() const { return cr0 & CR0_PE; }
  bool v86() const { return eflags & VM; }
  bool code32() const { return seg[CS].big(); }
  bool stack32() const { return seg[SS].big(); }
  // The time-stamp counter ticks once per virtual nanosecond (a 1 GHz TSC), so it agrees
  // with the PIT and RTC whichever clock drives the machine.  The machine sets the time
  // base at the start of every slice; within a slice time advances with retired
  // instructions.
  uint64_t virtual_ns() const {
    return uint64_t(time_base_ns) + (icount - time_base_icount) * uint64_t(ns_per_insn);
  }
  uint64_t tsc() const { return virtual_ns() + tsc_offset; }
  int64_t time_base_ns = 0;
  uint64_t time_base_icount = 0;
  int64_t ns_per_insn = 1;
};

// ---- guest exceptions -------------------------------------------------------------------

[[noreturn]] void raise_fault(Cpu& c, uint8_t vector);
[[noreturn]] void raise_fault(Cpu& c, uint8_t vector, uint32_t error);
[[noreturn]] void raise_page_fault(Cpu& c, uint32_t lin, uint32_t error);
// Abandon the current instruction and halt with EIP at it until an interrupt (INTR or NMI)
// comes; no exception is delivered.  The interrupt's saved EIP is this instruction.
[[noreturn]] void raise_freeze(Cpu& c);
[[noreturn]] inline void raise_ud(Cpu& c) { raise_fault(c, kUD); }
[[noreturn]] inline void raise_gp0(Cpu& c) { raise_fault(c, kGP, 0); }

// ---- registers ----------------------------------------------------------------------------

// Register operands are byte offsets into CpuState::r (AL=0, CL=4, ..., AH=1, CH=5, ...;
// AX/EAX=0, CX/ECX=4, ...), precomputed by the decoder.
template <typename T>
inline T get_reg(const Cpu& c, unsigned off) {
  T v;
  std::memcpy(&v, reinterpret_cast<const uint8_t*>(c.r) + off, sizeof(T));
  return v;
}
template <typename T>
inline void set_reg(Cpu& c, unsigned off, T v) {
  std::memcpy(reinterpret_cast<uint8_t*>(c.r) + off, &v, sizeof(T));
}
constexpr uint8_t reg8_offset(unsigned n) { return uint8_t((n & 3) * 4 + (n >> 2)); }
constexpr uint8_t reg_offset(unsigned n) { return uint8_t(n * 4); }

// ---- memory -------------------------------------------------------------------------------

template <typename T>
inline T load_host(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T>
inline void store_host(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

// Slow paths (cpu/memory.cpp): page-crossing, MMIO, TLB misses.  All may raise #PF.
uint32_t read_lin_slow(Cpu& c, uint32_t lin, unsigned size, bool user);
void write_lin_slow(Cpu& c, uint32_t lin, unsigned size, uint32_t v, bool user);
// Translate every page of [lin, lin+size) for writing so that a following write cannot
// fault (used by read-modify-write and multi-part writes).
void probe_write(Cpu& c, uint32_t lin, unsigned size, bool user);
// Raise the fault for a failed segment check (#GP(0), or #SS(0) for SS).
[[noreturn]] void segment_fault(Cpu& c, unsigned seg);

// TLB hit test shared by the fast paths: the tag for (kind, privilege) matches and the
// access does not cross the page, in one compare.  The entry is picked by the page of the
// first byte and compared with the page of the last byte: an entry only ever holds a tag
// whose low bits are its own index, so for an access that crosses into the next page (whose
// number differs in those bits) the compare fails and the slow path splits the access.
template <typename T>
inline bool tlb_hit(const TlbEntry& e, uint32_t lin, unsigned tag_index) {
  static_assert(sizeof(T) <= 4096);
  return e.tag[tag_index] == ((lin + uint32_t(sizeof(T) - 1)) >> 12);
}
inline uint8_t* tlb_host(const TlbEntry& e, uint32_t lin) {
  return reinterpret_cast<uint8_t*>(e.addend + lin);
}

template <typename T>
inline T read_lin(Cpu& c, uint32_t lin, bool user) {
  const TlbEntry& e = c.mmu->entry(lin);
  if (__builtin_expect(tlb_hit<T>(e, lin, user ? 2 : 0), 1)) return load_host<T>(tlb_host(e, lin));
  return T(read_lin_slow(c, lin, sizeof(T), user));
}
template <typename T>
inline void write_lin(Cpu& c, uint32_t lin, T v, bool user) {
  const TlbEntry& e = c.mmu->entry(lin);
  if (__builtin_expect(tlb_hit<T>(e, lin, user ? 3 : 1), 1)) return store_host<T>(tlb_host(e, lin), v);
  write_lin_slow(c, lin, sizeof(T), v, user);
}

template <unsigned N>
inline bool seg_ok(const Segment& s, uint32_t off, int64_t span) {
  return int64_t(uint32_t(off - s.lo)) + int64_t(N - 1) <= span;
}

// Linear address of a checked data access of N bytes at seg:off.
template <unsigned N>
inline uint32_t lin_read(Cpu& c, unsigned seg, uint32_t off) {
  const Segment& s = c.seg[seg];
  if (__builtin_expect(!seg_ok<N>(s, off, s.rspan), 0)) segment_fault(c, seg);
  return s.base + off;
}
template <unsigned N>
inline uint32_t lin_write(Cpu& c, unsigned seg, uint32_t off) {
  const Segment& s = c.seg[seg];
  if (__builtin_expect(!seg_ok<N>(s, off, s.wspan), 0)) segment_fault(c, seg);
  return s.base + off;
}

template <typename T>
inline T read_mem(Cpu& c, unsigned seg, uint32_t off) {
  return read_lin<T>(c, lin_read<sizeof(T)>(c, seg, off), c.user());
}
template <typename T>
inline void write_mem(Cpu& c, unsigned seg, uint32_t off, T v) {
  write_lin<T>(c, lin_write<sizeof(T)>(c, seg, off), v, c.user());
}

// Read-modify-write: check the segment for writing and make the page(s) writable before
// reading, so the write that follows cannot fault.
template <typename T>
struct MemRef {
  uint8_t* host;  // nullptr: slow path through lin
  uint32_t lin;
};
template <typename T>
inline MemRef<T> ref_mem(Cpu& c, unsigned seg, uint32_t off) {
  uint32_t lin = lin_write<sizeof(T)>(c, seg, off);
  const TlbEntry& e = c.mmu->entry(lin);
  if (__builtin_expect(tlb_hit<T>(e, lin, c.user() ? 3 : 1), 1)) return {tlb_host(e, lin), lin};
  probe_write(c, lin, sizeof(T), c.user());
  return {nullptr, lin};
}
template <typename T>
inline T load(Cpu& c, const MemRef<T>& m) {
  return m.host ? load_host<T>(m.host) : T(read_lin_slow(c, m.lin, sizeof(T), c.user()));
}
template <typename T>
inline void store(Cpu& c, const MemRef<T>& m, T v) {
  if (m.host) return store_host<T>(m.host, v);
  write_lin_slow(c, m.lin, sizeof(T), v, c.user());
}

// Supervisor-privilege linear accesses (descriptor tables, TSS, IDT): CPL is ignored.
template <typename T>
inline T read_sys(Cpu& c, uint32_t lin) { return read_lin<T>(c, lin, false); }
template <typename T>
inline void write_sys(Cpu& c, uint32_t lin, T v) { write_lin<T>(c, lin, v, false); }

}  // namespace rz
