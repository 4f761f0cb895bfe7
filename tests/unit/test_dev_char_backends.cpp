// tests/unit/test_dev_char_backends.cpp: the serial back-ends: file, memory and the
// pseudo-terminal, each moving bytes both ways.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "devices/char_backend.h"
#include "frontend/char_backends.h"

namespace rz {
namespace {

TEST(DevCharBackend, FileAppendsAndReadsInput) {
  std::string out = testing::TempDir() + "rz_serial_out.txt";
  std::string in = testing::TempDir() + "rz_serial_in.txt";
  std::remove(out.c_str());
  {
    std::ofstream f(in);
    f << "typed";
  }
  {
    FileCharBackend b(out, in);
    for (char c : std::string("hello\n")) b.write(uint8_t(c));
    uint8_t buf[16];
    ASSERT_EQ(b.read(buf, sizeof buf), 5u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 5), "typed");
    EXPECT_EQ(b.read(buf, sizeof buf), 0u);
  }
  std::ifstream f(out);
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(s, "hello\n");
  EXPECT_THROW(FileCharBackend("/nonexistent-dir/x"), std::runtime_error);
}

TEST(DevCharBackend, MemoryBackend) {
  MemoryCharBackend m;
  m.input = {1, 2, 3};
  uint8_t buf[2];
  EXPECT_EQ(m.read(buf, 2), 2u);
  EXPECT_EQ(m.read(buf, 2), 1u);
  EXPECT_EQ(buf[0], 3);
  m.write(9);
  EXPECT_EQ(m.output, std::vector<uint8_t>{9});
}

TEST(DevCharBackend, PseudoTerminalBothWays) {
  PtyCharBackend pty;
  ASSERT_FALSE(pty.path().empty());
  int slave = open(pty.path().c_str(), O_RDWR | O_NOCTTY);
  ASSERT_GE(slave, 0);
  uint8_t buf[8];
  EXPECT_EQ(pty.read(buf, sizeof buf), 0u);  // nothing yet, and no blocking
  ASSERT_EQ(write(slave, "ab", 2), 2);
  size_t got = 0;
  for (int k = 0; k < 1000 && got < 2; ++k) {
    got += pty.read(buf + got, sizeof buf - got);
    if (got < 2) usleep(1000);
  }
  ASSERT_EQ(got, 2u);
  EXPECT_EQ(buf[0], 'a');
  pty.write('z');
  char c = 0;
  ASSERT_EQ(read(slave, &c, 1), 1);
  EXPECT_EQ(c, 'z');
  close(slave);
}

}  // namespace
}  // namespace rz
