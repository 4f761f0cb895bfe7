// bios/fw_cfg.cpp
#include "bios/fw_cfg.h"

#include <algorithm>
#include <cstring>

namespace rz {

namespace {

void put_be(std::vector<uint8_t>& v, uint64_t x, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) v.push_back(uint8_t(x >> (8 * i)));
}
uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3]; }

constexpr uint32_t kDmaError = 1, kDmaRead = 2, kDmaSkip = 4, kDmaSelect = 8, kDmaWrite = 0x10;

}  // namespace

FwCfg::FwCfg(PortBus& bus, PhysMem& mem) : mem_(mem) {
  set_item(kSignature, {'Q', 'E', 'M', 'U'});
  set_u32(kId, 3);  // traditional interface + DMA
  rebuild_dir();

  PortHandler sel;
  sel.widths = 1 | 2;
  sel.read = [](uint16_t, unsigned) -> uint32_t { return 0; };
  sel.write = [this](uint16_t, unsigned size, uint32_t v) {
    if (size == 2) select(uint16_t(v));
  };
  bus.map(kPortSelector, 1, std::move(sel), "fw_cfg selector");

  PortHandler data;
  data.read = [this](uint16_t, unsigned) -> uint32_t { return read_data(); };
  data.write = [](uint16_t, unsigned, uint32_t) {};  // writes through the data port are ignored
  bus.map(kPortData, 1, std::move(data), "fw_cfg data");

  PortHandler d;
  d.widths = 1 | 2 | 4;
  d.read = [](uint16_t port, unsigned size) -> uint32_t {
    // The DMA register reads back the signature "QEMU CFG" (big-endian).
    static const uint8_t sig[8] = {'Q', 'E', 'M', 'U', ' ', 'C', 'F', 'G'};
    uint32_t v = 0;
    for (unsigned k = 0; k < size; ++k) {
      unsigned off = (port - kPortDma) + k;
      v |= uint32_t(off < 8 ? sig[off] : 0) << (8 * k);
    }
    return v;
  };
  d.write = [this](uint16_t port, unsigned size, uint32_t v) {
    if (size != 4) return;
    // Guests write the big-endian address with 32-bit OUTs: byte-swap back.
    uint32_t x = __builtin_bswap32(v);
    if (port == kPortDma) dma_hi_ = x;
    else if (port == kPortDma + 4) dma((uint64_t(dma_hi_) << 32) | x);
  };
  bus.map(kPortDma, 8, std::move(d), "fw_cfg dma");
}

void FwCfg::set_item(uint16_t key, std::vector<uint8_t> data) { items_[key] = std::move(data); }
void FwCfg::set_u16(uint16_t key, uint16_t v) { set_item(key, {uint8_t(v), uint8_t(v >> 8)}); }
void FwCfg::set_u32(uint16_t key, uint32_t v) {
  std::vector<uint8_t> d(4);
  std::memcpy(d.data(), &v, 4);
  set_item(key, std::move(d));
}
void FwCfg::set_u64(uint16_t key, uint64_t v) {
  std::vector<uint8_t> d(8);
  std::memcpy(d.data(), &v, 8);
  set_item(key, std::move(d));
}

void FwCfg::add_file(const std::string& name, std::vector<uint8_t> data) {
  auto it = files_.find(name);
  uint16_t key = it != files_.end() ? it->second : next_file_key_++;
  files_[name] = key;
  set_item(key, std::move(data));
  rebuild_dir();
}

const std::vector<uint8_t>* FwCfg::item(uint16_t key) const {
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : &it->second;
}

void FwCfg::rebuild_dir() {
  // Entries sorted by name, as QEMU does.
  std::vector<uint8_t> dir;
  put_be(dir, files_.size(), 4);
  for (const auto& [name, key] : files_) {
    put_be(dir, items_[key].size(), 4);
    put_be(dir, key, 2);
    put_be(dir, 0, 2);
    char n[56] = {};
    std::strncpy(n, name.c_str(), sizeof(n) - 1);
    dir.insert(dir.end(), n, n + 56);
  }
  items_[kFileDir] = std::move(dir);
}

void FwCfg::select(uint16_t key) {
  selector_ = key;
  offset_ = 0;
}

uint8_t FwCfg::read_data() {
  auto it = items_.find(selector_);
  if (it == items_.end() || offset_ >= it->second.size()) return 0;
  return it->second[offset_++];
}

void FwCfg::dma(uint64_t addr) {
  if (addr >> 32) return;  // no RAM above 4 GiB
  uint8_t desc[16];
  mem_.read_block(uint32_t(addr), desc, 16);
  uint32_t control = be32(desc), length = be32(desc + 4);
  uint64_t target = (uint64_t(be32(desc + 8)) << 32) | be32(desc + 12);
  if (control & kDmaSelect) select(uint16_t(control >> 16));
  uint32_t status = 0;
  auto it = items_.find(selector_);
  const std::vector<uint8_t>* data = it == items_.end() ? nullptr : &it->second;
  if (target >> 32 && (control & (kDmaRead | kDmaWrite))) {
    status = kDmaError;
  } else if (control & kDmaRead) {
    // Bytes past the end of the item read as zero.
    std::vector<uint8_t> buf(length, 0);
    if (data && offset_ < data->size()) {
      size_t n = std::min<size_t>(length, data->size() - offset_);
      std::memcpy(buf.data(), data->data() + offset_, n);
    }
    mem_.write_block(uint32_t(target), buf.data(), buf.size());
    offset_ += length;
  } else if (control & kDmaSkip) {
    offset_ += length;
  } else if (control & kDmaWrite) {
    status = kDmaError;  // all items are read-only here
  }
  uint8_t done[4] = {uint8_t(status >> 24), uint8_t(status >> 16), uint8_t(status >> 8),
                     uint8_t(status)};
  mem_.write_block(uint32_t(addr), done, 4);
}

}  // namespace rz
