// tests/unit/test_phys_guard.cpp: guest RAM is one host allocation with nothing readable
// right beside it: a host access that strays just past either end of it dies at once (the
// guard mappings of mmu/phys.cpp; AddressSanitizer's redzones in sanitizer builds) instead
// of reading or writing other host memory.  The emulator never makes such an access: this
// pins the safety net under it.
#include <gtest/gtest.h>

#include "mmu/phys.h"

namespace rz {
namespace {

TEST(PhysMemDeathTest, HostReadPastTheEndOfGuestRamDies) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  PhysMem mem(1u << 20);
  EXPECT_DEATH(
      {
        volatile uint8_t* p = mem.ram();
        (void)p[mem.ram_size() + 16];
      },
      "");
}

TEST(PhysMemDeathTest, HostWriteBeforeGuestRamDies) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  PhysMem mem(1u << 20);
  EXPECT_DEATH(
      {
        volatile uint8_t* p = mem.ram();
        p[-16] = 1;
      },
      "");
}

TEST(PhysMem, GuestRamStartsZeroAndKeepsWrites) {
  PhysMem mem(4u << 20);
  EXPECT_EQ(mem.ram()[0], 0);
  EXPECT_EQ(mem.ram()[mem.ram_size() - 1], 0);
  mem.ram()[mem.ram_size() - 1] = 0x5A;
  uint8_t v = 0;
  mem.read_block(mem.ram_size() - 1, &v, 1);
  EXPECT_EQ(v, 0x5A);
}

}  // namespace
}  // namespace rz
