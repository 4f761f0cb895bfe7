; tests/window/echo_prompt.asm: the guest of the real-window test, a 1.44 MB floppy boot
; sector that SeaBIOS boots.  It sets the keyboard's slowest typematic rate, paints the
; text screen white on blue (so the picture's edges can be found in a screenshot of the
; window), shows a prompt and echoes what is typed:
; INT 16h AH=10h keys, printable characters as themselves, other keys as <scan code>.
; It also hooks the BIOS keyboard intercept (INT 15h AH=4Fh, which SeaBIOS calls for every
; byte the i8042 delivers) and lists those raw set-1 bytes in hex under "scancodes:".
; Everything it sees also goes to the debug console (port 0xE9), one line per event, so
; the test can follow it while the window is open:
;   "RZWINDOW-READY"   the prompt is on the screen
;   "sc=XX TT"         a raw scan code byte (from INT 15h AH=4Fh) and the low byte of the
;                      BIOS tick count (18.2 Hz, 0040:006Ch) when it came
;   "key=AAAA"         a key from INT 16h (AH scan code, AL character)
bits 16
org 0x7C00

ATTR     equ 0x1F                ; white on blue
RAW_BUF  equ 0x0600              ; 256-byte ring of raw bytes (free RAM below the boot sector)
RAW_TICK equ 0x0700              ; ... and of the tick count's low byte at each
RAW_ROW  equ 12                  ; first row of the hex list

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    cld
    sti
    ; The slowest typematic rate (command F3h, 7Fh: 1 s delay, 2 repeats a second), so the
    ; test can tell the keyboard's own repeat from the X server's (25 a second).  SeaBIOS
    ; takes the two acknowledgements (FAh) before the hook below is in place.
    mov al, 0xF3
    call kbd_send
    mov al, 0x7F
    call kbd_send
    cli
    mov ax, [0x15*4]             ; hook INT 15h, keep the BIOS's handler for the rest
    mov [old15], ax
    mov ax, [0x15*4+2]
    mov [old15+2], ax
    mov word [0x15*4], int15
    mov word [0x15*4+2], 0
    sti
    mov ax, 0x0003               ; 80x25 text
    int 0x10
    mov ax, 0x0600               ; clear the whole screen to white on blue
    mov bh, ATTR
    xor cx, cx
    mov dx, 0x184F
    int 0x10
    mov ax, 0xB800
    mov es, ax
    mov di, (RAW_ROW - 1) * 160
    mov si, msg_raw
.hdr:
    lodsb
    test al, al
    jz .hdr_done
    mov ah, ATTR
    stosw
    jmp .hdr
.hdr_done:
    mov si, msg_banner
    call tty_str
    mov si, msg_prompt
    call tty_str
    mov si, msg_ready
    call dbg_str

main:
    cli
    mov bl, [raw_done]
    cmp bl, [raw_head]
    je .keys
    sti
    xor bh, bh
    mov al, [RAW_BUF + bx]
    mov ah, [RAW_TICK + bx]
    inc byte [raw_done]
    call show_raw
    jmp main
.keys:
    sti
    mov ah, 0x11                 ; a key waiting?
    int 0x16
    jz .idle
    mov ah, 0x10
    int 0x16
    call show_key
    jmp main
.idle:
    cli                          ; STI's shadow makes STI;HLT wait for the next interrupt
    mov bl, [raw_done]
    cmp bl, [raw_head]
    jne main
    sti
    hlt
    jmp main

; AL to the keyboard, once the i8042's input buffer is empty; then wait for the ACK to be
; taken (the i8042's output buffer empty again).
kbd_send:
    mov ah, al
.wait_in:
    in al, 0x64
    test al, 2
    jnz .wait_in
    mov al, ah
    out 0x60, al
    mov cx, 0xFFFF
.wait_ack:
    in al, 0x64
    test al, 3
    loopnz .wait_ack
    ret

; AL: one raw byte, AH: its tick -> "XX " in the list and "sc=XX TT" on the debug console.
show_raw:
    push ax
    mov si, msg_sc
    call dbg_str
    pop ax
    push ax
    call dbg_hex8
    mov al, ' '
    out 0xE9, al
    mov al, ah
    call dbg_hex8
    mov al, 10
    out 0xE9, al
    pop ax
    mov di, [raw_pos]
    cmp di, 25 * 160 - 6
    ja .full
    call scr_hex8
    mov ax, (ATTR << 8) | ' '
    stosw
    mov [raw_pos], di
.full:
    ret

; AX: a key from INT 16h.
show_key:
    push ax
    mov si, msg_key
    call dbg_str
    pop ax
    push ax
    xchg al, ah
    call dbg_hex8
    xchg al, ah
    call dbg_hex8
    mov al, 10
    out 0xE9, al
    pop ax
    cmp al, 0x0D
    je .enter
    cmp al, 0x20
    jb .other
    cmp al, 0x7E
    ja .other
    call tty
    ret
.enter:
    mov si, msg_prompt
    jmp tty_str
.other:
    push ax
    mov al, '<'
    call tty
    pop ax
    mov al, ah
    call hi_nibble
    call tty
    mov al, ah
    call lo_nibble
    call tty
    mov al, '>'
    jmp tty

; The hex digits of AL's high / low nibble, in AL.
hi_nibble:
    shr al, 4
lo_nibble:
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .d
    add al, 'A' - '9' - 1
.d:
    ret

dbg_hex8:
    push ax
    call hi_nibble
    out 0xE9, al
    pop ax
    push ax
    call lo_nibble
    out 0xE9, al
    pop ax
    ret

; AL as two hex digits at ES:DI (text cells).
scr_hex8:
    push ax
    call hi_nibble
    mov ah, ATTR
    stosw
    pop ax
    call lo_nibble
    mov ah, ATTR
    stosw
    ret

tty:
    push ax
    push bx
    mov ah, 0x0E
    xor bx, bx
    int 0x10
    pop bx
    pop ax
    ret

tty_str:
    lodsb
    test al, al
    jz .done
    call tty
    jmp tty_str
.done:
    ret

dbg_str:
    lodsb
    test al, al
    jz .done
    out 0xE9, al
    jmp dbg_str
.done:
    ret

; INT 15h: AH=4Fh (keyboard intercept) records AL and returns CF=1 (let the BIOS process the
; byte); everything else goes to the BIOS.
int15:
    cmp ah, 0x4F
    jne .chain
    push bx
    xor bh, bh
    mov bl, [cs:raw_head]
    mov [cs:RAW_BUF + bx], al
    mov ah, [cs:0x046C]          ; AH is free: the BIOS takes only AL back
    mov [cs:RAW_TICK + bx], ah
    inc byte [cs:raw_head]
    pop bx
    push bp
    mov bp, sp
    or byte [bp + 6], 1          ; the caller's FLAGS: CF=1
    pop bp
    iret
.chain:
    jmp far [cs:old15]

msg_banner db "ringzero window test", 13, 10, 0
msg_prompt db 13, 10, "> ", 0
msg_raw    db "scancodes:", 0
msg_ready  db "RZWINDOW-READY", 10, 0
msg_sc     db "sc=", 0
msg_key    db "key=", 0
old15      dd 0
raw_pos    dw RAW_ROW * 160
raw_head   db 0
raw_done   db 0

times 510 - ($ - $$) db 0
dw 0xAA55
