; tests/baremetal/c_start.asm: Multiboot header and entry for the freestanding C kernel
; (c_kernel.c), assembled with nasm -f elf32 and linked by c_kernel.ld into an ELF32
; executable with separate text and data segments (the loader's ELF path).
bits 32
section .multiboot
align 4
  dd 0x1BADB002
  dd 0x00000002                     ; memory information wanted; ELF, no address fields
  dd -(0x1BADB002 + 0x00000002)

section .text
global _start
extern kmain
_start:
  mov esp, stack_top
  push ebx                          ; Multiboot information
  push eax                          ; magic
  call kmain                        ; returns the number of failed checks
  test eax, eax
  mov al, 0x10
  jz .out
  mov al, 0x11
.out:
  out 0xF4, al
.hang:
  cli
  hlt
  jmp .hang

section .bss
align 16
  resb 16384
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
