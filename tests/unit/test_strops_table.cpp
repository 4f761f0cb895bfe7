// tests/unit/test_strops_table.cpp: the instruction-table rows of this group carry the
// privilege class, block attributes and undefined-flags masks the SDM states (the teaching
// report and the differential tester read them).
#include "tests/unit/test_strops_util.h"

namespace rz::test {

namespace {

const OpRow* find_row(uint8_t map, uint8_t opcode, int reg, uint8_t prefix = kPfxNone) {
  const bool has_modrm = reg >= 0;
  return instruction_table().find(map, opcode, uint8_t(has_modrm ? reg : 0), has_modrm, true, 0,
                                  prefix);
}

}  // namespace

TEST(StropsTable, Group2Rows) {
  for (int reg = 0; reg < 8; ++reg) {
    const bool rot = reg < 4;
    for (uint8_t op : {0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3}) {
      const OpRow* r = find_row(kMapOne, op, reg);
      ASSERT_NE(r, nullptr) << std::hex << int(op) << " /" << reg;
      const bool count1 = op == 0xD0 || op == 0xD1;
      uint32_t want =
          rot ? (count1 ? 0u : uint32_t(OF)) : (count1 ? uint32_t(AF) : uint32_t(AF | OF));
      EXPECT_EQ(r->undef_flags, want) << std::hex << int(op) << " /" << reg;
      EXPECT_EQ(r->cls, InsnClass::Innocuous);
      EXPECT_EQ(r->attrs & (kEndsBlock | kControl), 0u);
    }
  }
  for (uint8_t op : {0xA4, 0xA5, 0xAC, 0xAD}) {
    const OpRow* r = find_row(kMap0F, op, 0);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->undef_flags, uint32_t(AF | OF));
  }
}

TEST(StropsTable, BitAndBcdRows) {
  for (uint8_t op : {0xA3, 0xAB, 0xB3, 0xBB}) {
    const OpRow* r = find_row(kMap0F, op, 0);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->undef_flags, uint32_t(OF | SF | AF | PF));
  }
  for (int reg = 0; reg < 8; ++reg) {
    const OpRow* r = find_row(kMap0F, 0xBA, reg);
    if (reg < 4) {
      EXPECT_EQ(r, nullptr);  // 0F BA /0-/3 do not exist
    } else {
      ASSERT_NE(r, nullptr);
      EXPECT_EQ(r->undef_flags, uint32_t(OF | SF | AF | PF));
    }
  }
  for (uint8_t op : {0xBC, 0xBD})
    EXPECT_EQ(find_row(kMap0F, op, 0)->undef_flags, uint32_t(CF | OF | SF | AF | PF));
  for (int cc = 0; cc < 16; ++cc) {
    const OpRow* r = find_row(kMap0F, uint8_t(0x90 + cc), 5);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->undef_flags, 0u);
  }
  EXPECT_EQ(find_row(kMapOne, 0x27, -1)->undef_flags, uint32_t(OF));
  EXPECT_EQ(find_row(kMapOne, 0x2F, -1)->undef_flags, uint32_t(OF));
  EXPECT_EQ(find_row(kMapOne, 0x37, -1)->undef_flags, uint32_t(OF | SF | ZF | PF));
  EXPECT_EQ(find_row(kMapOne, 0x3F, -1)->undef_flags, uint32_t(OF | SF | ZF | PF));
  EXPECT_EQ(find_row(kMapOne, 0xD4, -1)->undef_flags, uint32_t(OF | AF | CF));
  EXPECT_EQ(find_row(kMapOne, 0xD5, -1)->undef_flags, uint32_t(OF | AF | CF));
}

TEST(StropsTable, StringAndIoRows) {
  for (uint8_t op :
       {0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF, 0x6C, 0x6D, 0x6E, 0x6F}) {
    const bool io = op < 0x70;
    const InsnClass cls = io ? InsnClass::IoplSensitive : InsnClass::Innocuous;
    for (uint8_t pfx : {kPfxNone, uint8_t(0x66), uint8_t(0xF3), uint8_t(0xF2)}) {
      const OpRow* r = find_row(kMapOne, op, -1, pfx);
      ASSERT_NE(r, nullptr);
      EXPECT_EQ(r->cls, cls);
      EXPECT_EQ(bool(r->attrs & kControl), pfx == 0xF3 || pfx == 0xF2) << std::hex << int(op);
    }
  }
  for (uint8_t op : {0xE4, 0xE5, 0xE6, 0xE7, 0xEC, 0xED, 0xEE, 0xEF}) {
    const OpRow* r = find_row(kMapOne, op, -1);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->cls, InsnClass::IoplSensitive);
    EXPECT_EQ(bool(r->attrs & kEndsBlock), op == 0xE6 || op == 0xE7 || op == 0xEE || op == 0xEF);
  }
}

}  // namespace rz::test
