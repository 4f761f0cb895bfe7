; tests/baremetal/keyboard.asm: keystrokes scripted on the command line (--keys, --type)
; reach the guest through the i8042 (port 0x60, set 2 -> set 1 translation on) as the set-1
; bytes of a real keyboard, in command-line order, and nothing else arrives.  Multiboot
; kernel; needs the PC board.  (QEMU's sendkey is a monitor command, so there is no
; second opinion for this one.)
; RUN-ARGS: --keys @0.05:ctrl-alt-delete --type "@0.2:Hi!\n" --keys pause,shift-kp_7,meta_l
%include "mb.inc"

; Wait for a byte from the keyboard controller: al = byte, ecx != 0; ecx = 0 after about
; one virtual second with nothing (each status read takes 1 us of virtual time).
read_key:
  mov ecx, 1000000
.l:
  in al, 0x64
  test al, 1
  jnz .d
  loop .l
  ret
.d:
  in al, 0x60
  ret

; Compare the next ecx bytes from the keyboard with the table at esi.
expect_bytes:
  mov ebx, ecx
.next:
  call read_key
  movzx eax, al
  movzx edx, byte [esi]
  CHECK eax, edx, "scancode byte"
  inc esi
  dec ebx
  jnz .next
  ret

combo:  db 0x1D, 0x38, 0xE0, 0x53, 0xE0, 0xD3, 0xB8, 0x9D      ; ctrl alt delete, reversed
text:   db 0x2A, 0x23, 0xA3, 0xAA, 0x17, 0x97                  ; H i
        db 0x2A, 0x02, 0x82, 0xAA, 0x1C, 0x9C                  ; ! Enter
keys:   db 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5                  ; Pause (press only)
        db 0x2A, 0x47, 0xC7, 0xAA                              ; shift + keypad 7
        db 0xE0, 0x5B, 0xE0, 0xDB                              ; left Windows key

test_main:
  cli
  mov al, 0x60                      ; write the controller command byte:
  out 0x64, al
  mov al, 0x44                      ; translation on, system flag, no IRQs
  out 0x60, al

  TEST_BEGIN "keys_combo"
  mov esi, combo
  mov ecx, 8
  call expect_bytes
  TEST_END

  TEST_BEGIN "type_text"
  mov esi, text
  mov ecx, 12
  call expect_bytes
  TEST_END

  TEST_BEGIN "keys_special"
  mov esi, keys
  mov ecx, 14
  call expect_bytes
  TEST_END

  TEST_BEGIN "nothing_more"
  call read_key
  CHECK ecx, 0, "no further byte (ecx left by the wait)"
  TEST_END
  FINISH
MB_END
