; tests/baremetal/movss.asm: the interrupt/debug shadow of MOV SS and POP SS (SDM vol. 3
; 6.8.3): a single-step trap that would follow MOV SS is held until the instruction after
; it has run, so the only #DB reports the EIP after that next instruction.  Multiboot kernel.
%include "mb.inc"

test_main:
  TEST_BEGIN "movss_delays_single_step"
  mov ax, ss
  xor ecx, ecx
  EXPECT_FAULT 1
  pushfd
  or dword [esp], 0x100
  popfd
.a: mov ss, ax                       ; TF=1: no #DB here...
.b: inc ecx                          ; ...but after this one
.c: nop
  CHECK [exc_count], 1, "exactly one #DB"
  CHECK [exc_vec], 1, "vector"
  CHECK [exc_eip], .c, "saved eip (after the instruction following MOV SS)"
  CHECK ecx, 1, "the shadowed instruction ran once"
  TEST_END

  TEST_BEGIN "popss_delays_single_step"
  xor ecx, ecx
  push ss
  EXPECT_FAULT 1
  pushfd
  or dword [esp], 0x100
  popfd
.d: pop ss
.e: inc ecx
.f: nop
  CHECK [exc_count], 1, "exactly one #DB"
  CHECK [exc_vec], 1, "vector"
  CHECK [exc_eip], .f, "saved eip (after the instruction following POP SS)"
  TEST_END

  TEST_BEGIN "movss_shadow_is_one_instruction"
  ; two MOV SS in a row: the second is not shadowed again by the first (the shadow
  ; lasts one instruction), the trap comes after the second MOV SS's successor at the latest
  mov ax, ss
  xor ecx, ecx
  EXPECT_FAULT 1
  pushfd
  or dword [esp], 0x100
  popfd
.g: mov ss, ax
.h: mov ss, ax
.i: inc ecx
.j: nop
  CHECK [exc_count], 1, "exactly one #DB"
  mov eax, [exc_eip]
  cmp eax, .i
  je .ok
  cmp eax, .j
  je .ok
  CHECK eax, .i, "saved eip after the MOV SS pair"
.ok:
  TEST_END

  TEST_BEGIN "movss_then_int3_delivers_normally"
  ; MOV SS does not block software interrupts/exceptions of the next instruction
  mov ax, ss
  EXPECT_FAULT .kr
  mov ss, ax
.k: int3
.kn:
  hlt
.kr:
  CHECK [exc_vec], 3, "vector"
  CHECK [exc_eip], .kn, "saved eip"
  TEST_END

  FINISH
MB_END
