// tests/unit/test_lapic.cpp: the P6 local APIC (devices/lapic.*) on its own, through its
// register page in PhysMem: reset state, access widths, ESR, priorities (TPR/PPR, nested
// ISR, EOI order), spurious vector, LINT0 ExtINT and LINT1 NMI, software and global disable,
// relocation, logical destinations, self IPIs, and the timer on the virtual clock.
#include <gtest/gtest.h>

#include <vector>

#include "devices/lapic.h"

namespace rz {
namespace {

struct ApicRig {
  Scheduler sched;
  PhysMem mem{16u << 20};
  LocalApic apic{sched, mem};
  bool intr = false;
  int nmis = 0, pic_acks = 0;
  uint8_t pic_vector = 0x28;
  std::vector<uint8_t> eois;
  uint32_t base = 0xFEE00000u;

  ApicRig() {
    apic.on_intr_change([this](bool l) { intr = l; });
    apic.on_nmi([this] { ++nmis; });
    apic.on_eoi([this](uint8_t v) { eois.push_back(v); });
    apic.set_pic_ack([this] {
      ++pic_acks;
      return pic_vector;
    });
  }
  uint32_t rd(uint32_t off) { return mem.read(base + off, 4); }
  void wr(uint32_t off, uint32_t v) { mem.write(base + off, 4, v); }
  void enable() { wr(0xF0, 0x1FF); }
  void self_ipi(uint8_t vector) { wr(0x300, 0x00040000u | vector); }  // fixed, shorthand self
  uint32_t esr() {
    wr(0x280, 0);
    return rd(0x280);
  }
  bool isr(unsigned v) { return (rd(0x100 + (v >> 5) * 0x10) >> (v & 31)) & 1; }
  bool irr(unsigned v) { return (rd(0x200 + (v >> 5) * 0x10) >> (v & 31)) & 1; }
  bool tmr(unsigned v) { return (rd(0x180 + (v >> 5) * 0x10) >> (v & 31)) & 1; }
};

TEST(Lapic, ResetState) {
  ApicRig r;
  EXPECT_EQ(r.apic.base_msr(), 0xFEE00900u);
  EXPECT_EQ(r.rd(0x20), 0u);           // ID
  EXPECT_EQ(r.rd(0x30), 0x00040011u);  // version 11h, max LVT entry 4
  EXPECT_EQ(r.rd(0x80), 0u);           // TPR
  EXPECT_EQ(r.rd(0xD0), 0u);           // LDR
  EXPECT_EQ(r.rd(0xE0), 0xFFFFFFFFu);  // DFR
  EXPECT_EQ(r.rd(0xF0), 0xFFu);        // SVR: software disabled
  EXPECT_EQ(r.rd(0x320), 0x10000u);    // timer masked
  EXPECT_EQ(r.rd(0x340), 0x10000u);    // perf counter masked
  EXPECT_EQ(r.rd(0x350), 0x700u);      // LINT0: ExtINT, unmasked (QEMU's choice, lapic.h)
  EXPECT_EQ(r.rd(0x360), 0x10000u);    // LINT1 masked
  EXPECT_EQ(r.rd(0x370), 0x10000u);    // error masked
  EXPECT_EQ(r.rd(0x380), 0u);
  EXPECT_EQ(r.rd(0x390), 0u);
  EXPECT_EQ(r.rd(0x3E0), 0u);
  for (uint32_t off = 0x100; off < 0x280; off += 0x10) EXPECT_EQ(r.rd(off), 0u) << off;
  EXPECT_FALSE(r.intr);
}

TEST(Lapic, WritableBitsAndReadOnlyRegisters) {
  ApicRig r;
  r.wr(0x20, 0xFFFFFFFFu);
  EXPECT_EQ(r.rd(0x20), 0x0F000000u);  // 4-bit P6 APIC ID
  r.wr(0x30, 0);
  EXPECT_EQ(r.rd(0x30), 0x00040011u);
  r.wr(0x80, 0x1234);
  EXPECT_EQ(r.rd(0x80), 0x34u);
  r.wr(0xD0, 0xFFFFFFFFu);
  EXPECT_EQ(r.rd(0xD0), 0xFF000000u);
  r.wr(0xE0, 0x0);
  EXPECT_EQ(r.rd(0xE0), 0x0FFFFFFFu);  // cluster model; bits 27:0 read 1
  r.wr(0xF0, 0x1E5);
  EXPECT_EQ(r.rd(0xF0), 0x1EFu);  // bits 3:0 of the spurious vector are hard-wired to 1
  r.wr(0x310, 0xFFFFFFFFu);
  EXPECT_EQ(r.rd(0x310), 0xFF000000u);
  r.wr(0x320, 0xFFFFFFFFu);
  EXPECT_EQ(r.rd(0x320), 0x300FFu);  // vector, mask, periodic
  r.wr(0x340, 0xFFFFFFFFu);
  EXPECT_EQ(r.rd(0x340), 0x107FFu);
  r.wr(0x350, 0xFFFFFFFFu);
  EXPECT_EQ(r.rd(0x350), 0x1A7FFu);  // no delivery status, no remote IRR from software
  r.wr(0x370, 0xFFFFFFFFu);
  EXPECT_EQ(r.rd(0x370), 0x100FFu);
  r.wr(0x3E0, 0xFFFFFFFFu);
  EXPECT_EQ(r.rd(0x3E0), 0xBu);
  r.wr(0x390, 1234);  // current count: read-only
  EXPECT_EQ(r.rd(0x390), 0u);
  EXPECT_EQ(r.esr(), 0u);  // none of that was an illegal register access
}

TEST(Lapic, AccessWidths) {
  ApicRig r;
  r.wr(0x80, 0x5A);
  // Reads of any width return bytes of the register; bytes 4-15 of a slot read 0.
  EXPECT_EQ(r.mem.read(r.base + 0x30, 1), 0x11u);
  EXPECT_EQ(r.mem.read(r.base + 0x32, 1), 0x04u);
  EXPECT_EQ(r.mem.read(r.base + 0x32, 2), 0x0004u);
  EXPECT_EQ(r.mem.read(r.base + 0x80, 2), 0x5Au);
  EXPECT_EQ(r.mem.read(r.base + 0x34, 4), 0u);
  EXPECT_EQ(r.mem.read(r.base + 0x3C, 4), 0u);
  // Writes must be 4 bytes at the register's offset.
  r.mem.write(r.base + 0x80, 1, 0x77);
  r.mem.write(r.base + 0x80, 2, 0x77);
  r.mem.write(r.base + 0x84, 4, 0x77);
  r.mem.write(r.base + 0x81, 4, 0x77);
  EXPECT_EQ(r.rd(0x80), 0x5Au);
}

TEST(Lapic, ReservedRegistersSetIllegalRegisterAddress) {
  ApicRig r;
  EXPECT_EQ(r.rd(0x280), 0u);
  EXPECT_EQ(r.rd(0x330), 0u);  // no thermal LVT on a P6
  EXPECT_EQ(r.rd(0x280), 0u);  // nothing latched until ESR is written
  EXPECT_EQ(r.esr(), LocalApic::kEsrIllegalRegister);
  EXPECT_EQ(r.esr(), 0u);  // the write cleared it
  r.wr(0x3F0, 1);
  r.wr(0x040, 1);
  EXPECT_EQ(r.esr(), LocalApic::kEsrIllegalRegister);
}

TEST(Lapic, ErrorInterruptThroughLvtError) {
  ApicRig r;
  r.enable();
  r.wr(0x370, 0xE3);  // error vector E3h, unmasked
  r.self_ipi(0x05);   // illegal vector
  EXPECT_TRUE(r.irr(0xE3));
  EXPECT_FALSE(r.irr(0x05));
  EXPECT_EQ(r.esr(), LocalApic::kEsrSendIllegalVector);
  // An illegal vector in the error LVT itself is logged once, with no interrupt loop.
  r.wr(0x370, 0x02);
  r.rd(0x330);
  EXPECT_EQ(r.esr(), LocalApic::kEsrIllegalRegister | LocalApic::kEsrReceiveIllegalVector);
}

TEST(Lapic, PriorityNestingAndEoiOrder) {
  ApicRig r;
  r.enable();
  r.self_ipi(0x31);
  r.self_ipi(0x52);
  EXPECT_TRUE(r.intr);
  EXPECT_EQ(r.apic.acknowledge(), 0x52);  // the highest first
  EXPECT_TRUE(r.isr(0x52));
  EXPECT_EQ(r.rd(0xA0), 0x50u);  // PPR = ISRV class
  EXPECT_FALSE(r.intr);          // 31h is below the class in service
  r.self_ipi(0x45);
  EXPECT_FALSE(r.intr);  // 4 < 5
  r.self_ipi(0x61);
  EXPECT_TRUE(r.intr);  // 6 > 5: nests
  EXPECT_EQ(r.apic.acknowledge(), 0x61);
  EXPECT_EQ(r.rd(0xA0), 0x60u);
  r.wr(0xB0, 0);  // EOI clears the highest ISR bit: 61h
  EXPECT_FALSE(r.isr(0x61));
  EXPECT_TRUE(r.isr(0x52));
  EXPECT_FALSE(r.intr);
  r.wr(0xB0, 0);  // 52h
  EXPECT_TRUE(r.intr);
  EXPECT_EQ(r.apic.acknowledge(), 0x45);
  r.wr(0xB0, 0);
  EXPECT_EQ(r.apic.acknowledge(), 0x31);
  r.wr(0xB0, 0);
  EXPECT_FALSE(r.intr);
  EXPECT_EQ(r.rd(0xA0), 0u);
  EXPECT_TRUE(r.eois.empty());  // all edge triggered: no EOI messages
}

TEST(Lapic, TaskPriorityAndPpr) {
  ApicRig r;
  r.enable();
  r.wr(0x80, 0x5C);
  EXPECT_EQ(r.rd(0xA0), 0x5Cu);  // PPR = TPR when TPR class >= ISRV class
  r.self_ipi(0x5F);
  EXPECT_FALSE(r.intr);  // same class as TPR: held
  EXPECT_EQ(r.rd(0x90), 0x5Cu);  // APR = TPR (TPR class >= IRRV class, > ISRV class)
  r.self_ipi(0x60);
  EXPECT_TRUE(r.intr);
  EXPECT_EQ(r.rd(0x90), 0x60u);  // APR: the IRR class wins
  EXPECT_EQ(r.apic.acknowledge(), 0x60);
  EXPECT_EQ(r.rd(0xA0), 0x60u);
  r.wr(0xB0, 0);
  r.wr(0x80, 0x40);
  EXPECT_TRUE(r.intr);  // 5Fh is above the lowered TPR
  EXPECT_EQ(r.apic.acknowledge(), 0x5F);
}

TEST(Lapic, SpuriousVectorWhenTheRequestWentAway) {
  ApicRig r;
  r.wr(0xF0, 0x1E0);  // enabled, spurious vector EFh
  r.self_ipi(0x40);
  EXPECT_TRUE(r.intr);
  r.wr(0x80, 0xF0);  // raised TPR before the CPU took it
  EXPECT_FALSE(r.intr);
  EXPECT_EQ(r.apic.acknowledge(), 0xEF);
  for (uint32_t off = 0x100; off < 0x180; off += 0x10) EXPECT_EQ(r.rd(off), 0u);  // no ISR bit
  EXPECT_TRUE(r.irr(0x40));
}

TEST(Lapic, LevelTriggeredEoiGoesToTheIoApic) {
  ApicRig r;
  r.enable();
  ApicMessage m;
  m.vector = 0x39;
  m.level = true;
  EXPECT_TRUE(r.apic.receive(m));
  EXPECT_TRUE(r.tmr(0x39));
  m.vector = 0x38;
  m.level = false;
  EXPECT_TRUE(r.apic.receive(m));
  EXPECT_FALSE(r.tmr(0x38));
  EXPECT_EQ(r.apic.acknowledge(), 0x39);
  r.wr(0xB0, 0);
  ASSERT_EQ(r.eois.size(), 1u);
  EXPECT_EQ(r.eois[0], 0x39);
  EXPECT_EQ(r.apic.acknowledge(), 0x38);
  r.wr(0xB0, 0);
  EXPECT_EQ(r.eois.size(), 1u);
}

TEST(Lapic, DestinationMatching) {
  ApicRig r;
  r.enable();
  r.wr(0x20, 0x03000000);  // APIC ID 3
  ApicMessage m;
  m.vector = 0x50;
  m.dest = 2;
  EXPECT_FALSE(r.apic.receive(m));
  m.dest = 3;
  EXPECT_TRUE(r.apic.receive(m));
  m.dest = 0xFF;  // physical broadcast
  EXPECT_TRUE(r.apic.receive(m));
  m.logical = true;
  m.dest = 0x01;
  EXPECT_FALSE(r.apic.receive(m));  // LDR 0
  r.wr(0xD0, 0x04000000);  // logical ID 04h, flat model
  EXPECT_FALSE(r.apic.receive(m));
  m.dest = 0x06;
  EXPECT_TRUE(r.apic.receive(m));
  r.wr(0xE0, 0x0FFFFFFF);  // cluster model
  r.wr(0xD0, 0x21000000);  // cluster 2, member 1
  m.dest = 0x11;
  EXPECT_FALSE(r.apic.receive(m));
  m.dest = 0x23;
  EXPECT_TRUE(r.apic.receive(m));
  m.dest = 0xF1;  // every cluster, member 1
  EXPECT_TRUE(r.apic.receive(m));
}

TEST(Lapic, SelfIpisAndIcr) {
  ApicRig r;
  r.enable();
  r.wr(0x310, 0x0F000000);
  r.wr(0x300, 0x000C4500);  // INIT to all excluding self (what SeaBIOS sends): nobody
  r.wr(0x300, 0x000C4600 | 0x9F);  // SIPI to all excluding self
  EXPECT_FALSE(r.intr);
  EXPECT_EQ(r.rd(0x300) & (1u << 12), 0u);  // delivery status: idle
  EXPECT_EQ(r.rd(0x300), 0x000C4600u | 0x9F);
  r.wr(0x300, 0x00080000 | 0x70);  // fixed, all including self
  EXPECT_TRUE(r.irr(0x70));
  r.wr(0x310, 0);  // destination 0 = our ID, physical
  r.wr(0x300, 0x00000071);
  EXPECT_TRUE(r.irr(0x71));
  r.wr(0x310, 0x05000000);  // someone else
  r.wr(0x300, 0x00000072);
  EXPECT_FALSE(r.irr(0x72));
  r.wr(0x300, 0x00040400);  // NMI to self
  EXPECT_EQ(r.nmis, 1);
  EXPECT_EQ(r.esr(), 0u);
}

TEST(Lapic, Lint0ExtIntHandsInterruptAcknowledgeToThePic) {
  ApicRig r;
  // Straight after reset (software disabled): virtual wire through LINT0.
  r.apic.lint(0)->set_level(true);
  EXPECT_TRUE(r.intr);
  EXPECT_EQ(r.apic.acknowledge(), 0x28);
  EXPECT_EQ(r.pic_acks, 1);
  r.apic.lint(0)->set_level(false);
  EXPECT_FALSE(r.intr);
  // Masked LINT0: the PIC no longer reaches INTR.
  r.enable();
  r.wr(0x350, 0x10700);
  r.apic.lint(0)->set_level(true);
  EXPECT_FALSE(r.intr);
  r.wr(0x350, 0x00700);
  EXPECT_TRUE(r.intr);
  // ExtINT is not held back by the task priority.
  r.wr(0x80, 0xFF);
  EXPECT_TRUE(r.intr);
  EXPECT_EQ(r.apic.acknowledge(), 0x28);
  EXPECT_EQ(r.pic_acks, 2);
}

TEST(Lapic, Lint1NmiOnRisingEdge) {
  ApicRig r;
  r.enable();
  r.apic.lint(1)->set_level(true);
  EXPECT_EQ(r.nmis, 0);  // masked at reset
  r.apic.lint(1)->set_level(false);
  r.wr(0x360, 0x400);
  r.apic.lint(1)->set_level(true);
  r.apic.lint(1)->set_level(true);
  EXPECT_EQ(r.nmis, 1);
  r.apic.lint(1)->set_level(false);
  r.apic.lint(1)->set_level(true);
  EXPECT_EQ(r.nmis, 2);
}

TEST(Lapic, Lint0FixedLevelTriggeredUsesRemoteIrr) {
  ApicRig r;
  r.enable();
  r.wr(0x350, 0x8000 | 0x66);  // fixed, level triggered, vector 66h
  r.apic.lint(0)->set_level(true);
  EXPECT_TRUE(r.irr(0x66));
  EXPECT_TRUE(r.rd(0x350) & (1u << 14));  // remote IRR
  EXPECT_EQ(r.apic.acknowledge(), 0x66);
  r.apic.lint(0)->set_level(true);
  EXPECT_FALSE(r.irr(0x66));  // held by remote IRR
  r.wr(0xB0, 0);  // the EOI clears remote IRR and the pin, still high, asks again
  EXPECT_TRUE(r.irr(0x66));
  EXPECT_TRUE(r.rd(0x350) & (1u << 14));
  EXPECT_EQ(r.apic.acknowledge(), 0x66);
  r.apic.lint(0)->set_level(false);
  r.wr(0xB0, 0);
  EXPECT_FALSE(r.rd(0x350) & (1u << 14));
  EXPECT_FALSE(r.irr(0x66));
}

TEST(Lapic, SoftwareDisableMasksTheLvt) {
  ApicRig r;
  r.enable();
  r.wr(0x320, 0x30);
  r.wr(0x350, 0x700);
  r.wr(0x370, 0x31);
  r.wr(0xF0, 0x0FF);  // software disable
  EXPECT_EQ(r.rd(0x320), 0x10030u);
  EXPECT_EQ(r.rd(0x350), 0x10700u);
  EXPECT_EQ(r.rd(0x370), 0x10031u);
  r.wr(0x320, 0x30);  // mask bits cannot be cleared while disabled
  EXPECT_EQ(r.rd(0x320), 0x10030u);
  r.apic.lint(0)->set_level(true);
  EXPECT_FALSE(r.intr);
  // IRR is held while disabled and delivered once enabled again.
  r.self_ipi(0x80);
  EXPECT_FALSE(r.intr);
  r.enable();
  EXPECT_TRUE(r.intr);
  EXPECT_EQ(r.apic.acknowledge(), 0x80);
}

TEST(Lapic, GlobalDisableGivesIntrToThePicAndRemovesThePage) {
  ApicRig r;
  r.enable();
  r.wr(0x80, 0x20);
  r.apic.set_base_msr(0xFEE00000u | LocalApic::kMsrBsp);  // bit 11 clear
  EXPECT_EQ(r.mem.read(r.base + 0x30, 4), 0xFFFFFFFFu);  // nothing there any more
  r.apic.lint(0)->set_level(true);
  EXPECT_TRUE(r.intr);
  EXPECT_EQ(r.apic.acknowledge(), 0x28);
  r.apic.lint(0)->set_level(false);
  EXPECT_FALSE(r.intr);
  EXPECT_FALSE(r.apic.receive(ApicMessage{0x40, ApicMessage::Fixed, false, 0, false}));
  // Back after RESET, in the power-up state.
  r.apic.reset();
  EXPECT_EQ(r.rd(0x80), 0u);
  EXPECT_EQ(r.rd(0xF0), 0xFFu);
}

TEST(Lapic, RelocatedBase) {
  ApicRig r;
  r.wr(0x80, 0x33);
  r.apic.set_base_msr(0x0FE000000ull | LocalApic::kMsrEnable | LocalApic::kMsrBsp);
  EXPECT_EQ(r.mem.read(0xFEE00080u, 4), 0xFFFFFFFFu);
  r.base = 0xFE000000u;
  EXPECT_EQ(r.rd(0x80), 0x33u);
  EXPECT_EQ(r.rd(0x30), 0x00040011u);
  // A base in the middle of RAM takes those addresses over.
  r.apic.set_base_msr(0x00100000ull | LocalApic::kMsrEnable);
  r.base = 0x00100000u;
  EXPECT_EQ(r.rd(0x30), 0x00040011u);
}

TEST(Lapic, TimerOneShotOnTheVirtualClock) {
  ApicRig r;
  r.enable();
  r.wr(0x3E0, 0xB);   // divide by 1: one count per 15 ns bus clock
  r.wr(0x320, 0x40);  // one-shot, vector 40h
  r.wr(0x380, 1000);
  EXPECT_EQ(r.rd(0x390), 1000u);
  r.sched.advance_to(15 * 400);
  EXPECT_EQ(r.rd(0x390), 600u);
  r.sched.advance_to(15 * 400 + 14);
  EXPECT_EQ(r.rd(0x390), 600u);
  r.sched.advance_to(15 * 1000 - 1);
  EXPECT_EQ(r.rd(0x390), 1u);
  EXPECT_FALSE(r.intr);
  r.sched.advance_to(15 * 1000);
  EXPECT_TRUE(r.intr);
  EXPECT_EQ(r.rd(0x390), 0u);
  EXPECT_EQ(r.apic.acknowledge(), 0x40);
  r.wr(0xB0, 0);
  r.sched.advance_to(1000000);
  EXPECT_FALSE(r.intr);  // one shot only
  EXPECT_EQ(r.rd(0x390), 0u);
  EXPECT_EQ(r.sched.pending(), 0u);
}

TEST(Lapic, TimerPeriodicCountsAndDivider) {
  ApicRig r;
  r.enable();
  r.wr(0x3E0, 0x0);           // divide by 2: 30 ns per count
  r.wr(0x320, 0x20000 | 0x41);  // periodic
  r.wr(0x380, 100);           // period 3000 ns
  int ticks = 0;
  for (int64_t t = 0; t <= 30000; t += 100) {
    r.sched.advance_to(t);
    if (r.intr) {
      EXPECT_EQ(r.apic.acknowledge(), 0x41);
      r.wr(0xB0, 0);
      ++ticks;
    }
  }
  EXPECT_EQ(ticks, 10);  // at 3000, 6000, ..., 30000
  r.sched.advance_to(30000 + 1500);
  EXPECT_EQ(r.rd(0x390), 50u);
  // Divide by 128 from here: the count goes on from 50 at 1920 ns per count.
  r.wr(0x3E0, 0xA);
  EXPECT_EQ(r.rd(0x390), 50u);
  r.sched.advance_to(30000 + 1500 + 1920 * 10);
  EXPECT_EQ(r.rd(0x390), 40u);
  r.sched.advance_to(30000 + 1500 + 1920 * 50 - 1);
  EXPECT_FALSE(r.intr);
  r.sched.advance_to(30000 + 1500 + 1920 * 50);
  EXPECT_TRUE(r.intr);
  EXPECT_EQ(r.rd(0x390), 100u);  // reloaded
}

TEST(Lapic, MaskedTimerArmsNoEventAndLosesItsExpiry) {
  ApicRig r;
  r.enable();
  r.wr(0x3E0, 0xB);
  r.wr(0x320, 0x10042);  // masked one-shot
  r.wr(0x380, 100);
  EXPECT_EQ(r.sched.pending(), 0u);
  r.sched.advance_to(15 * 50);
  EXPECT_EQ(r.rd(0x390), 50u);  // it counts all the same
  r.wr(0x320, 0x42);            // unmasked before expiry: fires on time
  EXPECT_EQ(r.sched.pending(), 1u);
  r.sched.advance_to(15 * 100);
  EXPECT_TRUE(r.intr);
  EXPECT_EQ(r.apic.acknowledge(), 0x42);
  r.wr(0xB0, 0);
  r.wr(0x320, 0x10042);
  r.wr(0x380, 100);  // restart, masked, and let it run out
  r.sched.advance_to(15 * 300);
  r.wr(0x320, 0x42);
  EXPECT_FALSE(r.intr);
  EXPECT_EQ(r.sched.pending(), 0u);
}

TEST(Lapic, InitialCountZeroStopsTheTimer) {
  ApicRig r;
  r.enable();
  r.wr(0x320, 0x20043);
  r.wr(0x380, 10);
  EXPECT_EQ(r.sched.pending(), 1u);
  r.wr(0x380, 0);
  EXPECT_EQ(r.sched.pending(), 0u);
  EXPECT_EQ(r.rd(0x390), 0u);
}

TEST(Lapic, SaveAndRestoreKeepsTheTimer) {
  ApicRig a;
  a.enable();
  a.wr(0x3E0, 0xB);
  a.wr(0x320, 0x20044);
  a.wr(0x380, 1000);
  a.self_ipi(0x90);
  a.sched.advance_to(15 * 250);
  Serializer save;
  a.apic.serialize(save);
  ApicRig b;
  b.sched.advance_to(15 * 250);
  Serializer load(save.data());
  b.apic.serialize(load);
  ASSERT_TRUE(load.ok());
  EXPECT_TRUE(b.intr);  // the pending 90h
  EXPECT_EQ(b.rd(0x390), 750u);
  EXPECT_EQ(b.apic.acknowledge(), 0x90);
  b.wr(0xB0, 0);
  b.sched.advance_to(15 * 1000);
  EXPECT_TRUE(b.intr);
  EXPECT_EQ(b.apic.acknowledge(), 0x44);
}

}  // namespace
}  // namespace rz
