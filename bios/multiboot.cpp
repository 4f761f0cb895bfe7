// bios/multiboot.cpp: the Multiboot (v1) kernel loader behind `-kernel`.
//
// Three steps, each checked before guest memory is touched: decode the image (header, ELF32
// program headers or a.out-kludge fields) into a list of segments; choose a free low-memory
// spot for the information structure; then copy the segments, write the structure (memory
// map from the real RAM layout, command line, boot loader name, a flat GDT) and set the CPU
// to the entry state of Multiboot spec section 3.2.  Every guest write goes through
// ram_span(), which refuses anything outside RAM.
#include "bios/multiboot.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "cpu/segments.h"

namespace rz {

namespace {

constexpr uint32_t kHoleStart = 0xA0000;   // 640 KiB: VGA memory and ROMs above
constexpr uint32_t kHoleEnd = 0x100000;    // 1 MiB
constexpr uint32_t kInfoBase = 0x8000;     // preferred spot for the boot information
constexpr uint32_t kInfoArea = 0x2000;     // bytes reserved: structure + strings, then a stack
constexpr uint32_t kInfoData = 0x1000;     // the structure and strings fit in the first 4 KiB

// Header flag bits (spec 3.1.2).  Bits 0-15 are requirements: a loader must refuse a kernel
// that sets one it does not understand.  Bits 16-31 are optional features.
constexpr uint32_t kFlagPageAlign = 1u << 0;  // modules page aligned (we load none)
constexpr uint32_t kFlagMemInfo = 1u << 1;    // mem_* fields wanted (always provided)
constexpr uint32_t kFlagVideo = 1u << 2;      // a video mode table (no video here)
constexpr uint32_t kFlagAout = 1u << 16;      // address fields valid

// Information structure flags (spec 3.3).
constexpr uint32_t kInfoMem = 1u << 0, kInfoCmdline = 1u << 2, kInfoMods = 1u << 3,
                   kInfoMmap = 1u << 6, kInfoLoaderName = 1u << 9;

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw std::runtime_error(name + ": " + what);
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

uint32_t get32(const std::vector<uint8_t>& f, size_t off) {
  uint32_t v;
  std::memcpy(&v, f.data() + off, 4);
  return v;
}
uint16_t get16(const std::vector<uint8_t>& f, size_t off) {
  uint16_t v;
  std::memcpy(&v, f.data() + off, 2);
  return v;
}

// Check that [paddr, paddr+size) is loadable RAM: inside RAM and not in the legacy hole.
void check_range(const std::string& name, const char* what, uint64_t paddr, uint64_t size,
                 uint32_t ram_size) {
  if (size == 0) return;
  uint64_t end = paddr + size;
  if (end > ram_size)
    fail(name, std::string(what) + " at " + hex(paddr) + "-" + hex(end - 1) +
                   " is outside guest RAM (" + std::to_string(ram_size >> 20) + " MiB; use -m)");
  if (paddr < kHoleEnd && end > kHoleStart)
    fail(name, std::string(what) + " at " + hex(paddr) + "-" + hex(end - 1) +
                   " overlaps the 640 KiB-1 MiB legacy hole");
}

void parse_elf(const std::vector<uint8_t>& f, const std::string& name, MultibootImage& img) {
  if (f.size() < 52 || std::memcmp(f.data(), "\x7f" "ELF", 4) != 0)
    fail(name, "not an ELF file and the Multiboot header does not set the a.out kludge "
               "(flag bit 16)");
  if (f[4] != 1) fail(name, "ELF file is not 32-bit (ELFCLASS32 required)");
  if (f[5] != 1) fail(name, "ELF file is not little-endian");
  if (get16(f, 16) != 2) fail(name, "ELF file is not an executable (ET_EXEC)");
  if (get16(f, 18) != 3) fail(name, "ELF file is not for i386 (EM_386)");
  img.entry = get32(f, 24);
  uint32_t phoff = get32(f, 28);
  uint16_t phentsize = get16(f, 42), phnum = get16(f, 44);
  if (phnum == 0) fail(name, "ELF file has no program headers");
  if (phentsize < 32 || uint64_t(phoff) + uint64_t(phentsize) * phnum > f.size())
    fail(name, "ELF program headers lie outside the file");
  bool entry_translated = false;
  for (unsigned i = 0; i < phnum; ++i) {
    size_t ph = phoff + size_t(i) * phentsize;
    if (get32(f, ph) != 1) continue;  // PT_LOAD only
    MultibootSegment s;
    s.file_offset = get32(f, ph + 4);
    uint32_t vaddr = get32(f, ph + 8);
    s.paddr = get32(f, ph + 12);
    s.file_size = get32(f, ph + 16);
    s.mem_size = get32(f, ph + 20);
    if (s.mem_size < s.file_size) fail(name, "ELF segment " + std::to_string(i) + " has p_memsz < p_filesz");
    if (uint64_t(s.file_offset) + s.file_size > f.size())
      fail(name, "ELF segment " + std::to_string(i) + " extends past the end of the file");
    // A kernel linked at a higher virtual address gives its entry as a virtual address:
    // translate it through the segment that holds it (as GRUB and QEMU do).
    if (!entry_translated && vaddr != s.paddr && img.entry - vaddr < s.mem_size) {
      img.entry = img.entry - vaddr + s.paddr;
      entry_translated = true;
    }
    if (s.mem_size) img.segments.push_back(s);
  }
  if (img.segments.empty()) fail(name, "ELF file has no loadable (PT_LOAD) segment");
}

void parse_aout_kludge(const std::vector<uint8_t>& f, const std::string& name, MultibootImage& img) {
  const uint32_t h = img.header_offset;
  if (uint64_t(h) + 32 > f.size()) fail(name, "Multiboot header is truncated (a.out kludge fields missing)");
  uint32_t header_addr = get32(f, h + 12), load_addr = get32(f, h + 16);
  uint32_t load_end = get32(f, h + 20), bss_end = get32(f, h + 24);
  img.entry = get32(f, h + 28);
  if (load_addr > header_addr)
    fail(name, "a.out kludge: load_addr " + hex(load_addr) + " is above header_addr " + hex(header_addr));
  if (header_addr - load_addr > h)
    fail(name, "a.out kludge: header_addr - load_addr points before the start of the file");
  MultibootSegment s;
  s.paddr = load_addr;
  s.file_offset = h - (header_addr - load_addr);
  uint64_t file_avail = f.size() - s.file_offset;
  uint64_t load_size = load_end ? uint64_t(load_end) - load_addr : file_avail;
  if (load_end && load_end < load_addr)
    fail(name, "a.out kludge: load_end_addr " + hex(load_end) + " is below load_addr " + hex(load_addr));
  if (load_size > file_avail)
    fail(name, "a.out kludge: load_end_addr " + hex(load_end) + " is past the end of the file");
  uint64_t mem_size = load_size;
  if (bss_end) {
    if (bss_end < load_addr + load_size)
      fail(name, "a.out kludge: bss_end_addr " + hex(bss_end) + " is below the loaded image end");
    mem_size = uint64_t(bss_end) - load_addr;
  }
  if (mem_size > 0xFFFFFFFFull) fail(name, "a.out kludge: image is larger than 4 GiB");
  s.file_size = uint32_t(load_size);
  s.mem_size = uint32_t(mem_size);
  img.segments.push_back(s);
}

bool overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen) {
  return uint64_t(a) < uint64_t(b) + blen && uint64_t(b) < uint64_t(a) + alen;
}

// Host pointer to [paddr, paddr+n) of guest RAM; the only way this file writes guest memory.
uint8_t* ram_span(PhysMem& mem, const std::string& name, uint64_t paddr, uint64_t n) {
  if (paddr + n > mem.ram_size()) fail(name, "internal: write at " + hex(paddr) + " outside RAM");
  return mem.ram() + paddr;
}

void put32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
void put64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }

// The whole kernel file.  C stdio rather than iostreams: a directory or an unreadable file
// gives errno (EISDIR, EACCES...) for a message that names the file.
std::vector<uint8_t> read_kernel_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) fail(path, std::string("cannot open kernel: ") + std::strerror(errno));
  std::vector<uint8_t> data;
  uint8_t buf[65536];
  for (;;) {
    size_t n = std::fread(buf, 1, sizeof buf, f.get());
    data.insert(data.end(), buf, buf + n);
    if (n < sizeof buf) break;
    if (data.size() > 0xFFFFFFFFull - sizeof buf) fail(path, "kernel file is larger than 4 GiB");
  }
  if (std::ferror(f.get())) fail(path, std::string("cannot read kernel: ") + std::strerror(errno));
  return data;
}

}  // namespace

MultibootImage parse_multiboot_image(const std::vector<uint8_t>& f, const std::string& name,
                                     uint32_t ram_size) {
  MultibootImage img;
  bool found = false, bad_checksum = false;
  size_t limit = std::min<size_t>(f.size(), kMultibootSearch);
  for (size_t off = 0; off + 12 <= limit; off += 4) {
    if (get32(f, off) != kMultibootHeaderMagic) continue;
    uint32_t flags = get32(f, off + 4), sum = get32(f, off + 8);
    if (uint32_t(kMultibootHeaderMagic + flags + sum) != 0) {
      bad_checksum = true;
      continue;
    }
    img.header_offset = uint32_t(off);
    img.header_flags = flags;
    found = true;
    break;
  }
  if (!found) {
    if (bad_checksum)
      fail(name, "Multiboot header has a bad checksum (magic + flags + checksum must be 0)");
    fail(name, "no Multiboot header (magic 0x1BADB002) in the first 8 KiB");
  }
  const uint32_t flags = img.header_flags;
  if (flags & kFlagVideo)
    fail(name, "Multiboot header flag bit 2 (video mode information) is not supported: "
               "ringzero has no graphics mode to set");
  uint32_t unknown = flags & 0xFFFFu & ~(kFlagPageAlign | kFlagMemInfo | kFlagVideo);
  if (unknown)
    fail(name, "Multiboot header requires features this loader does not know (flags " +
                   hex(unknown) + " in bits 0-15)");
  img.aout_kludge = flags & kFlagAout;
  if (img.aout_kludge) parse_aout_kludge(f, name, img);
  else parse_elf(f, name, img);
  for (const MultibootSegment& s : img.segments) check_range(name, "segment", s.paddr, s.mem_size, ram_size);
  bool entry_loaded = false;
  for (const MultibootSegment& s : img.segments)
    if (img.entry - s.paddr < s.mem_size) entry_loaded = true;
  if (!entry_loaded) fail(name, "entry point " + hex(img.entry) + " is not inside a loaded segment");
  return img;
}

void load_multiboot_kernel(Cpu& cpu, PhysMem& mem, const std::string& path,
                           const std::string& cmdline) {
  std::vector<uint8_t> file = read_kernel_file(path);
  if (mem.ram_size() < kHoleEnd + 0x1000) fail(path, "Multiboot needs more than 1 MiB of RAM (use -m)");
  MultibootImage img = parse_multiboot_image(file, path, mem.ram_size());

  // The information block: structure (128 bytes), memory map (3 x 24), a 3-entry GDT, then
  // the strings, in the first 4 KiB; the second 4 KiB is the initial stack.  Preferably at
  // 0x8000; if the kernel loads there, just above the kernel.
  const std::string full_cmdline = cmdline.empty() ? path : path + " " + cmdline;
  static const char kLoaderName[] = "ringzero";
  const uint32_t need = 128 + 3 * 24 + 24 + uint32_t(full_cmdline.size()) + 1 + sizeof kLoaderName;
  if (need > kInfoData) fail(path, "kernel command line is too long (at most about 3.7 KiB)");
  uint32_t info = kInfoBase;
  uint32_t kernel_end = 0;
  for (const MultibootSegment& s : img.segments) {
    if (overlaps(info, kInfoArea, s.paddr, s.mem_size)) info = 0;
    kernel_end = std::max(kernel_end, s.paddr + s.mem_size);
  }
  if (info == 0) {
    info = (std::max(kernel_end, kHoleEnd) + 0xFFF) & ~0xFFFu;
    if (uint64_t(info) + kInfoArea > mem.ram_size())
      fail(path, "no room in RAM for the Multiboot information after the kernel (use -m)");
  }

  // Copy the image.
  for (const MultibootSegment& s : img.segments) {
    uint8_t* dst = ram_span(mem, path, s.paddr, s.mem_size);
    std::memcpy(dst, file.data() + s.file_offset, s.file_size);
    std::memset(dst + s.file_size, 0, s.mem_size - s.file_size);
  }

  uint8_t* p = ram_span(mem, path, info, kInfoArea);
  std::memset(p, 0, kInfoArea);
  const uint32_t mmap = info + 128, gdt = mmap + 3 * 24, strings = gdt + 24;
  const uint32_t cmd_addr = strings, name_addr = strings + uint32_t(full_cmdline.size()) + 1;
  const uint32_t ram = mem.ram_size();

  // Memory map entries: size (20, not counting itself), base, length, type (1 RAM, 2 reserved).
  struct Range { uint64_t base, len; uint32_t type; };
  const Range ranges[3] = {{0, kHoleStart, 1}, {kHoleStart, kHoleEnd - kHoleStart, 2},
                           {kHoleEnd, ram - kHoleEnd, 1}};
  for (unsigned i = 0; i < 3; ++i) {
    uint8_t* e = p + (mmap - info) + i * 24;
    put32(e, 20);
    put64(e + 4, ranges[i].base);
    put64(e + 12, ranges[i].len);
    put32(e + 20, ranges[i].type);
  }
  // GDT: null, flat 32-bit code (0x08), flat data (0x10) - so a kernel that reloads segment
  // registers before setting up its own GDT still finds the entry-state segments.
  put64(p + (gdt - info) + 8, 0x00CF9B000000FFFFull);
  put64(p + (gdt - info) + 16, 0x00CF93000000FFFFull);
  std::memcpy(p + (cmd_addr - info), full_cmdline.c_str(), full_cmdline.size() + 1);
  std::memcpy(p + (name_addr - info), kLoaderName, sizeof kLoaderName);

  put32(p + 0, kInfoMem | kInfoCmdline | kInfoMods | kInfoMmap | kInfoLoaderName);
  put32(p + 4, kHoleStart / 1024);            // mem_lower: KiB from 0
  put32(p + 8, (ram - kHoleEnd) / 1024);       // mem_upper: KiB from 1 MiB
  put32(p + 16, cmd_addr);
  put32(p + 20, 0);                           // mods_count
  put32(p + 24, 0);                           // mods_addr
  put32(p + 44, 3 * 24);                      // mmap_length
  put32(p + 48, mmap);                        // mmap_addr
  put32(p + 64, name_addr);                   // boot_loader_name

  // Entry state (spec 3.2): EAX magic, EBX info, flat CS/DS/ES/FS/GS/SS, PE=1, PG=0,
  // EFLAGS.VM=0 and IF=0, A20 on.  ESP is undefined by the spec; it points at the top of
  // the 4 KiB stack page after the information, so a kernel that pushes before setting up
  // its own stack harms nothing.
  mem.set_a20(true);
  for (unsigned i = 0; i < 8; ++i) cpu.r[i] = 0;
  cpu.r[EAX] = kMultibootBootMagic;
  cpu.r[EBX] = info;
  cpu.r[ESP] = info + kInfoArea;
  cpu.eflags = 2;
  cpu.lazy = 0;
  cpu.eip = img.entry;
  cpu.halted = false;
  cpu.cr0 = (cpu.cr0 | CR0_PE | CR0_ET) & ~CR0_PG;
  cpu.gdtr.base = gdt;
  cpu.gdtr.limit = 23;
  cpu.mmu->set_cr0(cpu.cr0);
  load_flat_segments(cpu, 0x08, 0x10);  // CPL 0; matches the GDT above
}

}  // namespace rz
