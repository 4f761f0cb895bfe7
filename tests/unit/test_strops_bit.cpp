// tests/unit/test_strops_bit.cpp: BT/BTS/BTR/BTC, BSF/BSR and SETcc against references
// written from the SDM's definitions (register forms, SETcc conditions) and hand-computed
// bit-string addressing for memory forms.  test_strops_bit_host.cpp compares the register
// forms and SETcc with the host CPU as well (x86 hosts).
#include <random>

#include "tests/unit/test_strops_util.h"

namespace rz::test {

// Memory bit strings: the signed offset moves the effective address.
TEST(StropsBit, MemoryBitStringAddressing32) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  uint8_t* m = r.ram();
  c.eip = 0x3000;
  c.r[EBX] = 0x6000;
  std::memset(m + 0x5F00, 0, 0x200);
  // bts dword [ebx], edx with edx = 100: dword at 0x6000 + (100>>5)*4 = 0x600C, bit 4.
  c.r[EDX] = 100;
  ASSERT_FALSE(r.exec({0x0F, 0xAB, 0x13}));
  EXPECT_EQ(m[0x600C], 0x10);
  EXPECT_FALSE(r.flags() & CF);
  ASSERT_FALSE(r.exec({0x0F, 0xA3, 0x13}));  // bt: now set
  EXPECT_TRUE(r.flags() & CF);
  // Negative offset: edx = -1 -> dword at 0x6000 - 4, bit 31.
  c.r[EDX] = 0xFFFFFFFFu;
  ASSERT_FALSE(r.exec({0x0F, 0xBB, 0x13}));  // btc
  EXPECT_EQ(m[0x5FFF], 0x80);
  c.r[EDX] = uint32_t(-33);  // dword at 0x6000 - 8, bit 31
  ASSERT_FALSE(r.exec({0x0F, 0xAB, 0x13}));
  EXPECT_EQ(m[0x5FFB], 0x80);
  ASSERT_FALSE(r.exec({0x0F, 0xB3, 0x13}));  // btr clears it, CF=1
  EXPECT_EQ(m[0x5FFB], 0x00);
  EXPECT_TRUE(r.flags() & CF);
  // 16-bit operand: word at 0x6000 + (sign-extended 0xFFF0 >> 4) * 2 = 0x6000 - 2, bit 0.
  c.r[EDX] = 0x1234FFF0u;
  ASSERT_FALSE(r.exec({0x66, 0x0F, 0xAB, 0x13}));
  EXPECT_EQ(m[0x5FFE], 0x01);
  // Immediate offsets do not move the address: bts dword [ebx], 100 -> bit 4 of 0x6000.
  ASSERT_FALSE(r.exec({0x0F, 0xBA, 0x2B, 100}));
  EXPECT_EQ(m[0x6000], 0x10);
}

TEST(StropsBit, MemoryBitStringRealMode16BitAddressWraps) {
  Rig r;
  Cpu& c = r.c();
  uint8_t* m = r.ram();
  c.eip = 0x1000;
  r.s.load_real(DS, 0x0100);  // base 0x1000
  c.r[EBX] = 0x0002;
  c.r[EDX] = 0xFFC0;  // 16-bit: -64 bits -> word at 2 - 8 = 0xFFFA (wraps in 16 bits)
  std::memset(m + 0x1000, 0, 0x10000);
  ASSERT_FALSE(r.exec({0x0F, 0xAB, 0x17}));  // bts word [bx], dx
  EXPECT_EQ(m[0x1000 + 0xFFFA], 0x01);
}

TEST(StropsBit, BitOpsFaultBeforeWriting) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.eip = 0x3000;
  c.seg[DS].limit = 0x6FFF;
  refresh_all_segments(c);
  c.r[EBX] = 0x6000;
  c.r[EDX] = 0x8000 * 8;  // far beyond the limit
  r.set_flags(0);
  EXPECT_TRUE(r.exec({0x0F, 0xAB, 0x13}));
  EXPECT_EQ(c.exc.vector, kGP);
  EXPECT_EQ(c.eip, 0x3000u);
}

// F3 0F BC/BD is TZCNT/LZCNT on later CPUs; on a P6 the F3 is ignored and it is BSF/BSR.
TEST(StropsBit, RepPrefixedBsfIsBsf) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.eip = 0x3000;
  c.r[EAX] = 0x12345678u;
  c.r[EDX] = 0;
  r.set_flags(CF);
  ASSERT_FALSE(r.exec({0xF3, 0x0F, 0xBC, 0xC2}));  // "tzcnt eax, edx" = bsf on P6
  EXPECT_EQ(c.r[EAX], 0x12345678u);                // unchanged, not 32
  EXPECT_TRUE(r.flags() & ZF);
  c.r[EDX] = 0x00F00000u;
  ASSERT_FALSE(r.exec({0xF3, 0x0F, 0xBD, 0xC2}));  // "lzcnt" = bsr: index 23, not 8
  EXPECT_EQ(c.r[EAX], 23u);
}

TEST(StropsBit, LockedBtsAndUnlockableBt) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  c.eip = 0x3000;
  c.r[EAX] = 0x8000;
  c.r[EDX] = 9;
  r.ram()[0x8001] = 0;
  ASSERT_FALSE(r.exec({0xF0, 0x0F, 0xAB, 0x10}));  // lock bts [eax], edx
  EXPECT_EQ(r.ram()[0x8001], 0x02);
  // LOCK BT (not a read-modify-write) is #UD: the decoder refuses it.
  Insn insn;
  const OpRow* row = nullptr;
  const uint8_t lock_bt[] = {0xF0, 0x0F, 0xA3, 0x10};
  EXPECT_EQ(int(decode_insn(lock_bt, sizeof lock_bt, DecodeMode{true, false}, insn, &row)),
            int(DecodeStatus::Invalid));
}

namespace {

// BT/BTS/BTR/BTC with a register bit base (SDM Vol. 2A "BT"): the offset is taken modulo
// the operand width, CF := the selected bit, then BTS sets, BTR clears, BTC complements it.
// ZF is unaffected; OF, SF, AF and PF are undefined.
template <typename T>
T sdm_bit(int op, T base, T offset, bool& cf) {
  const unsigned bit = unsigned(offset) % (8 * sizeof(T));
  const T mask = T(T(1) << bit);
  cf = (base & mask) != 0;
  switch (op) {
    case 1:
      return T(base | mask);
    case 2:
      return T(base & ~mask);
    case 3:
      return T(base ^ mask);
    default:
      return base;
  }
}

template <typename T>
void check_bt_reg_sdm(Rig& r, std::mt19937& rng, bool code32) {
  static constexpr uint8_t kOpcode[4] = {0xA3, 0xAB, 0xB3, 0xBB};
  for (int op = 0; op < 4; ++op) {
    for (int k = 0; k < 200; ++k) {
      const T base = T(rng()), offset = T(k < 64 ? k : rng());
      const uint32_t fin = (rng() & kArithFlags) | 2;
      for (bool imm : {false, true}) {
        // The immediate form takes only the low byte of the offset.
        bool cf = false;
        const T want = sdm_bit<T>(op, base, imm ? T(uint8_t(offset)) : offset, cf);
        Cpu& c = r.c();
        c.eip = code32 ? 0x3000 : 0x1000;
        c.r[EAX] = 0x77777777u;
        set_reg<T>(c, 0, base);
        c.r[EDX] = offset;
        r.set_flags(fin);
        std::vector<uint8_t> b;
        if ((sizeof(T) == 4) != code32) b.push_back(0x66);
        if (imm)
          b.insert(b.end(), {0x0F, 0xBA, uint8_t(0xE0 | (op << 3)), uint8_t(offset)});
        else
          b.insert(b.end(), {0x0F, kOpcode[op], 0xD0});  // bt* eax, edx
        ASSERT_FALSE(r.exec(b));
        SCOPED_TRACE(testing::Message() << "op " << op << " width " << sizeof(T) * 8 << " imm "
                                        << imm << std::hex << " base " << uint32_t(base)
                                        << " offset " << uint32_t(offset));
        EXPECT_EQ(get_reg<T>(c, 0), want);
        EXPECT_EQ(c.r[EAX] & ~uint32_t(T(~T(0))), 0x77777777u & ~uint32_t(T(~T(0))));
        EXPECT_EQ(r.flags() & CF, cf ? uint32_t(CF) : 0u);
        EXPECT_EQ(r.flags() & ZF, fin & ZF);
        if (::testing::Test::HasFailure()) return;
      }
    }
  }
}

// BSF/BSR (SDM Vol. 2A): a zero source sets ZF and leaves the destination as it was (P6);
// otherwise ZF is cleared and the destination gets the index of the lowest / highest set
// bit.  CF, OF, SF, AF and PF are undefined.
template <typename T>
void check_bitscan_sdm(Rig& r, std::mt19937& rng) {
  for (bool rev : {false, true}) {
    for (int k = 0; k < 300; ++k) {
      T src = T(rng());
      if (k < 2)
        src = 0;
      else if (k < 40)
        src = T(T(1) << (k % (8 * sizeof(T))));
      else if (k < 80)
        src = T(src >> (k % (8 * sizeof(T))));
      const T dst = T(rng());
      T want = dst;
      for (unsigned i = 0; i < 8 * sizeof(T); ++i) {
        const unsigned bit = rev ? 8 * sizeof(T) - 1 - i : i;
        if (src & T(T(1) << bit)) {
          want = T(bit);
          break;
        }
      }
      Cpu& c = r.c();
      c.eip = 0x3000;
      c.r[EAX] = 0x12345678u;
      set_reg<T>(c, 0, dst);
      c.r[EDX] = src;
      r.set_flags((rng() & kArithFlags) | 2);
      std::vector<uint8_t> b;
      if (sizeof(T) == 2) b.push_back(0x66);
      b.insert(b.end(), {0x0F, uint8_t(rev ? 0xBD : 0xBC), 0xC2});  // bsf/bsr eax, edx
      ASSERT_FALSE(r.exec(b));
      SCOPED_TRACE(testing::Message() << (rev ? "BSR" : "BSF") << sizeof(T) * 8 << std::hex
                                      << " src " << uint32_t(src));
      EXPECT_EQ(r.flags() & ZF, src == 0 ? uint32_t(ZF) : 0u);
      EXPECT_EQ(get_reg<T>(c, 0), want);
      EXPECT_EQ(c.r[EAX] & (sizeof(T) == 2 ? 0xFFFF0000u : 0u),
                0x12345678u & (sizeof(T) == 2 ? 0xFFFF0000u : 0u));
      if (::testing::Test::HasFailure()) return;
    }
  }
}

// The SETcc / Jcc condition table (SDM Vol. 1 Appendix B, condition codes 0-15).
bool sdm_condition(unsigned cc, uint32_t f) {
  const bool of = f & OF, cf = f & CF, zf = f & ZF, sf = f & SF, pf = f & PF;
  bool v = false;
  switch (cc >> 1) {
    case 0: v = of; break;              // O / NO
    case 1: v = cf; break;              // B / AE
    case 2: v = zf; break;              // E / NE
    case 3: v = cf || zf; break;        // BE / A
    case 4: v = sf; break;              // S / NS
    case 5: v = pf; break;              // P / NP
    case 6: v = sf != of; break;        // L / GE
    default: v = zf || sf != of; break; // LE / G
  }
  return (cc & 1) ? !v : v;
}

}  // namespace

TEST(StropsBit, BtRegisterFormsMatchSdm) {
  std::mt19937 rng(21);
  Rig pm;
  pm.flat32();
  check_bt_reg_sdm<uint16_t>(pm, rng, true);
  check_bt_reg_sdm<uint32_t>(pm, rng, true);
  Rig rm;
  check_bt_reg_sdm<uint16_t>(rm, rng, false);
  check_bt_reg_sdm<uint32_t>(rm, rng, false);
}

TEST(StropsBit, BsfBsrMatchSdm) {
  std::mt19937 rng(22);
  Rig r;
  r.flat32();
  check_bitscan_sdm<uint16_t>(r, rng);
  check_bitscan_sdm<uint32_t>(r, rng);
}

TEST(StropsBit, SetccAllConditionsMatchSdmTable) {
  Rig r;
  r.flat32();
  Cpu& c = r.c();
  // Every combination of OF, SF, ZF, PF, CF (AF takes no part in any condition).
  for (uint32_t k = 0; k < 32; ++k) {
    const uint32_t f = ((k & 1) ? OF : 0) | ((k & 2) ? SF : 0) | ((k & 4) ? ZF : 0) |
                       ((k & 8) ? PF : 0) | ((k & 16) ? CF : 0) | AF;
    for (unsigned cc = 0; cc < 16; ++cc) {
      const uint32_t want = sdm_condition(cc, f) ? 1 : 0;
      c.eip = 0x3000;
      c.r[EBX] = 0xFFFFFFFFu;
      r.set_flags(f);
      ASSERT_FALSE(r.exec({0x0F, uint8_t(0x90 + cc), 0xC7}));  // setcc bh
      EXPECT_EQ(c.r[EBX], 0xFFFF00FFu | (want << 8)) << "cc " << cc << " flags " << f;
      r.ram()[0x7000] = 0xEE;
      c.r[EAX] = 0x7000;
      ASSERT_FALSE(r.exec({0x0F, uint8_t(0x90 + cc), 0x00}));  // setcc byte [eax]
      EXPECT_EQ(r.ram()[0x7000], want);
      EXPECT_EQ(r.flags() & kArithFlags, f);
    }
  }
}

}  // namespace rz::test
