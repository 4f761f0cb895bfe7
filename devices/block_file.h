// devices/block_file.h: a raw disk, CD or floppy image file as a BlockDevice.
//
// Writes go straight to the file with pwrite when the guest writes (no host-side write
// cache), so an emulator that dies uncleanly loses nothing the guest had written;
// flush() (FLUSH CACHE, close) is fdatasync.  In snapshot mode the file is opened
// read-only and guest writes land in an in-memory overlay of whole units (the image's
// sector size), so the file is never changed.
//
// Opening checks everything a user can get wrong and throws std::runtime_error with a
// message "FILE: problem" (the frontend prefixes the option name): missing, unreadable,
// a directory, empty, a size that is not a multiple of the unit (512 for disks and
// floppies, 2048 for CD images), or locked by another writer.  After opening, nothing
// throws: host I/O errors come back as false (block.h).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "devices/block.h"

namespace rz {

struct BlockFileOptions {
  bool read_only = false;   // never write the file; the device reports read_only()
  bool snapshot = false;    // writes go to an overlay in memory; the file stays as it was
  uint32_t unit = 512;      // the image size must be a non-zero multiple of this
};

class FileBlockDevice : public BlockDevice {
 public:
  // Throws std::runtime_error("PATH: reason") on any problem.
  FileBlockDevice(const std::string& path, const BlockFileOptions& opt = {});
  ~FileBlockDevice() override;
  FileBlockDevice(const FileBlockDevice&) = delete;
  FileBlockDevice& operator=(const FileBlockDevice&) = delete;

  uint64_t size() const override { return size_; }
  bool read_only() const override { return ro_; }
  bool read(uint64_t offset, void* dst, size_t n) override;
  bool write(uint64_t offset, const void* src, size_t n) override;
  bool flush() override;
  const std::string& name() const override { return path_; }

  // True when read-write was wanted but the file is not writable, so it was opened
  // read-only (the frontend may say so).
  bool fell_back_to_read_only() const { return fell_back_; }
  bool snapshot() const { return snapshot_; }
  // Units held in the snapshot overlay.
  size_t overlay_units() const { return overlay_.size(); }

 private:
  bool file_read(uint64_t off, uint8_t* dst, size_t n);
  bool file_write(uint64_t off, const uint8_t* src, size_t n);

  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint32_t unit_ = 512;
  bool ro_ = false;
  bool snapshot_ = false;
  bool fell_back_ = false;
  // Snapshot overlay: unit index -> that unit's current contents.
  std::unordered_map<uint64_t, std::vector<uint8_t>> overlay_;
};

// Opens `path` and returns it as a BlockDevice (throws like the constructor).
std::unique_ptr<BlockDevice> open_block_file(const std::string& path, const BlockFileOptions& opt);

}  // namespace rz
