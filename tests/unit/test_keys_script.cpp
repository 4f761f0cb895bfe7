// tests/unit/test_keys_script.cpp: --keys / --type scripts: parsing (QEMU names, combos,
// the US layout, escapes, @SECONDS starts, errors) and playing a script into a PC-board
// machine whose guest code polls the i8042 and reads port 0x60, under the virtual clock.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "frontend/keys.h"
#include "frontend/options.h"
#include "tests/unit/harness.h"

namespace rz {
namespace {

constexpr PcKey H(uint16_t u) { return PcKey{u, 0, false}; }

TEST(KeysScript, NamesMapToHidUsages) {
  PcKey k;
  ASSERT_TRUE(pc_key_by_name("ret", k));
  EXPECT_EQ(k, H(0x28));
  ASSERT_TRUE(pc_key_by_name("ctrl_r", k));
  EXPECT_EQ(k, H(0xE4));
  ASSERT_TRUE(pc_key_by_name("kp_add", k));
  EXPECT_EQ(k, H(0x57));
  ASSERT_TRUE(pc_key_by_name("f24", k));
  EXPECT_EQ(k, H(0x73));
  ASSERT_TRUE(pc_key_by_name("calculator", k));
  EXPECT_EQ(k, (PcKey{0, 0x2B, true}));
  EXPECT_FALSE(pc_key_by_name("enter", k));
  EXPECT_FALSE(pc_key_by_name("F1", k));  // names are lower case, as QEMU's
  // Every listed name resolves, and no name is listed twice.
  auto names = pc_key_names();
  EXPECT_GT(names.size(), 120u);
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_TRUE(pc_key_by_name(names[i], k)) << names[i];
    for (size_t j = i + 1; j < names.size(); ++j) EXPECT_NE(names[i], names[j]);
  }
}

TEST(KeysScript, UsLayoutCharacters) {
  PcKey k;
  bool shift;
  ASSERT_TRUE(pc_key_for_char('q', k, shift));
  EXPECT_EQ(k, H(0x14));
  EXPECT_FALSE(shift);
  ASSERT_TRUE(pc_key_for_char('Q', k, shift));
  EXPECT_EQ(k, H(0x14));
  EXPECT_TRUE(shift);
  ASSERT_TRUE(pc_key_for_char('|', k, shift));
  EXPECT_EQ(k, H(0x31));
  EXPECT_TRUE(shift);
  ASSERT_TRUE(pc_key_for_char(')', k, shift));
  EXPECT_EQ(k, H(0x27));
  EXPECT_TRUE(shift);
  ASSERT_TRUE(pc_key_for_char('\n', k, shift));
  EXPECT_EQ(k, H(0x28));
  EXPECT_FALSE(pc_key_for_char('\x01', k, shift));
  EXPECT_FALSE(pc_key_for_char(char(0xE9), k, shift));
  // All printable ASCII can be typed.
  for (int c = 0x20; c < 0x7F; ++c) EXPECT_TRUE(pc_key_for_char(char(c), k, shift)) << c;
}

TEST(KeysScript, CombosPressInOrderAndReleaseInReverse) {
  KeyScript s;
  std::string err;
  ASSERT_TRUE(s.add_keys("ctrl-alt-delete,esc", err)) << err;
  const auto& a = s.actions();
  ASSERT_EQ(a.size(), 8u);
  const uint16_t usages[8] = {0xE0, 0xE2, 0x4C, 0x4C, 0xE2, 0xE0, 0x29, 0x29};
  const bool pressed[8] = {true, true, true, false, false, false, true, false};
  for (size_t n = 0; n < 8; ++n) {
    EXPECT_EQ(a[n].key.usage, usages[n]) << n;
    EXPECT_EQ(a[n].pressed, pressed[n]) << n;
    EXPECT_EQ(a[n].at_ns, int64_t(n) * KeyScript::kStepNs) << n;
  }
  EXPECT_EQ(s.end_ns(), 8 * KeyScript::kStepNs);
}

TEST(KeysScript, TextUsesShiftAndEscapes) {
  KeyScript s;
  std::string err;
  ASSERT_TRUE(s.add_text("A\\\\\\n", err)) << err;
  const auto& a = s.actions();
  // A = shift down, a down, a up, shift up; then backslash, then Enter.
  ASSERT_EQ(a.size(), 8u);
  EXPECT_EQ(a[0].key, H(0xE1));
  EXPECT_EQ(a[1].key, H(0x04));
  EXPECT_EQ(a[3].key, H(0xE1));
  EXPECT_FALSE(a[3].pressed);
  EXPECT_EQ(a[4].key, H(0x31));
  EXPECT_EQ(a[6].key, H(0x28));
}

TEST(KeysScript, StartTimesAreAbsoluteButNeverOverlap) {
  KeyScript s;
  std::string err;
  ASSERT_TRUE(s.add_keys("@2.5:f12", err)) << err;
  EXPECT_EQ(s.actions()[0].at_ns, 2'500'000'000);
  ASSERT_TRUE(s.add_text("x", err)) << err;  // right after the previous one
  EXPECT_EQ(s.actions()[2].at_ns, 2'500'000'000 + 2 * KeyScript::kStepNs);
  ASSERT_TRUE(s.add_text("@1:y", err)) << err;  // asked for 1 s: later, after x
  EXPECT_EQ(s.actions()[4].at_ns, 2'500'000'000 + 4 * KeyScript::kStepNs);
  ASSERT_TRUE(s.add_text("@10:", err)) << err;  // nothing typed, the clock still moves
  ASSERT_TRUE(s.add_keys("esc", err)) << err;
  EXPECT_EQ(s.actions()[6].at_ns, 10'000'000'000);
}

TEST(KeysScript, BadSpecsNameTheProblemAndChangeNothing) {
  KeyScript s;
  std::string err;
  EXPECT_FALSE(s.add_keys("ctrl-alt-frobnicate", err));
  EXPECT_NE(err.find("--keys"), std::string::npos);
  EXPECT_NE(err.find("'frobnicate'"), std::string::npos);
  EXPECT_FALSE(s.add_keys("a,,b", err));
  EXPECT_NE(err.find("''"), std::string::npos);
  EXPECT_FALSE(s.add_keys("@soon:a", err));
  EXPECT_NE(err.find("@SECONDS"), std::string::npos);
  EXPECT_FALSE(s.add_keys("@-1:a", err));
  EXPECT_FALSE(s.add_keys("", err));
  EXPECT_FALSE(s.add_text("caf\xc3\xa9", err));
  EXPECT_NE(err.find("--type"), std::string::npos);
  EXPECT_NE(err.find("0xc3"), std::string::npos);
  EXPECT_FALSE(s.add_text("a\\q", err));
  EXPECT_NE(err.find("\\q"), std::string::npos);
  EXPECT_FALSE(s.add_text("a\\", err));
  EXPECT_TRUE(s.actions().empty());
  EXPECT_EQ(s.end_ns(), 0);
}

TEST(KeysScript, CommandLineOptions) {
  const char* argv[] = {"ringzero", "-kernel", "k", "--keys", "@1:ctrl-alt-delete", "--type", "ls\\n",
                        "-display", "none", "-name", "box"};
  Options o;
  std::string err;
  ASSERT_TRUE(parse_options(11, const_cast<char**>(argv), o, err)) << err;
  EXPECT_EQ(o.keys.actions().size(), 6u + 6u);  // 3 keys of a combo, 3 typed keys
  EXPECT_EQ(o.keys.actions()[0].at_ns, 1'000'000'000);
  EXPECT_EQ(o.display.kind, DisplayKind::None);
  EXPECT_EQ(o.display.name, "box");
  const char* bad[] = {"ringzero", "-kernel", "k", "--keys", "ctrl-alt-del"};
  Options o2;
  EXPECT_FALSE(parse_options(5, const_cast<char**>(bad), o2, err));
  EXPECT_NE(err.find("'del'"), std::string::npos);
  const char* bad_display[] = {"ringzero", "-kernel", "k", "-display", "gtk"};
  Options o3;
  EXPECT_FALSE(parse_options(5, const_cast<char**>(bad_display), o3, err));
  EXPECT_NE(err.find("-display"), std::string::npos);
  EXPECT_NE(err.find("'gtk'"), std::string::npos);
  const char* bad_prop[] = {"ringzero", "-kernel", "k", "-display", "sdl,scale=huge"};
  Options o4;
  EXPECT_FALSE(parse_options(5, const_cast<char**>(bad_prop), o4, err));
  EXPECT_NE(err.find("scale=huge"), std::string::npos);
}

// Guest code (real mode, at 0x1000): turn on i8042 translation, then poll the status port
// and store each byte from port 0x60 with the virtual time (in us, from test port 0xEC)
// at which it was read, until `count` bytes are in; then CLI; HLT.
struct KbdReader {
  test::Snippet s{std::vector<uint8_t>{}};
  explicit KbdReader(uint16_t count) {
    MachineConfig cfg;
    cfg.ram_mb = 4;
    cfg.virtual_clock = true;
    cfg.timeout_s = 20;
    cfg.no_reboot = true;
    cfg.pc = true;
    s.m = std::make_unique<Machine>(cfg);
    for (unsigned r = 0; r < kNumSegs; ++r) s.load_real(r, 0);
    s.cpu().eip = 0x1000;
    s.cpu().r[ESP] = 0x8000;
    PortHandler clock;
    clock.widths = 4;
    clock.read = [m = s.m.get()](uint16_t, unsigned) -> uint32_t {
      return uint32_t(m->scheduler().now() / 1000);
    };
    s.m->ports().map(0xEC, 4, std::move(clock), "test clock");
    const uint8_t code[] = {
        0xFA,                    // cli
        0xB0, 0x60, 0xE6, 0x64,  // mov al,60h; out 64h,al   (write command byte)
        0xB0, 0x44, 0xE6, 0x60,  // mov al,44h; out 60h,al   (translate, system flag)
        0xBF, 0x00, 0x20,        // mov di,2000h
        0xB9, uint8_t(count), uint8_t(count >> 8),  // mov cx,count
        // poll:
        0xE4, 0x64,              // in al,64h
        0xA8, 0x01,              // test al,1
        0x74, 0xFA,              // jz poll
        0xE4, 0x60,              // in al,60h
        0xAA,                    // stosb
        0x66, 0xE5, 0xEC,        // in eax,0ECh
        0x66, 0xAB,              // stosd
        0xE2, 0xF0,              // loop poll
        0xF4,                    // hlt
    };
    std::memcpy(s.ram() + 0x1000, code, sizeof code);
  }
  struct Got {
    uint8_t byte;
    uint32_t us;
  };
  std::vector<Got> got(size_t n) {
    std::vector<Got> v;
    for (size_t k = 0; k < n; ++k) {
      uint32_t us;
      std::memcpy(&us, s.ram() + 0x2000 + 5 * k + 1, 4);
      v.push_back({s.ram()[0x2000 + 5 * k], us});
    }
    return v;
  }
};

TEST(KeysScript, InjectedKeysReachPort60OnTheVirtualClock) {
  KbdReader r(10);
  KeyScript ks;
  std::string err;
  ASSERT_TRUE(ks.add_text("@0.5:Hi", err)) << err;
  ASSERT_TRUE(ks.add_keys("@2:ctrl-f1", err)) << err;
  ks.schedule(r.s.m->scheduler(), r.s.m->board()->keyboard());
  ASSERT_EQ(r.s.run(), StopReason::Halted);
  auto got = r.got(10);
  // Shift H h Shift, i i, Ctrl F1 F1 Ctrl in set 1.
  const uint8_t want[10] = {0x2A, 0x23, 0xA3, 0xAA, 0x17, 0x97, 0x1D, 0x3B, 0xBB, 0x9D};
  const uint32_t at_us[10] = {500000, 520000, 540000, 560000, 580000, 600000,
                              2000000, 2020000, 2040000, 2060000};
  for (size_t k = 0; k < 10; ++k) {
    EXPECT_EQ(got[k].byte, want[k]) << k;
    // Read within a few polling iterations of the event (each port access takes 1 us).
    EXPECT_GE(got[k].us, at_us[k]) << k;
    EXPECT_LT(got[k].us, at_us[k] + 50) << k;
  }
}

TEST(KeysScript, RunsRepeatExactly) {
  std::vector<uint32_t> times[2];
  for (auto& t : times) {
    KbdReader r(4);
    KeyScript ks;
    std::string err;
    ASSERT_TRUE(ks.add_text("@0.1:ok", err)) << err;
    ks.schedule(r.s.m->scheduler(), r.s.m->board()->keyboard());
    ASSERT_EQ(r.s.run(), StopReason::Halted);
    for (auto& g : r.got(4)) t.push_back(g.us);
  }
  EXPECT_EQ(times[0], times[1]);
}

}  // namespace
}  // namespace rz
