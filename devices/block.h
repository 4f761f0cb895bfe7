// devices/block.h: the block-device interface disk controllers (IDE/ATAPI, floppy) read
// and write through, so they never see files.  Offsets and lengths are in bytes; the
// controller checks them against size() (a request past the end is the guest's error,
// reported by the controller the way the chip does, never passed on).
//
// Host-side failures (I/O error on the image file) come back as false; the controller
// turns them into the chip's error status.  Nothing here throws on guest input.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace rz {

class BlockDevice {
 public:
  virtual ~BlockDevice() = default;
  virtual uint64_t size() const = 0;
  virtual bool read_only() const = 0;
  virtual bool read(uint64_t offset, void* dst, size_t n) = 0;
  virtual bool write(uint64_t offset, const void* src, size_t n) = 0;
  // Make earlier writes durable (FLUSH CACHE); also done on close.
  virtual bool flush() = 0;
  // For messages: the file name, or a description.
  virtual const std::string& name() const = 0;
};

// A disk in host memory (tests, generated images).
class MemoryBlockDevice : public BlockDevice {
 public:
  MemoryBlockDevice(std::vector<uint8_t> data, bool read_only = false, std::string name = "memory")
      : data_(std::move(data)), ro_(read_only), name_(std::move(name)) {}
  uint64_t size() const override { return data_.size(); }
  bool read_only() const override { return ro_; }
  bool read(uint64_t off, void* dst, size_t n) override {
    if (off > data_.size() || n > data_.size() - off) return false;
    std::memcpy(dst, data_.data() + off, n);
    return true;
  }
  bool write(uint64_t off, const void* src, size_t n) override {
    if (ro_ || off > data_.size() || n > data_.size() - off) return false;
    std::memcpy(data_.data() + off, src, n);
    return true;
  }
  bool flush() override { return true; }
  const std::string& name() const override { return name_; }
  std::vector<uint8_t>& data() { return data_; }

 private:
  std::vector<uint8_t> data_;
  bool ro_;
  std::string name_;
};

}  // namespace rz
