// tests/unit/test_multiboot.cpp: the Multiboot (v1) loader - image parsing (ELF32 and the
// a.out kludge), placing segments and zeroing bss, the information structure, the entry
// state, and the error messages for images it must refuse.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "bios/multiboot.h"
#include "frontend/machine.h"

namespace rz {
namespace {

void put32(std::vector<uint8_t>& f, size_t off, uint32_t v) {
  if (f.size() < off + 4) f.resize(off + 4);
  std::memcpy(&f[off], &v, 4);
}
void put16(std::vector<uint8_t>& f, size_t off, uint16_t v) {
  if (f.size() < off + 2) f.resize(off + 2);
  std::memcpy(&f[off], &v, 2);
}

// Multiboot header at `off` with `flags` (checksum right unless `checksum` given).
void put_header(std::vector<uint8_t>& f, size_t off, uint32_t flags,
                std::optional<uint32_t> checksum = std::nullopt) {
  put32(f, off, kMultibootHeaderMagic);
  put32(f, off + 4, flags);
  put32(f, off + 8, checksum ? *checksum : uint32_t(0u - kMultibootHeaderMagic - flags));
}

// a.out-kludge image: `pad` bytes, header at `pad` (header_addr = load + pad), `body`
// bytes of 0x90 after the 32-byte header, `bss` bytes of bss.
std::vector<uint8_t> aout_image(uint32_t load, uint32_t pad, uint32_t body, uint32_t bss,
                                bool load_end_zero = false) {
  std::vector<uint8_t> f(pad, 0x11);
  put_header(f, pad, 0x00010002);
  uint32_t total = pad + 32 + body;
  put32(f, pad + 12, load + pad);                       // header_addr
  put32(f, pad + 16, load);                             // load_addr
  put32(f, pad + 20, load_end_zero ? 0 : load + total);  // load_end_addr
  put32(f, pad + 24, bss ? load + total + bss : 0);     // bss_end_addr
  put32(f, pad + 28, load + pad + 32);                  // entry_addr
  f.resize(total, 0x90);
  return f;
}

// ELF32 image with one PT_LOAD (vaddr `vaddr`, paddr `paddr`) of the whole file plus bss.
std::vector<uint8_t> elf_image(uint32_t vaddr, uint32_t paddr, uint32_t bss, uint16_t machine = 3) {
  std::vector<uint8_t> f(0x100, 0x90);
  const uint8_t ident[16] = {0x7F, 'E', 'L', 'F', 1, 1, 1, 0};
  std::memcpy(f.data(), ident, 16);
  put16(f, 16, 2);
  put16(f, 18, machine);
  put32(f, 20, 1);
  put32(f, 24, vaddr + 0x80);  // entry (virtual)
  put32(f, 28, 52);            // phoff
  put16(f, 40, 52);
  put16(f, 42, 32);
  put16(f, 44, 1);
  put32(f, 52, 1);             // PT_LOAD
  put32(f, 56, 0);
  put32(f, 60, vaddr);
  put32(f, 64, paddr);
  put32(f, 68, 0x100);         // filesz
  put32(f, 72, 0x100 + bss);   // memsz
  put32(f, 76, 7);
  put_header(f, 0x60, 0x00000002);
  return f;
}

std::string error_of(const std::vector<uint8_t>& f, uint32_t ram = 32u << 20) {
  try {
    parse_multiboot_image(f, "kern.bin", ram);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// A file in a temporary directory, removed at the end of the test.
struct TempFile {
  std::string path;
  explicit TempFile(const std::vector<uint8_t>& data) {
    char tmpl[] = "/tmp/rz_mb_XXXXXX";
    int fd = mkstemp(tmpl);
    path = tmpl;
    EXPECT_EQ(write(fd, data.data(), data.size()), ssize_t(data.size()));
    close(fd);
  }
  ~TempFile() { std::remove(path.c_str()); }
};

std::unique_ptr<Machine> make_machine(uint32_t mb = 32) {
  MachineConfig cfg;
  cfg.ram_mb = mb;
  return std::make_unique<Machine>(cfg);
}

TEST(Multiboot, ParsesAoutKludge) {
  auto f = aout_image(0x100000, 0x40, 0x200, 0x1000);
  MultibootImage img = parse_multiboot_image(f, "k", 32u << 20);
  EXPECT_TRUE(img.aout_kludge);
  EXPECT_EQ(img.header_offset, 0x40u);
  ASSERT_EQ(img.segments.size(), 1u);
  EXPECT_EQ(img.segments[0].paddr, 0x100000u);
  EXPECT_EQ(img.segments[0].file_offset, 0u);
  EXPECT_EQ(img.segments[0].file_size, 0x40u + 32 + 0x200);
  EXPECT_EQ(img.segments[0].mem_size, 0x40u + 32 + 0x200 + 0x1000);
  EXPECT_EQ(img.entry, 0x100060u);
}

TEST(Multiboot, AoutLoadEndZeroMeansWholeFile) {
  auto f = aout_image(0x200000, 0, 0x300, 0, /*load_end_zero=*/true);
  MultibootImage img = parse_multiboot_image(f, "k", 32u << 20);
  ASSERT_EQ(img.segments.size(), 1u);
  EXPECT_EQ(img.segments[0].file_size, f.size());
  EXPECT_EQ(img.segments[0].mem_size, f.size());
}

TEST(Multiboot, ParsesElfAndTranslatesVirtualEntry) {
  auto f = elf_image(0xC0100000, 0x100000, 0x2000);
  MultibootImage img = parse_multiboot_image(f, "k", 32u << 20);
  EXPECT_FALSE(img.aout_kludge);
  ASSERT_EQ(img.segments.size(), 1u);
  EXPECT_EQ(img.segments[0].paddr, 0x100000u);
  EXPECT_EQ(img.segments[0].mem_size, 0x2100u);
  EXPECT_EQ(img.entry, 0x100080u);
}

TEST(Multiboot, HeaderMustBeInFirst8KiBAndAligned) {
  std::vector<uint8_t> f(0x3000, 0);
  put_header(f, 0x2000, 0x00010002);  // just past the search window
  EXPECT_NE(error_of(f).find("no Multiboot header"), std::string::npos);
  std::vector<uint8_t> g(0x1000, 0);
  put_header(g, 0x102, 0x00010002);   // not 32-bit aligned
  EXPECT_NE(error_of(g).find("no Multiboot header"), std::string::npos);
}

TEST(Multiboot, RefusesBadImages) {
  auto bad_sum = aout_image(0x100000, 0, 16, 0);
  put32(bad_sum, 8, 0x12345678);
  std::string e = error_of(bad_sum);
  EXPECT_NE(e.find("kern.bin"), std::string::npos);
  EXPECT_NE(e.find("checksum"), std::string::npos);

  auto video = aout_image(0x100000, 0, 16, 0);
  put_header(video, 0, 0x00010006);
  EXPECT_NE(error_of(video).find("video"), std::string::npos);

  auto unknown = aout_image(0x100000, 0, 16, 0);
  put_header(unknown, 0, 0x00018002);  // bit 15: a requirement nobody knows
  EXPECT_NE(error_of(unknown).find("0x8000"), std::string::npos);

  EXPECT_NE(error_of(aout_image(0x1FF0000, 0, 0x20000, 0)).find("outside guest RAM"),
            std::string::npos);
  EXPECT_NE(error_of(aout_image(0x9F000, 0, 0x2000, 0)).find("640 KiB"), std::string::npos);
  EXPECT_NE(error_of(elf_image(0x100000, 0x100000, 0, 62)).find("i386"), std::string::npos);

  std::vector<uint8_t> not_elf(0x200, 0);
  put_header(not_elf, 0x40, 0x00000002);
  EXPECT_NE(error_of(not_elf).find("not an ELF"), std::string::npos);

  auto truncated = aout_image(0x100000, 0, 16, 0);
  put32(truncated, 20, 0x100000 + 0x10000);  // load_end_addr past the end of the file
  EXPECT_NE(error_of(truncated).find("past the end of the file"), std::string::npos);
}

TEST(Multiboot, LoadsSegmentsZeroesBssAndSetsEntryState) {
  auto m = make_machine(32);
  // Dirty the RAM the bss will cover so zeroing is observable.
  std::memset(m->mem().ram() + 0x100000, 0xEE, 0x10000);
  auto f = aout_image(0x100000, 0x20, 0x100, 0x800);
  TempFile tf(f);
  load_multiboot_kernel(m->cpu(), m->mem(), tf.path, "console=ttyS0 quiet");
  const uint8_t* ram = m->mem().ram();
  EXPECT_EQ(0, std::memcmp(ram + 0x100000, f.data(), f.size()));
  for (uint32_t i = 0; i < 0x800; ++i) ASSERT_EQ(ram[0x100000 + f.size() + i], 0) << i;
  EXPECT_EQ(ram[0x100000 + f.size() + 0x800], 0xEE);  // nothing written past bss_end

  Cpu& c = m->cpu();
  EXPECT_EQ(c.r[EAX], kMultibootBootMagic);
  EXPECT_EQ(c.eip, 0x100040u);
  EXPECT_TRUE(c.cr0 & CR0_PE);
  EXPECT_FALSE(c.cr0 & CR0_PG);
  EXPECT_FALSE(c.eflags & (IF | VM));
  EXPECT_EQ(c.cpl, 0);
  for (unsigned s = 0; s < kNumSegs; ++s) {
    EXPECT_EQ(c.seg[s].base, 0u) << s;
    EXPECT_EQ(c.seg[s].limit, 0xFFFFFFFFu) << s;
    EXPECT_TRUE(c.seg[s].big()) << s;
    EXPECT_TRUE(c.seg[s].present()) << s;
  }
  EXPECT_EQ(c.seg[CS].ar & 0x1F, 0x1Bu);  // execute/read code, accessed
  EXPECT_EQ(c.seg[SS].ar & 0x1F, 0x13u);  // read/write data, accessed
  // The GDT the loader leaves behind matches the caches.
  ASSERT_GE(c.gdtr.limit, 23);
  uint64_t code;
  std::memcpy(&code, ram + c.gdtr.base + (c.seg[CS].sel & ~7u), 8);
  EXPECT_EQ(code, 0x00CF9B000000FFFFull);
}

TEST(Multiboot, InformationStructure) {
  auto m = make_machine(64);
  auto f = elf_image(0x100000, 0x100000, 0x1000);
  TempFile tf(f);
  load_multiboot_kernel(m->cpu(), m->mem(), tf.path, "a=b");
  PhysMem& mem = m->mem();
  uint32_t info = m->cpu().r[EBX];
  ASSERT_LT(info + 128, mem.ram_size());
  uint32_t flags = mem.read(info, 4);
  EXPECT_EQ(flags & 0x245u, 0x245u);  // mem, cmdline, mmap, loader name
  EXPECT_EQ(mem.read(info + 4, 4), 640u);
  EXPECT_EQ(mem.read(info + 8, 4), 63u * 1024);

  auto cstr = [&](uint32_t a) {
    std::string s;
    for (uint8_t ch; (ch = uint8_t(mem.read(a++, 1))) != 0;) s += char(ch);
    return s;
  };
  EXPECT_EQ(cstr(mem.read(info + 16, 4)), tf.path + " a=b");
  EXPECT_EQ(cstr(mem.read(info + 64, 4)), "ringzero");

  uint32_t len = mem.read(info + 44, 4), addr = mem.read(info + 48, 4);
  ASSERT_EQ(len, 3u * 24);
  struct E { uint64_t base, length; uint32_t type; };
  const E want[3] = {{0, 0xA0000, 1}, {0xA0000, 0x60000, 2}, {0x100000, 63ull << 20, 1}};
  for (unsigned i = 0; i < 3; ++i) {
    uint32_t e = addr + i * 24;
    EXPECT_EQ(mem.read(e, 4), 20u) << i;
    uint64_t base = mem.read(e + 4, 4) | uint64_t(mem.read(e + 8, 4)) << 32;
    uint64_t length = mem.read(e + 12, 4) | uint64_t(mem.read(e + 16, 4)) << 32;
    EXPECT_EQ(base, want[i].base) << i;
    EXPECT_EQ(length, want[i].length) << i;
    EXPECT_EQ(mem.read(e + 20, 4), want[i].type) << i;
  }
  // Not overlapping the kernel image.
  EXPECT_TRUE(info + 128 <= 0x100000 || info >= 0x100000 + 0x1100);
}

TEST(Multiboot, InfoMovesAboveAKernelLoadedInLowMemory) {
  auto m = make_machine(16);
  auto f = aout_image(0x7000, 0, 0x3000, 0);  // covers 0x7000-0xA01F, over the default spot
  TempFile tf(f);
  load_multiboot_kernel(m->cpu(), m->mem(), tf.path, "");
  uint32_t info = m->cpu().r[EBX];
  EXPECT_GE(info, 0x100000u);
  EXPECT_EQ(m->mem().read(info + 4, 4), 640u);
  EXPECT_EQ(0, std::memcmp(m->mem().ram() + 0x7000, f.data(), f.size()));
}

TEST(Multiboot, MissingFileNamesIt) {
  auto m = make_machine(16);
  try {
    load_multiboot_kernel(m->cpu(), m->mem(), "/nonexistent/kernel.elf", "");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/kernel.elf"), std::string::npos);
  }
}

}  // namespace
}  // namespace rz
