// tests/unit/test_dev_ide_config.cpp: -drive and -boot specifications, drive index
// assignment, and PcIde building the controller from image files (errors name the
// option and the file; snapshot mode leaves the file alone; an ISA-style controller
// answers on the legacy ports).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "devices/ide_config.h"
#include "test_dev_ide_rig.h"

namespace rz {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(DevIdeConfig, DriveSpecs) {
  IdeDriveSpec d = parse_drive_spec("file=/tmp/a.img,if=ide,index=3,media=disk,format=raw,readonly=on");
  EXPECT_EQ(d.file, "/tmp/a.img");
  EXPECT_EQ(d.index, 3);
  EXPECT_FALSE(d.cdrom);
  EXPECT_TRUE(d.read_only);
  d = parse_drive_spec("file=x,,y.iso,media=cdrom,bus=1,unit=0");
  EXPECT_EQ(d.file, "x,y.iso");
  EXPECT_EQ(d.index, 2);
  EXPECT_TRUE(d.cdrom);
  EXPECT_TRUE(d.read_only);  // CDs are always read-only
  EXPECT_EQ(parse_drive_spec("file=z").index, -1);
  EXPECT_EQ(error_of([] { parse_drive_spec("file=a,media=tape"); }),
            "-drive: media must be disk or cdrom, got 'tape'");
  EXPECT_EQ(error_of([] { parse_drive_spec("file=a,if=scsi"); }), "-drive: only if=ide is supported, got if=scsi");
  EXPECT_EQ(error_of([] { parse_drive_spec("file=a,format=qcow2"); }),
            "-drive: only format=raw is supported, got format=qcow2");
  EXPECT_EQ(error_of([] { parse_drive_spec("file=a,index=4"); }), "-drive: index must be 0-3, got '4'");
  EXPECT_EQ(error_of([] { parse_drive_spec("file=a,cache=none"); }), "-drive: unknown property 'cache'");
  EXPECT_EQ(error_of([] { parse_drive_spec("media=disk"); }), "-drive: file= is required");
  EXPECT_EQ(error_of([] { parse_drive_spec("a.img"); }), "-drive: expected KEY=VALUE, got 'a.img'");
  EXPECT_EQ(error_of([] { parse_drive_spec("file=a,readonly=maybe"); }),
            "-drive: readonly must be on or off, got 'maybe'");
  EXPECT_EQ(error_of([] { parse_drive_spec("file=a,index=1,bus=1"); }),
            "-drive: index= disagrees with bus=/unit=");
}

TEST(DevIdeConfig, BootSpecs) {
  EXPECT_EQ(parse_boot_spec("order=cdn"), (std::vector<uint8_t>{2, 3, 4}));
  EXPECT_EQ(parse_boot_spec("d"), (std::vector<uint8_t>{3}));
  EXPECT_EQ(parse_boot_spec("a"), (std::vector<uint8_t>{1}));
  EXPECT_EQ(parse_boot_spec("order=dc,menu=on"), (std::vector<uint8_t>{3, 2}));
  unsigned menu_ms = 7;
  EXPECT_EQ(parse_boot_spec("order=c,menu=off", &menu_ms), (std::vector<uint8_t>{2}));
  EXPECT_EQ(menu_ms, 0u);
  EXPECT_TRUE(parse_boot_spec("menu=on", &menu_ms).empty());  // default order
  EXPECT_EQ(menu_ms, 2500u);
  EXPECT_EQ(error_of([] { parse_boot_spec("menu=maybe"); }),
            "-boot: menu must be on or off, got 'maybe'");
  EXPECT_EQ(error_of([] { parse_boot_spec("z"); }), "-boot: unknown boot device 'z' in 'z' (a, c, d or n)");
  EXPECT_EQ(error_of([] { parse_boot_spec("order=cdan"); }), "-boot: at most three boot devices, got 'cdan'");
  EXPECT_EQ(error_of([] { parse_boot_spec("cc"); }), "-boot: boot device 'c' appears twice in 'cc'");
  EXPECT_EQ(error_of([] { parse_boot_spec("once=d"); }),
            "-boot: unknown property 'once' (supported: order=, menu=)");
  EXPECT_EQ(error_of([] { parse_boot_spec(""); }), "-boot: empty boot order ''");
}

TEST(DevIdeConfig, IndexAssignment) {
  std::vector<IdeDriveSpec> v(3);
  v[0].option = "-hdc", v[0].index = 2, v[0].file = "c";
  v[1].option = "-drive", v[1].file = "x";
  v[2].option = "-drive", v[2].file = "y";
  assign_drive_indexes(v);
  EXPECT_EQ(v[1].index, 0);
  EXPECT_EQ(v[2].index, 1);
  std::vector<IdeDriveSpec> clash(2);
  clash[0].option = "-hdc", clash[0].index = 2;
  clash[1].option = "-cdrom", clash[1].index = 2;
  EXPECT_EQ(error_of([&] { assign_drive_indexes(clash); }), "-cdrom: IDE index 2 is already used by -hdc");
  std::vector<IdeDriveSpec> full(5);
  for (auto& d : full) d.option = "-drive", d.file = "f";
  EXPECT_EQ(error_of([&] { assign_drive_indexes(full); }),
            "-drive: no free IDE index for f (four drives at most)");
}

struct ImageDir {
  std::string path;
  ImageDir() {
    char t[] = "/tmp/rz_ideconf_XXXXXX";
    path = mkdtemp(t);
  }
  ~ImageDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& name, const std::vector<uint8_t>& data) {
    std::string f = path + "/" + name;
    std::ofstream(f, std::ios::binary).write(reinterpret_cast<const char*>(data.data()),
                                              std::streamsize(data.size()));
    return f;
  }
};

struct Board {
  Scheduler sched;
  PortBus bus;
  PhysMem mem{4u << 20};
  int irq14 = 0, irq15 = 0;
  FnIrqSink s14{[this](bool h) { irq14 += h; }};
  FnIrqSink s15{[this](bool h) { irq15 += h; }};
};

TEST(DevIdeConfig, PcIdeOpensImagesAndAnswersOnLegacyPorts) {
  ImageDir dir;
  std::vector<uint8_t> disk = test::make_image(64 * 512);
  std::string hda = dir.file("hda.img", disk);
  std::string iso = dir.file("cd.iso", test::make_image(10 * 2048));
  IdeDriveSpec a{"-hda", hda, 0, false, false};
  IdeDriveSpec c{"-cdrom", iso, 2, true, true};
  Board b;
  {
    PcIde ide(b.mem, b.sched, b.bus, &b.s14, &b.s15, nullptr, {a, c}, /*snapshot=*/true, false);
    EXPECT_NE(ide.drive(0), nullptr);
    EXPECT_EQ(ide.drive(1), nullptr);
    ASSERT_NE(ide.cdrom(2), nullptr);
    EXPECT_EQ(ide.cdrom(2)->blocks(), 10u);
    EXPECT_EQ(ide.cdrom(0), nullptr);
    // Without a PCI bus the legacy ports are decoded at once.
    EXPECT_EQ(b.bus.read(0x1F7, 1), uint32_t(ata::kDrdy | ata::kDsc));
    EXPECT_EQ(b.bus.read(0x174, 1), 0x14u);
    EXPECT_EQ(b.bus.read(0x175, 1), 0xEBu);
    // A write in snapshot mode: the guest reads it back, the file stays as it was.
    b.bus.write(0x1F2, 1, 1), b.bus.write(0x1F3, 1, 5), b.bus.write(0x1F4, 1, 0);
    b.bus.write(0x1F5, 1, 0), b.bus.write(0x1F6, 1, 0xE0), b.bus.write(0x1F7, 1, 0x30);
    b.sched.advance_to(b.sched.now() + ata::kCommandNs);
    for (int k = 0; k < 256; ++k) b.bus.write(0x1F0, 2, 0xBEEF);
    b.sched.advance_to(b.sched.now() + ata::kBlockNs);
    EXPECT_EQ(b.irq14, 1);
    b.bus.write(0x1F2, 1, 1);  // the write left the count at 0 (= 256 sectors)
    b.bus.write(0x1F7, 1, 0x20);
    b.sched.advance_to(b.sched.now() + ata::kCommandNs);
    EXPECT_EQ(b.bus.read(0x1F0, 2), 0xBEEFu);
  }
  std::ifstream in(hda, std::ios::binary);
  std::vector<uint8_t> back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(back, disk);
  // The ports are free again: a second controller can claim them.
  PcIde again(b.mem, b.sched, b.bus, &b.s14, &b.s15, nullptr, {}, false, false);
  EXPECT_EQ(b.bus.read(0x1F7, 1), 0x00u);  // empty channel
}

TEST(DevIdeConfig, PcIdeErrorsNameTheOptionAndFile) {
  ImageDir dir;
  Board b;
  auto make = [&](IdeDriveSpec d) {
    PcIde ide(b.mem, b.sched, b.bus, &b.s14, &b.s15, nullptr, {d}, false, false);
  };
  std::string missing = dir.path + "/none.img";
  EXPECT_EQ(error_of([&] { make({"-hda", missing, 0, false, false}); }),
            "-hda: " + missing + ": No such file or directory");
  std::string odd = dir.file("odd.iso", std::vector<uint8_t>(3 * 512));
  EXPECT_EQ(error_of([&] { make({"-cdrom", odd, 2, true, true}); }),
            "-cdrom: " + odd + ": image size 1536 bytes is not a multiple of 2048");
  std::string empty = dir.file("empty.img", {});
  EXPECT_EQ(error_of([&] { make({"-drive", empty, 1, false, false}); }),
            "-drive: " + empty + ": image is empty");
}

TEST(DevIdeConfig, PcIdeOnAPciBusWaitsForTheFirmware) {
  ImageDir dir;
  Board b;
  PciBus pci(b.bus, b.mem);
  std::string hda = dir.file("hda.img", test::make_image(8 * 512));
  PcIde ide(b.mem, b.sched, b.bus, &b.s14, &b.s15, &pci, {{"-hda", hda, 0, false, false}}, false, false);
  EXPECT_EQ(pci.config_read(PiixIde::kSlot << 3 | PiixIde::kFunction, 0, 4), 0x70108086u);
  EXPECT_EQ(b.bus.read(0x1F7, 1), 0xFFu);  // decode off until SeaBIOS enables it
  pci.config_write(PiixIde::kSlot << 3 | PiixIde::kFunction, 0x04, 2, 1);
  pci.config_write(PiixIde::kSlot << 3 | PiixIde::kFunction, 0x40, 2, 0x8000);
  EXPECT_EQ(b.bus.read(0x1F7, 1), uint32_t(ata::kDrdy | ata::kDsc));
}

}  // namespace
}  // namespace rz
