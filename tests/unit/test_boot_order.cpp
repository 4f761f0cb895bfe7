// tests/unit/test_boot_order.cpp: -drive bootindex= and the fw_cfg "bootorder" lines built
// from it (SeaBIOS's device paths for the PIIX3 IDE drives, lowest bootindex first).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "devices/ide_config.h"

namespace rz {
namespace {

TEST(BootOrder, IdePathsFollowChannelAndUnit) {
  EXPECT_EQ(ide_boot_path(0), "/pci@i0cf8/ide@1,1/drive@0/disk@0");
  EXPECT_EQ(ide_boot_path(1), "/pci@i0cf8/ide@1,1/drive@0/disk@1");
  EXPECT_EQ(ide_boot_path(2), "/pci@i0cf8/ide@1,1/drive@1/disk@0");
  EXPECT_EQ(ide_boot_path(3), "/pci@i0cf8/ide@1,1/drive@1/disk@1");
}

TEST(BootOrder, BootindexSortsTheDrivesThatHaveOne) {
  std::vector<IdeDriveSpec> d = {parse_drive_spec("file=a,bootindex=5"),
                                 parse_drive_spec("file=b"),
                                 parse_drive_spec("file=c,media=cdrom,bootindex=1"),
                                 parse_drive_spec("file=d,bootindex=3")};
  EXPECT_EQ(d[0].bootindex, 5);
  EXPECT_EQ(d[1].bootindex, -1);
  assign_drive_indexes(d);
  EXPECT_EQ(ide_boot_order(d), (std::vector<std::string>{"/pci@i0cf8/ide@1,1/drive@1/disk@0",
                                                         "/pci@i0cf8/ide@1,1/drive@1/disk@1",
                                                         "/pci@i0cf8/ide@1,1/drive@0/disk@0"}));
  std::vector<IdeDriveSpec> none = {parse_drive_spec("file=a")};
  assign_drive_indexes(none);
  EXPECT_TRUE(ide_boot_order(none).empty());
}

TEST(BootOrder, BadBootindexIsAnError) {
  auto message = [](auto f) {
    try {
      f();
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message([] { parse_drive_spec("file=a,bootindex=x"); }),
            "-drive: bootindex must be 0-999, got 'x'");
  EXPECT_EQ(message([] { parse_drive_spec("file=a,bootindex=1000"); }),
            "-drive: bootindex must be 0-999, got '1000'");
  std::vector<IdeDriveSpec> d = {parse_drive_spec("file=a,bootindex=2"),
                                 parse_drive_spec("file=b,bootindex=2")};
  assign_drive_indexes(d);
  EXPECT_EQ(message([&] { ide_boot_order(d); }), "-drive: bootindex 2 is used twice");
}

}  // namespace
}  // namespace rz
