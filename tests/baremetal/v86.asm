; tests/baremetal/v86.asm: virtual-8086 mode entry by IRET (EFLAGS.VM=1 in the image) and
; exit through interrupts and faults: the 9-dword stack frame with ES/DS/FS/GS, null data
; segments in the ring-0 handler, real-mode style segment arithmetic inside V86, IOPL
; sensitivity of CLI and INT n, and IRET back into V86 (SDM vol. 3 20.2-20.3).  No VME.
; Multiboot kernel.
%include "mb.inc"

V86_CODE equ 0x10000                 ; 1000:0000
V86_ES   equ 0x2000                  ; data at 0x20000
V86_SS   equ 0x3000
V86_SP   equ 0x1000                  ; stack top 0x31000

; Enter V86 at 1000:%1 with EFLAGS %2 (VM is added); the ring-0 continuation is %3.
%macro ENTER_V86 3
  EXPECT_ABANDON %3
  push dword 0x0                    ; gs
  push dword 0x0                    ; fs
  push dword V86_ES                 ; ds
  push dword V86_ES                 ; es
  push dword V86_SS
  push dword V86_SP
  push dword 0x20002 | (%2)
  push dword V86_CODE >> 4
  push dword (%1)
  iretd
%endmacro

test_main:
  mov esi, v86_blob
  mov edi, V86_CODE
  mov ecx, v86_blob_end - v86_blob
  rep movsb
  mov edi, V86_ES << 4
  mov ecx, 64
  xor eax, eax
  rep stosb

  TEST_BEGIN "v86_enter_and_int_to_ring0"
  ENTER_V86 v86_int - v86_blob, 0x3000, .back1
.back1:
  CHECK [exc_vec], 0x30, "vector"
  mov eax, [exc_eflags]
  and eax, 0x20000
  CHECK eax, 0x20000, "saved EFLAGS.VM"
  CHECKW [exc_cs], V86_CODE >> 4, "saved cs"
  CHECK [exc_eip], v86_int_next - v86_blob, "saved eip"
  CHECKW [exc_ss], V86_SS, "saved ss"
  CHECK [exc_esp], V86_SP - 2, "saved esp"
  CHECKW [exc_v86_es], V86_ES, "saved es"
  CHECKW [exc_v86_ds], 0x1234, "saved ds (loaded in V86)"
  CHECKW [exc_v86_fs], 0, "saved fs"
  CHECKW [exc_v86_gs], 0, "saved gs"
  CHECK [exc_entry_ds], 0, "handler entered with DS=0"
  CHECK [exc_entry_es], 0, "handler entered with ES=0"
  CHECK [exc_entry_fs], 0, "handler entered with FS=0"
  CHECK [exc_entry_gs], 0, "handler entered with GS=0"
  CHECK [exc_handler_esp], ESP0_TOP - 36, "9-dword frame on TSS.esp0"
  movzx eax, word [(V86_ES << 4) + 0]
  CHECK eax, V86_CODE >> 4, "cs read in V86"
  movzx eax, word [0x12340 + 4]
  CHECK eax, 0xBEEF, "write through DS=1234 reached 0x12344"
  movzx eax, word [(V86_ES << 4) + 2]
  and eax, 0x3000
  CHECK eax, 0x3000, "PUSHF in V86 shows IOPL=3"
  movzx eax, word [(V86_SS << 4) + V86_SP - 2]
  CHECK eax, 0x7777, "push went to SS:SP-2"
  TEST_END

  TEST_BEGIN "v86_iret_back_into_v86"
  EXPECT_ABANDON .back2
  mov dword [exc_resume], 1         ; first exit (INT 0x30): IRET back into V86
  mov dword [exc_resume2], .back2   ; second exit (HLT): abandon V86
  push dword 0x0
  push dword 0x0
  push dword V86_ES
  push dword V86_ES
  push dword V86_SS
  push dword V86_SP
  push dword 0x23002
  push dword V86_CODE >> 4
  push dword v86_twice - v86_blob
  iretd
.back2:
  CHECK [exc_count], 2, "two exits: INT 0x30 resumed, then HLT #GP"
  CHECK [exc_vec], 0x10D, "second exit vector (#GP)"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], v86_twice_hlt - v86_blob, "saved eip (HLT)"
  movzx eax, word [(V86_ES << 4) + 6]
  CHECK eax, 0x55AA, "V86 code ran after the IRET"
  TEST_END

  TEST_BEGIN "v86_cli_with_iopl0_is_gp"
  ENTER_V86 v86_cli - v86_blob, 0x0000, .back3
.back3:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], v86_cli - v86_blob, "saved eip"
  TEST_END

  TEST_BEGIN "v86_int_with_iopl0_is_gp"
  ENTER_V86 v86_int3 - v86_blob, 0x0000, .back4
.back4:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], v86_int3 - v86_blob, "saved eip"
  TEST_END

  TEST_BEGIN "v86_int3_with_iopl0_goes_to_idt"
  ; INT3 (CC) and INTO are not IOPL-sensitive in V86: they go through the IDT (gate DPL 3)
  ENTER_V86 v86_cc - v86_blob, 0x0000, .back5
.back5:
  CHECK [exc_vec], 3, "vector"
  CHECK [exc_eip], v86_cc_next - v86_blob, "saved eip"
  TEST_END

  TEST_BEGIN "v86_hlt_is_gp"
  ENTER_V86 v86_hlt - v86_blob, 0x3000, .back6
.back6:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_eip], v86_hlt - v86_blob, "saved eip"
  TEST_END

  FINISH

; the V86 side (copied to 1000:0000)
bits 16
v86_blob:
v86_int:
  mov ax, cs
  mov [es:0], ax
  pushf
  pop ax
  mov [es:2], ax
  mov ax, 0x1234
  mov ds, ax
  mov word [4], 0xBEEF              ; DS:4 = 0x12344
  push word 0x7777
  int 0x30
v86_int_next:
  hlt
v86_twice:
  int 0x30                          ; resumed by IRET
  mov word [es:6], 0x55AA
v86_twice_hlt:
  hlt
v86_cli:
  cli
v86_int3:
  int 3                             ; CD 03: IOPL-sensitive in V86
v86_cc:
  int3                              ; CC
v86_cc_next:
  hlt
v86_hlt:
  hlt
v86_blob_end:
bits 32
MB_END
