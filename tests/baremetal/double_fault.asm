; tests/baremetal/double_fault.asm: #DF (vector 8, error code 0) from the combinations of
; SDM vol. 3 table 6-5: contributory then contributory, page fault then contributory, page
; fault then page fault; and a benign exception followed by a contributory one, which is
; delivered serially (no #DF).  Gates are made not present (#NP) or point at a bad code
; selector (#GP) to make the delivery of the first exception fail.  Multiboot kernel.
; QEMU 7 (TCG) fails no_df_for_benign_then_contributory (EXT bit of the #NP error code).
%include "mb.inc"

%macro GATE_NP 1
  and byte [IDT_ADDR + (%1)*8 + 5], 0x7F
%endmacro
%macro GATE_OK 1
  or byte [IDT_ADDR + (%1)*8 + 5], 0x80
%endmacro

test_main:
  TEST_BEGIN "df_de_then_np"
  GATE_NP 0
  EXPECT_FAULT .r1
  xor ecx, ecx
  div ecx
.r1:
  GATE_OK 0
  CHECK [exc_count], 1, "one delivery"
  CHECK [exc_vec], 0x108, "vector (#DF with error code)"
  CHECK [exc_err], 0, "error code"
  TEST_END

  TEST_BEGIN "df_gp_then_bad_gate_selector"
  ; gate 13 points at a selector beyond the GDT limit: #GP while delivering #GP
  mov ax, [IDT_ADDR + 13*8 + 2]
  mov word [IDT_ADDR + 13*8 + 2], 0x1238
  EXPECT_FAULT .r2
  mov bx, 0x1230
  mov es, bx                        ; #GP(0x1230)
.r2:
  mov [IDT_ADDR + 13*8 + 2], ax
  CHECK [exc_vec], 0x108, "vector"
  CHECK [exc_err], 0, "error code"
  TEST_END

  TEST_BEGIN "no_df_for_benign_then_contributory"
  GATE_NP 5
  mov dword [scratch], 0
  mov dword [scratch + 4], 0
  EXPECT_FAULT .r3
  mov eax, 100
  bound eax, [scratch]              ; #BR (benign) -> #NP delivering it: serial, no #DF
.r3:
  GATE_OK 5
  CHECK [exc_vec], 0x10B, "vector (#NP)"
  CHECK [exc_err], 5*8 + 2 + 1, "error code (IDT, EXT)"
  TEST_END

  TEST_BEGIN "df_pf_then_np"
  call pg_build
  call pg_enable
  GATE_NP 14
  EXPECT_FAULT .r4
  mov eax, [0xC00000]               ; PDE 3 not present
.r4:
  GATE_OK 14
  CHECK [exc_vec], 0x108, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_cr2], 0xC00000, "cr2 of the first fault"
  TEST_END

  TEST_BEGIN "df_pf_then_pf_through_task_gate"
  ; #PF whose delivery pushes onto a not-present stack page: a second #PF -> #DF.  #DF's
  ; gate is a task gate (the only way to get a good stack here), to TSS1 running df_task.
  mov edi, TSS1_ADDR
  mov ecx, 0x68 / 4
  xor eax, eax
  rep stosd
  mov eax, cr3
  mov [TSS1_ADDR + 0x1C], eax
  mov dword [TSS1_ADDR + 0x20], df_task
  mov dword [TSS1_ADDR + 0x24], 2
  mov dword [TSS1_ADDR + 0x38], TASK1_STACK
  mov dword [TSS1_ADDR + 0x4C], SEL_CODE0
  mov eax, SEL_DATA0
  mov [TSS1_ADDR + 0x48], eax
  mov [TSS1_ADDR + 0x50], eax
  mov [TSS1_ADDR + 0x54], eax
  mov [TSS1_ADDR + 0x58], eax
  mov [TSS1_ADDR + 0x5C], eax
  mov word [TSS1_ADDR + 0x66], 0x68
  mov dword [IDT_ADDR + 8*8], SEL_TSS1 << 16
  mov dword [IDT_ADDR + 8*8 + 4], 0x8500
  mov dword [exc_vec], 0xFFFFFFFF
  mov esp, 0xC00100                 ; not mapped
  mov eax, [0xC00000]
  hlt                               ; not reached
.r5:
  CHECK [exc_vec], 0x108, "vector (#DF task entered)"
  CHECK [exc_err], 0, "error code on the #DF task's stack"
  CHECKW [scratch + 0x40], SEL_TSS1, "tr in the #DF task"
  CHECKW [scratch + 0x44], SEL_TSS0, "back link to the faulting task"
  CHECK [scratch + 0x48], TASK1_STACK - 4, "#DF task stack: one error code pushed"
  CHECK [TSS0_ADDR + 0x38], 0xC00100, "faulting task esp saved in TSS0"
  TEST_END

  FINISH

df_task:
  mov [scratch + 0x48], esp
  pop eax
  mov [exc_err], eax
  mov dword [exc_vec], 0x108
  str ax
  movzx eax, ax
  mov [scratch + 0x40], eax
  movzx eax, word [TSS1_ADDR]
  mov [scratch + 0x44], eax
  jmp test_main.r5

%include "paging.inc"
MB_END
