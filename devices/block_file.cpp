// devices/block_file.cpp: raw image files behind the BlockDevice interface (see the
// header for the durability and snapshot rules).
#include "devices/block_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace rz {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw std::runtime_error(path + ": " + why);
}

}  // namespace

FileBlockDevice::FileBlockDevice(const std::string& path, const BlockFileOptions& opt)
    : path_(path), unit_(opt.unit ? opt.unit : 512), snapshot_(opt.snapshot) {
  if (path.empty()) throw std::runtime_error("empty image file name");
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) fail(path, std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail(path, std::strerror(EISDIR));
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) fail(path, "not a regular file or block device");

  bool want_rw = !opt.read_only && !opt.snapshot;
  if (want_rw) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
      fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ >= 0) fell_back_ = true;
    }
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd_ < 0) fail(path, std::strerror(errno));
  ro_ = opt.read_only || fell_back_;
  bool writes_file = want_rw && !fell_back_;

  // Two writers on one image corrupt it; a reader beside a writer sees torn data.
  if (::flock(fd_, (writes_file ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    int e = errno;
    ::close(fd_);
    fd_ = -1;
    if (e == EWOULDBLOCK) fail(path, "image is in use by another process or drive (locked)");
    fail(path, std::strerror(e));
  }

  off_t end = ::lseek(fd_, 0, SEEK_END);
  if (end < 0) {
    int e = errno;
    ::close(fd_);
    fd_ = -1;
    fail(path, std::strerror(e));
  }
  size_ = uint64_t(end);
  // Probe one byte so an unreadable object (some special files) fails now, not later.
  if (size_ > 0) {
    uint8_t b;
    if (::pread(fd_, &b, 1, 0) != 1) {
      int e = errno;
      ::close(fd_);
      fd_ = -1;
      fail(path, e ? std::strerror(e) : "cannot read");
    }
  }
  if (size_ == 0) {
    ::close(fd_);
    fd_ = -1;
    fail(path, "image is empty");
  }
  if (size_ % unit_ != 0) {
    ::close(fd_);
    fd_ = -1;
    fail(path, "image size " + std::to_string(size_) + " bytes is not a multiple of " +
                   std::to_string(unit_));
  }
}

FileBlockDevice::~FileBlockDevice() {
  if (fd_ < 0) return;
  if (!ro_ && !snapshot_) ::fdatasync(fd_);
  ::close(fd_);
}

bool FileBlockDevice::file_read(uint64_t off, uint8_t* dst, size_t n) {
  while (n) {
    ssize_t got = ::pread(fd_, dst, n, off_t(off));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;  // error, or the file shrank under us
    dst += got, off += uint64_t(got), n -= size_t(got);
  }
  return true;
}

bool FileBlockDevice::file_write(uint64_t off, const uint8_t* src, size_t n) {
  while (n) {
    ssize_t put = ::pwrite(fd_, src, n, off_t(off));
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    src += put, off += uint64_t(put), n -= size_t(put);
  }
  return true;
}

bool FileBlockDevice::read(uint64_t off, void* dst, size_t n) {
  if (off > size_ || n > size_ - off) return false;
  auto* out = static_cast<uint8_t*>(dst);
  if (overlay_.empty()) return file_read(off, out, n);
  // Unit by unit: overlay units from memory, runs of the others from the file.
  while (n) {
    uint64_t u = off / unit_;
    size_t within = size_t(off % unit_);
    size_t chunk = std::min<size_t>(n, unit_ - within);
    auto it = overlay_.find(u);
    if (it != overlay_.end()) {
      std::memcpy(out, it->second.data() + within, chunk);
    } else if (!file_read(off, out, chunk)) {
      return false;
    }
    out += chunk, off += chunk, n -= chunk;
  }
  return true;
}

bool FileBlockDevice::write(uint64_t off, const void* src, size_t n) {
  if (ro_ || off > size_ || n > size_ - off) return false;
  auto* in = static_cast<const uint8_t*>(src);
  if (!snapshot_) return file_write(off, in, n);
  while (n) {
    uint64_t u = off / unit_;
    size_t within = size_t(off % unit_);
    size_t chunk = std::min<size_t>(n, unit_ - within);
    auto it = overlay_.find(u);
    if (it == overlay_.end()) {
      std::vector<uint8_t> unit(unit_);
      if ((within != 0 || chunk != unit_) && !file_read(u * unit_, unit.data(), unit_))
        return false;
      it = overlay_.emplace(u, std::move(unit)).first;
    }
    std::memcpy(it->second.data() + within, in, chunk);
    in += chunk, off += chunk, n -= chunk;
  }
  return true;
}

bool FileBlockDevice::flush() {
  if (ro_ || snapshot_) return true;
  while (::fdatasync(fd_) != 0) {
    if (errno != EINTR) return false;
  }
  return true;
}

std::unique_ptr<BlockDevice> open_block_file(const std::string& path, const BlockFileOptions& opt) {
  return std::make_unique<FileBlockDevice>(path, opt);
}

}  // namespace rz
