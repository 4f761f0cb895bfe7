// tests/unit/test_monitor.cpp: the human monitor (frontend/monitor.h) on a memory back-end:
// its line editor, register and PCI listings, linear and physical memory dumps (formats,
// page walks without side effects, errors for unreadable or out-of-range addresses),
// sendkey into the PS/2 keyboard, stop/cont and quit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "frontend/machine.h"
#include "frontend/monitor.h"

namespace rz {
namespace {

struct MonitorFixture {
  std::unique_ptr<Machine> m;
  MemoryCharBackend io;
  std::unique_ptr<Monitor> mon;
  explicit MonitorFixture(bool pc = false) {
    MachineConfig mc;
    mc.ram_mb = 4;
    mc.pc = pc;
    m = std::make_unique<Machine>(mc);
    mon = std::make_unique<Monitor>(*m, io, false);
  }
  // Run one command line and return what it printed.
  std::string run(const std::string& line) {
    io.output.clear();
    mon->execute(line);
    return std::string(io.output.begin(), io.output.end());
  }
  void poke32(uint32_t addr, uint32_t v) { std::memcpy(m->mem().ram() + addr, &v, 4); }
  uint32_t peek32(uint32_t addr) {
    uint32_t v;
    std::memcpy(&v, m->mem().ram() + addr, 4);
    return v;
  }
};

TEST(Monitor, InfoRegistersShowsTheCpuState) {
  MonitorFixture f;
  Cpu& c = f.m->cpu();
  c.r[EAX] = 0x12345678;
  c.r[ESP] = 0x7000;
  c.eip = 0xFFF0;
  c.eflags = 0x202 | CF | ZF;
  c.seg[CS].sel = 0xF000;
  c.seg[CS].base = 0xF0000;
  c.cr0 = 0x60000010;
  c.cr3 = 0x1000;
  std::string s = f.run("info registers");
  EXPECT_NE(s.find("EAX=12345678 EBX=00000000"), std::string::npos) << s;
  EXPECT_NE(s.find("ESP=00007000"), std::string::npos) << s;
  EXPECT_NE(s.find("EIP=0000fff0 EFL=00000243 [---Z--C] CPL=0"), std::string::npos) << s;
  EXPECT_NE(s.find("CS =f000 000f0000 0000ffff"), std::string::npos) << s;
  EXPECT_NE(s.find("CR0=60000010 CR2=00000000 CR3=00001000 CR4=00000000"), std::string::npos) << s;
}

TEST(Monitor, PhysicalDumpFormats) {
  MonitorFixture f;
  f.poke32(0x2000, 0x44FF2211);
  f.poke32(0x2004, 0x00216948);
  EXPECT_EQ(f.run("xp /4xb 0x2000"), "0000000000002000: 0x11 0x22 0xff 0x44\n");
  EXPECT_EQ(f.run("xp/2xw 0x2000"), "0000000000002000: 0x44ff2211 0x00216948\n");
  EXPECT_EQ(f.run("xp /2dh 0x2002"), "0000000000002002: 17663 26952\n");
  EXPECT_EQ(f.run("xp /1db 0x2002"), "0000000000002002:  -1\n");
  EXPECT_EQ(f.run("xp /3c 0x2004"), "0000000000002004: 'H' 'i' '!'\n");
  EXPECT_EQ(f.run("xp /1xg 0x2000"), "0000000000002000: 0x0021694844ff2211\n");
  // Eight bytes per line for bytes, 16 for wider items; the size sticks (QEMU's rule).
  EXPECT_EQ(f.run("xp /9xb 0x2000"),
            "0000000000002000: 0x11 0x22 0xff 0x44 0x48 0x69 0x21 0x00\n"
            "0000000000002008: 0x00\n");
  EXPECT_EQ(f.run("xp 0x2004"), "0000000000002004: 0x48\n");
  // Registers and sums in the address.
  f.m->cpu().r[EBX] = 0x1FF0;
  EXPECT_EQ(f.run("xp /1xb $ebx + 0x10 + 4 - 1"), "0000000000002003: 0x44\n");
}

TEST(Monitor, PhysicalDumpErrors) {
  MonitorFixture f;
  // Beyond 4 GiB, beyond RAM (nothing there), and bad input: one line each, no dump.
  std::string s = f.run("xp /2xw 0xfffffffc");
  EXPECT_NE(s.find("beyond the 4 GiB physical address space"), std::string::npos) << s;
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 1);
  s = f.run("xp /1xw 0x100000000");
  EXPECT_NE(s.find("beyond the 4 GiB"), std::string::npos) << s;
  s = f.run("xp /1xb 0x10000000");
  EXPECT_EQ(s, "xp: cannot access memory at 0x10000000 (not RAM or ROM)\n");
  EXPECT_EQ(f.run("xp /4q 0"), "xp: bad format '/4q' (/[count][x|d|u|o|c][b|h|w|g])\n");
  EXPECT_EQ(f.run("xp /4xb"), "xp: expected an address (xp /fmt addr)\n");
  EXPECT_EQ(f.run("xp /1xb $foo"), "xp: unknown register '$foo'\n");
  EXPECT_EQ(f.run("xp /1xb 12zz"), "xp: bad number in '12zz'\n");
  EXPECT_EQ(f.run("xp /99999999xb 0"), "xp: count too large in '/99999999xb'\n");
}

TEST(Monitor, DisassemblyFollowsTheCodeSize) {
  MonitorFixture f;
  const uint8_t code[] = {0x90, 0xEA, 0x5B, 0xE0, 0x00, 0xF0, 0xB8, 0x78, 0x56, 0x34, 0x12};
  std::memcpy(f.m->mem().ram() + 0x3000, code, sizeof code);
  // Real mode: 16-bit code.
  std::string s = f.run("xp /3i 0x3000");
  EXPECT_EQ(s.substr(0, s.find('\n')), "0000000000003000:  nop") << s;
  EXPECT_NE(s.find("0000000000003001:  jmp far 0xF000:0xE05B"), std::string::npos) << s;
  EXPECT_NE(s.find("0000000000003006:  mov ax, 0x5678"), std::string::npos) << s;
  // A 32-bit code segment in protected mode.
  Cpu& c = f.m->cpu();
  c.cr0 |= CR0_PE;
  c.seg[CS].ar = 0xC09B;
  EXPECT_EQ(f.run("x /1i 0x3006"), "00003006:  mov eax, 0x12345678\n");
  EXPECT_EQ(f.run("xp /1i 0x10000000"), "xp: cannot access memory at 0x10000000 (not RAM or ROM)\n");
  // Stops at the end of readable memory.
  std::memset(f.m->mem().ram() + f.m->mem().ram_size() - 2, 0x90, 2);
  s = f.run("xp /3i 0x3ffffe");
  EXPECT_EQ(s, "00000000003ffffe:  nop\n00000000003fffff:  nop\n"
               "xp: cannot access memory at 0x00400000 (not RAM or ROM)\n");
}

TEST(Monitor, LinearDumpWalksThePageTablesWithoutSideEffects) {
  MonitorFixture f;
  Cpu& c = f.m->cpu();
  // Page directory at 0x10000; linear 0x00400000-0x00400FFF -> physical 0x3000 through the
  // page table at 0x11000; linear 0x00800000 is a 4 MiB page at 0 (PSE); nothing else.
  f.poke32(0x10000 + 1 * 4, 0x11000 | 0x007);
  f.poke32(0x10000 + 2 * 4, 0x00000000 | 0x087);
  f.poke32(0x11000, 0x3000 | 0x007);
  f.poke32(0x3010, 0xCAFEF00D);
  f.poke32(0x1234, 0x600DD00D);
  c.cr3 = 0x10000;
  c.cr4 = CR4_PSE;
  c.cr0 = CR0_PE | CR0_PG | CR0_ET;
  EXPECT_EQ(f.run("x /1xw 0x400010"), "00400010: 0xcafef00d\n");
  EXPECT_EQ(f.run("x /1xw 0x801234"), "00801234: 0x600dd00d\n");
  // No accessed or dirty bits were set by the walk.
  EXPECT_EQ(f.peek32(0x10004), 0x11007u);
  EXPECT_EQ(f.peek32(0x11000), 0x3007u);
  EXPECT_EQ(f.run("x /1xw 0x401000"),
            "x: cannot access memory at 0x00401000 (page not present)\n");
  EXPECT_EQ(f.run("x /1xw 0xC0000000"),
            "x: cannot access memory at 0xc0000000 (page directory entry not present)\n");
  // Without paging, linear is physical; $pc is CS.base + EIP.
  c.cr0 = CR0_ET;
  c.seg[CS].base = 0x3000;
  c.eip = 0x10;
  EXPECT_EQ(f.run("x /1xw $pc"), "00003010: 0xcafef00d\n");
}

TEST(Monitor, LineEditorAndUnknownCommands) {
  MonitorFixture f;
  const std::string typed = "infx\x7fo  st\x1b[Datus\r\n";  // backspace, a cursor key, CR LF
  f.mon->feed(reinterpret_cast<const uint8_t*>(typed.data()), typed.size());
  std::string s(f.io.output.begin(), f.io.output.end());
  EXPECT_EQ(s, "VM status: running\n(ringzero) ");
  EXPECT_EQ(f.run("frobnicate 1 2"), "unknown command: 'frobnicate' (try 'help')\n");
  EXPECT_EQ(f.run("info"), "info: expected status, registers or pci, got ''\n");
  EXPECT_EQ(f.run("   "), "");
  std::string help = f.run("help");
  for (const char* cmd : {"info", "x", "xp", "screendump", "sendkey", "stop", "cont",
                          "system_reset", "quit"})
    EXPECT_NE(help.find(std::string("\n") + cmd + " "), std::string::npos) << cmd;
}

TEST(Monitor, EchoesOnARawTerminal) {
  MonitorFixture f;
  Monitor mon(*f.m, f.io, /*echo=*/true, /*crlf=*/true);
  const std::string typed = "qx\x7f\r";
  mon.feed(reinterpret_cast<const uint8_t*>(typed.data()), typed.size());
  EXPECT_EQ(std::string(f.io.output.begin(), f.io.output.end()), "qx\b \b\r\n");
  EXPECT_TRUE(mon.quit_requested());
}

TEST(Monitor, StopContAndQuit) {
  MonitorFixture f;
  EXPECT_EQ(f.run("stop"), "");
  EXPECT_TRUE(f.m->paused());
  EXPECT_EQ(f.run("info status"), "VM status: paused\n");
  EXPECT_EQ(f.run("cont"), "");
  EXPECT_FALSE(f.m->paused());
  EXPECT_EQ(f.run("stop now"), "stop: takes no arguments\n");
  EXPECT_FALSE(f.mon->quit_requested());
  // Input is read from the back-end by poll(), as the run loop's hook does.
  const std::string q = "q\n";
  f.io.input.assign(q.begin(), q.end());
  EXPECT_TRUE(f.mon->poll());
}

TEST(Monitor, SendkeyPressesNowAndReleasesAfterTheHoldTime) {
  MonitorFixture f(/*pc=*/true);
  PortBus& p = f.m->ports();
  EXPECT_EQ(p.read(0x64, 1) & 1, 0u);
  EXPECT_EQ(f.run("sendkey a 50"), "");
  ASSERT_EQ(p.read(0x64, 1) & 1, 1u);
  const uint8_t make = uint8_t(p.read(0x60, 1));
  EXPECT_EQ(p.read(0x64, 1) & 1, 0u);
  f.m->scheduler().advance_to(f.m->scheduler().now() + 49'000'000);
  EXPECT_EQ(p.read(0x64, 1) & 1, 0u);  // still held
  f.m->scheduler().advance_to(f.m->scheduler().now() + 2'000'000);
  ASSERT_EQ(p.read(0x64, 1) & 1, 1u);  // released
  const uint8_t brk = uint8_t(p.read(0x60, 1));
  // Set 1 (translated) 1E/9E, or set 2 1C then F0 1C.
  EXPECT_TRUE((make == 0x1E && brk == 0x9E) || (make == 0x1C && brk == 0xF0)) << int(make) << " " << int(brk);
  EXPECT_EQ(f.run("sendkey ctrl-alt-del"), "sendkey: unknown key name 'del'\n");
  EXPECT_EQ(f.run("sendkey a 0"), "sendkey: hold time must be 1 to 60000 ms, got '0'\n");
  MonitorFixture bare;
  EXPECT_EQ(bare.run("sendkey a"), "sendkey: the machine has no keyboard (-machine bare)\n");
}

TEST(Monitor, InfoPciListsDevicesAndBars) {
  MonitorFixture f(/*pc=*/true);
  std::string s = f.run("info pci");
  EXPECT_NE(s.find("  Bus  0, device   0, function 0:\n    Host bridge: PCI device 8086:1237"),
            std::string::npos) << s;
  EXPECT_NE(s.find("ISA bridge: PCI device 8086:7000"), std::string::npos) << s;
  EXPECT_NE(s.find("VGA controller: PCI device 1234:1111"), std::string::npos) << s;
  // Nothing assigned the stdvga's framebuffer BAR yet (no firmware ran).
  EXPECT_NE(s.find("BAR0: 32 bit prefetchable memory, not mapped (size 0x"), std::string::npos) << s;
  // Assign it as the firmware would: the listing follows.
  PciBus& bus = *f.m->pci();
  bus.config_write(2 << 3, pci::kBar0, 4, 0xFD000000u);
  bus.config_write(2 << 3, pci::kCommand, 2, pci::kCmdMem);
  s = f.run("info pci");
  EXPECT_NE(s.find("BAR0: 32 bit prefetchable memory at 0xfd000000 [0xfdffffff]"), std::string::npos) << s;
  MonitorFixture bare;
  EXPECT_EQ(bare.run("info pci"), "info pci: the machine has no PCI bus (-machine bare)\n");
}

TEST(Monitor, ScreendumpErrors) {
  MonitorFixture bare;
  EXPECT_EQ(bare.run("screendump /tmp/x.png"),
            "screendump: the machine has no display (-vga none or -machine bare)\n");
  MonitorFixture f(/*pc=*/true);
  EXPECT_EQ(f.run("screendump"), "screendump: expected one file name (screendump FILE [-f png])\n");
  EXPECT_EQ(f.run("screendump x.ppm -f ppm"), "screendump: only -f png is supported, got 'ppm'\n");
  std::string s = f.run("screendump /nonexistent-dir/x.png");
  EXPECT_EQ(s.rfind("screendump: ", 0), 0u) << s;
  EXPECT_NE(s.find("/nonexistent-dir/x.png"), std::string::npos) << s;
}

}  // namespace
}  // namespace rz
