; benchmarks/guest/numeric_start.asm: Multiboot entry of the numeric benchmark guest
; (numeric.c).  Enables the x87 and SSE the way an OS does (CR0.MP=1, NE=1, EM=TS=0;
; CR4.OSFXSR=OSXMMEXCPT=1), runs numeric_main(), which prints its checksums on the debug
; console (port E9h), and exits through isa-debug-exit (port F4h, value 10h: status 33).
; Assembled with nasm -f elf32 and linked by numeric.ld.
bits 32
section .multiboot
align 4
  dd 0x1BADB002
  dd 0x00000002                     ; memory information wanted; ELF, no address fields
  dd -(0x1BADB002 + 0x00000002)

section .text
global _start
global numeric_putc
extern numeric_main
_start:
  mov esp, stack_top
  mov eax, cr0
  and eax, ~((1 << 2) | (1 << 3))   ; EM = TS = 0
  or eax, (1 << 1) | (1 << 5)       ; MP = NE = 1
  mov cr0, eax
  mov eax, cr4
  or eax, (1 << 9) | (1 << 10)      ; OSFXSR, OSXMMEXCPT
  mov cr4, eax
  fninit
  call numeric_main
  mov al, 0x10
  out 0xF4, al
.hang:
  cli
  hlt
  jmp .hang

; void numeric_putc(char ch)
numeric_putc:
  mov al, [esp+4]
  out 0xE9, al
  ret

section .bss
align 16
  resb 16384
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
