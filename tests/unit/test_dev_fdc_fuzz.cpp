// tests/unit/test_dev_fdc_fuzz.cpp: a guest that does not follow the protocol (the VENOM
// class of bug, CVE-2015-3456, was a FIFO index QEMU let a guest push past its buffer).
// Thousands of bytes go into the FIFO in every phase (idle, mid-command, DMA and non-DMA
// execution both ways, result, reset, seeking), then random accesses to every port with
// random DMA set-ups and time steps.  After each access the controller's indices must be
// inside its buffers, DMA must stay inside the window it was given, the image keeps its
// size, and afterwards a reset brings back a controller that reads a sector correctly.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "tests/unit/test_dev_fdc_rig.h"

namespace rz {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint32_t kWindow = 0x60000, kWindowLen = 0x10000;

void check_bounds(FdcRig& r) {
  const FdcState& s = r.fdc.state();
  ASSERT_LE(s.cmd_len, s.cmd.size());
  ASSERT_LE(s.cmd_need, 9u);
  ASSERT_LE(s.res_len, s.res.size());
  ASSERT_LE(s.res_pos, s.res_len);
  ASSERT_LE(s.buf_len, s.buf.size());
  ASSERT_LE(s.buf_pos, s.buf_len);
  ASSERT_LE(static_cast<uint8_t>(s.phase), static_cast<uint8_t>(FdcPhase::Result));
  ASSERT_EQ(r.disk->size(), k144M);
}

// Guest RAM outside the DMA window still holds its canary.
void check_canary(FdcRig& r) {
  const uint8_t* m = r.mem.ram();
  for (uint32_t a = kWindow - 0x1000; a < kWindow; ++a) ASSERT_EQ(m[a], 0xCC) << a;
  for (uint32_t a = kWindow + kWindowLen; a < kWindow + kWindowLen + 0x1000; ++a)
    ASSERT_EQ(m[a], 0xCC) << a;
}

void recovers(FdcRig& r) {
  r.reset();
  EXPECT_EQ(r.run({0x10}), (Bytes{0x90}));
  r.specify(false);
  r.out(7, kRate500k);
  for (int k = 0; k < 2; ++k) {  // wherever the head ended up (79 steps per try)
    r.run({0x07, 0x00});
    r.run({0x08});
  }
  r.cmd({0x13, 0x00, 0x60, 0x00});  // implied seek
  std::vector<uint8_t> want(512);
  ASSERT_TRUE(r.disk->read(FdcRig::chs(1, 0, 2), want.data(), 512));
  r.dma2(0x46, kWindow, 512);
  Bytes res = r.run({0x46, 0x00, 1, 0, 2, 2, 18, 0x1B, 0xFF});
  ASSERT_EQ(res.size(), 7u);
  EXPECT_EQ(res[0] & 0xC0, 0x00);
  EXPECT_EQ(res[5], 3);
  EXPECT_EQ(std::memcmp(r.mem.ram() + kWindow, want.data(), 512), 0);
}

enum class Phase { Idle, MidCommand, DmaRead, DmaWrite, PioRead, PioWrite, Format, Result, Reset, Seeking };

void enter(FdcRig& r, Phase p) {
  r.reset();
  r.out(7, kRate500k);
  r.specify(p == Phase::PioRead || p == Phase::PioWrite);
  switch (p) {
    case Phase::Idle: break;
    case Phase::MidCommand: r.cmd({0x46, 0x00, 0}); break;
    case Phase::DmaRead:
      r.dma2(0x46, kWindow, kWindowLen);
      r.cmd({0xC6, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF});
      break;
    case Phase::DmaWrite:
      r.dma2(0x4A, kWindow, kWindowLen);
      r.cmd({0xC5, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF});
      break;
    case Phase::PioRead:
      r.cmd({0xC6, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF});
      r.settle();
      break;
    case Phase::PioWrite:
      r.cmd({0xC5, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF});
      r.settle();
      break;
    case Phase::Format:
      r.dma2(0x4A, kWindow, kWindowLen);
      r.cmd({0x4D, 0x00, 2, 18, 0x54, 0xF6});
      break;
    case Phase::Result: r.cmd({0x0E}); break;
    case Phase::Reset: r.out(2, 0x08); break;
    case Phase::Seeking: r.cmd({0x0F, 0x00, 60}); break;
  }
}

class DevFdcFuzz : public ::testing::TestWithParam<Phase> {};

TEST_P(DevFdcFuzz, FifoFloodInEveryPhase) {
  FdcRig r;
  std::memset(r.mem.ram() + kWindow - 0x1000, 0xCC, kWindowLen + 0x2000);
  std::memset(r.mem.ram() + kWindow, 0, kWindowLen);
  enter(r, GetParam());
  std::mt19937 rng(unsigned(GetParam()) * 7919u + 1);
  for (int k = 0; k < 6000; ++k) {
    // Mostly the byte a careless guest repeats, sometimes anything.
    uint8_t v = (rng() & 3) ? uint8_t(0x46) : uint8_t(rng());
    r.out(5, v);
    ASSERT_NO_FATAL_FAILURE(check_bounds(r));
    if (k % 256 == 255) r.after(int64_t(rng() % 200'000));
  }
  r.settle();
  ASSERT_NO_FATAL_FAILURE(check_bounds(r));
  ASSERT_NO_FATAL_FAILURE(check_canary(r));
  recovers(r);
}

INSTANTIATE_TEST_SUITE_P(Phases, DevFdcFuzz,
                         ::testing::Values(Phase::Idle, Phase::MidCommand, Phase::DmaRead,
                                           Phase::DmaWrite, Phase::PioRead, Phase::PioWrite,
                                           Phase::Format, Phase::Result, Phase::Reset,
                                           Phase::Seeking));

TEST(DevFdcFuzzPorts, RandomAccessesToEveryPort) {
  FdcRig r;
  std::memset(r.mem.ram() + kWindow - 0x1000, 0xCC, kWindowLen + 0x2000);
  std::memset(r.mem.ram() + kWindow, 0, kWindowLen);
  std::mt19937 rng(12345);
  r.reset();
  for (int k = 0; k < 200000; ++k) {
    unsigned what = rng() % 100;
    if (what < 2) {
      // A DMA set-up inside the window, either direction, any length that fits.
      uint32_t len = 1 + rng() % 0x4000;
      uint32_t addr = kWindow + rng() % (kWindowLen - len);
      r.dma2((rng() & 1) ? 0x46 : 0x4A, addr, len);
    } else if (what < 5) {
      r.after(int64_t(rng() % 100'000));
    } else if (what < 50) {
      static const uint8_t kOffsets[] = {0, 1, 2, 3, 4, 5, 7};
      unsigned off = kOffsets[rng() % 7];
      if (off == 2 && (rng() % 8)) continue;  // DOR resets are rarer, or nothing runs
      r.out(off, uint8_t(rng()));
    } else if (what < 75) {
      r.out(5, uint8_t(rng()));
    } else {
      r.in(rng() % 8);
    }
    ASSERT_NO_FATAL_FAILURE(check_bounds(r));
  }
  r.settle();
  ASSERT_NO_FATAL_FAILURE(check_canary(r));
  recovers(r);
}

}  // namespace
}  // namespace rz
