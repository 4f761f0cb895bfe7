; tests/baremetal/irq.asm: external interrupts through the 8259A PIC from the 8254 PIT
; (channel 0 on IRQ0): HLT woken by an interrupt, IF=0 holding a pending request, and the
; one-instruction interrupt shadow of STI (SDM vol. 2 STI).  (STI followed by MOV SS is not
; tested: the SDM does not guarantee that consecutive shadows chain.)  Needs the PC board's
; PIC and PIT.  Multiboot kernel.
%include "mb.inc"

VEC_IRQ0 equ 0x20

; Program the PICs: master at 0x20, slave at 0x28, only IRQ0 unmasked.
pic_init:
  mov al, 0x11                      ; ICW1: edge, cascade, ICW4
  out 0x20, al
  out 0xA0, al
  mov al, 0x20                      ; ICW2: vector bases
  out 0x21, al
  mov al, 0x28
  out 0xA1, al
  mov al, 0x04                      ; ICW3: slave on IRQ2
  out 0x21, al
  mov al, 0x02
  out 0xA1, al
  mov al, 0x01                      ; ICW4: 8086 mode
  out 0x21, al
  out 0xA1, al
  mov al, 0xFE                      ; OCW1: unmask IRQ0
  out 0x21, al
  mov al, 0xFF
  out 0xA1, al
  ret

; PIT channel 0, mode 2 (rate generator), count 1193 (about 1 ms)
pit_start:
  mov al, 0x34
  out 0x43, al
  mov al, 1193 & 0xFF
  out 0x40, al
  mov al, 1193 >> 8
  out 0x40, al
  ret

eoi:
  mov al, 0x20
  out 0x20, al
  ret

; Wait (IF=0) until IRQ0 is requested: OCW3 "read IRR", poll bit 0.  ecx = 0 on timeout.
wait_irr0:
  mov ecx, 10000000
.l:
  mov al, 0x0A
  out 0x20, al
  in al, 0x20
  test al, 1
  jnz .d
  loop .l
.d:
  ret

test_main:
  cli
  call pic_init
  call pit_start

  TEST_BEGIN "irq_wakes_hlt"
  EXPECT_FAULT 1                    ; the handler returns to the saved EIP
  sti
.h: hlt
.hn:
  cli
  call eoi
  CHECK [exc_count], 1, "one interrupt"
  CHECK [exc_vec], VEC_IRQ0, "vector (IRQ0 after remapping)"
  CHECK [exc_eip], .hn, "saved eip (after HLT)"
  mov eax, [exc_eflags]
  and eax, 0x200
  CHECK eax, 0x200, "saved IF=1"
  TEST_END

  TEST_BEGIN "irq_sti_shadow"
  call wait_irr0
  mov eax, ecx
  test eax, eax
  setnz al
  movzx eax, al
  CHECK eax, 1, "IRQ0 pending before STI (IRR bit 0)"
  xor edx, edx
  EXPECT_FAULT 1
  sti                               ; the interrupt is held one instruction...
.s1: inc edx                         ; ...so this runs first
.s2: nop
  cli
  call eoi
  CHECK [exc_count], 1, "one interrupt"
  CHECK [exc_vec], VEC_IRQ0, "vector"
  CHECK [exc_eip], .s2, "saved eip (after the instruction following STI)"
  CHECK edx, 1, "the shadowed instruction ran"
  TEST_END

  TEST_BEGIN "irq_held_by_cli"
  call wait_irr0
  mov dword [exc_count], 0
  nop
  nop
  CHECK [exc_count], 0, "no interrupt with IF=0 while IRQ0 is pending"
  EXPECT_FAULT 1
  sti
  nop
  cli
  call eoi
  CHECK [exc_count], 1, "taken after STI"
  TEST_END

  ; stop the timer: mask IRQ0
  mov al, 0xFF
  out 0x21, al
  FINISH
MB_END
