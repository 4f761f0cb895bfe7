// benchmarks/interp_bench.cpp: micro-benchmarks of the interpreter's hot path (Google
// Benchmark).  Each runs a small guest loop in 32-bit flat protected mode with paging on and
// reports guest instructions per second ("items_per_second").  The whole-guest comparison
// with QEMU is benchmarks/loop_vs_qemu.sh.
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <vector>

#include "cpu/segments.h"
#include "frontend/machine.h"

namespace {

using namespace rz;

// Flat 32-bit protected mode with an identity-mapped page table for the first 4 MiB.
std::unique_ptr<Machine> flat_machine(const std::vector<uint8_t>& code) {
  MachineConfig cfg;
  cfg.ram_mb = 16;
  cfg.virtual_clock = true;
  auto m = std::make_unique<Machine>(cfg);
  Cpu& c = m->cpu();
  uint8_t* ram = m->mem().ram();
  const uint32_t pd = 0x200000, pt = 0x201000;
  for (uint32_t i = 0; i < 1024; ++i) {
    uint32_t pte = (i << 12) | 3;
    std::memcpy(ram + pt + 4 * i, &pte, 4);
  }
  uint32_t pde = pt | 3;
  std::memcpy(ram + pd, &pde, 4);
  c.cr0 |= CR0_PE | CR0_PG;
  c.cr3 = pd;
  c.mmu->set_cr0(c.cr0);
  c.mmu->set_cr3(c.cr3);
  load_flat_segments(c, 0x08, 0x10);
  c.eip = 0x1000;
  c.r[ESP] = 0x90000;
  std::memcpy(ram + 0x1000, code.data(), code.size());
  return m;
}

// l: mov eax,[esi] ; add ebx,eax ; xor eax,ebx ; sub eax,ecx ; mov [esi],eax ; cmp ecx,ebx ;
//    dec ecx ; jnz l ; mov ecx,1000 ; jmp l    (the outer jmp keeps it running forever)
const std::vector<uint8_t> kAluLoop = {
    0xBE, 0x00, 0x40, 0x00, 0x00,  // mov esi, 0x4000
    0xB9, 0xE8, 0x03, 0x00, 0x00,  // mov ecx, 1000
    0x8B, 0x06,                    // l: mov eax,[esi]
    0x01, 0xC3,                    // add ebx,eax
    0x31, 0xD8,                    // xor eax,ebx
    0x29, 0xC8,                    // sub eax,ecx
    0x89, 0x06,                    // mov [esi],eax
    0x39, 0xD9,                    // cmp ecx,ebx
    0x49,                          // dec ecx
    0x75, 0xF1,                    // jnz l
    0xB9, 0xE8, 0x03, 0x00, 0x00,  // mov ecx,1000
    0xEB, 0xEA,                    // jmp l
};

void BM_AluMemBranchLoop(benchmark::State& state) {
  auto m = flat_machine(kAluLoop);
  const uint64_t chunk = 10'000'000;
  uint64_t total = 0;
  for (auto _ : state) total += m->engine().run(chunk);
  state.SetItemsProcessed(int64_t(total));
}
BENCHMARK(BM_AluMemBranchLoop)->Unit(benchmark::kMillisecond);

// SSE2/MMX integer loop (CR4.OSFXSR set):
// l: movdqa xmm0,[esi] ; paddb xmm0,xmm1 ; pxor xmm2,xmm0 ; punpcklbw xmm3,xmm0 ;
//    movdqa [esi],xmm0 ; paddw mm0,mm1 ; dec ecx ; jnz l ; mov ecx,1000 ; jmp l
const std::vector<uint8_t> kSimdLoop = {
    0xBE, 0x00, 0x40, 0x00, 0x00,  // mov esi, 0x4000
    0xB9, 0xE8, 0x03, 0x00, 0x00,  // mov ecx, 1000
    0x66, 0x0F, 0x6F, 0x06,        // l: movdqa xmm0,[esi]
    0x66, 0x0F, 0xFC, 0xC1,        // paddb xmm0,xmm1
    0x66, 0x0F, 0xEF, 0xD0,        // pxor xmm2,xmm0
    0x66, 0x0F, 0x60, 0xD8,        // punpcklbw xmm3,xmm0
    0x66, 0x0F, 0x7F, 0x06,        // movdqa [esi],xmm0
    0x0F, 0xFD, 0xC1,              // paddw mm0,mm1
    0x49,                          // dec ecx
    0x75, 0xE6,                    // jnz l
    0xB9, 0xE8, 0x03, 0x00, 0x00,  // mov ecx,1000
    0xEB, 0xDF,                    // jmp l
};

void BM_SimdIntLoop(benchmark::State& state) {
  auto m = flat_machine(kSimdLoop);
  m->cpu().cr4 |= CR4_OSFXSR;
  const uint64_t chunk = 10'000'000;
  uint64_t total = 0;
  for (auto _ : state) total += m->engine().run(chunk);
  state.SetItemsProcessed(int64_t(total));
}
BENCHMARK(BM_SimdIntLoop)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
