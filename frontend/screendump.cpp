// frontend/screendump.cpp: PNG encoding and decoding through libspng, and the text page
// printer for --text-screen.
#include "frontend/screendump.h"

#include <spng.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace rz {

namespace {

struct CtxFree {
  void operator()(spng_ctx* c) const { spng_ctx_free(c); }
};
struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}

}  // namespace

void write_png(const std::string& path, const DisplayFrame& f) {
  if (f.width == 0 || f.height == 0 || f.pixels.size() != size_t(f.width) * f.height)
    fail(path, "no picture to write");
  std::vector<uint8_t> rgb(size_t(f.width) * f.height * 3);
  for (size_t i = 0; i < f.pixels.size(); ++i) {
    uint32_t p = f.pixels[i];
    rgb[3 * i] = uint8_t(p >> 16);
    rgb[3 * i + 1] = uint8_t(p >> 8);
    rgb[3 * i + 2] = uint8_t(p);
  }
  std::unique_ptr<FILE, FileClose> file(std::fopen(path.c_str(), "wb"));
  if (!file) fail(path, std::string("cannot open for writing: ") + std::strerror(errno));
  std::unique_ptr<spng_ctx, CtxFree> ctx(spng_ctx_new(SPNG_CTX_ENCODER));
  if (!ctx) fail(path, "cannot create a PNG encoder");
  spng_ihdr ihdr{};
  ihdr.width = f.width;
  ihdr.height = f.height;
  ihdr.bit_depth = 8;
  ihdr.color_type = SPNG_COLOR_TYPE_TRUECOLOR;
  int err = spng_set_png_file(ctx.get(), file.get());
  if (!err) err = spng_set_ihdr(ctx.get(), &ihdr);
  if (!err) err = spng_encode_image(ctx.get(), rgb.data(), rgb.size(), SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE);
  if (err) fail(path, std::string("PNG encoding failed: ") + spng_strerror(err));
  ctx.reset();
  if (std::fclose(file.release()) != 0) fail(path, std::string("write error: ") + std::strerror(errno));
}

DisplayFrame read_png(const std::string& path) {
  std::unique_ptr<FILE, FileClose> file(std::fopen(path.c_str(), "rb"));
  if (!file) fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::unique_ptr<spng_ctx, CtxFree> ctx(spng_ctx_new(0));
  if (!ctx) fail(path, "cannot create a PNG decoder");
  spng_ihdr ihdr{};
  size_t len = 0;
  int err = spng_set_png_file(ctx.get(), file.get());
  if (!err) err = spng_get_ihdr(ctx.get(), &ihdr);
  if (!err) err = spng_decoded_image_size(ctx.get(), SPNG_FMT_RGB8, &len);
  std::vector<uint8_t> rgb;
  if (!err) {
    rgb.resize(len);
    err = spng_decode_image(ctx.get(), rgb.data(), len, SPNG_FMT_RGB8, 0);
  }
  if (err) fail(path, std::string("PNG decoding failed: ") + spng_strerror(err));
  DisplayFrame f;
  f.width = ihdr.width;
  f.height = ihdr.height;
  f.pixels.resize(size_t(f.width) * f.height);
  for (size_t i = 0; i < f.pixels.size(); ++i)
    f.pixels[i] = uint32_t(rgb[3 * i]) << 16 | uint32_t(rgb[3 * i + 1]) << 8 | rgb[3 * i + 2];
  return f;
}

void screendump(DisplaySource& src, const std::string& path) {
  DisplayFrame f;
  src.render(f);
  write_png(path, f);
}

bool print_text_screen(DisplaySource& src, FILE* out) {
  std::vector<std::string> lines;
  if (!src.text_page(lines)) {
    std::fputs("[the display is in a graphics mode: no text page]\n", out);
    return false;
  }
  for (const std::string& l : lines) {
    std::fputs(l.c_str(), out);
    std::fputc('\n', out);
  }
  std::fflush(out);
  return true;
}

}  // namespace rz
