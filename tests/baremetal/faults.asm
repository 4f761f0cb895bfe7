; tests/baremetal/faults.asm: one test per exception kind in 32-bit protected mode (no
; paging): vector, error code and saved EIP (fault: the instruction; trap: the next one),
; as SDM vol. 3 chapter 6 ("Exception and interrupt reference") and the instruction pages
; of vol. 2 say.  Multiboot kernel (a.out kludge).
; QEMU 7 (TCG) fails six of these, all QEMU gaps: ud_lock_mov (no #UD for LOCK MOV),
; gp_write_code_segment, gp_write_readonly_data, gp_access_through_null_selector and
; ss_limit_ebp_access (no data-segment rights/limit checks), np_idt_gate_exception_sets_ext
; (EXT bit not set).
%include "mb.inc"

test_main:
  ; ---------------- #DE: divide error (fault) ----------------
  TEST_BEGIN "de_div_zero"
  EXPECT_FAULT .de1r
  mov eax, 1
  xor edx, edx
  xor ecx, ecx
.de1: div ecx
.de1r:
  CHECK [exc_vec], 0, "vector"
  CHECK [exc_eip], .de1, "saved eip"
  CHECK eax, 1, "eax unchanged"
  TEST_END

  TEST_BEGIN "de_idiv_overflow"
  EXPECT_FAULT .de2r
  mov eax, 0x80000000
  mov edx, 0xFFFFFFFF
  mov ecx, -1
.de2: idiv ecx
.de2r:
  CHECK [exc_vec], 0, "vector"
  CHECK [exc_eip], .de2, "saved eip"
  TEST_END

  TEST_BEGIN "de_div8_quotient_too_big"
  EXPECT_FAULT .de3r
  mov eax, 0x1000
  mov cl, 2
.de3: div cl
.de3r:
  CHECK [exc_vec], 0, "vector"
  CHECK [exc_eip], .de3, "saved eip"
  TEST_END

  TEST_BEGIN "de_aam_zero"
  EXPECT_FAULT .de4r
.de4: db 0xD4, 0x00                 ; AAM 0
.de4r:
  CHECK [exc_vec], 0, "vector"
  CHECK [exc_eip], .de4, "saved eip"
  TEST_END

  ; ---------------- #BP: INT3 is a trap ----------------
  TEST_BEGIN "bp_int3"
  EXPECT_FAULT .bp1r
.bp1: int3
.bp1n:
  hlt                               ; not reached: the handler resumes at .bp1r
.bp1r:
  CHECK [exc_vec], 3, "vector"
  CHECK [exc_eip], .bp1n, "saved eip (after INT3)"
  CHECKW [exc_cs], SEL_CODE0, "saved cs"
  TEST_END

  TEST_BEGIN "bp_int_3_two_bytes"
  EXPECT_FAULT .bp2r
.bp2: int 3                         ; CD 03
.bp2n:
  hlt
.bp2r:
  CHECK [exc_vec], 3, "vector"
  CHECK [exc_eip], .bp2n, "saved eip (after INT 3)"
  TEST_END

  ; ---------------- #OF: INTO is a trap, only with OF=1 ----------------
  TEST_BEGIN "of_into"
  mov dword [exc_count], 0
  xor eax, eax                      ; OF=0: INTO does nothing
  into
  CHECK [exc_count], 0, "no exception with OF=0"
  EXPECT_FAULT .of1r
  mov al, 0x7F
  add al, 1                         ; OF=1
.of1: into
.of1n:
  hlt
.of1r:
  CHECK [exc_vec], 4, "vector"
  CHECK [exc_eip], .of1n, "saved eip (after INTO)"
  TEST_END

  ; ---------------- #BR: BOUND is a fault ----------------
  TEST_BEGIN "br_bound"
  mov dword [exc_count], 0
  mov eax, 10
  bound eax, [bounds]               ; 10 in [0, 10]: no exception
  mov eax, 0
  bound eax, [bounds]
  CHECK [exc_count], 0, "no exception inside the bounds"
  EXPECT_FAULT .br1r
  mov eax, 11
.br1: bound eax, [bounds]
.br1r:
  CHECK [exc_vec], 5, "vector (above)"
  CHECK [exc_eip], .br1, "saved eip"
  EXPECT_FAULT .br2r
  mov eax, -1                       ; signed compare: -1 < 0
.br2: bound eax, [bounds]
.br2r:
  CHECK [exc_vec], 5, "vector (below)"
  CHECK [exc_eip], .br2, "saved eip (below)"
  TEST_END

  ; ---------------- #UD ----------------
  TEST_BEGIN "ud_ud2"
  EXPECT_FAULT .ud1r
.ud1: ud2
.ud1r:
  CHECK [exc_vec], 6, "vector"
  CHECK [exc_eip], .ud1, "saved eip"
  TEST_END

  TEST_BEGIN "ud_lock_nop"
  EXPECT_FAULT .ud2r
.ud2: db 0xF0, 0x90                 ; LOCK NOP
.ud2r:
  CHECK [exc_vec], 6, "vector"
  CHECK [exc_eip], .ud2, "saved eip"
  TEST_END

  TEST_BEGIN "ud_lock_mov"
  EXPECT_FAULT .ud3r
.ud3: db 0xF0, 0x89, 0x03           ; LOCK MOV [ebx], eax
.ud3r:
  CHECK [exc_vec], 6, "vector"
  CHECK [exc_eip], .ud3, "saved eip"
  TEST_END

  TEST_BEGIN "ud_mov_cs"
  EXPECT_FAULT .ud4r
.ud4: db 0x8E, 0xC8                 ; MOV CS, AX
.ud4r:
  CHECK [exc_vec], 6, "vector"
  CHECK [exc_eip], .ud4, "saved eip"
  TEST_END

  TEST_BEGIN "ud_lea_register"
  EXPECT_FAULT .ud5r
.ud5: db 0x8D, 0xC0                 ; LEA EAX, EAX
.ud5r:
  CHECK [exc_vec], 6, "vector"
  CHECK [exc_eip], .ud5, "saved eip"
  TEST_END

  TEST_BEGIN "ud_mov_cr1"
  EXPECT_FAULT .ud6r
.ud6: db 0x0F, 0x22, 0xC8           ; MOV CR1, EAX
.ud6r:
  CHECK [exc_vec], 6, "vector"
  CHECK [exc_eip], .ud6, "saved eip"
  TEST_END

  ; ---------------- #GP ----------------
  TEST_BEGIN "gp_write_code_segment"
  EXPECT_FAULT .gp1r
.gp1: mov [cs:scratch], eax
.gp1r:
  CHECK [exc_vec], 0x10D, "vector | has-error"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], .gp1, "saved eip"
  TEST_END

  TEST_BEGIN "gp_write_readonly_data"
  mov ax, SEL_RO
  mov es, ax
  mov eax, [es:scratch]             ; reading is fine
  EXPECT_FAULT .gp2r
.gp2: mov [es:scratch], eax
.gp2r:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], .gp2, "saved eip"
  mov ax, SEL_DATA0
  mov es, ax
  TEST_END

  TEST_BEGIN "gp_selector_beyond_gdt_limit"
  EXPECT_FAULT .gp3r
  mov ax, 0x1238
.gp3: mov es, ax
.gp3r:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0x1238, "error code (selector)"
  CHECK [exc_eip], .gp3, "saved eip"
  mov ax, es
  CHECKW eax, SEL_DATA0, "es unchanged"
  TEST_END

  TEST_BEGIN "gp_code_selector_into_ss"
  EXPECT_FAULT .gp4r
  mov ax, SEL_CODE0
.gp4: mov ss, ax
.gp4r:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], SEL_CODE0, "error code"
  CHECK [exc_eip], .gp4, "saved eip"
  TEST_END

  TEST_BEGIN "gp_null_into_ss"
  EXPECT_FAULT .gp5r
  xor eax, eax
.gp5: mov ss, ax
.gp5r:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], .gp5, "saved eip"
  TEST_END

  TEST_BEGIN "gp_tss_selector_into_ds"
  EXPECT_FAULT .gp6r
  mov ax, SEL_TSS0
.gp6: mov fs, ax
.gp6r:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], SEL_TSS0, "error code"
  CHECK [exc_eip], .gp6, "saved eip"
  TEST_END

  TEST_BEGIN "gp_execute_only_into_ds"
  EXPECT_FAULT .gp7r
  mov ax, SEL_XONLY
.gp7: mov gs, ax
.gp7r:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], SEL_XONLY, "error code"
  CHECK [exc_eip], .gp7, "saved eip"
  TEST_END

  TEST_BEGIN "gp_access_through_null_selector"
  xor eax, eax
  mov fs, ax                        ; loading null into FS is allowed
  EXPECT_FAULT .gp8r
.gp8: mov eax, [fs:scratch]
.gp8r:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], .gp8, "saved eip"
  mov ax, SEL_DATA0
  mov fs, ax
  TEST_END

  TEST_BEGIN "gp_vector_beyond_idt_limit"
  EXPECT_FAULT .gp9r
.gp9: int 0x40                      ; IDT holds 64 gates (0-0x3F)
.gp9r:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0x40*8 + 2, "error code (IDT, vector 0x40)"
  CHECK [exc_eip], .gp9, "saved eip"
  TEST_END

  TEST_BEGIN "gp_jmp_to_busy_tss"
  EXPECT_FAULT .gp10r
.gp10: jmp SEL_TSS0:0
.gp10r:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], SEL_TSS0, "error code"
  CHECK [exc_eip], .gp10, "saved eip"
  TEST_END

  ; ring 3 -> ring 0
  TEST_BEGIN "gp_hlt_in_ring3"
  mov eax, r3_hlt
  call rt_ring3
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], r3_hlt, "saved eip"
  CHECKW [exc_cs], SEL_CODE3, "saved cs"
  CHECKW [exc_ss], SEL_DATA3, "saved ss"
  CHECK [exc_esp], USTACK_TOP, "saved esp"
  CHECK [exc_handler_esp], ESP0_TOP - 20, "handler stack from TSS.esp0"
  TEST_END

  TEST_BEGIN "gp_cli_in_ring3_iopl0"
  mov eax, r3_cli
  call rt_ring3
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], r3_cli, "saved eip"
  TEST_END

  TEST_BEGIN "gp_out_in_ring3_no_bitmap"
  mov eax, r3_out
  call rt_ring3
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], r3_out, "saved eip"
  TEST_END

  TEST_BEGIN "gp_mov_cr0_in_ring3"
  mov eax, r3_movcr
  call rt_ring3
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], r3_movcr, "saved eip"
  TEST_END

  TEST_BEGIN "gp_ring3_loads_dpl0_data"
  mov eax, r3_loadds
  call rt_ring3
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], SEL_DATA0, "error code"
  CHECK [exc_eip], r3_loadds_f, "saved eip"
  TEST_END

  TEST_BEGIN "gp_int_through_dpl0_gate_from_ring3"
  mov eax, r3_int31
  call rt_ring3
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0x31*8 + 2, "error code (IDT, vector 0x31)"
  CHECK [exc_eip], r3_int31, "saved eip"
  TEST_END

  TEST_BEGIN "int_through_dpl3_gate_from_ring3"
  mov eax, r3_int30
  call rt_ring3
  CHECK [exc_vec], 0x30, "vector"
  CHECK [exc_eip], r3_int30_n, "saved eip (after INT)"
  CHECKW [exc_cs], SEL_CODE3, "saved cs"
  CHECK [exc_esp], USTACK_TOP, "saved esp"
  CHECKW [exc_ss], SEL_DATA3, "saved ss"
  TEST_END

  TEST_BEGIN "gp_far_jmp_to_data_segment"
  EXPECT_FAULT .gp11r
.gp11: jmp SEL_DATA0:0
.gp11r:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], SEL_DATA0, "error code"
  CHECK [exc_eip], .gp11, "saved eip"
  TEST_END

  TEST_BEGIN "gp_call_gate_dpl_below_cpl"
  mov eax, r3_int30                 ; (never reached through the gate)
  mov ecx, SEL_CGATE
  xor edx, edx
  call rt_make_call_gate
  mov byte [GDT_ADDR + SEL_CGATE + 5], 0x8C     ; gate DPL 0
  mov eax, r3_cgate0
  call rt_ring3
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], SEL_CGATE, "error code (gate selector)"
  CHECK [exc_eip], r3_cgate0, "saved eip"
  TEST_END

  TEST_BEGIN "gp_retf_to_inner_privilege"
  mov eax, r3_retf0
  call rt_ring3
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], SEL_CODE0, "error code (return CS)"
  CHECK [exc_eip], r3_retf0_f, "saved eip"
  TEST_END

  TEST_BEGIN "gp_iret_to_inner_privilege"
  mov eax, r3_iret0
  call rt_ring3
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], SEL_CODE0, "error code (return CS)"
  CHECK [exc_eip], r3_iret0_f, "saved eip"
  TEST_END

  ; ---------------- #NP ----------------
  TEST_BEGIN "np_data_segment"
  EXPECT_FAULT .np1r
  mov ax, SEL_NP
.np1: mov ds, ax
.np1r:
  CHECK [exc_vec], 0x10B, "vector"
  CHECK [exc_err], SEL_NP, "error code"
  CHECK [exc_eip], .np1, "saved eip"
  TEST_END

  TEST_BEGIN "np_idt_gate_software_int"
  and byte [IDT_ADDR + 0x32*8 + 5], 0x7F     ; gate 0x32 not present
  EXPECT_FAULT .np2r
.np2: int 0x32
.np2r:
  CHECK [exc_vec], 0x10B, "vector"
  CHECK [exc_err], 0x32*8 + 2, "error code (IDT, EXT=0)"
  CHECK [exc_eip], .np2, "saved eip"
  or byte [IDT_ADDR + 0x32*8 + 5], 0x80
  TEST_END

  TEST_BEGIN "np_idt_gate_exception_sets_ext"
  and byte [IDT_ADDR + 6*8 + 5], 0x7F        ; #UD gate not present
  EXPECT_FAULT .np3r
.np3: ud2
.np3r:
  CHECK [exc_vec], 0x10B, "vector (benign #UD then #NP: no #DF)"
  CHECK [exc_err], 6*8 + 2 + 1, "error code (IDT, EXT=1)"
  CHECK [exc_eip], .np3, "saved eip"
  or byte [IDT_ADDR + 6*8 + 5], 0x80
  TEST_END

  ; ---------------- #SS ----------------
  TEST_BEGIN "ss_load_not_present"
  EXPECT_FAULT .ss1r
  mov ax, SEL_NP
.ss1: mov ss, ax
.ss1r:
  CHECK [exc_vec], 0x10C, "vector"
  CHECK [exc_err], SEL_NP, "error code"
  CHECK [exc_eip], .ss1, "saved eip"
  TEST_END

  TEST_BEGIN "ss_limit_ebp_access"
  mov ax, SEL_STK                   ; 1 MiB stack segment; ESP (0x8Fxxx) is inside
  mov ss, ax
  mov ebp, 0x100000                 ; first byte past the limit
  EXPECT_FAULT .ss2r
.ss2: mov eax, [ebp]
.ss2r:
  CHECK [exc_vec], 0x10C, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], .ss2, "saved eip"
  EXPECT_FAULT .ss3r
  mov ebp, 0xFFFFE                  ; dword straddling the limit
.ss3: mov eax, [ebp]
.ss3r:
  CHECK [exc_vec], 0x10C, "vector (straddling)"
  CHECK [exc_eip], .ss3, "saved eip (straddling)"
  mov dword [exc_count], 0
  mov ebp, 0xFFFFC
  mov eax, [ebp]                    ; last dword inside: fine
  CHECK [exc_count], 0, "no fault for the last dword"
  mov ax, SEL_DATA0
  mov ss, ax
  TEST_END

  ; ---------------- #TS ----------------
  TEST_BEGIN "ts_tss_limit_too_small"
  EXPECT_FAULT .ts1r
.ts1: jmp SEL_BADTSS:0
.ts1r:
  CHECK [exc_vec], 0x10A, "vector"
  CHECK [exc_err], SEL_BADTSS, "error code"
  CHECK [exc_eip], .ts1, "saved eip"
  str ax
  CHECKW eax, SEL_TSS0, "task register unchanged"
  TEST_END

  FINISH

align 4
bounds: dd 0, 10

; ring-3 snippets (each ends in a fault or INT 0x30)
r3_hlt:    hlt
r3_cli:    cli
r3_out:    out 0xE9, al
r3_movcr:  mov cr0, eax
r3_loadds: mov ax, SEL_DATA0
r3_loadds_f:
           mov ds, ax
           int 0x30
r3_int31:  int 0x31
r3_cgate0: call (SEL_CGATE | 3):0
r3_retf0:  push dword SEL_CODE0
           push dword r3_int30
r3_retf0_f:
           retf
r3_iret0:  push dword 0x2
           push dword SEL_CODE0
           push dword r3_int30
r3_iret0_f:
           iretd
r3_int30:  int 0x30
r3_int30_n:
           hlt

MB_END
