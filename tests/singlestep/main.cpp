// tests/singlestep/main.cpp: rz_singlestep, the SingleStepTests runner.
//
//   rz_singlestep [--filter FORM[,FORM...]] [--max-failures-shown K] [--quiet] FILE...
//
// FILE is a .jsonl or .jsonl.gz file, one test per line (see case.h).  Every failure is
// reported with the test's form, index, disassembly and bytes and one line per mismatching
// register or RAM byte (the first K in full); then a per-form failure table, the skipped
// tests by reason, and finally the line "N passed, M failed".  Exit status 0 iff M == 0.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "tests/singlestep/case.h"
#include "tests/singlestep/runner.h"

namespace {

struct Options {
  std::vector<std::string> files;
  std::vector<std::string> filters;
  long max_shown = 20;
  bool quiet = false;
};

void usage() {
  std::fprintf(stderr,
               "usage: rz_singlestep [--filter FORM[,FORM...]] [--max-failures-shown K] "
               "[--quiet] FILE.jsonl[.gz]...\n"
               "  --filter FORM   run only this form (\"F7\" also matches F7.0-F7.7)\n");
}

bool parse_args(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      size_t n = std::strlen(name);
      if (a.size() > n && a.compare(0, n, name) == 0 && a[n] == '=') return argv[i] + n + 1;
      if (a == name && i + 1 < argc) return argv[++i];
      return nullptr;
    };
    if (const char* v = value("--filter")) {
      std::string s = v;
      for (size_t p = 0; p <= s.size();) {
        size_t q = s.find(',', p);
        if (q == std::string::npos) q = s.size();
        if (q > p) o.filters.push_back(s.substr(p, q - p));
        p = q + 1;
      }
    } else if (const char* v = value("--max-failures-shown")) {
      o.max_shown = std::strtol(v, nullptr, 10);
    } else if (a == "--quiet" || a == "-q") {
      o.quiet = true;
    } else if (a == "--help" || a == "-h") {
      usage();
      std::exit(0);
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "rz_singlestep: unknown option %s\n", a.c_str());
      return false;
    } else {
      o.files.push_back(a);
    }
  }
  return !o.files.empty();
}

bool form_selected(const Options& o, const std::string& form) {
  if (o.filters.empty()) return true;
  for (const std::string& f : o.filters) {
    if (form == f) return true;
    if (form.size() > f.size() && form.compare(0, f.size(), f) == 0 && form[f.size()] == '.')
      return true;
  }
  return false;
}

std::string bytes_hex(const std::vector<uint8_t>& b) {
  std::string s;
  char buf[4];
  for (uint8_t x : b) {
    std::snprintf(buf, sizeof buf, "%s%02X", s.empty() ? "" : " ", x);
    s += buf;
  }
  return s;
}

struct FormStats {
  long run = 0, failed = 0;
  std::string example;  // first failure: idx and first mismatch
};

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_args(argc, argv, opt)) {
    usage();
    return 2;
  }
  rz::ss::Runner runner;
  long passed = 0, failed = 0, skipped = 0, shown = 0;
  std::map<std::string, long> skip_reasons;
  std::map<std::string, FormStats> forms;
  std::string line, err;
  rz::ss::TestCase t;
  for (const std::string& path : opt.files) {
    rz::ss::LineReader reader(path);
    if (!reader.ok()) {
      std::fprintf(stderr, "rz_singlestep: %s: cannot open\n", path.c_str());
      ++failed;
      continue;
    }
    long lineno = 0;
    while (reader.next(line)) {
      ++lineno;
      if (!rz::ss::parse_case(line, t, err)) {
        std::printf("FAIL %s:%ld: unreadable test: %s\n", path.c_str(), lineno, err.c_str());
        ++failed;
        continue;
      }
      if (!form_selected(opt, t.form)) continue;
      rz::ss::Outcome o = runner.run(t);
      if (o.kind == rz::ss::Outcome::Skip) {
        ++skipped;
        ++skip_reasons[o.skip_reason];
        continue;
      }
      FormStats& fs = forms[t.form];
      ++fs.run;
      if (o.kind == rz::ss::Outcome::Pass) {
        ++passed;
        continue;
      }
      ++failed;
      if (++fs.failed == 1) fs.example = "idx " + std::to_string(t.idx) + " \"" + t.name + "\" (" + bytes_hex(t.bytes) + "): " + o.first;
      if (!opt.quiet && shown < opt.max_shown) {
        ++shown;
        std::printf("FAIL form %s idx %ld (%s:%ld) \"%s\"  bytes %s\n%s", t.form.c_str(), t.idx,
                    path.c_str(), lineno, t.name.c_str(), bytes_hex(t.bytes).c_str(),
                    o.details.c_str());
      }
    }
  }
  if (!opt.quiet && failed) {
    std::printf("\nfailures by form (failed/run, first failure):\n");
    for (const auto& [form, fs] : forms) {
      if (!fs.failed) continue;
      std::printf("  %-6s %3ld/%-3ld %s\n", form.c_str(), fs.failed, fs.run, fs.example.c_str());
    }
  }
  if (skipped) {
    std::printf("skipped: %ld (", skipped);
    bool first = true;
    for (const auto& [why, n] : skip_reasons) {
      std::printf("%s%s: %ld", first ? "" : "; ", why.c_str(), n);
      first = false;
    }
    std::printf(")\n");
  }
  std::printf("%ld passed, %ld failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
