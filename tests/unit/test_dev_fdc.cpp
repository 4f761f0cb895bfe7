// tests/unit/test_dev_fdc.cpp: the 82077AA's registers and its commands that move no
// data: reset and the four SENSE INTERRUPT STATUS answers, DMA gate on INT, VERSION,
// invalid commands (PART ID included), SPECIFY/CONFIGURE/PERPENDICULAR/LOCK seen through
// DUMPREG, SEEK, RELATIVE SEEK, RECALIBRATE (with and without a drive), SENSE DRIVE
// STATUS, the disk-change line, media formats from image sizes, save/restore.
#include <gtest/gtest.h>

#include "tests/unit/test_dev_fdc_rig.h"

namespace rz {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(DevFdc, HardwareResetHoldsChipInResetUntilDorReleasesIt) {
  FdcRig r;
  EXPECT_EQ(r.in(2), 0x00);   // DOR cleared by the RESET pin: /RESET low
  EXPECT_EQ(r.msr(), 0x00);   // nothing answers while in reset
  r.out(5, 0x10);             // ignored
  r.out(2, 0x0C);
  EXPECT_EQ(r.msr(), 0x80);
  EXPECT_FALSE(r.irq);
  r.after(Fdc82077::kResetNs - 1);
  EXPECT_FALSE(r.irq);  // the polling interrupt comes a little later
  r.after(1);
  EXPECT_TRUE(r.irq);
  // Four SENSE INTERRUPT STATUS answers, one per drive, "ready changed" (IC=11).
  EXPECT_EQ(r.run({0x08}), (Bytes{0xC0, 0x00}));
  EXPECT_FALSE(r.irq);
  EXPECT_EQ(r.run({0x08}), (Bytes{0xC1, 0x00}));
  EXPECT_EQ(r.run({0x08}), (Bytes{0xC2, 0x00}));
  EXPECT_EQ(r.run({0x08}), (Bytes{0xC3, 0x00}));
  // Nothing pending any more: invalid.
  EXPECT_EQ(r.run({0x08}), (Bytes{0x80}));
  EXPECT_EQ(r.msr(), 0x80);
}

TEST(DevFdc, ANewInterruptSupersedesTheResetStatuses) {
  FdcRig r;
  r.out(2, 0x0C);
  r.settle();
  EXPECT_EQ(r.run({0x08}), (Bytes{0xC0, 0x00}));  // a BIOS that asks once
  r.run({0x0F, 0x00, 3});
  EXPECT_EQ(r.run({0x08}), (Bytes{0x20, 3}));  // the seek, not drive 1's reset status
  EXPECT_EQ(r.run({0x08}), (Bytes{0x80}));
}

TEST(DevFdc, DmaGateGatesTheInterruptOntoTheBus) {
  FdcRig r;
  r.out(2, 0x04);  // out of reset, DMA gate off
  r.settle();
  EXPECT_FALSE(r.irq);
  r.out(2, 0x0C);
  EXPECT_TRUE(r.irq);
  EXPECT_EQ(r.in(0) & 0x80, 0x80);  // SRA INT PENDING
  r.run({0x08});
  EXPECT_FALSE(r.irq);
}

TEST(DevFdc, DsrSoftwareResetAndDataRate) {
  FdcRig r;
  r.reset();
  r.out(4, 0x80 | kRate500k);
  EXPECT_EQ(r.msr(), 0x80);  // S/W RESET is self-clearing
  r.settle();
  EXPECT_TRUE(r.irq);
  EXPECT_EQ(r.run({0x08}), (Bytes{0xC0, 0x00}));
  EXPECT_EQ(r.fdc.state().rate, kRate500k);
  r.out(7, kRate1M);  // CCR
  EXPECT_EQ(r.fdc.state().rate, kRate1M);
}

TEST(DevFdc, VersionAndInvalidCommands) {
  FdcRig r;
  r.reset();
  EXPECT_EQ(r.run({0x10}), (Bytes{0x90}));
  unsigned before = r.edges;
  EXPECT_EQ(r.run({0x18}), (Bytes{0x80}));  // PART ID is the 82078's; the 82077AA rejects it
  EXPECT_EQ(r.run({0x00}), (Bytes{0x80}));
  EXPECT_EQ(r.run({0x1F}), (Bytes{0x80}));
  EXPECT_EQ(r.run({0x17}), (Bytes{0x80}));
  EXPECT_EQ(r.run({0x83}), (Bytes{0x80}));  // SPECIFY has no option bits
  EXPECT_EQ(r.edges, before);               // invalid commands do not interrupt
  EXPECT_EQ(r.msr(), 0x80);
}

TEST(DevFdc, MainStatusThroughTheCommandPhases) {
  FdcRig r;
  r.reset();
  r.out(5, 0x03);
  EXPECT_EQ(r.msr(), 0x90);  // RQM + CB: more bytes wanted
  r.out(5, 0xDF);
  EXPECT_EQ(r.msr(), 0x90);
  r.out(5, 0x02);
  EXPECT_EQ(r.msr(), 0x80);  // SPECIFY has no result phase
  r.out(5, 0x10);
  EXPECT_EQ(r.msr(), 0xD0);  // RQM + DIO + CB: result byte ready
  r.out(5, 0x10);            // written during the result phase: dropped
  EXPECT_EQ(r.in(5), 0x90);
  EXPECT_EQ(r.msr(), 0x80);
  EXPECT_EQ(r.in(5), 0x90);  // reading outside a phase repeats the last byte
  EXPECT_EQ(r.msr(), 0x80);
}

TEST(DevFdc, DumpregShowsSpecifyConfigurePerpendicularAndLock) {
  FdcRig r;
  r.reset();
  EXPECT_EQ(r.run({0x0E}), (Bytes{0, 0, 0, 0, 0, 0, 0, 0x00, 0x20, 0x00}));
  r.cmd({0x03, 0xDF, 0x03});          // SRT=D HUT=F, HLT=1 ND=1
  r.cmd({0x13, 0x00, 0x57, 0x05});    // EIS, POLL off, FIFOTHR 7; PRETRK 5
  r.cmd({0x12, 0x80 | 0x14 | 0x02});  // OW: D2, D0; GAP
  EXPECT_EQ(r.run({0x94}), (Bytes{0x10}));  // LOCK
  EXPECT_EQ(r.run({0x0E}), (Bytes{0, 0, 0, 0, 0xDF, 0x03, 0, 0x80 | 0x16, 0x57, 0x05}));
  // PERPENDICULAR without OW keeps the drive bits and sets GAP/WGATE only.
  r.cmd({0x12, 0x01 | 0x3C});
  EXPECT_EQ(r.run({0x0E})[7], 0x80 | 0x14 | 0x01);
  // A software reset keeps a locked configuration and the drive bits, clears GAP/WGATE.
  r.out(4, 0x80);
  r.settle();  // polling is off (POLL=1): no interrupt
  EXPECT_FALSE(r.irq);
  EXPECT_EQ(r.run({0x0E}), (Bytes{0, 0, 0, 0, 0xDF, 0x03, 0, 0x80 | 0x14, 0x57, 0x05}));
  // Unlocked, the next reset restores the CONFIGURE defaults.
  EXPECT_EQ(r.run({0x14}), (Bytes{0x00}));
  r.out(4, 0x80);
  r.settle();
  Bytes d = r.run({0x0E});
  ASSERT_EQ(d.size(), 10u);
  EXPECT_EQ(d[8], 0x20);
  EXPECT_EQ(d[9], 0x00);
  EXPECT_TRUE(r.irq);  // polling on again
}

TEST(DevFdc, SeekInterruptsAndSenseInterruptStatus) {
  FdcRig r;
  r.reset();
  r.cmd({0x0F, 0x04, 10});  // drive 0, head 1, cylinder 10
  EXPECT_EQ(r.msr(), 0x81);  // controller free, drive 0 busy
  EXPECT_FALSE(r.irq);
  r.after(Fdc82077::kSeekNs + 10 * Fdc82077::kStepNs - 1);
  EXPECT_FALSE(r.irq);
  r.after(1);
  EXPECT_TRUE(r.irq);
  EXPECT_EQ(r.msr(), 0x80);
  EXPECT_EQ(r.run({0x08}), (Bytes{0x24, 10}));  // SE, head 1
  EXPECT_FALSE(r.irq);
  EXPECT_EQ(r.run({0x04, 0x00}), (Bytes{0x28}));  // not at track 0, writable
  // Relative seek: out by 3, in by 7.
  r.run({0x8F, 0x00, 3});
  EXPECT_EQ(r.run({0x08}), (Bytes{0x20, 7}));
  r.run({0xCF, 0x00, 7});
  EXPECT_EQ(r.run({0x08}), (Bytes{0x20, 14}));
  r.run({0x07, 0x00});
  EXPECT_EQ(r.run({0x08}), (Bytes{0x20, 0}));
  EXPECT_EQ(r.run({0x04, 0x00}), (Bytes{0x38}));  // TRK0
  EXPECT_EQ(r.fdc.state().drv[0].cyl, 0);
}

TEST(DevFdc, RecalibrateWithoutDriveIsEquipmentCheck) {
  FdcRig r;
  r.reset();
  r.run({0x07, 0x01});  // drive 1: nothing on the cable
  EXPECT_EQ(r.run({0x08}), (Bytes{0x71, 0}));
  r.run({0x07, 0x03});
  EXPECT_EQ(r.run({0x08}), (Bytes{0x73, 0}));
}

TEST(DevFdc, RecalibrateStopsAfter79Steps) {
  FdcRig r;
  r.reset();
  r.run({0x0F, 0x00, 83});  // the 3.5" drive's mechanical stop
  r.run({0x08});
  r.run({0x0F, 0x00, 200});  // beyond it: the head stays at 83, PCN says 200
  EXPECT_EQ(r.run({0x08}), (Bytes{0x20, 200}));
  EXPECT_EQ(r.fdc.state().drv[0].cyl, 83);
  r.run({0x07, 0x00});
  EXPECT_EQ(r.run({0x08}), (Bytes{0x70, 0}));  // TRK0 not seen: abnormal + EC
  EXPECT_EQ(r.fdc.state().drv[0].cyl, 4);
  r.run({0x07, 0x00});
  EXPECT_EQ(r.run({0x08}), (Bytes{0x20, 0}));
}

TEST(DevFdc, TwoSeeksQueueTheirStatuses) {
  FdcRig r;
  std::string err;
  MemoryBlockDevice b(fdc_image(737280), false, "b.img");
  ASSERT_TRUE(r.fdc.attach(1, &b, err)) << err;
  r.reset();
  r.cmd({0x0F, 0x00, 5});
  r.cmd({0x0F, 0x01, 2});
  EXPECT_EQ(r.msr(), 0x83);
  r.settle();
  EXPECT_EQ(r.run({0x08}), (Bytes{0x20, 5}));
  EXPECT_TRUE(r.irq);  // drive 1's status still waits
  EXPECT_EQ(r.run({0x08}), (Bytes{0x21, 2}));
  EXPECT_FALSE(r.irq);
  EXPECT_EQ(r.run({0x08}), (Bytes{0x80}));
}

TEST(DevFdc, DiskChangeLineClearsOnAStepWithMediumIn) {
  FdcRig r;
  r.reset();
  EXPECT_EQ(r.in(7) & 0x80, 0x80);  // set since power-on
  r.run({0x07, 0x00});               // already at track 0: no step pulse
  r.run({0x08});
  EXPECT_EQ(r.in(7) & 0x80, 0x80);
  r.run({0x0F, 0x00, 1});
  r.run({0x08});
  EXPECT_EQ(r.in(7), 0x7F);  // bits 6-0 are not driven in PC/AT mode
  r.fdc.eject(0);
  EXPECT_EQ(r.in(7) & 0x80, 0x80);
  r.run({0x0F, 0x00, 0});
  r.run({0x08});
  EXPECT_EQ(r.in(7) & 0x80, 0x80);  // no medium: the latch stays
  std::string err;
  ASSERT_TRUE(r.fdc.attach(0, r.disk.get(), err)) << err;
  r.run({0x0F, 0x00, 2});
  r.run({0x08});
  EXPECT_EQ(r.in(7) & 0x80, 0x00);
}

TEST(DevFdc, SenseDriveStatusShowsWriteProtect) {
  FdcRig r(k144M, /*read_only=*/true);
  r.reset();
  EXPECT_EQ(r.run({0x04, 0x04}), (Bytes{0x7C}));  // WP, RDY, T0, two-side bit, head 1
  EXPECT_EQ(r.run({0x04, 0x01}), (Bytes{0x29}));  // no drive 1
  EXPECT_EQ(r.in(0) & 0x12, 0x00);                // SRA: /TRK0 and /WP active
  EXPECT_EQ(r.in(0) & 0x40, 0x40);                // /DRV2: no second drive
}

TEST(DevFdc, RegistersDorTdrSrb) {
  FdcRig r;
  r.out(2, 0x2D);  // motor B, DMA gate, /RESET, drive 1
  EXPECT_EQ(r.in(2), 0x2D);
  EXPECT_EQ(r.in(1), 0xC0 | 0x20 | 0x02);
  r.out(3, 0xFF);
  EXPECT_EQ(r.in(3), 0x03);
}

TEST(DevFdc, MediaFormatsFromImageSize) {
  struct Case {
    uint64_t bytes;
    uint8_t type, cyls, heads, spt;
  } cases[] = {{368640, 1, 40, 2, 9},   {737280, 3, 80, 2, 9},   {1228800, 2, 80, 2, 15},
               {1474560, 4, 80, 2, 18}, {2949120, 5, 80, 2, 36}, {163840, 1, 40, 1, 8}};
  for (const auto& c : cases) {
    const FloppyFormat* f = floppy_format_for_size(c.bytes);
    ASSERT_NE(f, nullptr) << c.bytes;
    EXPECT_EQ(f->cmos_type, c.type);
    EXPECT_EQ(uint64_t(f->cylinders) * f->heads * f->sectors * 512, c.bytes);
    EXPECT_EQ(f->cylinders, c.cyls);
    EXPECT_EQ(f->heads, c.heads);
    EXPECT_EQ(f->sectors, c.spt);
  }
  Scheduler sched;
  Fdc82077 fdc(sched, nullptr);
  MemoryBlockDevice odd(std::vector<uint8_t>(1000000), false, "odd.img");
  std::string err;
  EXPECT_FALSE(fdc.attach(0, &odd, err));
  EXPECT_NE(err.find("odd.img"), std::string::npos) << err;
  EXPECT_NE(err.find("1000000"), std::string::npos) << err;
  EXPECT_NE(err.find("1.44M"), std::string::npos) << err;
  EXPECT_EQ(fdc.drive_count(), 0u);
  MemoryBlockDevice big(std::vector<uint8_t>(2949120), false, "b.img");
  EXPECT_TRUE(fdc.attach(1, &big, err));
  EXPECT_EQ(fdc.drive_type(1), 5);
  EXPECT_EQ(fdc.drive_count(), 1u);
}

TEST(DevFdc, SaveAndRestoreMidSeek) {
  FdcRig a;
  a.reset();
  a.cmd({0x0F, 0x00, 40});
  a.after(Fdc82077::kSeekNs);
  Serializer save;
  a.fdc.serialize(save);
  ASSERT_TRUE(save.ok());

  FdcRig b;
  b.sched.advance_to(a.sched.now());
  Serializer load(save.data());
  b.fdc.serialize(load);
  ASSERT_TRUE(load.ok());
  EXPECT_EQ(b.msr(), 0x81);
  b.settle();
  EXPECT_TRUE(b.irq);
  EXPECT_EQ(b.run({0x08}), (Bytes{0x20, 40}));
}

}  // namespace
}  // namespace rz
