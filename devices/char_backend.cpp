// devices/char_backend.cpp: the file and memory serial back-ends.
#include "devices/char_backend.h"

#include <stdexcept>

namespace rz {

FileCharBackend::FileCharBackend(const std::string& out_path, const std::string& in_path) {
  out_ = std::fopen(out_path.c_str(), "ab");
  if (!out_) throw std::runtime_error("serial: cannot open " + out_path);
  if (!in_path.empty()) {
    in_ = std::fopen(in_path.c_str(), "rb");
    if (!in_) {
      std::fclose(out_);
      throw std::runtime_error("serial: cannot open " + in_path);
    }
  }
}

FileCharBackend::~FileCharBackend() {
  if (out_) std::fclose(out_);
  if (in_) std::fclose(in_);
}

void FileCharBackend::write(uint8_t byte) {
  std::fputc(byte, out_);
  if (byte == '\n') std::fflush(out_);
}

size_t FileCharBackend::read(uint8_t* buf, size_t max) {
  if (!in_ || max == 0) return 0;
  return std::fread(buf, 1, max, in_);
}

size_t MemoryCharBackend::read(uint8_t* buf, size_t max) {
  size_t n = 0;
  while (n < max && in_pos_ < input.size()) buf[n++] = input[in_pos_++];
  return n;
}

}  // namespace rz
