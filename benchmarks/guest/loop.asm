; benchmarks/guest/loop.asm: the interpreter benchmark guest.
;
; A Multiboot (v1, a.out kludge) kernel, so the same binary runs under ringzero -kernel and
; qemu-system-i386 -kernel.  It turns on paging (4 KiB pages, identity map of 16 MiB), then
; runs a loop mixing ALU work, memory loads and stores, branches, calls, and string
; instructions, and exits through isa-debug-exit (port 0xf4) after printing "done" on 0xe9.
; ITERATIONS is set with nasm -DITERATIONS=N; -DNO_STRING leaves out the REP MOVSD/STOSD
; part (QEMU's TCG runs REP string instructions through slow helpers, so the benchmark
; reports both mixes).

bits 32
%ifndef ITERATIONS
%define ITERATIONS 2000000
%endif

MB_MAGIC    equ 0x1BADB002
MB_FLAGS    equ 0x00010003          ; page-align, memory info, a.out kludge
LOAD_ADDR   equ 0x00100000

section .text
org LOAD_ADDR
mb_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
    dd mb_header                    ; header_addr
    dd LOAD_ADDR                    ; load_addr
    dd image_end                    ; load_end_addr
    dd bss_end                      ; bss_end_addr
    dd start                        ; entry_addr

start:
    mov esp, stack_top
    ; identity-map 16 MiB with 4 KiB pages
    mov edi, page_tables
    mov eax, 0x003                  ; present | writable
    mov ecx, 4096
.fill_pt:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    dec ecx
    jnz .fill_pt
    mov edi, page_dir
    mov eax, page_tables + 3
    mov ecx, 4
.fill_pd:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    dec ecx
    jnz .fill_pd
    mov eax, page_dir
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    mov ebp, ITERATIONS
    xor ebx, ebx                    ; checksum
.outer:
    ; ALU and memory: sum a 16-dword array with a rolling mix
    mov esi, array
    mov ecx, 16
.sum:
    mov eax, [esi]
    add ebx, eax
    xor eax, ebx
    shl eax, 3
    sub eax, ecx
    mov [esi], eax
    add esi, 4
    dec ecx
    jnz .sum
    ; calls and stack
    push ebx
    call mix
    add esp, 4
%ifndef NO_STRING
    ; string instructions: copy 16 dwords and clear 8
    mov esi, array
    mov edi, array2
    mov ecx, 16
    cld
    rep movsd
    mov edi, array3
    xor eax, eax
    mov ecx, 8
    rep stosd
%endif
    ; branches on data
    test ebx, 1
    jz .even
    inc ebx
    jmp .next
.even:
    lea ebx, [ebx + ebx*2 + 1]
.next:
    dec ebp
    jnz .outer

    mov [result], ebx
    mov dx, 0xe9
    mov al, 'd'
    out dx, al
    mov al, 'o'
    out dx, al
    mov al, 'n'
    out dx, al
    mov al, 'e'
    out dx, al
    mov al, 10
    out dx, al
    mov dx, 0xf4
    xor eax, eax
    out dx, eax
.hang:
    cli
    hlt
    jmp .hang

mix:
    mov eax, [esp + 4]
    imul eax, eax, 2654435761
    ror eax, 7
    mov edx, eax
    and edx, 0xff
    add eax, edx
    ret

; The data lives on its own page, as in most programs (writes to a page that holds code
; take every emulator's self-modifying-code path).
align 4096
array: times 16 dd 0x12345678
image_end:

section .bss
align 4096
page_dir:    resb 4096
page_tables: resb 4 * 4096
array2:      resd 16
array3:      resd 16
result:      resd 1
             resb 16384
stack_top:
bss_end:
