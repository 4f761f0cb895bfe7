// tests/singlestep/case.cpp: JSON-line parsing and the (gzip) line reader.
#include "tests/singlestep/case.h"

#include <zlib.h>

#include <cstring>
#include <nlohmann/json.hpp>

namespace rz::ss {

namespace {

struct RegNames {
  const char* narrow;
  const char* wide;
};
constexpr RegNames kRegNames[kNumRegs] = {
    {"ax", "eax"}, {"cx", "ecx"}, {"dx", "edx"}, {"bx", "ebx"}, {"sp", "esp"},
    {"bp", "ebp"}, {"si", "esi"}, {"di", "edi"}, {"es", "es"},  {"cs", "cs"},
    {"ss", "ss"},  {"ds", "ds"},  {"fs", "fs"},  {"gs", "gs"},  {"ip", "eip"},
    {"flags", "eflags"}, {"cr0", "cr0"}, {"cr3", "cr3"}, {"dr6", "dr6"}, {"dr7", "dr7"},
};

bool parse_regs(const nlohmann::json& j, RegSet& out, std::string& err) {
  if (!j.is_object()) {
    err = "regs is not an object";
    return false;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    bool found = false;
    for (int r = 0; r < kNumRegs; ++r) {
      const bool narrow = k == kRegNames[r].narrow;
      const bool wide = k == kRegNames[r].wide;
      if (!narrow && !wide) continue;
      out.value[r] = it.value().get<uint32_t>();
      out.present[r] = true;
      out.wide[r] = wide && std::strcmp(kRegNames[r].narrow, kRegNames[r].wide) != 0;
      found = true;
      break;
    }
    if (!found) {
      err = "unknown register '" + k + "'";
      return false;
    }
  }
  return true;
}

bool parse_ram(const nlohmann::json& j, std::vector<std::pair<uint32_t, uint8_t>>& out) {
  if (j.is_null()) return true;
  if (!j.is_array()) return false;
  out.reserve(j.size());
  for (const auto& e : j) {
    if (!e.is_array() || e.size() != 2) return false;
    out.emplace_back(e[0].get<uint32_t>(), uint8_t(e[1].get<uint32_t>()));
  }
  return true;
}

}  // namespace

const char* reg_name(RegId r, bool wide) {
  return wide ? kRegNames[r].wide : kRegNames[r].narrow;
}

bool parse_case(const std::string& line, TestCase& out, std::string& err) {
  out = TestCase{};
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    err = "not a JSON object";
    return false;
  }
  try {
    out.name = j.value("name", "");
    out.form = j.value("form", "");
    out.idx = j.value("idx", -1L);
    for (const auto& b : j.at("bytes")) out.bytes.push_back(uint8_t(b.get<uint32_t>()));
    const auto& ini = j.at("initial");
    const auto& fin = j.at("final");
    if (!parse_regs(ini.at("regs"), out.initial, err)) return false;
    if (fin.contains("regs") && !parse_regs(fin.at("regs"), out.final_regs, err)) return false;
    if (!parse_ram(ini.value("ram", nlohmann::json()), out.initial_ram) ||
        !parse_ram(fin.value("ram", nlohmann::json()), out.final_ram)) {
      err = "bad ram list";
      return false;
    }
    if (j.contains("exception") && j["exception"].is_object()) {
      out.has_exception = true;
      out.exception = uint8_t(j["exception"].at("number").get<uint32_t>());
      out.flag_address = j["exception"].value("flag_address", 0u);
    }
  } catch (const nlohmann::json::exception& e) {
    err = e.what();
    return false;
  }
  if (!out.initial.present[kIP] || !out.initial.present[kCS] || !out.initial.present[kFlags]) {
    err = "initial regs lack cs, ip or flags";
    return false;
  }
  if (out.bytes.empty()) {
    err = "no instruction bytes";
    return false;
  }
  out.is286 = !out.initial.wide[kIP];
  if (out.form.empty()) {
    // Older files carry no form: derive one from the first opcode byte after prefixes.
    static const char* hex = "0123456789ABCDEF";
    for (uint8_t b : out.bytes) {
      if (b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x64 || b == 0x65 ||
          b == 0x66 || b == 0x67 || b == 0xF0 || b == 0xF2 || b == 0xF3)
        continue;
      out.form = {hex[b >> 4], hex[b & 15]};
      break;
    }
  }
  return true;
}

LineReader::LineReader(const std::string& path) : buf_(1 << 16) {
  file_ = gzopen(path.c_str(), "rb");
  if (file_) gzbuffer(static_cast<gzFile>(file_), 1 << 18);
}

LineReader::~LineReader() {
  if (file_) gzclose(static_cast<gzFile>(file_));
}

bool LineReader::next(std::string& line) {
  line.clear();
  gzFile f = static_cast<gzFile>(file_);
  for (;;) {
    if (!gzgets(f, buf_.data(), int(buf_.size()))) return !line.empty();
    size_t n = std::strlen(buf_.data());
    line.append(buf_.data(), n);
    if (n && buf_[n - 1] == '\n') {
      line.pop_back();
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;  // blank line
      return true;
    }
  }
}

}  // namespace rz::ss
