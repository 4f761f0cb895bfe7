// cpu/descriptor.h: GDT/LDT/IDT descriptors and the helpers every protected-mode path uses.
//
// A Descriptor is the raw 8 bytes (two dwords, as the SDM vol. 3 figures 3-8 and 5-8 draw
// them) plus accessors named after the fields.  Reading one checks the selector against
// the GDT or LDT limit; the caller decides which exception a failure raises, because the
// same bad selector means #GP in MOV Sreg, #TS in a task switch and #GP(EXT) in interrupt
// delivery.  Error codes follow SDM vol. 3 6.13: selector index and TI, plus EXT (bit 0)
// when the fault happened while delivering an external event, IDT (bit 1) for IDT vectors.
#pragma once

#include <cstdint>

#include "cpu/cpu.h"
#include "cpu/interrupts.h"

namespace rz {

class OpTable;

// System-descriptor types (S = 0).
enum : uint8_t {
  kTss16Avail = 1, kLdt = 2, kTss16Busy = 3, kCallGate16 = 4, kTaskGate = 5, kIntGate16 = 6,
  kTrapGate16 = 7, kTss32Avail = 9, kTss32Busy = 0xB, kCallGate32 = 0xC, kIntGate32 = 0xE,
  kTrapGate32 = 0xF,
};

struct Descriptor {
  uint32_t lo = 0, hi = 0;

  uint32_t base() const { return (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u); }
  uint32_t raw_limit() const { return (lo & 0xFFFF) | (hi & 0x000F0000u); }
  uint32_t limit() const { return granular() ? (raw_limit() << 12) | 0xFFF : raw_limit(); }
  // The attribute word of Segment::ar: type, S, DPL, P, AVL, D/B, G.
  uint16_t ar() const { return uint16_t((hi >> 8) & 0xF0FF); }
  uint8_t type() const { return (hi >> 8) & 0xF; }
  bool s() const { return hi & 0x1000; }
  uint8_t dpl() const { return (hi >> 13) & 3; }
  bool present() const { return hi & 0x8000; }
  bool granular() const { return hi & 0x800000; }
  bool big() const { return hi & 0x400000; }

  bool is_code() const { return s() && (type() & 8); }
  bool is_data() const { return s() && !(type() & 8); }
  bool conforming() const { return is_code() && (type() & 4); }
  bool readable() const { return is_data() || (type() & 2); }  // for S = 1
  bool writable() const { return is_data() && (type() & 2); }
  bool accessed() const { return type() & 1; }

  // Gate fields (call, interrupt, trap and task gates).
  uint16_t gate_selector() const { return uint16_t(lo >> 16); }
  uint32_t gate_offset() const { return (lo & 0xFFFF) | (hi & 0xFFFF0000u); }
  uint8_t gate_params() const { return hi & 0x1F; }
  bool gate32() const { return type() & 8; }
};

inline bool sel_null(uint16_t sel) { return (sel & 0xFFFC) == 0; }
inline uint8_t sel_rpl(uint16_t sel) { return sel & 3; }
// Error code for a selector: index and TI, with EXT.
inline uint32_t sel_error(uint16_t sel, uint32_t ext) { return (sel & 0xFFFC) | (ext & 1); }

// Linear address of the descriptor for `sel` (GDT or, with TI = 1, LDT), or false if the
// selector's index is outside the table (or TI = 1 with a null LDTR).
bool descriptor_address(const Cpu& c, uint16_t sel, uint32_t& lin);
// Read the descriptor for `sel`; false if outside the table (no fault raised).
bool read_descriptor(Cpu& c, uint16_t sel, Descriptor& d);
// Read the descriptor or raise `vec` with error sel_error(sel, ext).
void fetch_descriptor(Cpu& c, uint16_t sel, Descriptor& d, uint8_t vec, uint32_t ext);
// Set the accessed bit in memory (and in `d`) if it is clear (code/data descriptors).
void set_accessed(Cpu& c, uint16_t sel, Descriptor& d);
// Set or clear the busy bit of a TSS descriptor in the GDT.
void set_tss_busy(Cpu& c, uint16_t sel, bool busy);

// A segment-register cache built from a descriptor (no checks).
Segment segment_from(uint16_t sel, const Descriptor& d);

// Load CS in protected mode from an already-checked code descriptor; CS.RPL and CPL
// become `cpl`.
void load_cs_protected(Cpu& c, uint16_t sel, const Descriptor& d, uint8_t cpl);
// Load SS/DS/ES/FS/GS from an already-checked descriptor (sets the accessed bit first).
void load_seg_cache(Cpu& c, unsigned which, uint16_t sel, const Descriptor& d);

// Checked data/stack segment load.  `task` selects the task-switch flavour: #TS instead of
// #GP for bad selectors (SDM vol. 3 7.3 step 11).
void load_data_seg_checked(Cpu& c, unsigned which, uint16_t sel, bool task, uint32_t ext);

// After a return to an outer privilege level: DS/ES/FS/GS whose descriptor DPL is below
// the new CPL (data or non-conforming code) become null (SDM RET/IRET pseudo-code).
void null_inaccessible_segments(Cpu& c);

// The ring-`dpl` stack pointer from the current TSS (SDM vol. 3 6.12.1); raises #TS(TR+EXT)
// when the TSS is too short.
void tss_stack(Cpu& c, uint8_t dpl, uint16_t& ss, uint32_t& esp, uint32_t ext);
// Validate a new inner stack segment taken from the TSS for privilege `dpl`: raises
// #TS(ss+EXT) / #SS(ss+EXT) as the SDM's interrupt and call-gate pseudo-code does.
void check_inner_stack(Cpu& c, uint16_t ss, uint8_t dpl, Descriptor& d, uint32_t ext);

// Pushes onto a stack that is not (yet) the current one, as interrupt delivery and call
// gates need: every push is checked against the segment and translated at the new
// privilege before anything architectural changes.  `fault_err` is the #SS error code.
struct StackWriter {
  Cpu& c;
  Segment s;
  uint32_t sp;
  uint32_t mask;
  bool user;
  uint32_t fault_err;
  StackWriter(Cpu& cpu, const Segment& seg, uint32_t esp, bool user_, uint32_t err);
  void push16(uint16_t v);
  void push32(uint32_t v);
  void push(uint32_t v, bool is32) { is32 ? push32(v) : push16(uint16_t(v)); }
  // Raise #SS(fault_err) unless `n` more bytes fit below the current pointer.
  void check_room(uint32_t n);
  // The ESP value to commit: the new pointer in the low 16 bits for a 16-bit stack.
  uint32_t esp_from(uint32_t old_esp) const {
    return mask == 0xFFFFFFFFu ? sp : (old_esp & 0xFFFF0000u) | (sp & 0xFFFF);
  }
};

// Task switch reasons (SDM vol. 3 7.3).
enum class TaskSwitch : uint8_t { Jmp, Call, Iret, Int };
// Switch to the task whose TSS selector and (checked by the caller for privilege)
// descriptor are given.  `ret_eip` is the EIP saved in the old task.  For Int, an error
// code is pushed in the new task when `has_err`.
void task_switch(Cpu& c, uint16_t tss_sel, Descriptor d, TaskSwitch why, uint32_t ret_eip,
                 uint32_t ext, bool has_err = false, uint32_t err = 0);

// Interrupt/exception delivery with an explicit return EIP (INT n uses the next
// instruction; faults the faulting one).  Real, protected and V86 mode.
void deliver_interrupt(Cpu& c, uint8_t vec, IntSource src, bool has_err, uint32_t err,
                       uint32_t ret_eip);

// Instruction groups of the system helper, registered from register_ops_system().
void register_ops_far(OpTable& t);
void register_ops_segment(OpTable& t);
void register_ops_sysregs(OpTable& t);

}  // namespace rz
