; tests/baremetal/debug.asm: debug exceptions (#DB, vector 1) - single-step traps (EFLAGS.TF),
; instruction breakpoints (faults), data breakpoints (traps), INT1/ICEBP, and the general-
; detect fault of DR7.GD - with the saved EIP and the DR6 status bits of SDM vol. 3 17.2-17.3.
; Multiboot kernel.  QEMU 7 (TCG) fails db_icebp_int1 (#UD for F1) and db_general_detect
; (DR7.GD not implemented).
%include "mb.inc"

DR6_B0 equ 1
DR6_B1 equ 2
DR6_BD equ 0x2000
DR6_BS equ 0x4000

%macro CLEAR_DR6 0
  xor eax, eax
  mov dr6, eax
%endmacro

test_main:
  TEST_BEGIN "db_single_step_after_popf"
  CLEAR_DR6
  EXPECT_FAULT 1                    ; resume at the saved EIP with TF cleared
  pushfd
  or dword [esp], 0x100
  popfd                             ; TF=1 from here: the trap follows the NEXT instruction
.s1: nop
.s2: nop
  CHECK [exc_count], 1, "exactly one #DB"
  CHECK [exc_vec], 1, "vector"
  CHECK [exc_eip], .s2, "saved eip (after the stepped instruction)"
  mov eax, [exc_dr6]
  and eax, DR6_BS | 0xF
  CHECK eax, DR6_BS, "DR6.BS"
  mov eax, [exc_eflags]
  and eax, 0x100
  CHECK eax, 0x100, "TF in the saved EFLAGS"
  TEST_END

  TEST_BEGIN "db_instruction_breakpoint_fault"
  CLEAR_DR6
  mov eax, .b1
  mov dr0, eax
  mov eax, 0x00000001               ; L0, RW0=00 (execute), LEN0=00
  mov dr7, eax
  mov dword [scratch], 0
  EXPECT_FAULT .b1r
  nop
.b1: mov dword [scratch], 0x99
.b1r:
  xor eax, eax
  mov dr7, eax
  CHECK [exc_vec], 1, "vector"
  CHECK [exc_eip], .b1, "saved eip (the breakpointed instruction, not executed)"
  mov eax, [exc_dr6]
  and eax, 0xF | DR6_BS
  CHECK eax, DR6_B0, "DR6.B0"
  CHECK [scratch], 0, "instruction not executed"
  TEST_END

  TEST_BEGIN "db_data_write_breakpoint_trap"
  CLEAR_DR6
  mov eax, scratch + 0x80
  mov dr1, eax
  mov eax, (1 << 2) | (01b << 20) | (11b << 22)   ; L1, RW1=01 (write), LEN1=11 (4 bytes)
  mov dr7, eax
  mov eax, [scratch + 0x80]         ; a read does not trigger a write breakpoint
  EXPECT_FAULT .w1r
.w1: mov dword [scratch + 0x80], 0x1234
.w1n:
  hlt
.w1r:
  xor eax, eax
  mov dr7, eax
  CHECK [exc_count], 1, "one #DB"
  CHECK [exc_vec], 1, "vector"
  CHECK [exc_eip], .w1n, "saved eip (after the write)"
  CHECK [scratch + 0x80], 0x1234, "the write was done"
  mov eax, [exc_dr6]
  and eax, 0xF
  CHECK eax, DR6_B1, "DR6.B1"
  TEST_END

  TEST_BEGIN "db_data_readwrite_breakpoint_on_read"
  CLEAR_DR6
  mov eax, scratch + 0x90
  mov dr1, eax
  mov eax, (1 << 2) | (11b << 20) | (01b << 22)   ; L1, RW1=11 (read/write), LEN1=01 (2 bytes)
  mov dr7, eax
  EXPECT_FAULT .rw1r
.rw1: mov eax, [scratch + 0x8F]      ; 4-byte read overlapping the 2-byte range
.rw1n:
  hlt
.rw1r:
  xor eax, eax
  mov dr7, eax
  CHECK [exc_vec], 1, "vector"
  CHECK [exc_eip], .rw1n, "saved eip (after the read)"
  mov eax, [exc_dr6]
  and eax, 0xF
  CHECK eax, DR6_B1, "DR6.B1"
  TEST_END

  TEST_BEGIN "db_icebp_int1"
  EXPECT_FAULT .i1r
.i1: db 0xF1                         ; INT1 / ICEBP
.i1n:
  hlt
.i1r:
  CHECK [exc_vec], 1, "vector"
  CHECK [exc_eip], .i1n, "saved eip (after INT1)"
  TEST_END

  TEST_BEGIN "db_general_detect"
  CLEAR_DR6
  mov eax, 0x2000                   ; DR7.GD
  mov dr7, eax
  EXPECT_FAULT .g1r
.g1: mov eax, dr0
.g1r:
  CHECK [exc_vec], 1, "vector"
  CHECK [exc_eip], .g1, "saved eip (the MOV DR is not executed)"
  mov eax, [exc_dr6]
  and eax, DR6_BD
  CHECK eax, DR6_BD, "DR6.BD"
  mov eax, dr7                      ; GD was cleared when #DB was delivered
  and eax, 0x2000
  CHECK eax, 0, "DR7.GD cleared by the #DB"
  TEST_END

  FINISH
MB_END
