; tests/baremetal/mb_info.asm: the Multiboot loader as a kernel sees it (Multiboot spec
; 0.6.96, 3.2 and 3.3): an ELF32 image; the entry state; the information structure's flags,
; memory sizes, memory map (0-640K usable, 640K-1M reserved, 1M-end usable for -m 32),
; command line and boot loader name.  QEMU differs on mem_lower (639) and the loader name.
; RUN-ARGS: -append "foo=bar baz"
%define MB_ELF
%include "mb.inc"

MI_FLAGS equ 0
MI_MEM_LOWER equ 4
MI_MEM_UPPER equ 8
MI_CMDLINE equ 16
MI_MMAP_LENGTH equ 44
MI_MMAP_ADDR equ 48
MI_LOADER_NAME equ 64

test_main:
  mov ebx, [mb_info]

  TEST_BEGIN "mb_entry_state"
  CHECK [mb_magic], 0x2BADB002, "EAX magic"
  mov eax, [mb_cr0]
  and eax, 0x80000001
  CHECK eax, 1, "CR0.PE=1 PG=0"
  mov eax, [mb_eflags]
  and eax, 0x20200
  CHECK eax, 0, "EFLAGS.IF=0 VM=0"
  TEST_END

  TEST_BEGIN "mb_info_location"
  ; the structure must not overlap the kernel image or its bss
  xor eax, eax
  cmp ebx, mb_bss_end
  jae .loc_ok
  lea ecx, [ebx + 88]
  cmp ecx, 0x100000
  jbe .loc_ok
  mov eax, ebx
.loc_ok:
  CHECK eax, 0, "info structure overlapping the kernel (address shown)"
  TEST_END

  TEST_BEGIN "mb_info_flags"
  mov eax, [ebx + MI_FLAGS]
  and eax, 0x245
  CHECK eax, 0x245, "flags: mem, cmdline, mmap, boot_loader_name"
  TEST_END

  TEST_BEGIN "mb_memory_sizes"
  CHECK [ebx + MI_MEM_LOWER], 640, "mem_lower (KiB)"
  CHECK [ebx + MI_MEM_UPPER], 31 * 1024, "mem_upper (KiB above 1 MiB, -m 32)"
  TEST_END

  TEST_BEGIN "mb_memory_map"
  ; walk the entries: size(4) base(8) length(8) type(4); the next is at +size+4
  mov esi, [ebx + MI_MMAP_ADDR]
  mov edi, esi
  add edi, [ebx + MI_MMAP_LENGTH]
  xor edx, edx                      ; bit 0: usable at 0; bit 1: usable 1M-32M; bit 2: bad
.mm_loop:
  cmp esi, edi
  jae .mm_done
  cmp dword [esi + 8], 0            ; base above 4 GiB: ignore
  jne .mm_next
  cmp dword [esi + 20], 1           ; usable RAM?
  jne .mm_next
  mov eax, [esi + 4]                ; base
  mov ecx, [esi + 12]               ; length (low)
  add ecx, eax                      ; end
  ; usable RAM must not intersect 0xA0000-0xFFFFF
  cmp eax, 0x100000
  jae .mm_not_hole
  cmp ecx, 0xA0000
  jbe .mm_not_hole
  or edx, 4
.mm_not_hole:
  cmp eax, 0
  jne .mm_not_zero
  cmp ecx, 0x9F000
  jb .mm_not_zero
  or edx, 1
.mm_not_zero:
  cmp eax, 0x100000
  jne .mm_next
  cmp ecx, 0x2000000
  jne .mm_next
  or edx, 2
.mm_next:
  add esi, [esi]
  add esi, 4
  jmp .mm_loop
.mm_done:
  CHECK edx, 3, "usable from 0, usable 1M-32M, nothing usable in 640K-1M (bits 0,1; bit 2 bad)"
  TEST_END

  TEST_BEGIN "mb_cmdline"
  mov esi, [ebx + MI_CMDLINE]
  mov edi, esi
.cl_len:
  cmp byte [edi], 0
  je .cl_end
  inc edi
  jmp .cl_len
.cl_end:
  sub edi, expect_cmd_len
  mov esi, expect_cmd
  mov ecx, expect_cmd_len
  xor eax, eax
  repe cmpsb
  je .cl_ok
  inc eax
.cl_ok:
  CHECK eax, 0, "command line ends with ' foo=bar baz'"
  TEST_END

  TEST_BEGIN "mb_boot_loader_name"
  mov esi, [ebx + MI_LOADER_NAME]
  mov edi, expect_name
  mov ecx, expect_name_len
  xor eax, eax
  repe cmpsb
  je .ln_ok
  inc eax
.ln_ok:
  CHECK eax, 0, "boot_loader_name is 'ringzero'"
  TEST_END

  FINISH

expect_cmd: db " foo=bar baz"
expect_cmd_len equ $ - expect_cmd
expect_name: db "ringzero", 0
expect_name_len equ $ - expect_name
MB_END
