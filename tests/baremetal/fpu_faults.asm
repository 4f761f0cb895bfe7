; tests/baremetal/fpu_faults.asm: delivery of x87/MMX/SSE exceptions end to end, with real
; handlers in the IDT and the PICs programmed.  By the SDM:
;   vol. 3 2.5 (CR0.MP/EM/TS/NE, CR4.OSFXSR/OSXMMEXCPT) and table 12-8 (EM/MP/TS actions):
;     x87 with EM or TS -> #NM; WAIT/FWAIT -> #NM only with TS and MP; MMX with EM -> #UD,
;     with TS -> #NM; SSE with EM or OSFXSR clear -> #UD, then TS -> #NM; FXSAVE with TS -> #NM;
;   vol. 1 8.7 / vol. 3 6.15 (#MF): with NE=1 an unmasked x87 exception is reported at the next
;     waiting x87 (or MMX) instruction, EIP at that instruction; FN* forms do not wait;
;   vol. 1 appendix D / vol. 3 "Assertion of the FERR# pin": with NE=0 a P6 asserts FERR#
;     when the faulting instruction completes and freezes before the next waiting
;     instruction until an interrupt comes; the PC routes FERR# to IRQ13 and a write to port
;     F0h drops IRQ13 and asserts IGNNE#, after which waiting instructions ignore the error
;     until FERR# goes away (FNCLEX);
;   vol. 3 6.15 (#XM): an unmasked SIMD exception -> #XM with OSXMMEXCPT, #UD without; MXCSR
;     flags are set and the destination is not written;
;   priority: #NM (TS) is checked before a pending x87 exception (vol. 3 6.9 table 6-2 puts
;     #NM among the "faults on decoding/fetching the next instruction" before #MF).
; Multiboot kernel.  QEMU 7.2 (TCG) fails six of these, all QEMU gaps: em_mmx_ud (it checks
; TS before EM for MMX), mf_fwait_and_fld, mf_handler_fnclex_and_continue and
; nm_before_pending_mf (only FWAIT looks for a pending x87 exception), xm_divss_by_zero and
; xm_without_osxmmexcpt_is_ud (unmasked SIMD exceptions are not raised: the masked result is
; written); and it aborts in ferr_irq13_ignne (assertion failure in tcg_handle_interrupt when
; FERR# raises IRQ13), so the ferr_* tests come last.
%include "mb.inc"

CR0_MP equ 1 << 1
CR0_EM equ 1 << 2
CR0_TS equ 1 << 3
CR0_NE equ 1 << 5
CR4_OSFXSR equ 1 << 9
CR4_OSXMMEXCPT equ 1 << 10

VEC_IRQ0  equ 0x20
VEC_IRQ13 equ 0x2D                  ; slave PIC base 0x28 + 5
FXAREA    equ 0x20000               ; 512-byte FXSAVE image (16-byte aligned)

; CR0 := (CR0 & ~clear) | set
%macro CR0_BITS 2
  mov eax, cr0
  and eax, ~(%2)
  or eax, %1
  mov cr0, eax
%endmacro
%macro CR4_BITS 2
  mov eax, cr4
  and eax, ~(%2)
  or eax, %1
  mov cr4, eax
%endmacro

; IDT gate `ecx` := 32-bit interrupt gate to eax.
set_gate:
  mov [IDT_ADDR + ecx*8], ax
  mov word [IDT_ADDR + ecx*8 + 2], SEL_CODE0
  mov word [IDT_ADDR + ecx*8 + 4], 0x8E00
  shr eax, 16
  mov [IDT_ADDR + ecx*8 + 6], ax
  ret
; IDT gate `ecx` back to the runtime's recorder.
restore_gate:
  mov eax, [rt_isr_table + ecx*4]
  jmp set_gate

; PICs: master at 0x20, slave at 0x28 (IRQ13 -> vector 0x2D), everything masked.
pic_init:
  mov al, 0x11
  out 0x20, al
  out 0xA0, al
  mov al, 0x20
  out 0x21, al
  mov al, 0x28
  out 0xA1, al
  mov al, 0x04
  out 0x21, al
  mov al, 0x02
  out 0xA1, al
  mov al, 0x01
  out 0x21, al
  out 0xA1, al
  mov al, 0xFF
  out 0x21, al
  out 0xA1, al
  ret

; Lazy-FPU #NM handler (what Linux does): CLTS and return to the faulting instruction.
lazy_nm:
  clts
  inc dword [nm_count]
  push eax
  mov eax, [esp+4]
  mov [nm_eip], eax
  pop eax
  iretd

; #MF handler: read FSW, FNCLEX, return to the faulting instruction (which then runs).
mf_handler:
  fnstsw [mf_fsw]
  fnclex
  inc dword [mf_count]
  push eax
  mov eax, [esp+4]
  mov [mf_eip], eax
  pop eax
  iretd

; IRQ13 handler (FERR#): release the latch (IGNNE#) through port F0h, EOI slave then
; master.  The x87 error stays pending: IGNNE# lets the interrupted code go on.
irq13_handler:
  push eax
  mov eax, [esp+4]
  mov [irq13_eip], eax
  inc dword [irq13_count]
  fnstsw ax
  mov [irq13_fsw], eax
  xor eax, eax
  out 0xF0, al
  mov al, 0x20
  out 0xA0, al
  out 0x20, al
  pop eax
  iretd

; IRQ0 handler for the freeze test: records the saved EIP of every tick; on the second tick
; writes F0h (IGNNE#) so that the frozen instruction can proceed.
irq0_handler:
  push eax
  mov eax, [esp+4]
  push ebx
  mov ebx, [irq0_count]
  cmp ebx, 4
  jae .full
  mov [irq0_eips + ebx*4], eax
.full:
  inc dword [irq0_count]
  cmp dword [irq0_count], 2
  jne .eoi
  xor eax, eax
  out 0xF0, al
.eoi:
  mov al, 0x20
  out 0x20, al
  pop ebx
  pop eax
  iretd

; A clean starting point: CR0.MP=1, NE=1, EM=TS=0, CR4.OSFXSR=OSXMMEXCPT=1, FNINIT, MXCSR
; default, the runtime's handlers on #NM/#MF/#XM.
fpu_reset:
  CR0_BITS CR0_MP | CR0_NE, CR0_EM | CR0_TS
  CR4_BITS CR4_OSFXSR | CR4_OSXMMEXCPT, 0
  fninit
  mov dword [scratch], 0x1F80
  ldmxcsr [scratch]
  ret

test_main:
  call pic_init
  call fpu_reset

  ; ---------------- #NM from CR0.TS ----------------
  TEST_BEGIN "nm_ts_x87"
  CR0_BITS CR0_TS, 0
  EXPECT_FAULT .t1r
.t1: fld1
.t1r:
  CHECK [exc_vec], 7, "vector"
  CHECK [exc_eip], .t1, "saved eip"
  clts
  fnstsw ax
  and eax, 0x3800
  CHECK eax, 0, "TOP unchanged (FLD1 did not run)"
  TEST_END

  TEST_BEGIN "nm_ts_mmx"
  CR0_BITS CR0_TS, 0
  EXPECT_FAULT .t2r
.t2: movq mm0, mm1
.t2r:
  CHECK [exc_vec], 7, "vector"
  CHECK [exc_eip], .t2, "saved eip"
  TEST_END

  TEST_BEGIN "nm_ts_sse"
  CR0_BITS CR0_TS, 0
  EXPECT_FAULT .t3r
.t3: addps xmm0, xmm1
.t3r:
  CHECK [exc_vec], 7, "vector"
  CHECK [exc_eip], .t3, "saved eip"
  TEST_END

  TEST_BEGIN "nm_ts_sse2"
  CR0_BITS CR0_TS, 0
  EXPECT_FAULT .t4r
.t4: paddq xmm0, xmm1
.t4r:
  CHECK [exc_vec], 7, "vector"
  CHECK [exc_eip], .t4, "saved eip"
  TEST_END

  TEST_BEGIN "nm_ts_fxsave"
  CR0_BITS CR0_TS, 0
  EXPECT_FAULT .t5r
.t5: fxsave [FXAREA]
.t5r:
  CHECK [exc_vec], 7, "vector"
  CHECK [exc_eip], .t5, "saved eip"
  TEST_END

  TEST_BEGIN "nm_wait_only_with_mp"
  CR0_BITS CR0_TS, CR0_MP            ; TS=1, MP=0: WAIT does not fault
  mov dword [exc_count], 0
  fwait
  CHECK [exc_count], 0, "no #NM for WAIT with MP=0"
  CR0_BITS CR0_TS | CR0_MP, 0
  EXPECT_FAULT .t6r
.t6: fwait
.t6r:
  CHECK [exc_vec], 7, "vector (TS=1 MP=1)"
  CHECK [exc_eip], .t6, "saved eip"
  CR0_BITS CR0_EM, CR0_TS | CR0_MP   ; EM does not concern WAIT
  mov dword [exc_count], 0
  fwait
  CHECK [exc_count], 0, "no fault for WAIT with EM=1 TS=0"
  TEST_END

  TEST_BEGIN "nm_lazy_fpu_clts"
  call fpu_reset
  mov ecx, 7
  mov eax, lazy_nm
  call set_gate
  mov dword [nm_count], 0
  CR0_BITS CR0_TS, 0
.t7: fld1                           ; #NM: the handler does CLTS, FLD1 runs again
  fld1
  faddp st1, st0
  fistp dword [scratch]
  mov ecx, 7
  call restore_gate
  CHECK [nm_count], 1, "one #NM"
  CHECK [nm_eip], .t7, "saved eip"
  CHECK [scratch], 2, "1 + 1 computed after CLTS"
  mov eax, cr0
  and eax, CR0_TS
  CHECK eax, 0, "TS clear"
  TEST_END

  ; ---------------- CR0.EM and CR4.OSFXSR ----------------
  TEST_BEGIN "em_x87_nm"
  call fpu_reset
  CR0_BITS CR0_EM, 0
  EXPECT_FAULT .e1r
.e1: fldz
.e1r:
  CHECK [exc_vec], 7, "vector"
  CHECK [exc_eip], .e1, "saved eip"
  TEST_END

  TEST_BEGIN "em_mmx_ud"
  CR0_BITS CR0_EM, 0
  EXPECT_FAULT .e2r
.e2: paddd mm0, mm1
.e2r:
  CHECK [exc_vec], 6, "vector"
  CHECK [exc_eip], .e2, "saved eip"
  CR0_BITS CR0_EM | CR0_TS, 0
  EXPECT_FAULT .e3r
.e3: paddd mm0, mm1
.e3r:
  CHECK [exc_vec], 6, "vector with TS=1 too (#UD before #NM)"
  TEST_END

  TEST_BEGIN "em_sse_ud"
  CR0_BITS CR0_EM, CR0_TS
  EXPECT_FAULT .e4r
.e4: mulps xmm0, xmm1
.e4r:
  CHECK [exc_vec], 6, "vector"
  CHECK [exc_eip], .e4, "saved eip"
  TEST_END

  TEST_BEGIN "osfxsr_clear_sse_ud_mmx_runs"
  call fpu_reset
  CR4_BITS 0, CR4_OSFXSR
  EXPECT_FAULT .o1r
.o1: addss xmm0, xmm1
.o1r:
  CHECK [exc_vec], 6, "vector (SSE)"
  CHECK [exc_eip], .o1, "saved eip"
  EXPECT_FAULT .o2r
.o2: movdqa xmm0, xmm1
.o2r:
  CHECK [exc_vec], 6, "vector (SSE2)"
  CR0_BITS CR0_TS, 0
  EXPECT_FAULT .o3r
.o3: addps xmm0, xmm1
.o3r:
  CHECK [exc_vec], 6, "vector with TS=1 (#UD before #NM)"
  clts
  mov dword [exc_count], 0
  mov dword [scratch], 5
  mov dword [scratch+4], 0
  mov dword [scratch+8], 7
  mov dword [scratch+12], 0
  movq mm0, [scratch]
  movq mm1, [scratch+8]
  paddd mm0, mm1
  movd eax, mm0
  emms
  CHECK [exc_count], 0, "MMX runs with OSFXSR=0"
  CHECK eax, 12, "PADDD result"
  CR4_BITS CR4_OSFXSR, 0
  TEST_END

  ; ---------------- #MF with CR0.NE=1 ----------------
  TEST_BEGIN "mf_deferred_to_next_waiting_insn"
  call fpu_reset
  mov word [scratch], 0x037B         ; ZM clear
  fldcw [scratch]
  fldz
  fld1                              ; st0 = 1, st1 = 0
  mov dword [exc_count], 0
.m1: fdiv st0, st1                  ; ZE: no fault here
  CHECK [exc_count], 0, "no fault at the FDIV"
  fnstsw ax                         ; non-waiting: no fault
  and eax, 0x80BF
  CHECK eax, 0x8084, "FSW: B, ES, ZE"
  fnstcw [scratch+4]
  fnstsw [scratch+8]
  CHECK [exc_count], 0, "no fault for FNSTSW/FNSTCW"
  TEST_END

  TEST_BEGIN "mf_fwait_and_fld"
  EXPECT_FAULT .m2r
.m2: fwait
.m2r:
  CHECK [exc_vec], 16, "vector (FWAIT)"
  CHECK [exc_eip], .m2, "saved eip (FWAIT)"
  EXPECT_FAULT .m3r
.m3: fld1
.m3r:
  CHECK [exc_vec], 16, "vector (FLD1)"
  CHECK [exc_eip], .m3, "saved eip (FLD1)"
  fnstsw ax
  shr eax, 11
  and eax, 7
  CHECK eax, 6, "TOP unchanged (FLD1 did not push)"
  EXPECT_FAULT .m4r
.m4: movq mm0, mm1
.m4r:
  CHECK [exc_vec], 16, "vector (MMX)"
  CHECK [exc_eip], .m4, "saved eip (MMX)"
  TEST_END

  TEST_BEGIN "mf_handler_fnclex_and_continue"
  mov ecx, 16
  mov eax, mf_handler
  call set_gate
  mov dword [mf_count], 0
.m5: fstp dword [scratch+16]        ; waits: #MF, the handler clears, FSTP runs
  mov ecx, 16
  call restore_gate
  CHECK [mf_count], 1, "one #MF"
  CHECK [mf_eip], .m5, "saved eip"
  mov eax, [mf_fsw]
  and eax, 0x80BF
  CHECK eax, 0x8084, "FSW seen by the handler: B, ES, ZE"
  CHECK [scratch+16], 0x3F800000, "FDIV left st0 = 1.0 (unmasked ZE writes nothing)"
  fnstsw ax
  and eax, 0x80FF
  CHECK eax, 0, "no exception pending after FNCLEX"
  TEST_END

  ; ---------------- priority: #NM before a pending #MF ----------------
  TEST_BEGIN "nm_before_pending_mf"
  call fpu_reset
  mov word [scratch], 0x037B
  fldcw [scratch]
  fldz
  fld1
  fdiv st0, st1                     ; ZE pending
  CR0_BITS CR0_TS, 0
  EXPECT_FAULT .p1r
.p1: fwait
.p1r:
  CHECK [exc_vec], 7, "vector (FWAIT, TS=1 MP=1)"
  EXPECT_FAULT .p2r
.p2: fadd st0, st1
.p2r:
  CHECK [exc_vec], 7, "vector (FADD, TS=1)"
  clts
  EXPECT_FAULT .p3r
.p3: fadd st0, st1
.p3r:
  CHECK [exc_vec], 16, "vector after CLTS"
  CHECK [exc_eip], .p3, "saved eip"
  fninit
  TEST_END

  ; ---------------- #XM ----------------
  TEST_BEGIN "xm_divss_by_zero"
  call fpu_reset
  mov dword [scratch], 0x1F80 & ~0x200   ; ZM clear
  ldmxcsr [scratch]
  movss xmm0, [f_one]
  movss xmm1, [f_zero]
  EXPECT_FAULT .x1r
.x1: divss xmm0, xmm1
.x1r:
  CHECK [exc_vec], 19, "vector"
  CHECK [exc_eip], .x1, "saved eip"
  stmxcsr [scratch+4]
  mov eax, [scratch+4]
  and eax, 0x3F
  CHECK eax, 4, "MXCSR.ZE"
  movd eax, xmm0
  CHECK eax, 0x3F800000, "destination unchanged"
  TEST_END

  TEST_BEGIN "xm_without_osxmmexcpt_is_ud"
  ldmxcsr [scratch]                 ; flags clear, ZM clear
  CR4_BITS 0, CR4_OSXMMEXCPT
  EXPECT_FAULT .x2r
.x2: divss xmm0, xmm1
.x2r:
  CHECK [exc_vec], 6, "vector"
  CHECK [exc_eip], .x2, "saved eip"
  stmxcsr [scratch+4]
  mov eax, [scratch+4]
  and eax, 0x3F
  CHECK eax, 4, "MXCSR.ZE"
  movd eax, xmm0
  CHECK eax, 0x3F800000, "destination unchanged"
  call fpu_reset
  TEST_END

  ; ---------------- FERR# / IRQ13 with CR0.NE=0 ----------------
  TEST_BEGIN "ferr_irq13_ignne"
  call fpu_reset
  CR0_BITS 0, CR0_NE
  mov ecx, VEC_IRQ13
  mov eax, irq13_handler
  call set_gate
  mov al, 0xFB                      ; master: IRQ2 (cascade) only
  out 0x21, al
  mov al, 0xDF                      ; slave: IRQ13 only
  out 0xA1, al
  mov dword [irq13_count], 0
  mov word [scratch], 0x037B
  fldcw [scratch]
  fldz
  fld1
  sti
  fdiv st0, st1                     ; FERR#: IRQ13 after it, at the latest before the FWAIT
.f1: fwait                          ; goes on: the handler asserted IGNNE# (port F0h)
  fld1                              ; also ignores the still pending error
  fstp dword [scratch+16]
  cli
  CHECK [irq13_count], 1, "one IRQ13"
  CHECK [irq13_eip], .f1, "IRQ13 taken before the FWAIT"
  mov eax, [irq13_fsw]
  and eax, 0x84
  CHECK eax, 0x84, "FSW in the handler: ES, ZE"
  CHECK [scratch+16], 0x3F800000, "FLD1/FSTP ran under IGNNE#"
  fnstsw ax
  and eax, 0x84
  CHECK eax, 0x84, "error still pending (nobody cleared it)"
  fnclex                            ; FERR# and IGNNE# go away
  sti
  fld1
  fdiv st0, st2                     ; st2 = 0: a second error, a second IRQ13
.f2: fwait
  cli
  CHECK [irq13_count], 2, "second IRQ13 after FNCLEX re-armed the latch"
  CHECK [irq13_eip], .f2, "second IRQ13 before the FWAIT"
  fnclex
  mov al, 0xFF
  out 0xA1, al
  out 0x21, al
  mov ecx, VEC_IRQ13
  call restore_gate
  TEST_END

  ; IRQ13 masked at the PIC: the next waiting instruction freezes until some interrupt
  ; (here the PIT's IRQ0) comes; the interrupt's saved EIP is the frozen instruction, which
  ; runs again after IRET and freezes again until IGNNE# is asserted.
  TEST_BEGIN "ferr_freeze_until_interrupt"
  call fpu_reset
  CR0_BITS 0, CR0_NE
  mov ecx, VEC_IRQ0
  mov eax, irq0_handler
  call set_gate
  mov dword [irq0_count], 0
  mov word [scratch], 0x037B
  fldcw [scratch]
  fldz
  fld1
  fdiv st0, st1                     ; FERR# asserted; IRQ13 stays masked
  mov al, 0xFE                      ; master: IRQ0 only
  out 0x21, al
  mov al, 0x34                      ; PIT channel 0, mode 2, about 1 ms
  out 0x43, al
  mov al, 1193 & 0xFF
  out 0x40, al
  mov al, 1193 >> 8
  out 0x40, al
  sti
  nop
.z1: fwait                          ; frozen here
  cli
  mov al, 0xFF
  out 0x21, al
  mov al, 0x30                      ; PIT channel 0 mode 0: stops after one count
  out 0x43, al
  CHECK [irq0_count], 2, "two timer interrupts woke the frozen FWAIT"
  CHECK [irq0_eips], .z1, "first saved eip: the frozen FWAIT"
  CHECK [irq0_eips+4], .z1, "second saved eip: FWAIT again"
  fnclex
  mov ecx, VEC_IRQ0
  call restore_gate
  TEST_END

  FINISH

align 4
f_one:  dd 0x3F800000
f_zero: dd 0
nm_count: dd 0
nm_eip: dd 0
mf_count: dd 0
mf_eip: dd 0
mf_fsw: dd 0
irq13_count: dd 0
irq13_eip: dd 0
irq13_fsw: dd 0
irq0_count: dd 0
irq0_eips: dd 0, 0, 0, 0
MB_END
