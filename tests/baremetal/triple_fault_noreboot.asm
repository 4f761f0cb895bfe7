; tests/baremetal/triple_fault_noreboot.asm: the triple_fault.asm ROM run with -no-reboot:
; ringzero must stop at the shutdown (exit status 3, "triple fault" on stderr) instead of
; resetting.  (Under QEMU -no-reboot exits with status 0: the status is ringzero's own.)
; RUN-ARGS: -no-reboot
; EXPECT-EXIT: 3
; EXPECT-STDERR: triple fault
; EXPECT-LINE: PASS triple_fault_first_boot
%include "triple_fault.asm"
