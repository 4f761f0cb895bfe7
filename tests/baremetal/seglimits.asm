; tests/baremetal/seglimits.asm: segment limit checks in protected mode (SDM vol. 3 5.3):
; expand-up data limits (byte and straddling accesses), expand-down segments with B=1 and
; B=0, string instructions stopping at the limit with ECX/EDI of the faulting iteration,
; stack pushes beyond an SS limit (#SS), and near jumps beyond the CS limit (#GP at the
; jump).  QEMU (TCG) does not check data-segment limits, so most of these fail under it.
; Multiboot kernel.
%include "mb.inc"

SMALL_DESC equ GDT_ADDR + SEL_SMALL
CODE16_DESC equ GDT_ADDR + SEL_CODE16

; rewrite the SEL_SMALL descriptor: base 0, limit %1 (byte granular), access %2, flags %3
%macro SET_SMALL 3
  mov dword [SMALL_DESC], (%1) & 0xFFFF
  mov dword [SMALL_DESC + 4], (((%1) >> 16) & 0xF) << 16 | (%2) << 8 | (%3) << 20
%endmacro

test_main:
  TEST_BEGIN "gp_data_limit_expand_up"
  ; (GS holds the small segment: the runtime itself needs a flat DS)
  SET_SMALL 0xFFF, 0x93, 0x4
  mov ax, SEL_SMALL
  mov gs, ax
  mov dword [exc_count], 0
  mov eax, [gs:0xFFC]               ; last dword: fine
  mov al, [gs:0xFFF]                ; last byte: fine
  CHECK [exc_count], 0, "accesses inside the limit"
  EXPECT_FAULT .r1
.f1: mov eax, [gs:0xFFD]             ; straddles the limit
.r1:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], .f1, "saved eip"
  EXPECT_FAULT .r2
.f2: mov byte [gs:0x1000], 1         ; first byte past the limit
.r2:
  CHECK [exc_vec], 0x10D, "vector (write past the limit)"
  CHECK [exc_eip], .f2, "saved eip (write)"
  mov ax, SEL_DATA0
  mov gs, ax
  TEST_END

  TEST_BEGIN "gp_expand_down_big"
  SET_SMALL 0xFFF, 0x97, 0x4        ; expand-down, B=1: offsets 0x1000..0xFFFFFFFF valid
  mov ax, SEL_SMALL
  mov es, ax
  mov dword [exc_count], 0
  mov eax, [es:0x1000]
  mov eax, [es:0x100000]
  CHECK [exc_count], 0, "accesses above the limit are valid"
  EXPECT_FAULT .r3
.f3: mov eax, [es:0xFFE]             ; straddles the lower bound
.r3:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_eip], .f3, "saved eip"
  EXPECT_FAULT .r4
.f4: mov al, [es:0]
.r4:
  CHECK [exc_vec], 0x10D, "vector (offset 0)"
  CHECK [exc_eip], .f4, "saved eip (offset 0)"
  TEST_END

  TEST_BEGIN "gp_expand_down_small"
  SET_SMALL 0xFFF, 0x97, 0x0        ; expand-down, B=0: offsets 0x1000..0xFFFF valid
  mov ax, SEL_SMALL
  mov es, ax
  mov dword [exc_count], 0
  mov eax, [es:0xFFFC]
  CHECK [exc_count], 0, "last dword below 64 KiB is valid"
  EXPECT_FAULT .r5
.f5: mov eax, [es:0xFFFE]            ; straddles 64 KiB
.r5:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_eip], .f5, "saved eip"
  mov ax, SEL_DATA0
  mov es, ax
  TEST_END

  TEST_BEGIN "gp_rep_stosb_stops_at_limit"
  SET_SMALL 0xFFF, 0x93, 0x4
  mov ax, SEL_SMALL
  mov es, ax
  mov edi, 0xFF0
  mov ecx, 0x20
  mov al, 0xA5
  EXPECT_FAULT .r6
.f6: rep stosb
.r6:
  mov bx, SEL_DATA0
  mov es, bx
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_eip], .f6, "saved eip (the REP STOSB)"
  CHECK edi, 0x1000, "edi at the faulting iteration"
  CHECK ecx, 0x10, "ecx at the faulting iteration"
  movzx eax, byte [0xFFF]
  CHECK eax, 0xA5, "bytes below the limit were stored"
  TEST_END

  TEST_BEGIN "ss_push_beyond_limit_ring3"
  SET_SMALL 0xFFF, 0xF3, 0x4        ; DPL 3 writable data, limit 0xFFF
  mov eax, r3_push
  call rt_ring3
  CHECK [exc_vec], 0x10C, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], r3_push_f, "saved eip"
  CHECK [exc_esp], 0x1002, "saved esp (unchanged)"
  CHECKW [exc_ss], SEL_SMALL | 3, "saved ss"
  TEST_END

  TEST_BEGIN "gp_near_jmp_beyond_cs_limit"
  ; SEL_CODE16's slot becomes a 32-bit code segment with limit 0x1FFFFF (G=1)
  mov dword [CODE16_DESC], 0x000001FF
  mov dword [CODE16_DESC + 4], 0x00C09B00
  mov word [0x200000], 0x0B0F       ; UD2 there, in case the jump is (wrongly) taken
  jmp SEL_CODE16:.in_small_cs
.in_small_cs:
  EXPECT_FAULT .r7
  mov eax, 0x200000
.f7: jmp eax
.r7:
  jmp SEL_CODE0:.back_in_flat
.back_in_flat:
  CHECK [exc_vec], 0x10D, "vector"
  CHECK [exc_err], 0, "error code"
  CHECK [exc_eip], .f7, "saved eip (the jump)"
  CHECKW [exc_cs], SEL_CODE16, "saved cs"
  TEST_END

  FINISH

r3_push:
  mov ax, SEL_SMALL | 3
  mov ss, ax
  mov esp, 0x1002
r3_push_f:
  push eax                          ; 0xFFE..0x1001: beyond the limit
  int 0x30

MB_END
