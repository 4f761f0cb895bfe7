; tests/baremetal/rom_tour.asm: a 64 KiB ROM that starts at the reset vector (F000:FFF0)
; and tours the machine: reset state, real mode -> protected mode -> paging -> ring 3 and
; back through an interrupt gate, a call gate with parameters, and hardware task switches
; (CALL to a TSS and IRET back with NT; a task gate called from ring 3).
; References: SDM vol. 3 9.1 (reset state, table 9-1), 9.9 (mode switching), 5.8 (call
; gates), 6.12 (interrupt gates), 7.3 (task switching), 7.4 (task linking).
%include "rt_defs.inc"
bits 16
org 0xFFFF0000
rom_base:

rm_start:
  ; DS base is 0 after reset; SS:SP = 0:0 (a push wraps to 0:FFFE).
  mov [0x500], edx                  ; processor signature
  mov eax, cr0
  mov [0x504], eax
  pushfd
  pop eax
  mov [0x508], eax
  mov ax, cs
  mov [0x50C], ax
  call .here                        ; IP after the reset jump, as a near call sees it
.here:
  pop ax
  mov [0x510], ax
  cli
  o32 lgdt [cs:rom_gdtr - rom_base]
  mov eax, cr0
  or al, 1
  mov cr0, eax
  jmp dword 0x08:pm_entry

align 8
rom_gdt:
  dq 0
  DESC 0, 0xFFFFF, 0x9B, 0xC
  DESC 0, 0xFFFFF, 0x93, 0xC
rom_gdtr:
  dw 23
  dd rom_gdt

bits 32
pm_entry:
  mov ax, 0x10
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov esp, STACK0_TOP
  call rt_init

  TEST_BEGIN "reset_state"
  CHECK [0x504], 0x60000010, "CR0 after reset (CD, NW, ET)"
  CHECK [0x508], 0x00000002, "EFLAGS after reset"
  CHECKW [0x50C], 0xF000, "CS selector after reset"
  CHECKW [0x510], rm_start.here - rom_base, "IP in the F000 segment (CS base FFFF0000)"
  mov eax, [0x500]
  shr eax, 8
  and eax, 0xF
  CHECK eax, 6, "EDX family (P6)"
  TEST_END

  TEST_BEGIN "protected_mode_entry"
  smsw ax
  and eax, 1
  CHECK eax, 1, "MSW.PE"
  mov ax, cs
  CHECKW eax, SEL_CODE0, "cs"
  str ax
  CHECKW eax, SEL_TSS0, "tr"
  TEST_END

  TEST_BEGIN "paging_identity_and_alias"
  call pg_build
  mov dword [PT1_ADDR + 0*4], 0x30000 | PTE_P | PTE_W
  mov dword [0x30000], 0
  call pg_enable
  mov eax, cr0
  and eax, 0x80000001
  CHECK eax, 0x80000001, "CR0.PG and PE"
  mov dword [0x400000], 0xCAFEBABE
  CHECK [0x30000], 0xCAFEBABE, "write through 4 MiB alias reaches 0x30000"
  mov eax, [0x400000]
  CHECK eax, 0xCAFEBABE, "read back through the alias"
  TEST_END

  TEST_BEGIN "ring3_and_back_through_interrupt_gate"
  mov eax, r3_int
  call rt_ring3
  CHECK [exc_vec], 0x30, "vector"
  CHECK [exc_eip], r3_int_next, "saved eip"
  CHECKW [exc_cs], SEL_CODE3, "saved cs (RPL 3)"
  CHECK [exc_esp], USTACK_TOP - 4, "saved esp"
  CHECKW [exc_ss], SEL_DATA3, "saved ss"
  CHECK [exc_handler_esp], ESP0_TOP - 20, "handler stack from TSS.esp0"
  CHECK [scratch + 0x40], 0x3, "CPL seen in ring 3"
  TEST_END

  TEST_BEGIN "call_gate_with_parameters"
  mov eax, cg_target
  mov ecx, SEL_CGATE
  mov edx, 2
  call rt_make_call_gate
  mov eax, r3_cgate
  call rt_ring3
  CHECK [exc_vec], 0x30, "ring 3 finished with INT 0x30"
  CHECK [scratch + 0x00], r3_cgate_ret, "return eip on the ring-0 stack"
  CHECKW [scratch + 0x04], SEL_CODE3, "return cs"
  CHECK [scratch + 0x08], 0xAAAA0001, "parameter 1 copied"
  CHECK [scratch + 0x0C], 0xAAAA0002, "parameter 2 copied"
  CHECK [scratch + 0x10], USTACK_TOP - 8, "caller esp"
  CHECKW [scratch + 0x14], SEL_DATA3, "caller ss"
  CHECK [scratch + 0x18], ESP0_TOP - 24, "ring-0 esp (TSS.esp0 minus the frame)"
  CHECKW [scratch + 0x1C], SEL_CODE0, "cs in the gate target"
  CHECK [scratch + 0x20], USTACK_TOP, "ring-3 esp after RETF 8"
  TEST_END

  TEST_BEGIN "task_switch_call_and_iret"
  call setup_tss1
  mov ebx, 0x11111111
  mov esi, 0x33333333
.call: call SEL_TSS1:0
.after:
  CHECK ebx, 0x11111111, "ebx restored from TSS0"
  CHECK esi, 0x33333333, "esi restored from TSS0"
  CHECK [scratch + 0x28], 1, "task 1 ran once"
  mov eax, [scratch + 0x10]
  and eax, 0x4000
  CHECK eax, 0x4000, "NT set in the called task"
  CHECKW [scratch + 0x14], SEL_TSS0, "back link in TSS1"
  CHECK [scratch + 0x18], 0x8B, "TSS0 busy while nested"
  CHECK [scratch + 0x1C], 0x8B, "TSS1 busy while running"
  CHECK [scratch + 0x20], 0x5A5A5A5A, "ebx loaded from TSS1"
  CHECKW [scratch + 0x24], SEL_TSS1, "tr in task 1"
  movzx eax, byte [GDT_ADDR + SEL_TSS1 + 5]
  CHECK eax, 0x89, "TSS1 not busy after IRET"
  movzx eax, byte [GDT_ADDR + SEL_TSS0 + 5]
  CHECK eax, 0x8B, "TSS0 busy"
  str ax
  CHECKW eax, SEL_TSS0, "tr back to TSS0"
  pushfd
  pop eax
  and eax, 0x4000
  CHECK eax, 0, "NT clear in task 0"
  CHECK [TSS0_ADDR + 0x20], .after, "eip saved in TSS0"
  CHECK [TSS1_ADDR + 0x34], 0x22222222, "ebx saved in TSS1"
  CHECK [TSS1_ADDR + 0x20], task1_again, "eip saved in TSS1"
  TEST_END

  TEST_BEGIN "task_gate_from_ring3"
  mov eax, r3_tgate
  call rt_ring3
  CHECK [exc_vec], 0x30, "ring 3 finished with INT 0x30"
  CHECK [scratch + 0x28], 2, "task 1 ran again"
  CHECKW [scratch + 0x14], SEL_TSS0, "back link"
  CHECK [scratch + 0x48], 0x77777777, "ring-3 ebx restored after the task returned"
  CHECKW [scratch + 0x4C], SEL_CODE3, "back in ring 3"
  CHECKW [TSS0_ADDR + 0x4C], SEL_CODE3, "ring-3 cs saved in TSS0"
  TEST_END

  FINISH

setup_tss1:
  pushad
  mov edi, TSS1_ADDR
  mov ecx, 0x68 / 4
  xor eax, eax
  rep stosd
  mov eax, cr3
  mov [TSS1_ADDR + 0x1C], eax
  mov [TSS0_ADDR + 0x1C], eax       ; CR3 is loaded, never saved, by a task switch
  mov dword [TSS1_ADDR + 0x20], task1_entry
  mov dword [TSS1_ADDR + 0x24], 2
  mov dword [TSS1_ADDR + 0x34], 0x5A5A5A5A
  mov dword [TSS1_ADDR + 0x38], TASK1_STACK
  mov dword [TSS1_ADDR + 0x4C], SEL_CODE0
  mov eax, SEL_DATA0
  mov [TSS1_ADDR + 0x48], eax
  mov [TSS1_ADDR + 0x50], eax
  mov [TSS1_ADDR + 0x54], eax
  mov [TSS1_ADDR + 0x58], eax
  mov [TSS1_ADDR + 0x5C], eax
  mov word [TSS1_ADDR + 0x66], 0x68
  mov dword [scratch + 0x28], 0
  popad
  ret

task1_entry:
  pushfd
  pop eax
  mov [scratch + 0x10], eax
  movzx eax, word [TSS1_ADDR]
  mov [scratch + 0x14], eax
  movzx eax, byte [GDT_ADDR + SEL_TSS0 + 5]
  mov [scratch + 0x18], eax
  movzx eax, byte [GDT_ADDR + SEL_TSS1 + 5]
  mov [scratch + 0x1C], eax
  mov [scratch + 0x20], ebx
  str ax
  movzx eax, ax
  mov [scratch + 0x24], eax
  inc dword [scratch + 0x28]
  mov ebx, 0x22222222
  iretd
task1_again:
  jmp task1_entry

cg_target:                          ; ring 0, entered through the call gate
  mov eax, [esp]
  mov [scratch + 0x00], eax
  mov eax, [esp + 4]
  mov [scratch + 0x04], eax
  mov eax, [esp + 8]
  mov [scratch + 0x08], eax
  mov eax, [esp + 12]
  mov [scratch + 0x0C], eax
  mov eax, [esp + 16]
  mov [scratch + 0x10], eax
  mov eax, [esp + 20]
  mov [scratch + 0x14], eax
  mov [scratch + 0x18], esp
  mov ax, cs
  movzx eax, ax
  mov [scratch + 0x1C], eax
  retf 8

; ring-3 code
r3_int:
  mov ax, cs
  and eax, 3
  mov [scratch + 0x40], eax
  push eax
  int 0x30
r3_int_next:
  hlt

r3_cgate:
  push dword 0xAAAA0002
  push dword 0xAAAA0001
  call (SEL_CGATE | 3):0
r3_cgate_ret:
  mov [scratch + 0x20], esp
  int 0x30

r3_tgate:
  mov ebx, 0x77777777
  call (SEL_TGATE | 3):0
  mov [scratch + 0x48], ebx
  mov ax, cs
  movzx eax, ax
  mov [scratch + 0x4C], eax
  int 0x30

%include "rt.inc"
%include "paging.inc"

  times 0xFFF0 - ($ - $$) db 0xFF
bits 16
reset_vector:                       ; F000:FFF0
  db 0xE9                           ; JMP rel16 to rm_start (IP wraps within the segment)
  dw ((rm_start - rom_base) - 0xFFF3) & 0xFFFF
  times 0x10000 - ($ - $$) db 0xFF
