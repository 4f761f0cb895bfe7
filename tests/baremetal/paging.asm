; tests/baremetal/paging.asm: #PF error codes, CR2 and saved EIP for not-present, protection
; (user/supervisor, read-only, CR0.WP) and instruction-fetch faults with 4 KiB pages; the
; combination of PDE and PTE rights; and the accessed/dirty bits: set by successful
; accesses (A on use, D on the first write, also after a TLB-cached read), and NOT set in the
; PTE by an access that faults (SDM vol. 3 4.6, 4.7, 4.8; the PDE's A bit may be set by a
; faulting walk, so it is not checked there).  Multiboot kernel.
%include "mb.inc"

PT2_ADDR equ 0x24000
LIN1 equ 0x400000                   ; PT1 covers 0x400000-0x7FFFFF

%macro SET_PTE 2                     ; index in PT1, value
  mov dword [PT1_ADDR + (%1)*4], %2
  invlpg [LIN1 + (%1)*0x1000]
%endmacro

test_main:
  call pg_build
  ; PDE 2 -> PT2: supervisor-only, read-only directory entry over user/writable PTEs
  mov dword [PD_ADDR + 2*4], PT2_ADDR | PTE_P
  mov edi, PT2_ADDR
  mov ecx, 1024
  xor eax, eax
  rep stosd
  mov dword [PT2_ADDR], 0x33000 | PTE_P | PTE_W | PTE_U
  call pg_enable

  TEST_BEGIN "pf_not_present_read"
  SET_PTE 0, 0
  EXPECT_FAULT .r1
.f1: mov eax, [LIN1 + 0x10]
.r1:
  CHECK [exc_vec], 0x10E, "vector"
  CHECK [exc_err], 0, "error code (P=0 W=0 U=0)"
  CHECK [exc_cr2], LIN1 + 0x10, "cr2"
  CHECK [exc_eip], .f1, "saved eip"
  TEST_END

  TEST_BEGIN "pf_not_present_write"
  EXPECT_FAULT .r2
.f2: mov dword [LIN1 + 0x24], 1
.r2:
  CHECK [exc_vec], 0x10E, "vector"
  CHECK [exc_err], 2, "error code (W)"
  CHECK [exc_cr2], LIN1 + 0x24, "cr2"
  CHECK [exc_eip], .f2, "saved eip"
  TEST_END

  TEST_BEGIN "pf_not_present_pde"
  EXPECT_FAULT .r3
.f3: mov eax, [0xC00004]             ; PDE 3 is not present
.r3:
  CHECK [exc_vec], 0x10E, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_cr2], 0xC00004, "cr2"
  CHECK [exc_eip], .f3, "saved eip"
  TEST_END

  TEST_BEGIN "pf_page_crossing_second_page"
  SET_PTE 13, 0x36000 | PTE_P | PTE_W
  SET_PTE 14, 0
  EXPECT_FAULT .r4
.f4: mov eax, [LIN1 + 0xDFFE]        ; 2 bytes in page 13, 2 in (absent) page 14
.r4:
  CHECK [exc_vec], 0x10E, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_cr2], LIN1 + 0xE000, "cr2 (first byte of the absent page)"
  CHECK [exc_eip], .f4, "saved eip"
  TEST_END

  TEST_BEGIN "pf_user_reads_supervisor_page"
  SET_PTE 1, 0x31000 | PTE_P | PTE_W
  mov eax, r3_read1
  call rt_ring3
  CHECK [exc_vec], 0x10E, "vector"
  CHECK [exc_err], 5, "error code (P U)"
  CHECK [exc_cr2], LIN1 + 0x1000, "cr2"
  CHECK [exc_eip], r3_read1, "saved eip"
  CHECKW [exc_cs], SEL_CODE3, "saved cs"
  TEST_END

  TEST_BEGIN "pf_user_writes_readonly_page"
  SET_PTE 2, 0x32000 | PTE_P | PTE_U
  mov eax, r3_write2
  call rt_ring3
  CHECK [exc_vec], 0x10E, "vector"
  CHECK [exc_err], 7, "error code (P W U)"
  CHECK [exc_cr2], LIN1 + 0x2000, "cr2"
  CHECK [exc_eip], r3_write2, "saved eip"
  mov eax, r3_read2                 ; reading it from ring 3 is allowed
  call rt_ring3
  CHECK [exc_vec], 0x30, "user read of a user read-only page works"
  TEST_END

  TEST_BEGIN "pf_supervisor_write_readonly_wp0"
  mov eax, cr0
  and eax, ~0x10000
  mov cr0, eax
  SET_PTE 2, 0x32000 | PTE_P | PTE_U
  mov dword [exc_count], 0
  mov dword [LIN1 + 0x2000], 0x12345678
  CHECK [exc_count], 0, "no fault with CR0.WP=0"
  CHECK [0x32000], 0x12345678, "the write reached the page"
  TEST_END

  TEST_BEGIN "pf_supervisor_write_readonly_wp1"
  mov eax, cr0
  or eax, 0x10000
  mov cr0, eax
  SET_PTE 2, 0x32000 | PTE_P | PTE_U
  EXPECT_FAULT .r5
.f5: mov dword [LIN1 + 0x2004], 1
.r5:
  CHECK [exc_vec], 0x10E, "vector"
  CHECK [exc_err], 3, "error code (P W)"
  CHECK [exc_cr2], LIN1 + 0x2004, "cr2"
  CHECK [exc_eip], .f5, "saved eip"
  mov eax, cr0
  and eax, ~0x10000
  mov cr0, eax
  TEST_END

  TEST_BEGIN "pf_pde_rights_combine_with_pte"
  mov eax, r3_read_pt2
  call rt_ring3
  CHECK [exc_vec], 0x10E, "vector (PDE U=0, PTE U=1)"
  CHECK [exc_err], 5, "error code (P U)"
  CHECK [exc_cr2], 0x800000, "cr2"
  or dword [PD_ADDR + 2*4], PTE_U
  invlpg [0x800000]
  mov eax, r3_read_pt2
  call rt_ring3
  CHECK [exc_vec], 0x30, "user read allowed once PDE.U=1"
  mov eax, r3_write_pt2
  call rt_ring3
  CHECK [exc_vec], 0x10E, "vector (PDE R/W=0, PTE R/W=1)"
  CHECK [exc_err], 7, "error code (P W U)"
  TEST_END

  TEST_BEGIN "pf_instruction_fetch_not_present"
  SET_PTE 3, 0
  EXPECT_FAULT .r6
  mov eax, LIN1 + 0x3000
  jmp eax
.r6:
  CHECK [exc_vec], 0x10E, "vector"
  CHECK [exc_err], 0, "error code (no I/D bit without PAE/NX)"
  CHECK [exc_cr2], LIN1 + 0x3000, "cr2"
  CHECK [exc_eip], LIN1 + 0x3000, "saved eip (the jump target)"
  TEST_END

  TEST_BEGIN "pf_user_fetch_supervisor_page"
  ; map the page holding r3_code_page's copy as supervisor-only, then jump there from ring 3
  mov esi, r3_fetch_code
  mov edi, 0x38000
  mov ecx, 16
  rep movsb
  SET_PTE 8, 0x38000 | PTE_P | PTE_W
  mov eax, LIN1 + 0x8000
  call rt_ring3
  CHECK [exc_vec], 0x10E, "vector"
  CHECK [exc_err], 5, "error code (P U, read)"
  CHECK [exc_cr2], LIN1 + 0x8000, "cr2"
  CHECK [exc_eip], LIN1 + 0x8000, "saved eip"
  TEST_END

  TEST_BEGIN "pf_accessed_dirty_set_on_use"
  SET_PTE 4, 0x34000 | PTE_P | PTE_W
  and dword [PD_ADDR + 1*4], ~(PTE_A | PTE_D)
  mov eax, cr3
  mov cr3, eax                      ; flush: the PDE change must be seen
  mov eax, [LIN1 + 0x4000]          ; read
  mov eax, [PT1_ADDR + 4*4]
  and eax, PTE_A | PTE_D
  CHECK eax, PTE_A, "PTE after a read: A=1 D=0"
  mov eax, [PD_ADDR + 1*4]
  and eax, PTE_A | PTE_D
  CHECK eax, PTE_A, "PDE after a read: A=1 (D is not used in a PDE for 4 KiB pages)"
  mov dword [LIN1 + 0x4000], 5      ; write after a cached read: D must still be set
  mov eax, [PT1_ADDR + 4*4]
  and eax, PTE_A | PTE_D
  CHECK eax, PTE_A | PTE_D, "PTE after a write: A=1 D=1"
  mov eax, [PD_ADDR + 1*4]
  and eax, PTE_D
  CHECK eax, 0, "PDE D bit untouched"
  TEST_END

  TEST_BEGIN "pf_dirty_on_first_write_only_page"
  SET_PTE 9, 0x39000 | PTE_P | PTE_W
  mov dword [LIN1 + 0x9000], 1      ; first access is a write
  mov eax, [PT1_ADDR + 9*4]
  and eax, PTE_A | PTE_D
  CHECK eax, PTE_A | PTE_D, "PTE after a write: A=1 D=1"
  TEST_END

  TEST_BEGIN "pf_no_accessed_dirty_on_faulting_access"
  SET_PTE 5, 0x35000 | PTE_P | PTE_U  ; user, read-only
  mov eax, r3_write5
  call rt_ring3
  CHECK [exc_vec], 0x10E, "vector"
  CHECK [exc_err], 7, "error code"
  mov eax, [PT1_ADDR + 5*4]
  and eax, PTE_A | PTE_D
  CHECK eax, 0, "PTE A/D after a faulting user write"
  SET_PTE 10, 0x3A000 | PTE_P | PTE_W  ; supervisor page
  mov eax, r3_read10
  call rt_ring3
  CHECK [exc_vec], 0x10E, "vector (user read of supervisor page)"
  mov eax, [PT1_ADDR + 10*4]
  and eax, PTE_A | PTE_D
  CHECK eax, 0, "PTE A/D after a faulting user read"
  mov eax, cr0
  or eax, 0x10000
  mov cr0, eax
  SET_PTE 11, 0x3B000 | PTE_P         ; supervisor read-only, WP=1
  EXPECT_FAULT .r7
  mov dword [LIN1 + 0xB000], 1
.r7:
  CHECK [exc_vec], 0x10E, "vector (supervisor write, WP=1)"
  mov eax, [PT1_ADDR + 11*4]
  and eax, PTE_D
  CHECK eax, 0, "PTE D after a faulting supervisor write"
  mov eax, cr0
  and eax, ~0x10000
  mov cr0, eax
  TEST_END

  TEST_BEGIN "pf_invlpg_and_cr3_reload"
  SET_PTE 12, 0x3C000 | PTE_P | PTE_W
  mov dword [0x3C000], 0xAAAA
  mov dword [0x3D000], 0xBBBB
  mov eax, [LIN1 + 0xC000]          ; now cached
  mov dword [PT1_ADDR + 12*4], 0x3D000 | PTE_P | PTE_W
  invlpg [LIN1 + 0xC000]
  mov eax, [LIN1 + 0xC000]
  CHECK eax, 0xBBBB, "new mapping seen after INVLPG"
  mov dword [PT1_ADDR + 12*4], 0
  mov eax, cr3
  mov cr3, eax
  EXPECT_FAULT .r8
  mov eax, [LIN1 + 0xC000]
.r8:
  CHECK [exc_vec], 0x10E, "unmapped after CR3 reload"
  TEST_END

  FINISH

; ring-3 snippets
r3_read1:     mov eax, [LIN1 + 0x1000]
r3_write2:    mov dword [LIN1 + 0x2000], 1
r3_read2:     mov eax, [LIN1 + 0x2000]
              int 0x30
r3_read_pt2:  mov eax, [0x800000]
              int 0x30
r3_write_pt2: mov dword [0x800000], 1
              int 0x30
r3_write5:    mov dword [LIN1 + 0x5000], 1
r3_read10:    mov eax, [LIN1 + 0xA000]
r3_fetch_code:
              int 0x30
              times 14 nop

%include "paging.inc"
MB_END
