// devices/serialize.h: one byte-stream serializer used both to save and to load device
// state (style.md practice 10).  A device's serialize(Serializer&) lists its fields once;
// the same call writes them when saving and reads them back when loading, so the two can
// never drift apart.  Loading from a short or corrupt stream never reads out of bounds:
// it marks the stream bad and leaves the remaining fields zeroed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace rz {

class Serializer {
 public:
  enum class Mode { Save, Load };

  // A saving serializer (empty stream).
  Serializer() : mode_(Mode::Save) {}
  // A loading serializer over `data`.
  explicit Serializer(std::vector<uint8_t> data) : mode_(Mode::Load), buf_(std::move(data)) {}

  bool saving() const { return mode_ == Mode::Save; }
  bool loading() const { return mode_ == Mode::Load; }
  bool ok() const { return ok_; }
  const std::vector<uint8_t>& data() const { return buf_; }

  // Raw bytes in either direction.
  void bytes(void* p, size_t n) {
    if (saving()) {
      const auto* b = static_cast<const uint8_t*>(p);
      buf_.insert(buf_.end(), b, b + n);
      return;
    }
    if (!ok_ || buf_.size() - pos_ < n) {
      ok_ = false;
      std::memset(p, 0, n);
      return;
    }
    std::memcpy(p, buf_.data() + pos_, n);
    pos_ += n;
  }

  // Any trivially copyable value (integers, bools, enums, plain arrays, plain structs).
  template <typename T>
  void operator()(T& v) {
    static_assert(std::is_trivially_copyable_v<T>, "serialize plain data only");
    bytes(&v, sizeof(T));
  }

  // A vector of plain values, length first.  The loaded length is capped by `max_len`
  // so a corrupt stream cannot make the host allocate without bound.
  template <typename T>
  void vec(std::vector<T>& v, size_t max_len) {
    static_assert(std::is_trivially_copyable_v<T>, "serialize plain data only");
    uint32_t n = uint32_t(v.size());
    (*this)(n);
    if (loading()) {
      if (n > max_len) {
        ok_ = false;
        n = 0;
      }
      v.assign(n, T{});
    }
    if (n) bytes(v.data(), n * sizeof(T));
  }

 private:
  Mode mode_;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace rz
