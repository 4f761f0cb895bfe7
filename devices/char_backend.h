// devices/char_backend.h: the host side of a serial port.  A UART hands each byte it
// finishes sending to write(); the board's owner polls read() (non-blocking) and feeds
// what arrives to the UART, which paces it into the guest at the line's baud rate.
// Back-ends that need terminals or pseudo-terminals live in frontend/; the plain file
// and memory back-ends here need nothing but files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace rz {

class CharBackend {
 public:
  virtual ~CharBackend() = default;
  virtual void write(uint8_t byte) = 0;
  // Up to `max` bytes of pending input without blocking; 0 if none.
  virtual size_t read(uint8_t* buf, size_t max) {
    (void)buf, (void)max;
    return 0;
  }
};

// Appends output to a file (and reads input from an optional second file, once).
class FileCharBackend : public CharBackend {
 public:
  // Throws std::runtime_error if the output file cannot be opened.
  explicit FileCharBackend(const std::string& out_path, const std::string& in_path = "");
  ~FileCharBackend() override;
  FileCharBackend(const FileCharBackend&) = delete;
  FileCharBackend& operator=(const FileCharBackend&) = delete;
  void write(uint8_t byte) override;
  size_t read(uint8_t* buf, size_t max) override;

 private:
  std::FILE* out_ = nullptr;
  std::FILE* in_ = nullptr;
};

// Collects output in memory and serves queued input: tests and scripted consoles.
class MemoryCharBackend : public CharBackend {
 public:
  void write(uint8_t byte) override { output.push_back(byte); }
  size_t read(uint8_t* buf, size_t max) override;
  std::vector<uint8_t> output;
  std::vector<uint8_t> input;  // consumed from the front

 private:
  size_t in_pos_ = 0;
};

}  // namespace rz
