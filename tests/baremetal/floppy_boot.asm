; tests/baremetal/floppy_boot.asm: a 1.44 MB floppy image booted by SeaBIOS with -fda.
; The boot sector reports on the debug console (port 0xE9), then reads sectors through
; the BIOS (INT 13h, which drives the 82077AA with DMA channel 2 and IRQ6): one sector
; on side 1, two sectors across the side boundary (cylinder 0 head 1 sector 18 and
; cylinder 1 head 0 sector 1 are separate BIOS calls), and a sector far out on cylinder
; 79; each carries its own CHS in a marker.  It then writes a sector and reads it back
; (the image is run with -snapshot, so the file is not changed), and asks the BIOS for
; the drive parameters (INT 13h AH=08h: drive type 4, 80 cylinders, 18 sectors, 2 heads).
; RUN-ARGS: -bios /usr/share/seabios/bios-256k.bin -snapshot
; EXPECT-LINE: floppy: boot sector loaded
bits 16
org 0x7C00

%macro TEST_BEGIN 1
%endmacro

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    sti
    cld
    mov si, msg_loaded
    call print

    TEST_BEGIN "floppy_read_side1"
    mov si, name_side1
    mov cx, 0x0005          ; cylinder 0, sector 5
    mov dh, 1               ; head 1
    mov al, 1
    call read_check

    TEST_BEGIN "floppy_read_cyl79"
    mov si, name_cyl79
    mov cx, 0x4F12          ; cylinder 79, sector 18
    mov dh, 1
    mov al, 1
    call read_check

    TEST_BEGIN "floppy_read_multi"
    mov si, name_multi
    mov cx, 0x0102          ; cylinder 1, sectors 2..4
    mov dh, 0
    mov al, 3
    call read_check

    TEST_BEGIN "floppy_write_readback"
    mov di, 0x9000          ; fill a buffer with a pattern
    mov cx, 512
    xor bl, bl
.fill:
    mov [di], bl
    add bl, 7
    inc di
    loop .fill
    mov ax, 0x0301          ; write 1 sector
    mov cx, 0x0209          ; cylinder 2, sector 9
    mov dx, 0x0100          ; head 1, drive 0
    mov bx, 0x9000
    int 0x13
    jc .wfail
    mov di, 0xA000
    mov cx, 256
    xor ax, ax
    rep stosw
    mov ax, 0x0201
    mov cx, 0x0209
    mov dx, 0x0100
    mov bx, 0xA000
    int 0x13
    jc .wfail
    mov si, 0x9000
    mov di, 0xA000
    mov cx, 512
    repe cmpsb
    jne .wfail
    mov si, name_write
    call ok
    jmp .params
.wfail:
    mov si, name_write
    call bad

.params:
    TEST_BEGIN "floppy_drive_params"
    mov ah, 0x08
    xor dx, dx
    int 0x13
    jc .pfail
    cmp bl, 4               ; 1.44M drive
    jne .pfail
    cmp ch, 79
    jne .pfail
    cmp cl, 18
    jne .pfail
    cmp dh, 1
    jne .pfail
    cmp dl, 1               ; one floppy drive
    jne .pfail
    mov si, name_params
    call ok
    jmp .done
.pfail:
    mov si, name_params
    call bad
.done:
    mov al, 0x10
    out 0xF4, al
    cli
    hlt

; Read AL sectors at CH/CL/DH into 0x8000 and check each one's marker "C<c>H<h>S<s>",
; written below with the CHS of its sector.  SI: test name (printed with PASS/FAIL).
read_check:
    push si
    mov [want_c], ch
    mov [want_h], dh
    mov [want_s], cl
    mov [count], al
    mov ah, 0x02
    xor dl, dl
    mov bx, 0x8000
    int 0x13
    pop si
    jc .fail
    mov di, 0x8000
.next:
    mov al, [want_c]
    cmp [di], al
    jne .fail
    mov al, [want_h]
    cmp [di + 1], al
    jne .fail
    mov al, [want_s]
    cmp [di + 2], al
    jne .fail
    cmp word [di + 3], 0xF10F
    jne .fail
    inc byte [want_s]
    add di, 512
    dec byte [count]
    jnz .next
    jmp ok
.fail:
    jmp bad

; "PASS name" / "FAIL name" for the name at SI.
ok:
    push si
    mov si, pass
    jmp short report
bad:
    push si
    mov si, fail
report:
    call print
    pop si
    call print
    mov si, newline

print:
    lodsb
    test al, al
    jz .ret
    out 0xE9, al
    jmp print
.ret:
    ret

msg_loaded  db "floppy: boot sector loaded", 10, 0
pass        db "PASS ", 0
fail        db "FAIL ", 0
newline     db 10, 0
name_side1  db "floppy_read_side1", 0
name_cyl79  db "floppy_read_cyl79", 0
name_multi  db "floppy_read_multi", 0
name_write  db "floppy_write_readback", 0
name_params db "floppy_drive_params", 0
want_c db 0
want_h db 0
want_s db 0
count  db 0

    times 510 - ($ - $$) db 0
    dw 0xAA55

; Every other sector: C, H, S, 0xF10F, then filler.
%assign lba 1
%rep 2879
    %assign c lba / 36
    %assign h (lba / 18) % 2
    %assign s lba % 18 + 1
    db c, h, s
    dw 0xF10F
    times 507 db lba & 0xFF
    %assign lba lba + 1
%endrep
