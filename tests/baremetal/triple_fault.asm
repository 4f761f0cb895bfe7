; tests/baremetal/triple_fault.asm: a triple fault resets the processor (SDM vol. 3 6.15,
; "Interrupt 8": a fault while delivering #DF shuts the processor down; the PC chipset turns
; shutdown into a reset).  A 64 KiB ROM in real mode: the first boot marks RAM and makes
; every interrupt vector fail (IDTR.limit = 0, then INT3 -> #GP -> #DF -> shutdown); after
; the reset the ROM runs again, finds the mark (RAM survives a reset) and passes.
; QEMU-ALLOW-REBOOT
; EXPECT-LINE: PASS triple_fault_first_boot
; EXPECT-LINE: PASS triple_fault_reset
bits 16
org 0xFFFF0000
rom_base:

start:
  xor ax, ax
  mov ds, ax
  mov ss, ax
  mov sp, 0x7000
  cmp dword [0x600], 'TRIP'
  je .second
  mov dword [0x600], 'TRIP'
  mov si, msg_first - rom_base
  call print
  o32 lidt [cs:idt_zero - rom_base]
  int3                              ; #GP (vector 3 beyond the limit) -> #DF -> shutdown
  mov si, msg_not_taken - rom_base
  call print
  mov al, 0x11
  out 0xF4, al
  hlt
.second:
  mov si, msg_second - rom_base
  call print
  mov al, 0x10
  out 0xF4, al
  hlt

print:                              ; cs:si -> port 0xE9
  mov dx, 0xE9
.l:
  cs lodsb
  test al, al
  jz .d
  out dx, al
  jmp .l
.d:
  ret

idt_zero: dw 0
          dd 0
msg_first: db "PASS triple_fault_first_boot", 10, 0
msg_second: db "PASS triple_fault_reset", 10, 0
msg_not_taken: db "FAIL triple_fault_not_taken", 10, 0

  times 0xFFF0 - ($ - $$) db 0xFF
reset_vector:
  db 0xE9
  dw ((start - rom_base) - 0xFFF3) & 0xFFFF
  times 0x10000 - ($ - $$) db 0xFF
