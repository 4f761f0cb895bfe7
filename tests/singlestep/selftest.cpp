// tests/singlestep/selftest.cpp: checks of the SingleStepTests harness itself: parsing both
// register namings, pass and fail verdicts on hand-made tests (registers, RAM, exception
// frames), RAM cleanup between tests, and the skip and flag-mask rules of masks.cpp.
// Only ALU instructions, HLT and real-mode exception delivery are used, so the checks do
// not depend on other instruction groups.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/singlestep/case.h"
#include "tests/singlestep/masks.h"
#include "tests/singlestep/runner.h"

namespace rz::ss {
namespace {

using nlohmann::json;

// A 286-style test at 1000:0100 (physical 10100) with SS=4000, SP=0100, DS=2000.
json make_test(std::vector<uint8_t> bytes, json regs = json::object()) {
  json ini = {{"ax", 0}, {"bx", 0}, {"cx", 0}, {"dx", 0}, {"cs", 0x1000}, {"ss", 0x4000},
              {"ds", 0x2000}, {"es", 0}, {"sp", 0x100}, {"bp", 0}, {"si", 0}, {"di", 0},
              {"ip", 0x100}, {"flags", 2}};
  for (auto it = regs.begin(); it != regs.end(); ++it) ini[it.key()] = it.value();
  bytes.push_back(0xF4);
  json ram = json::array();
  for (size_t k = 0; k < bytes.size(); ++k) ram.push_back({0x10100 + k, bytes[k]});
  return {{"idx", 7}, {"name", "test"}, {"form", "xx"}, {"bytes", bytes},
          {"initial", {{"regs", ini}, {"ram", ram}}},
          {"final", {{"regs", json::object()}, {"ram", json::array()}}}};
}

TestCase parse(const json& j) {
  TestCase t;
  std::string err;
  EXPECT_TRUE(parse_case(j.dump(), t, err)) << err;
  return t;
}

uint8_t ram_at(Runner& r, uint32_t a) {
  uint8_t v = 0xAA;
  r.machine().mem().read_block(a, &v, 1);
  return v;
}

TEST(SingleStepHarness, Parses286And386Namings) {
  TestCase t = parse(make_test({0x00, 0xD8}));
  EXPECT_TRUE(t.is286);
  EXPECT_EQ(t.initial.value[kCS], 0x1000u);
  EXPECT_EQ(t.bytes.size(), 3u);
  EXPECT_EQ(t.idx, 7);

  json j = make_test({0x90});
  for (const char* k : {"ip", "flags", "ax"}) j["initial"]["regs"].erase(k);
  j["initial"]["regs"]["eip"] = 0x100;
  j["initial"]["regs"]["eflags"] = 0x202;
  j["initial"]["regs"]["eax"] = 0x12345678;
  TestCase w = parse(j);
  EXPECT_FALSE(w.is286);
  EXPECT_TRUE(w.initial.wide[kAX]);
  EXPECT_EQ(w.initial.value[kAX], 0x12345678u);

  json odd = make_test({0x90});
  odd["initial"]["regs"]["xyz"] = 1;
  TestCase o = parse(odd);
  EXPECT_EQ(o.unknown_regs, "xyz");
  Runner r;
  Outcome out = r.run(o);
  EXPECT_EQ(out.kind, Outcome::Skip);
  EXPECT_NE(out.skip_reason.find("xyz"), std::string::npos);
  TestCase b;
  std::string err;
  EXPECT_FALSE(parse_case("{not json", b, err));
  json nobytes = make_test({0x90});
  nobytes.erase("bytes");
  EXPECT_FALSE(parse_case(nobytes.dump(), b, err));
}

TEST(SingleStepHarness, PassAndFailOnRegisters) {
  Runner r;
  // ADD AL,BL: 01 + FF = 00 with CF ZF AF PF.
  json j = make_test({0x00, 0xD8}, {{"ax", 0x0001}, {"bx", 0x00FF}});
  j["final"]["regs"] = {{"ax", 0}, {"ip", 0x103}, {"flags", 0x57}};
  EXPECT_EQ(r.run(parse(j)).kind, Outcome::Pass);

  j["final"]["regs"]["ax"] = 2;
  Outcome o = r.run(parse(j));
  EXPECT_EQ(o.kind, Outcome::Fail);
  EXPECT_NE(o.details.find("ax: expected 0002 got 0000"), std::string::npos) << o.details;

  // A defined flag (ZF) that differs fails; FLAGS bits 12-15 of a 286 test never do.
  j["final"]["regs"] = {{"ax", 0}, {"ip", 0x103}, {"flags", 0x17 | 0xF000}};
  o = r.run(parse(j));
  EXPECT_EQ(o.kind, Outcome::Fail);
  EXPECT_NE(o.details.find("ZF"), std::string::npos) << o.details;
  j["final"]["regs"]["flags"] = 0x57 | 0x7000;
  EXPECT_EQ(r.run(parse(j)).kind, Outcome::Pass);
}

TEST(SingleStepHarness, WideRegistersOf386Tests) {
  Runner r;
  // 66 01 D8: ADD EAX,EBX in real mode; FFFFFFFF + 1 = 0 with CF ZF AF PF.
  json j = make_test({0x66, 0x01, 0xD8});
  auto& regs = j["initial"]["regs"];
  for (const char* k : {"ax", "bx", "ip", "flags"}) regs.erase(k);
  regs["eax"] = 0xFFFFFFFFu;
  regs["ebx"] = 1;
  regs["eip"] = 0x100;
  regs["eflags"] = 0x00000002;
  j["final"]["regs"] = {{"eax", 0}, {"eip", 0x104}, {"eflags", 0x57}};
  TestCase t = parse(j);
  EXPECT_EQ(skip_reason(t, analyse(t)), nullptr);  // 66h is a 286 rule only
  Outcome o = r.run(t);
  EXPECT_EQ(o.kind, Outcome::Pass) << o.details;
  j["final"]["regs"]["eax"] = 0x100000000ull - 1;
  o = r.run(parse(j));
  EXPECT_EQ(o.kind, Outcome::Fail);
  EXPECT_NE(o.details.find("eax: expected FFFFFFFF got 00000000"), std::string::npos) << o.details;
  // IOPL is compared in 386 tests (a 386 holds it in real mode just like a P6).
  j["final"]["regs"] = {{"eax", 0}, {"eip", 0x104}, {"eflags", 0x3057}};
  EXPECT_EQ(r.run(parse(j)).kind, Outcome::Fail);
}

TEST(SingleStepHarness, RamIsComparedAndUndone) {
  Runner r;
  // ADD [BX],AL at DS:0010 = 20010: 5 + 3 = 8.
  json j = make_test({0x00, 0x07}, {{"ax", 3}, {"bx", 0x10}});
  j["initial"]["ram"].push_back({0x20010, 5});
  j["final"]["regs"] = {{"ip", 0x103}, {"flags", 0x02}};
  j["final"]["ram"] = {{0x20010, 8}};
  Outcome o = r.run(parse(j));
  EXPECT_EQ(o.kind, Outcome::Pass) << o.details;
  EXPECT_EQ(ram_at(r, 0x20010), 0);  // undone
  EXPECT_EQ(ram_at(r, 0x10100), 0);

  j["final"]["ram"] = {{0x20010, 9}};
  o = r.run(parse(j));
  EXPECT_EQ(o.kind, Outcome::Fail);
  EXPECT_NE(o.details.find("ram[020010]: expected 09 got 08"), std::string::npos) << o.details;

  // A byte the test names but does not list as changed must keep its initial value.
  j = make_test({0x00, 0x07}, {{"ax", 3}, {"bx", 0x10}});
  j["initial"]["ram"].push_back({0x20010, 5});
  j["final"]["regs"] = {{"ip", 0x103}, {"flags", 0x02}};
  o = r.run(parse(j));
  EXPECT_EQ(o.kind, Outcome::Fail);
  EXPECT_NE(o.details.find("ram[020010]: expected 05 got 08"), std::string::npos) << o.details;
}

TEST(SingleStepHarness, StrayWritesAreFoundAndCleared) {
  Runner r;
  // ADD [BX],AL writes 03 to 20010, which the test does not name at all.
  json j = make_test({0x00, 0x07}, {{"ax", 3}, {"bx", 0x10}});
  j["final"]["regs"] = {{"ip", 0x103}, {"flags", 0x06}};
  Outcome o = r.run(parse(j));
  EXPECT_EQ(o.kind, Outcome::Fail);
  EXPECT_NE(o.details.find("ram[020010]: expected no write, got 03"), std::string::npos)
      << o.details;
  EXPECT_EQ(ram_at(r, 0x20010), 0);
  // The pushed/written bytes a test does name are cleared too: a following test that
  // names none of them sees no leftovers.
  json add = make_test({0x00, 0xD8}, {{"ax", 1}, {"bx", 0xFF}});
  add["final"]["regs"] = {{"ax", 0}, {"ip", 0x103}, {"flags", 0x57}};
  EXPECT_EQ(r.run(parse(add)).kind, Outcome::Pass);
}

// DIV BX with BX=0: #DE through the test's IVT to a HLT at 3000:0000.  The frame's FLAGS
// word is compared with DIV's undefined flags and bits 12-15 masked, nothing else.
json div_by_zero(uint16_t pushed_flags) {
  json j = make_test({0xF7, 0xF3}, {{"ax", 0x1234}, {"flags", 0x0202}});
  for (auto [a, v] : {std::pair{0, 0x00}, {1, 0x00}, {2, 0x00}, {3, 0x30}, {0x30000, 0xF4}})
    j["initial"]["ram"].push_back({a, v});
  j["final"]["regs"] = {{"cs", 0x3000}, {"ip", 0x0001}, {"sp", 0xFA}, {"flags", 0x0002}};
  j["final"]["ram"] = {{0x400FA, 0x00}, {0x400FB, 0x01}, {0x400FC, 0x00}, {0x400FD, 0x10},
                       {0x400FE, pushed_flags & 0xFF}, {0x400FF, pushed_flags >> 8}};
  j["exception"] = {{"number", 0}, {"flag_address", 0x400FE}};
  return j;
}

TEST(SingleStepHarness, ExceptionFrameFlagsMasked) {
  Runner r;
  EXPECT_EQ(r.run(parse(div_by_zero(0x0202))).kind, Outcome::Pass);
  // CF ZF SF OF are undefined after DIV, IOPL/NT are 286-masked: still a pass.
  EXPECT_EQ(r.run(parse(div_by_zero(0x7AC3))).kind, Outcome::Pass);
  // IF is defined: a wrong pushed IF fails.
  Outcome o = r.run(parse(div_by_zero(0x0002)));
  EXPECT_EQ(o.kind, Outcome::Fail);
  EXPECT_NE(o.details.find("ram[0400FF]"), std::string::npos) << o.details;
}

TEST(SingleStepHarness, UndefinedVectorStopsEarly) {
  Runner r;
  json j = make_test({0xF7, 0xF3});  // #DE, but vector 0 is not in the test's RAM
  j["final"]["regs"] = {{"ip", 0x103}};
  Outcome o = r.run(parse(j));
  EXPECT_EQ(o.kind, Outcome::Fail);
  EXPECT_NE(o.details.find("does not define it"), std::string::npos) << o.details;
}

TEST(SingleStepHarness, SkipRules) {
  auto why = [](std::vector<uint8_t> b, json regs = json::object()) {
    TestCase t = parse(make_test(std::move(b), std::move(regs)));
    const char* w = skip_reason(t, analyse(t));
    return std::string(w ? w : "");
  };
  EXPECT_NE(why({0xF0, 0x01, 0xD8}).find("LOCK"), std::string::npos);  // lock add ax,bx
  EXPECT_EQ(why({0xF0, 0x01, 0x07}), "");                               // lock add [bx],ax
  EXPECT_EQ(why({0xF0, 0x39, 0x07}).find("LOCK"), 0u);                  // lock cmp [bx],ax
  EXPECT_NE(why({0x8C, 0xE0}).find("FS/GS"), std::string::npos);        // mov ax,fs
  EXPECT_EQ(why({0x8C, 0xD8}), "");                                     // mov ax,ds
  EXPECT_NE(why({0x0F, 0xA2}).find("386+"), std::string::npos);         // cpuid
  EXPECT_NE(why({0x0F, 0x05}).find("LOADALL"), std::string::npos);
  EXPECT_NE(why({0x66, 0x01, 0xD8}).find("66/67"), std::string::npos);
  EXPECT_NE(why({0x01, 0xD8}, {{"ip", 0xFFFF}}).find("IP FFFF"), std::string::npos);
  EXPECT_EQ(why({0x01, 0xD8}, {{"ip", 0xFFFD}}), "");  // ADD at FFFD, HLT at FFFF
  EXPECT_NE(why({0x01, 0xD8}, {{"ip", 0xFFFE}}).find("IP FFFF"), std::string::npos);  // HLT wraps
  EXPECT_NE(why({0xD9, 0x3F}).find("x87 store"), std::string::npos);   // fnstcw [bx]
  EXPECT_NE(why({0xDF, 0xE0}).find("FNSTSW"), std::string::npos);
  // ESC rules follow the architecture, not what ringzero implements.
  EXPECT_EQ(why({0xD8, 0xC1}), "");                                    // fadd st0,st1
  EXPECT_EQ(why({0xD8, 0x07}), "");                                    // fadd dword [bx]
  EXPECT_NE(why({0xDB, 0x0F}).find("undefined"), std::string::npos);   // fisttp (SSE3)
  EXPECT_NE(why({0xD9, 0x0F}).find("undefined"), std::string::npos);   // D9 /1 memory
}

TEST(SingleStepHarness, ShiftFlagMasksFollowTheCount) {
  auto mask = [](unsigned cl) {
    TestCase t = parse(make_test({0xD3, 0xE0}, {{"cx", cl}}));  // shl ax,cl
    return ignored_flags(t, analyse(t));
  };
  EXPECT_EQ(mask(0), 0xF000u);           // no flag changes
  EXPECT_EQ(mask(0x20), 0xF000u);        // count masked to 5 bits: 0
  EXPECT_EQ(mask(1), 0xF000u | 0x10u);   // AF only
  EXPECT_EQ(mask(3), 0xF000u | 0x810u);  // AF and OF
  TestCase imm = parse(make_test({0xC1, 0x67, 0x10, 0x01}));  // shl word [bx+10h],1
  EXPECT_EQ(ignored_flags(imm, analyse(imm)), 0xF000u | 0x10u);
  TestCase imm0 = parse(make_test({0xC0, 0xE0, 0x20}));  // shl al,20h: count 0
  EXPECT_EQ(ignored_flags(imm0, analyse(imm0)), 0xF000u);
  TestCase rot = parse(make_test({0xD3, 0xC0}, {{"cx", 3}}));  // rol ax,cl
  EXPECT_EQ(ignored_flags(rot, analyse(rot)), 0xF000u | 0x800u);
  TestCase logic = parse(make_test({0x21, 0xD8}));  // and ax,bx: AF from the table row
  EXPECT_EQ(ignored_flags(logic, analyse(logic)), 0xF000u | 0x10u);
}

TEST(SingleStepHarness, StackOverrunAlias) {
  auto alias = [](std::vector<uint8_t> b) {
    json j = make_test(std::move(b));
    j["exception"] = {{"number", 13}, {"flag_address", 0}};
    TestCase t = parse(j);
    return stack_overrun_may_be_ss(t, analyse(t));
  };
  EXPECT_TRUE(alias({0x50}));               // push ax
  EXPECT_TRUE(alias({0x00, 0x46, 0x00}));   // add [bp+0],al: SS
  EXPECT_FALSE(alias({0x00, 0x07}));        // add [bx],al: DS
  EXPECT_TRUE(alias({0x36, 0x00, 0x07}));   // add [ss:bx],al
}

}  // namespace
}  // namespace rz::ss
