// tests/unit/test_block_file.cpp: raw image files as block devices: writes reach the file
// at once, read-only and snapshot modes leave it alone, and every user mistake at open
// time (missing, directory, empty, odd size, locked) is a clear error naming the file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "devices/block_file.h"

namespace rz {
namespace {

// A scratch directory removed with its files at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/rz_block_XXXXXX";
    const char* p = mkdtemp(tmpl);
    if (!p) throw std::runtime_error("mkdtemp failed");
    path = p;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& name, const std::vector<uint8_t>& bytes) const {
    std::string f = path + "/" + name;
    std::ofstream(f, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              std::streamsize(bytes.size()));
    return f;
  }
};

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t k = 0; k < n; ++k) v[k] = uint8_t(k * 31 + seed + (k >> 9));
  return v;
}

std::vector<uint8_t> slurp(const std::string& f) {
  std::ifstream in(f, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string open_error(const std::string& f, BlockFileOptions o = {}) {
  try {
    FileBlockDevice d(f, o);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(BlockFile, ReadsAndWritesReachTheFileAtOnce) {
  TempDir t;
  auto img = pattern(8 * 512, 3);
  std::string f = t.file("disk.img", img);
  FileBlockDevice d(f);
  EXPECT_EQ(d.size(), img.size());
  EXPECT_FALSE(d.read_only());
  EXPECT_EQ(d.name(), f);
  std::vector<uint8_t> buf(1024);
  ASSERT_TRUE(d.read(512, buf.data(), buf.size()));
  EXPECT_TRUE(std::equal(buf.begin(), buf.end(), img.begin() + 512));
  auto data = pattern(700, 99);
  ASSERT_TRUE(d.write(1000, data.data(), data.size()));
  // No flush, no close: another reader of the file sees the bytes already.
  auto on_disk = slurp(f);
  std::copy(data.begin(), data.end(), img.begin() + 1000);
  EXPECT_EQ(on_disk, img);
  EXPECT_TRUE(d.flush());
}

TEST(BlockFile, OutOfRangeAccessesFail) {
  TempDir t;
  std::string f = t.file("disk.img", pattern(2 * 512, 1));
  FileBlockDevice d(f);
  uint8_t b[512];
  EXPECT_FALSE(d.read(1024, b, 1));
  EXPECT_FALSE(d.read(600, b, 512));
  EXPECT_FALSE(d.read(~uint64_t(0), b, 2));
  EXPECT_FALSE(d.write(1023, b, 2));
  EXPECT_TRUE(d.read(1023, b, 1));
  EXPECT_TRUE(d.read(1024, b, 0));
}

TEST(BlockFile, ReadOnlyRefusesWrites) {
  TempDir t;
  auto img = pattern(4 * 512, 7);
  std::string f = t.file("ro.img", img);
  FileBlockDevice d(f, {.read_only = true});
  EXPECT_TRUE(d.read_only());
  EXPECT_FALSE(d.fell_back_to_read_only());
  uint8_t b[512] = {1, 2, 3};
  EXPECT_FALSE(d.write(0, b, sizeof b));
  EXPECT_TRUE(d.flush());
  EXPECT_EQ(slurp(f), img);
}

TEST(BlockFile, SnapshotKeepsWritesInMemory) {
  TempDir t;
  auto img = pattern(16 * 512, 11);
  std::string f = t.file("snap.img", img);
  {
    FileBlockDevice d(f, {.snapshot = true});
    EXPECT_FALSE(d.read_only());
    EXPECT_TRUE(d.snapshot());
    // A write that starts and ends inside units keeps the rest of those units.
    auto data = pattern(1000, 200);
    ASSERT_TRUE(d.write(300, data.data(), data.size()));
    EXPECT_EQ(d.overlay_units(), 3u);  // units 0, 1, 2
    std::vector<uint8_t> want = img;
    std::copy(data.begin(), data.end(), want.begin() + 300);
    std::vector<uint8_t> got(img.size());
    ASSERT_TRUE(d.read(0, got.data(), got.size()));
    EXPECT_EQ(got, want);
    // Reads that straddle overlay and file units.
    std::vector<uint8_t> mid(900);
    ASSERT_TRUE(d.read(1200, mid.data(), mid.size()));
    EXPECT_TRUE(std::equal(mid.begin(), mid.end(), want.begin() + 1200));
    EXPECT_TRUE(d.flush());
    EXPECT_EQ(slurp(f), img);
  }
  EXPECT_EQ(slurp(f), img);
}

TEST(BlockFile, CdImagesUse2048ByteUnits) {
  TempDir t;
  std::string ok = t.file("cd.iso", pattern(3 * 2048, 5));
  FileBlockDevice d(ok, {.read_only = true, .unit = 2048});
  EXPECT_EQ(d.size(), 3u * 2048);
  std::string odd = t.file("odd.iso", pattern(5 * 512, 5));
  EXPECT_EQ(open_error(odd, {.read_only = true, .unit = 2048}),
            odd + ": image size 2560 bytes is not a multiple of 2048");
}

TEST(BlockFile, OpenErrorsNameTheFileAndTheProblem) {
  TempDir t;
  std::string missing = t.path + "/nope.img";
  EXPECT_EQ(open_error(missing), missing + ": No such file or directory");
  EXPECT_EQ(open_error(t.path), t.path + ": Is a directory");
  std::string empty = t.file("empty.img", {});
  EXPECT_EQ(open_error(empty), empty + ": image is empty");
  std::string odd = t.file("odd.img", pattern(1000, 0));
  EXPECT_EQ(open_error(odd), odd + ": image size 1000 bytes is not a multiple of 512");
  EXPECT_EQ(open_error("/dev/null"), "/dev/null: not a regular file or block device");
  EXPECT_EQ(open_error(""), "empty image file name");
}

TEST(BlockFile, TwoWritersOfOneImageAreRefused) {
  TempDir t;
  std::string f = t.file("shared.img", pattern(512, 0));
  FileBlockDevice first(f);
  EXPECT_EQ(open_error(f), f + ": image is in use by another process or drive (locked)");
  EXPECT_EQ(open_error(f, {.read_only = true}),
            f + ": image is in use by another process or drive (locked)");
}

TEST(BlockFile, ReadersMayShareAndSnapshotsDoNotLockOutReaders) {
  TempDir t;
  std::string f = t.file("shared.img", pattern(1024, 0));
  FileBlockDevice a(f, {.read_only = true});
  FileBlockDevice b(f, {.snapshot = true});
  uint8_t x[4] = {9, 9, 9, 9};
  EXPECT_TRUE(b.write(0, x, 4));
  uint8_t y[4];
  EXPECT_TRUE(a.read(0, y, 4));
  EXPECT_NE(y[0], 9);
  // But a writer cannot join readers.
  EXPECT_NE(open_error(f).find("locked"), std::string::npos);
}

TEST(BlockFile, OpenBlockFileReturnsTheInterface) {
  TempDir t;
  std::string f = t.file("d.img", pattern(512, 4));
  std::unique_ptr<BlockDevice> d = open_block_file(f, {});
  uint8_t one;
  ASSERT_TRUE(d->read(5, &one, 1));
  EXPECT_EQ(one, pattern(512, 4)[5]);
}

}  // namespace
}  // namespace rz
