// cpu/exceptions.cpp: raising guest exceptions, #DF/triple-fault escalation, real-mode
// interrupt delivery and INTR/NMI sampling.
#include <csetjmp>

#include "cpu/interrupts.h"
#include "cpu/segments.h"
#include "cpu/stack.h"

namespace rz {

void raise_fault(Cpu& c, uint8_t vector) {
  c.exc = PendingException{vector, false, 0};
  std::longjmp(*c.fault_jmp, 1);
}

void raise_fault(Cpu& c, uint8_t vector, uint32_t error) {
  c.exc = PendingException{vector, true, error};
  std::longjmp(*c.fault_jmp, 1);
}

void raise_page_fault(Cpu& c, uint32_t lin, uint32_t error) {
  c.cr2 = lin;
  raise_fault(c, kPF, error);
}

void raise_freeze(Cpu& c) {
  c.exc = PendingException{0, false, 0, true};
  std::longjmp(*c.fault_jmp, 1);
}

namespace {

enum class ExcClass { Benign, Contributory, PageFault };

ExcClass classify(uint8_t v) {
  switch (v) {
    case kDE: case kTS: case kNP: case kSS: case kGP: return ExcClass::Contributory;
    case kPF: return ExcClass::PageFault;
    default: return ExcClass::Benign;
  }
}

}  // namespace

// exc_nesting holds 1 + the vector being delivered (0: none), so a fault raised while
// delivering can be combined with it as SDM vol. 3 table 6-5 says.
void Cpu::deliver_pending_exception() {
  if (exc.freeze) {  // raise_freeze(): wait for an interrupt, EIP at the instruction
    exc.freeze = false;
    halted = true;
    return;
  }
  ++stats.exceptions;
  PendingException e = exc;
  if (exc_nesting) {
    uint8_t first = uint8_t(exc_nesting - 1);
    if (first == kDF) {
      shutdown = true;  // triple fault
      exc_nesting = 0;
      return;
    }
    ExcClass a = classify(first), b = classify(e.vector);
    if ((a == ExcClass::Contributory && b == ExcClass::Contributory) ||
        (a == ExcClass::PageFault && b != ExcClass::Benign)) {
      e = PendingException{kDF, true, 0};
    }
  }
  exc_nesting = e.vector + 1;
  if (e.vector == kDB || e.vector == kNMI) {
    // Delivered through the same path; no special state here.
  }
  do_interrupt(*this, e.vector, IntSource::Exception, e.has_error && pe() , e.error);
  exc_nesting = 0;
}

void do_interrupt(Cpu& c, uint8_t vec, IntSource src, bool has_err, uint32_t err) {
  c.halted = false;
  if (!c.pe()) real_mode_interrupt(c, vec);
  else protected_mode_interrupt(c, vec, src, has_err, err);
  c.stop_block = true;
}

void real_mode_interrupt(Cpu& c, uint8_t vec) {
  uint32_t off = uint32_t(vec) * 4;
  if (off + 3 > c.idtr.limit) raise_fault(c, kGP, off + 2);
  uint16_t ip = read_sys<uint16_t>(c, c.idtr.base + off);
  uint16_t cs = read_sys<uint16_t>(c, c.idtr.base + off + 2);
  uint32_t flags = get_eflags(c);
  // Pushes may fault (#SS); nothing has changed yet if they do.
  uint32_t sp = c.r[ESP];
  uint32_t m = stack_mask(c);
  write_mem<uint16_t>(c, SS, (sp - 2) & m, uint16_t(flags));
  write_mem<uint16_t>(c, SS, (sp - 4) & m, c.seg[CS].sel);
  write_mem<uint16_t>(c, SS, (sp - 6) & m, uint16_t(c.eip));
  set_sp(c, sp - 6);
  c.eflags = flags & ~(IF | TF | AC | RF);
  c.lazy = 0;
  load_seg_real(c, CS, cs);
  c.eip = ip;
}

bool Cpu::service_interrupts() {
  if (nmi_pending) {
    nmi_pending = false;
    ++stats.interrupts;
    do_interrupt(*this, kNMI, IntSource::External, false, 0);
    return true;
  }
  if (intr_line && (eflags & IF) && !inhibit_irq && pic) {
    uint8_t vec = pic->acknowledge();
    ++stats.interrupts;
    do_interrupt(*this, vec, IntSource::External, false, 0);
    return true;
  }
  return false;
}

}  // namespace rz
