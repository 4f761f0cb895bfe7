// cpu/interrupts.h: interrupt and exception delivery.
#pragma once

#include "cpu/cpu.h"

namespace rz {

enum class IntSource : uint8_t {
  Exception,  // CPU-detected fault/trap/abort
  Software,   // INT n (gate DPL checked; IOPL rules in V86)
  SoftwareException,  // INT3 / INTO (gate DPL checked, no V86 IOPL redirection)
  Icebp,      // INT1 (0xF1): no gate DPL check
  External,   // INTR or NMI
};

// Deliver vector `vec`; CpuState::eip must already hold the return address (the faulting
// instruction for faults, the next instruction for traps and INT n).  Raises further
// exceptions through raise_fault() (the caller's run loop escalates to #DF/shutdown).
void do_interrupt(Cpu& c, uint8_t vec, IntSource src, bool has_err, uint32_t err);

// Real-address mode: through the IVT at IDTR.base.
void real_mode_interrupt(Cpu& c, uint8_t vec);
// Protected and virtual-8086 mode: through the IDT (cpu/protected_int.cpp).
void protected_mode_interrupt(Cpu& c, uint8_t vec, IntSource src, bool has_err, uint32_t err);

// Does this vector push an error code when raised as an exception?
constexpr bool exception_has_error(uint8_t v) {
  return v == kDF || v == kTS || v == kNP || v == kSS || v == kGP || v == kPF || v == kAC;
}

}  // namespace rz
