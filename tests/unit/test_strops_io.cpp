// tests/unit/test_strops_io.cpp: IN/OUT and INS/OUTS with a port device, and the I/O
// permission check: real mode, CPL <= IOPL, the TSS bitmap at CPL > IOPL and in V86 mode,
// the bitmap limit, 16-bit TSS, and a CPU without an I/O bus.
#include "tests/unit/test_strops_util.h"

namespace rz::test {

namespace {

struct PortLog {
  struct Access {
    bool write;
    uint16_t port;
    unsigned size;
    uint32_t value;
  };
  std::vector<Access> log;
  uint32_t next_read = 0x11223344u;
};

// Map a device at [base, base+count) that logs every access and returns next_read
// (then increments it).
void map_logger(Rig& r, PortLog& pl, uint16_t base, uint16_t count) {
  PortHandler h;
  h.widths = 1 | 2 | 4;
  h.read = [&pl](uint16_t port, unsigned size) {
    uint32_t v = pl.next_read++;
    pl.log.push_back({false, port, size, v});
    return v;
  };
  h.write = [&pl](uint16_t port, unsigned size, uint32_t v) { pl.log.push_back({true, port, size, v}); };
  r.s.m->ports().map(base, count, h, "test-logger");
}

// 32-bit protected mode at CPL 3 with IOPL 0 and a 32-bit TSS at 0x20000 whose bitmap
// (at TSS+0x68) covers ports 0-0xFF followed by the terminating 0xFF byte; only the ports
// in `allowed` are permitted.
void setup_tss(Rig& r, std::initializer_list<uint16_t> allowed, uint32_t limit = 0x68 + 32) {
  Cpu& c = r.c();
  uint8_t* m = r.ram();
  std::memset(m + 0x20000, 0, 0x68);
  std::memset(m + 0x20068, 0xFF, 33);
  m[0x20066] = 0x68;
  m[0x20067] = 0x00;
  for (uint16_t p : allowed) m[0x20068 + p / 8] &= uint8_t(~(1u << (p % 8)));
  c.tr.sel = 0x28;
  c.tr.base = 0x20000;
  c.tr.limit = limit;
  c.tr.ar = 0x8B;  // present, busy 32-bit TSS
  c.cpl = 3;
  c.eflags &= ~IOPL;
}

}  // namespace

TEST(StropsIo, InOutAllFormsRealMode) {
  Rig r;
  PortLog pl;
  map_logger(r, pl, 0x300, 8);
  Cpu& c = r.c();
  c.eip = 0x1000;
  c.r[EAX] = 0xAABBCCDDu;
  c.r[EDX] = 0xFFFF0304u;
  ASSERT_FALSE(r.exec({0xE6, 0x00}));  // out 0x00, al: unmapped port, ignored
  ASSERT_FALSE(r.exec({0xEE}));        // out dx, al
  ASSERT_FALSE(r.exec({0xEF}));        // out dx, ax
  ASSERT_FALSE(r.exec({0x66, 0xEF}));  // out dx, eax
  ASSERT_EQ(pl.log.size(), 3u);
  EXPECT_TRUE(pl.log[0].write);
  EXPECT_EQ(pl.log[0].port, 0x304);
  EXPECT_EQ(pl.log[0].size, 1u);
  EXPECT_EQ(pl.log[0].value, 0xDDu);
  EXPECT_EQ(pl.log[1].size, 2u);
  EXPECT_EQ(pl.log[1].value, 0xCCDDu);
  EXPECT_EQ(pl.log[2].size, 4u);
  EXPECT_EQ(pl.log[2].value, 0xAABBCCDDu);
  ASSERT_FALSE(r.exec({0xE4, 0x01}));  // in al, 0x01: unmapped reads all ones
  EXPECT_EQ(c.r[EAX], 0xAABBCCFFu);
  ASSERT_FALSE(r.exec({0xE5, 0x01}));  // in ax, 0x01
  EXPECT_EQ(c.r[EAX], 0xAABBFFFFu);
  pl.next_read = 0x11223344u;
  ASSERT_FALSE(r.exec({0xEC}));  // in al, dx
  EXPECT_EQ(c.r[EAX], 0xAABBFF44u);
  ASSERT_FALSE(r.exec({0xED}));  // in ax, dx
  EXPECT_EQ(c.r[EAX], 0xAABB3345u);
  ASSERT_FALSE(r.exec({0x66, 0xED}));  // in eax, dx
  EXPECT_EQ(c.r[EAX], 0x11223346u);
  ASSERT_FALSE(r.exec({0xE6, 0x00}));
  EXPECT_TRUE(r.last_row->attrs & kEndsBlock);
  EXPECT_EQ(r.last_row->cls, InsnClass::IoplSensitive);
  ASSERT_FALSE(r.exec({0xE4, 0x00}));
  EXPECT_EQ(r.last_row->cls, InsnClass::IoplSensitive);
}

TEST(StropsIo, ImmediatePortIsZeroExtendedByte) {
  Rig r;
  PortLog pl;
  map_logger(r, pl, 0xF0, 0x10);
  r.c().eip = 0x1000;
  ASSERT_FALSE(r.exec({0xE4, 0xF8}));
  ASSERT_EQ(pl.log.size(), 1u);
  EXPECT_EQ(pl.log[0].port, 0xF8);
}

TEST(StropsIo, RepInsOutsProtectedMode) {
  Rig r;
  r.flat32();
  PortLog pl;
  map_logger(r, pl, 0x1F0, 8);
  Cpu& c = r.c();
  uint8_t* m = r.ram();
  c.eip = 0x3000;
  for (int k = 0; k < 8; ++k) m[0x10000 + k] = uint8_t(0x40 + k);
  c.r[EDX] = 0x1F0;
  c.r[ESI] = 0x10000;
  c.r[ECX] = 4;
  EXPECT_EQ(r.exec_to_end({0x66, 0xF3, 0x6F}), 1);  // rep outsw
  ASSERT_EQ(pl.log.size(), 4u);
  for (int k = 0; k < 4; ++k) {
    EXPECT_TRUE(pl.log[k].write);
    EXPECT_EQ(pl.log[k].size, 2u);
    EXPECT_EQ(pl.log[k].value, uint32_t(0x40 + 2 * k) | (uint32_t(0x41 + 2 * k) << 8));
  }
  EXPECT_EQ(c.r[ESI], 0x10008u);
  EXPECT_EQ(c.r[ECX], 0u);
  pl.log.clear();
  pl.next_read = 0xA0;
  c.r[EDI] = 0x11000;
  c.r[ECX] = 3;
  EXPECT_EQ(r.exec_to_end({0xF3, 0x6C}), 1);  // rep insb
  EXPECT_EQ(m[0x11000], 0xA0);
  EXPECT_EQ(m[0x11001], 0xA1);
  EXPECT_EQ(m[0x11002], 0xA2);
  EXPECT_EQ(c.r[EDI], 0x11003u);
  ASSERT_FALSE(r.exec({0x6D}));  // insd (no REP)
  uint32_t v;
  std::memcpy(&v, m + 0x11003, 4);
  EXPECT_EQ(v, 0xA3u);
  EXPECT_EQ(c.r[EDI], 0x11007u);
  EXPECT_EQ(r.last_row->cls, InsnClass::IoplSensitive);
}

// INS checks its destination before reading the port: a faulting store loses no data.
TEST(StropsIo, InsFaultReadsNoPort) {
  Rig r;
  r.flat32();
  PortLog pl;
  map_logger(r, pl, 0x60, 1);
  Cpu& c = r.c();
  c.seg[ES].limit = 0xFFFF;
  refresh_all_segments(c);
  c.eip = 0x3000;
  c.r[EDX] = 0x60;
  c.r[EDI] = 0xFFFE;
  c.r[ECX] = 4;
  EXPECT_EQ(r.exec_to_end({0xF3, 0x6C}), -1);  // rep insb: 2 bytes fit
  EXPECT_EQ(c.exc.vector, kGP);
  EXPECT_EQ(pl.log.size(), 2u);
  EXPECT_EQ(c.r[ECX], 2u);
  EXPECT_EQ(c.r[EDI], 0x10000u);
}

TEST(StropsIo, PermissionBitmapAtCpl3) {
  Rig r;
  r.flat32();
  PortLog pl;
  map_logger(r, pl, 0x60, 0x20);
  setup_tss(r, {0x60, 0x61, 0x62, 0x63, 0x7F});
  Cpu& c = r.c();
  c.eip = 0x3000;
  c.r[EAX] = 0;
  EXPECT_FALSE(r.exec({0xE4, 0x60}));  // allowed
  EXPECT_FALSE(r.exec({0xE5, 0x60}));  // in eax: ports 60-63 allowed
  EXPECT_TRUE(r.exec({0xE5, 0x61}));   // in eax, 61: needs 61-64; 64 denied
  EXPECT_EQ(c.exc.vector, kGP);
  EXPECT_EQ(c.exc.error, 0u);
  EXPECT_EQ(c.eip, 0x3004u);
  EXPECT_TRUE(r.exec({0xE6, 0x70}));   // out 70: denied
  EXPECT_EQ(pl.log.size(), 2u);        // the refused accesses reached no device
  EXPECT_FALSE(r.exec({0xE6, 0x7F}));  // the bitmap's last bit for 0x7F
  c.r[EDX] = 0x1F0;                    // beyond the bitmap's 0xFF ports: the 0xFF byte
  EXPECT_TRUE(r.exec({0xEC}));
  // REP OUTSB to a denied port does no iteration.
  c.r[EDX] = 0x70;
  c.r[ESI] = 0x10000;
  c.r[ECX] = 3;
  EXPECT_EQ(r.exec_to_end({0xF3, 0x6E}), -1);
  EXPECT_EQ(c.r[ECX], 3u);
  // IOPL 3 lets CPL 3 through without the bitmap.
  c.eflags |= IOPL;
  c.eip = 0x3000;
  EXPECT_FALSE(r.exec({0xE6, 0x70}));
  // CPL 0 with IOPL 0 too.
  c.eflags &= ~IOPL;
  c.cpl = 0;
  EXPECT_FALSE(r.exec({0xE6, 0x71}));
}

TEST(StropsIo, BitmapWordBeyondTssLimitFails) {
  Rig r;
  r.flat32();
  // Limit ends at the bitmap byte of ports 0x78-0x7F (0x68 + 0x0F = 0x77): the processor
  // reads two bytes, so even port 0x78 (bit clear) fails; port 0x70 (byte 0x76, word
  // 0x76-0x77 inside) passes.
  setup_tss(r, {0x70, 0x78}, 0x77);
  Cpu& c = r.c();
  c.eip = 0x3000;
  EXPECT_FALSE(r.exec({0xE4, 0x70}));
  EXPECT_TRUE(r.exec({0xE4, 0x78}));
  EXPECT_EQ(c.exc.vector, kGP);
  // A TSS too short to hold the bitmap base fails every access.
  c.tr.limit = 0x60;
  EXPECT_TRUE(r.exec({0xE4, 0x70}));
}

TEST(StropsIo, SixteenBitTssHasNoBitmap) {
  Rig r;
  r.flat32();
  setup_tss(r, {0x60});
  Cpu& c = r.c();
  c.tr.ar = 0x83;  // busy 16-bit TSS
  c.eip = 0x3000;
  EXPECT_TRUE(r.exec({0xE4, 0x60}));
  EXPECT_EQ(c.exc.vector, kGP);
  EXPECT_EQ(c.exc.error, 0u);
}

TEST(StropsIo, V86ModeAlwaysUsesTheBitmap) {
  Rig r;
  r.flat32();
  PortLog pl;
  map_logger(r, pl, 0x60, 0x10);
  setup_tss(r, {0x60});
  Cpu& c = r.c();
  c.eflags |= VM | IOPL;  // IOPL 3 does not matter for I/O in V86 mode
  for (unsigned s = 0; s < kNumSegs; ++s) load_seg_real(c, s, 0);
  c.eip = 0x1000;
  EXPECT_FALSE(r.exec({0xE4, 0x60}));
  EXPECT_TRUE(r.exec({0xE4, 0x61}));
  EXPECT_EQ(c.exc.vector, kGP);
  EXPECT_EQ(pl.log.size(), 1u);
}

TEST(StropsIo, NoIoBusReadsAllOnes) {
  Rig r;
  Cpu& c = r.c();
  IoBus* saved = c.io;
  c.io = nullptr;
  c.eip = 0x1000;
  c.r[EAX] = 0;
  c.r[EDX] = 0x80;
  EXPECT_FALSE(r.exec({0x66, 0xED}));
  EXPECT_EQ(c.r[EAX], 0xFFFFFFFFu);
  c.r[EAX] = 0x12345678u;
  EXPECT_FALSE(r.exec({0xEC}));
  EXPECT_EQ(c.r[EAX], 0x123456FFu);
  EXPECT_FALSE(r.exec({0xEE}));  // writes go nowhere
  c.io = saved;
}

}  // namespace rz::test
