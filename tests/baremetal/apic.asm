; tests/baremetal/apic.asm: the local APIC and the I/O APIC as a guest sees them: CPUID.1
; APIC bit and IA32_APIC_BASE, a self IPI held by IF=0 and by the task priority, the APIC
; timer (one-shot and periodic, timed with the TSC, 1 GHz on ringzero's virtual clock) and
; the PIT reaching the CPU through I/O APIC pin 2 with the 8259A masked at LINT0.  Needs the
; PC board.  Multiboot kernel.
%include "mb.inc"

APIC        equ 0xFEE00000
IOAPIC      equ 0xFEC00000
A_TPR       equ APIC + 0x80
A_EOI       equ APIC + 0xB0
A_SVR       equ APIC + 0xF0
A_IRR       equ APIC + 0x200
A_ICR_LO    equ APIC + 0x300
A_LVT_TIMER equ APIC + 0x320
A_LVT_LINT0 equ APIC + 0x350
A_INIT      equ APIC + 0x380
A_CUR       equ APIC + 0x390
A_DIV       equ APIC + 0x3E0
VEC_TIMER   equ 0x30
VEC_PIT     equ 0x31
VEC_IPI     equ 0x32
VEC_SPUR    equ 0x3F                ; bits 3:0 of the spurious vector read 1 on a P6

; I/O APIC register index in al, value in edx
io_write:
  mov [IOAPIC], eax
  mov [IOAPIC + 0x10], edx
  ret

eoi:
  mov dword [A_EOI], 0
  ret

; Take one interrupt with HLT; eax = TSC (low) when it was handled
hlt_once:
  mov dword [exc_count], 0
  EXPECT_FAULT 1
  sti
  hlt
  cli
  rdtsc
  ret

test_main:
  cli
  ; Both 8259As initialised to 0x20/0x28 with every input masked.
  mov al, 0x11
  out 0x20, al
  out 0xA0, al
  mov al, 0x20
  out 0x21, al
  mov al, 0x28
  out 0xA1, al
  mov al, 0x04
  out 0x21, al
  mov al, 0x02
  out 0xA1, al
  mov al, 0x01
  out 0x21, al
  out 0xA1, al
  mov al, 0xFF
  out 0x21, al
  out 0xA1, al

  TEST_BEGIN "apic_present"
  mov eax, 1
  cpuid
  and edx, 1 << 9
  CHECK edx, 1 << 9, "CPUID.1:EDX.APIC"
  mov ecx, 0x1B
  rdmsr
  CHECK eax, 0xFEE00900, "IA32_APIC_BASE"
  mov eax, [APIC + 0x30]
  CHECK eax, 0x00040011, "version register"
  mov eax, [A_LVT_LINT0]
  CHECK eax, 0x700, "LINT0 after reset: ExtINT"
  TEST_END

  ; Enable the APIC (spurious vector 3Fh), LINT0 masked: only the APIC interrupts.
  mov dword [A_SVR], 0x100 | VEC_SPUR
  mov dword [A_LVT_LINT0], 0x10700

  TEST_BEGIN "apic_self_ipi"
  mov dword [A_ICR_LO], 0x00040000 | VEC_IPI   ; fixed, shorthand self
  mov eax, [A_IRR + 0x10]                       ; vectors 20h-3Fh
  and eax, 1 << (VEC_IPI - 0x20)
  CHECK eax, 1 << (VEC_IPI - 0x20), "IRR bit set while IF=0"
  mov dword [exc_count], 0
  EXPECT_FAULT 1
  sti
  nop
  cli
  CHECK [exc_count], 1, "taken after STI"
  CHECK [exc_vec], VEC_IPI, "vector"
  call eoi
  TEST_END

  TEST_BEGIN "apic_tpr_holds"
  mov dword [A_TPR], 0x30                       ; class 3 blocks vector 32h
  mov dword [A_ICR_LO], 0x00040000 | VEC_IPI
  mov dword [exc_count], 0
  sti
  nop
  nop
  cli
  CHECK [exc_count], 0, "held by TPR 30h"
  EXPECT_FAULT 1
  sti
  mov dword [A_TPR], 0                          ; lowering TPR releases it
  nop
  jmp .j                                        ; (a block boundary)
.j:
  cli
  CHECK [exc_count], 1, "taken after TPR 0"
  CHECK [exc_vec], VEC_IPI, "vector"
  call eoi
  TEST_END

  TEST_BEGIN "apic_timer_oneshot"
  mov dword [A_DIV], 0xB                        ; divide by 1
  mov dword [A_LVT_TIMER], VEC_TIMER            ; one-shot
  rdtsc
  mov esi, eax
  mov dword [A_INIT], 100000                    ; 100000 bus clocks of 15 ns = 1.5 ms
  call hlt_once
  sub eax, esi
  CHECK [exc_vec], VEC_TIMER, "vector"
  mov ebx, 0
  cmp eax, 1500000
  jb .early
  cmp eax, 1510000
  ja .early
  mov ebx, 1
.early:
  CHECK ebx, 1, "fired 1.5 ms after the write (TSC)"
  mov eax, [A_CUR]
  CHECK eax, 0, "current count 0 afterwards"
  call eoi
  TEST_END

  TEST_BEGIN "apic_timer_periodic"
  mov dword [A_DIV], 0x3                        ; divide by 16: 240 ns per count
  mov dword [A_LVT_TIMER], 0x20000 | VEC_TIMER  ; periodic
  mov dword [A_INIT], 1000                      ; 240 us
  rdtsc
  mov esi, eax
  mov edi, 10
.p:
  call hlt_once
  cmp dword [exc_vec], VEC_TIMER
  jne .bad
  call eoi
  dec edi
  jnz .p
.bad:
  CHECK edi, 0, "ten timer interrupts"
  rdtsc
  sub eax, esi
  mov ebx, 0
  cmp eax, 2400000
  jb .pe
  cmp eax, 2410000
  ja .pe
  mov ebx, 1
.pe:
  CHECK ebx, 1, "ten periods of 240 us (TSC)"
  mov dword [A_INIT], 0                         ; stop
  TEST_END

  TEST_BEGIN "ioapic_pit_pin2"
  mov al, 0x10 + 2 * 2 + 1
  mov edx, 0                                    ; destination APIC 0
  call io_write
  mov al, 0x10 + 2 * 2
  mov edx, VEC_PIT                              ; edge, fixed, physical, unmasked
  call io_write
  mov al, 0x34                                  ; PIT channel 0, mode 2, 1193 (~1 ms)
  out 0x43, al
  mov al, 1193 & 0xFF
  out 0x40, al
  mov al, 1193 >> 8
  out 0x40, al
  call hlt_once                                 ; align to a tick
  call eoi
  rdtsc
  mov esi, eax
  mov edi, 5
.t:
  call hlt_once
  cmp dword [exc_vec], VEC_PIT
  jne .tb
  call eoi
  dec edi
  jnz .t
.tb:
  CHECK edi, 0, "five PIT interrupts through the I/O APIC"
  rdtsc
  sub eax, esi
  mov ebx, 0
  cmp eax, 4990000                              ; 5 x 1193 / 1.193182 MHz = 4.999 ms
  jb .te
  cmp eax, 5010000
  ja .te
  mov ebx, 1
.te:
  CHECK ebx, 1, "at the PIT's rate (TSC)"
  mov al, 0x10 + 2 * 2
  mov edx, 0x10000 | VEC_PIT                    ; mask the pin again
  call io_write
  TEST_END

  FINISH
MB_END
