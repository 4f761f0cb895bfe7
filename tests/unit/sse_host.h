// tests/unit/sse_host.h: run one SSE instruction on the host CPU, with any MXCSR (unmasked
// exceptions included), and observe what it did.
//
// The instruction's bytes (register form: ModRM.reg = xmm0/mm0/eax, ModRM.rm = xmm1/mm1/ecx)
// are placed in a small generated function that loads xmm0, xmm1, mm1, eax, ecx and MXCSR
// from a context, executes them, and stores xmm0, mm0, eax, RFLAGS and MXCSR back.  An
// unmasked SIMD exception arrives as SIGFPE: the handler takes MXCSR and xmm0 from the
// signal frame and jumps back.  The same bytes then run on the emulator (sse_rig.h), so
// both sides execute the identical encoding.  x86 hosts only.
#pragma once

#if defined(__x86_64__)

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace rz::test {

struct HostCtx {
  uint8_t x0[16];     // 0
  uint8_t x1[16];     // 16
  uint64_t mm1;       // 32
  uint32_t mxcsr;     // 40 (in)
  uint32_t mxcsr_out; // 44
  uint32_t eax;       // 48 (in and out)
  uint32_t ecx;       // 52
  uint64_t rflags;    // 56 (out)
  uint64_t mm0;       // 64 (out)
  uint32_t faulted;   // 72
};

class HostSse {
 public:
  explicit HostSse(const std::vector<uint8_t>& insn) {
    std::vector<uint8_t> code = {
        0x0F, 0x10, 0x07,              // movups xmm0, [rdi]
        0x0F, 0x10, 0x4F, 0x10,        // movups xmm1, [rdi+16]
        0x0F, 0x6F, 0x4F, 0x20,        // movq mm1, [rdi+32]
        0x8B, 0x47, 0x30,              // mov eax, [rdi+48]
        0x8B, 0x4F, 0x34,              // mov ecx, [rdi+52]
        0x0F, 0xAE, 0x57, 0x28,        // ldmxcsr [rdi+40]
    };
    code.insert(code.end(), insn.begin(), insn.end());
    const uint8_t tail[] = {
        0x0F, 0xAE, 0x5F, 0x2C,        // stmxcsr [rdi+44]
        0x9C, 0x5A,                    // pushfq; pop rdx
        0x48, 0x89, 0x57, 0x38,        // mov [rdi+56], rdx
        0x0F, 0x11, 0x07,              // movups [rdi], xmm0
        0x89, 0x47, 0x30,              // mov [rdi+48], eax
        0x0F, 0x7F, 0x47, 0x40,        // movq [rdi+64], mm0
        0x0F, 0x77,                    // emms
        0xB8, 0x80, 0x1F, 0, 0,        // mov eax, 1F80h
        0x89, 0x47, 0x28,              // mov [rdi+40], eax
        0x0F, 0xAE, 0x57, 0x28,        // ldmxcsr [rdi+40]  (back to the default)
        0xC3,                          // ret
    };
    code.insert(code.end(), tail, tail + sizeof tail);
    mem_ = mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    std::memcpy(mem_, code.data(), code.size());
    fn_ = reinterpret_cast<void (*)(HostCtx*)>(mem_);
    struct sigaction sa = {};
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGFPE, &sa, &old_);
  }
  ~HostSse() {
    sigaction(SIGFPE, &old_, nullptr);
    munmap(mem_, 4096);
  }
  HostSse(const HostSse&) = delete;
  HostSse& operator=(const HostSse&) = delete;

  // Runs the instruction; on SIGFPE, ctx.faulted = 1, mxcsr_out and x0 come from the frame.
  void run(HostCtx& ctx) {
    ctx.faulted = 0;
    current() = &ctx;
    if (sigsetjmp(jump(), 0) == 0) fn_(&ctx);
    else ctx.faulted = 1;
    uint32_t def = 0x1F80;
    asm volatile("ldmxcsr %0; emms" : : "m"(def));
  }

 private:
  static HostCtx*& current() {
    static thread_local HostCtx* c = nullptr;
    return c;
  }
  static sigjmp_buf& jump() {
    static thread_local sigjmp_buf j;
    return j;
  }
  static void on_fpe(int, siginfo_t*, void* uctx) {
    auto* uc = static_cast<ucontext_t*>(uctx);
    HostCtx* c = current();
    c->mxcsr_out = uc->uc_mcontext.fpregs->mxcsr;
    std::memcpy(c->x0, &uc->uc_mcontext.fpregs->_xmm[0], 16);
    siglongjmp(jump(), 1);
  }
  void* mem_;
  void (*fn_)(HostCtx*);
  struct sigaction old_ = {};
};

}  // namespace rz::test

#endif
