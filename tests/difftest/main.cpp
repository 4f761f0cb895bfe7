// tests/difftest/main.cpp: rz_difftest, the host-CPU differential tester (see README.md).
//
//   rz_difftest --count N --seed S [--filter REGEX] [--group NAME] [--verbose] [--list]
//               [--case K] [--max-report K] [--native PATH]
//
// Case k uses an RNG seeded from (S, k), so `--seed S --case k` replays one case.  The
// last line of the output is exactly "N passed, M failed"; the exit status is 0 iff M == 0.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "tests/difftest/difftest.h"

#ifndef RZ_DIFFTEST_NATIVE
#define RZ_DIFFTEST_NATIVE "rz_difftest_native"
#endif

namespace rz::difftest {

std::string hex_bytes(const uint8_t* p, size_t n) {
  std::string s;
  char b[4];
  for (size_t k = 0; k < n; ++k) {
    std::snprintf(b, sizeof b, k ? " %02x" : "%02x", p[k]);
    s += b;
  }
  return s;
}

namespace {

const char* const kRegNames[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};

std::string row_name(const OpTable& t, uint16_t idx) {
  const OpRow& r = t.rows()[idx];
  char b[96];
  const char* map = r.map == kMap0F ? "0f " : r.map == kMap0F38 ? "0f38 " : r.map == kMap0F3A ? "0f3a " : "";
  std::snprintf(b, sizeof b, "%s %s [%s%02x", r.mnemonic, r.form, map, r.opcode);
  std::string s = b;
  if (r.reg != kAny) s += " /" + std::to_string(r.reg);
  if (r.mod == 3) s += " reg";
  if (r.mod == 0) s += " mem";
  if (r.rm != kAny) s += " rm" + std::to_string(r.rm);
  return s + "]";
}

std::string flag_names(uint32_t f) {
  static const struct { uint32_t bit; const char* name; } kF[] = {
      {CF, "CF"}, {PF, "PF"}, {AF, "AF"}, {ZF, "ZF"}, {SF, "SF"}, {TF, "TF"}, {IF, "IF"},
      {DF, "DF"}, {OF, "OF"}, {IOPL, "IOPL"}, {NT, "NT"}, {AC, "AC"}, {ID, "ID"}};
  std::string s;
  for (auto& x : kF)
    if (f & x.bit) s += (s.empty() ? "" : " ") + std::string(x.name);
  return s;
}

std::string vec_name(int32_t v) {
  static const char* const kV[] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF",
                                   "9",   "#TS", "#NP", "#SS", "#GP", "#PF", "15",  "#MF", "#AC", "#MC", "#XM"};
  if (v == DT_TRAP_NONE) return "none";
  if (v == DT_TRAP_TIMEOUT) return "TIMEOUT";
  if (v >= 0 && v < 20) return kV[v];
  return std::to_string(v);
}

// The helper's own robustness, checked before every run: it must survive a case whose ESP
// points into its signal stack (the kernel took that for a nested signal and ran off the
// stack: seed 7 case 625906 killed it), and a helper that dies anyway must be reported with
// the case and replaced.  Returns what went wrong, or an empty string.
std::string selftest(Native& native) {
  const dt_hello h = native.hello();
  const uint32_t sp[] = {h.altstack - 4,          h.altstack,         h.altstack + 4,
                         h.altstack + 0x100,      h.altstack + 0x542, h.altstack + h.altstack_size / 2,
                         h.altstack + h.altstack_size - 4, h.altstack + h.altstack_size};
  struct Insn { uint8_t b[2]; uint32_t len; int32_t vec; };
  const Insn insns[] = {{{0x90, 0}, 1, DT_TRAP_NONE}, {{0x0F, 0x0B}, 2, 6}};  // NOP, UD2
  std::vector<dt_case> in;
  for (uint32_t e : sp)
    for (const Insn& k : insns) {
      dt_case c{};
      for (int r = 0; r < 8; ++r) c.regs[r] = 0x11111111u * uint32_t(r + 1);
      c.regs[4] = e;
      c.eflags = 0x202;
      std::memcpy(c.code, k.b, k.len);
      c.len = k.len;
      in.push_back(c);
    }
  const size_t n_esp = in.size();
  dt_case die = in[0];
  die.flags = DT_CASE_SELFTEST_DIE;
  in.push_back(die);
  in.push_back(in[0]);  // runs on the restarted helper
  std::vector<dt_result> out(in.size());
  char b[200];
  size_t got = native.run(in.data(), out.data(), in.size());
  if (got < n_esp) {
    std::snprintf(b, sizeof b, "helper died (%s) with ESP=%08x", native.death().c_str(),
                  in[got].regs[4]);
    return b;
  }
  for (size_t j = 0; j < n_esp; ++j) {
    const Insn& k = insns[j % 2];
    if (out[j].vector != k.vec || out[j].eip != DT_CODE_INSN + (k.vec < 0 ? k.len : 0) ||
        std::memcmp(out[j].regs, in[j].regs, sizeof out[j].regs) != 0) {
      std::snprintf(b, sizeof b, "ESP=%08x %s: vector %d eip %08x esp %08x", in[j].regs[4],
                    k.vec < 0 ? "NOP" : "UD2", out[j].vector, out[j].eip, out[j].regs[4]);
      return b;
    }
  }
  if (got != n_esp) return "a deliberately killed helper was not reported at its case";
  if (native.death().empty()) return "no death reason for the killed helper";
  if (native.run(&in.back(), &out.back(), 1) != 1 || out.back().vector != DT_TRAP_NONE)
    return "the restarted helper does not run cases";
  return "";
}

// Differences between the host (n) and ringzero (e) results; empty if they agree.
std::string compare(const Case& c, const dt_result& n, const dt_result& e) {
  std::string d;
  char b[160];
  if (n.vector == DT_TRAP_TIMEOUT) return "host helper timed out (instruction hangs)";
  if (n.vector != e.vector) {
    std::snprintf(b, sizeof b, "exception: host %s, ringzero %s; ", vec_name(n.vector).c_str(),
                  vec_name(e.vector).c_str());
    d += b;
  }
  if (n.eip != e.eip) {
    std::snprintf(b, sizeof b, "eip: host %08x ringzero %08x; ", n.eip, e.eip);
    d += b;
  }
  if (n.vector == e.vector && (n.vector == 10 || n.vector == 11 || n.vector == 12 ||
                               n.vector == 13 || n.vector == 17) && n.error != e.error) {
    std::snprintf(b, sizeof b, "error code: host %x ringzero %x; ", n.error, e.error);
    d += b;
  }
  for (int k = 0; k < 8; ++k) {
    if ((n.regs[k] ^ e.regs[k]) & ~c.reg_undef[k]) {
      std::snprintf(b, sizeof b, "%s: host %08x ringzero %08x; ", kRegNames[k], n.regs[k], e.regs[k]);
      d += b;
    }
  }
  const uint32_t fm = kComparedFlags & ~c.undef_flags;
  if ((n.eflags ^ e.eflags) & fm) {
    std::snprintf(b, sizeof b, "eflags: host %08x ringzero %08x (differ: %s; undefined: %s); ",
                  n.eflags, e.eflags, flag_names((n.eflags ^ e.eflags) & fm).c_str(),
                  flag_names(c.undef_flags).c_str());
    d += b;
  }
  for (uint32_t k = 0; k < DT_WIN_SIZE; ++k) {
    if (k >= c.mem_undef_lo && k < c.mem_undef_hi) continue;
    if (n.mem[k] != e.mem[k]) {
      std::snprintf(b, sizeof b, "memory at window+%02x (%08x): host %02x ringzero %02x; ", k,
                    DT_WIN_BASE + k, n.mem[k], e.mem[k]);
      d += b;
      break;
    }
  }
  if (c.in.flags & DT_CASE_SIMD) d += simd_diff(n.fx, e.fx, c.fx_undef);
  if (n.outside_dirty != e.outside_dirty) {
    std::snprintf(b, sizeof b, "write outside the window: host %u ringzero %u; ", n.outside_dirty,
                  e.outside_dirty);
    d += b;
  }
  return d;
}

std::string describe_state(const uint32_t* regs, uint32_t eflags) {
  std::string s;
  char b[40];
  for (int k = 0; k < 8; ++k) {
    std::snprintf(b, sizeof b, "%s=%08x ", kRegNames[k], regs[k]);
    s += b;
  }
  std::snprintf(b, sizeof b, "eflags=%08x", eflags);
  return s + b;
}

uint64_t case_seed(uint64_t seed, uint64_t k) {
  Rng r(seed ^ (k * 0xD1B54A32D192ED03ull));
  return r.next();
}

struct Options {
  uint64_t count = 1000, seed = 1;
  std::string filter, group, native = RZ_DIFFTEST_NATIVE;
  bool verbose = false, list = false;
  int64_t one_case = -1;
  unsigned pairs = 25;  // percent of cases that are producer+consumer pairs
  bool strict = false;  // compare undefined flags too (informative: host vs ringzero choice)
  uint64_t max_report = 20;
};

bool parse(int argc, char** argv, Options& o) {
  for (int k = 1; k < argc; ++k) {
    std::string a = argv[k];
    auto val = [&]() -> const char* { return k + 1 < argc ? argv[++k] : nullptr; };
    const char* v = nullptr;
    if (a == "--count" && (v = val())) o.count = std::strtoull(v, nullptr, 0);
    else if (a == "--seed" && (v = val())) o.seed = std::strtoull(v, nullptr, 0);
    else if (a == "--filter" && (v = val())) o.filter = v;
    else if (a == "--native" && (v = val())) o.native = v;
    else if (a == "--group" && (v = val())) o.group = v;
    else if (a == "--case" && (v = val())) o.one_case = std::strtoll(v, nullptr, 0);
    else if (a == "--max-report" && (v = val())) o.max_report = std::strtoull(v, nullptr, 0);
    else if (a == "--pairs" && (v = val())) o.pairs = unsigned(std::strtoul(v, nullptr, 0));
    else if (a == "--verbose") o.verbose = true;
    else if (a == "--strict") o.strict = true;
    else if (a == "--list") o.list = true;
    else {
      std::fprintf(stderr,
                   "usage: rz_difftest --count N --seed S [--filter REGEX] [--group NAME]\n"
                   "                   [--verbose] [--list]\n"
                   "                   [--case K] [--max-report K] [--pairs PERCENT] [--strict]\n"
                   "                   [--native PATH]\n"
                   "groups: %s\n",
                   group_names());
      return false;
    }
  }
  return true;
}

struct RowStats {
  uint64_t pass = 0, fail = 0;
};

int run(const Options& o) {
  const OpTable& t = instruction_table();
  std::vector<RowPlan> plans;
  std::vector<uint16_t> rows;
  std::regex re(o.filter.empty() ? ".*" : o.filter);
  for (size_t k = 0; k < t.rows().size(); ++k) {
    plans.push_back(plan_row(t.rows()[k]));
    const std::string name = row_name(t, uint16_t(k));
    if (o.list)
      std::printf("%-44s %s%s\n", name.c_str(), plans.back().kind == Kind::Skip ? "SKIP: " : "covered",
                  plans.back().why);
    bool in_group = true;
    if (!o.group.empty()) {
      bool known = false;
      in_group = group_has_row(o.group, t.rows()[k], plans.back(), &known);
      if (!known) {
        std::printf("unknown --group '%s' (groups: %s)\n0 passed, 1 failed\n", o.group.c_str(),
                    group_names());
        return 1;
      }
    }
    if (plans.back().kind != Kind::Skip && in_group && std::regex_search(name, re))
      rows.push_back(uint16_t(k));
  }
  if (o.list) return 0;
  // Pair cases: A from the selected Plain rows, B from the flag consumers (pairs.cpp).
  std::vector<uint16_t> a_rows, b_rows;
  // Half of the producers are the compare-like rows whose lazy records have fast paths.
  std::vector<uint16_t> a_cmp;
  for (uint16_t k : rows) {
    if (plans[k].kind != Kind::Plain) continue;
    a_rows.push_back(k);
    const char* m = t.rows()[k].mnemonic;
    for (const char* x : {"CMP", "SUB", "TEST", "AND", "OR", "XOR", "ADD", "NEG", "SBB", "ADC"})
      if (std::strcmp(m, x) == 0) a_cmp.push_back(k);
  }
  if (a_cmp.empty()) a_cmp = a_rows;
  for (size_t k = 0; k < t.rows().size(); ++k) {
    const RowPlan& bp = plans[k];
    if ((bp.kind == Kind::Plain || bp.kind == Kind::Branch) && !bp.fi.m_only && !bp.fi.moffs &&
        consumer_reads(t.rows()[k], bp) != ~0u)
      b_rows.push_back(uint16_t(k));
  }
  if (rows.empty()) {
    std::printf("no instruction-table row matches the filter\n0 passed, 1 failed\n");
    return 1;
  }

  Native native(o.native);
  if (std::string e = selftest(native); !e.empty()) {
    std::printf("native helper self-test failed: %s\n0 passed, 1 failed\n", e.c_str());
    return 1;
  }
  Emulator emu(native.hello());
  const uint64_t first = o.one_case >= 0 ? uint64_t(o.one_case) : 0;
  const uint64_t total = o.one_case >= 0 ? 1 : o.count;
  uint64_t passed = 0, failed = 0, reported = 0, dropped = 0;
  std::map<uint16_t, RowStats> stats;
  std::map<int32_t, uint64_t> outcomes;  // host outcome (vector) -> cases
  constexpr size_t kChunk = 4096;
  std::vector<Case> cases;
  std::vector<dt_case> ins;
  std::vector<dt_result> nat(kChunk);
  std::vector<uint64_t> ids;
  std::vector<std::string> died;  // per case: how the helper died running it, or empty
  for (uint64_t base = 0; base < total; base += kChunk) {
    const uint64_t n = std::min<uint64_t>(kChunk, total - base);
    cases.clear();
    ins.clear();
    ids.clear();
    for (uint64_t j = 0; j < n; ++j) {
      const uint64_t id = first + base + j;
      Rng rng(case_seed(o.seed, id));
      Case c;
      bool ok = false;
      const bool pair = !a_rows.empty() && !b_rows.empty() && rng.chance(o.pairs);
      for (int attempt = 0; attempt < 50 && !ok; ++attempt) {
        if (pair) {
          const std::vector<uint16_t>& pool = rng.chance(50) ? a_cmp : a_rows;
          uint16_t ra = pool[rng.below(uint32_t(pool.size()))];
          uint16_t rb = b_rows[rng.below(uint32_t(b_rows.size()))];
          ok = generate_pair(t, ra, plans[ra], rb, plans[rb], rng, c);
        } else {
          uint16_t row = rows[rng.below(uint32_t(rows.size()))];
          ok = generate(t, row, plans[row], rng, c);
        }
        if (!ok) ++dropped;
      }
      if (!ok) continue;
      if (o.strict) c.undef_flags = 0;
      cases.push_back(c);
      ins.push_back(c.in);
      ids.push_back(id);
    }
    // A case that kills the helper is a failure of that case (the helper must survive any
    // instruction); Native starts a new helper and the rest of the chunk goes on.
    died.assign(ins.size(), std::string());
    for (size_t pos = 0, streak = 0; pos < ins.size();) {
      const size_t got = native.run(ins.data() + pos, nat.data() + pos, ins.size() - pos);
      pos += got;
      streak = got ? 0 : streak + 1;
      if (pos == ins.size()) break;
      died[pos++] = native.death();
      if (streak >= 16) {
        std::printf("the native helper died on 16 cases in a row (last #%" PRIu64 ", %s)\n"
                    "%" PRIu64 " passed, %" PRIu64 " failed\n",
                    ids[pos - 1], native.death().c_str(), passed, failed + 1);
        return 1;
      }
    }
    for (size_t j = 0; j < cases.size(); ++j) {
      const Case& c = cases[j];
      if (!died[j].empty()) {
        ++failed;
        ++stats[c.row].fail;
        if (o.verbose || reported < o.max_report) {
          ++reported;
          std::string name = row_name(t, c.row);
          if (c.second_row >= 0) name += " + " + row_name(t, uint16_t(c.second_row));
          std::printf("FAIL #%" PRIu64 " %s  bytes: %s  (osz %u asz %u%s)\n", ids[j],
                      name.c_str(), hex_bytes(c.in.code, c.in.len).c_str(), c.osz * 8,
                      c.asz * 8, c.mem ? ", memory operand" : "");
          std::printf("  in:       %s\n", describe_state(c.in.regs, c.in.eflags).c_str());
          std::printf("  host:     the native helper died running this case (%s); restarted\n",
                      died[j].c_str());
        }
        continue;
      }
      dt_result emu_out{};
      emu.run(c.in, c.steps, emu_out);
      std::string name = row_name(t, c.row);
      if (c.second_row >= 0) name += " + " + row_name(t, uint16_t(c.second_row));
      std::string d = compare(c, nat[j], emu_out);
      RowStats& rs = stats[c.row];
      ++outcomes[nat[j].vector];
      if (d.empty()) {
        ++passed;
        ++rs.pass;
        if (o.verbose)
          std::printf("ok   #%" PRIu64 " %s: %s -> %s\n", ids[j], name.c_str(),
                      hex_bytes(c.in.code, c.in.len).c_str(), vec_name(nat[j].vector).c_str());
        continue;
      }
      ++failed;
      ++rs.fail;
      if (o.verbose || reported < o.max_report) {
        ++reported;
        std::printf("FAIL #%" PRIu64 " %s  bytes: %s  (osz %u asz %u%s)\n", ids[j],
                    name.c_str(), hex_bytes(c.in.code, c.in.len).c_str(),
                    c.osz * 8, c.asz * 8, c.mem ? ", memory operand" : "");
        std::printf("  in:       %s\n", describe_state(c.in.regs, c.in.eflags).c_str());
        std::printf("  host:     %s vec=%s eip=%08x\n", describe_state(nat[j].regs, nat[j].eflags).c_str(),
                    vec_name(nat[j].vector).c_str(), nat[j].eip);
        std::printf("  ringzero: %s vec=%s eip=%08x\n", describe_state(emu_out.regs, emu_out.eflags).c_str(),
                    vec_name(emu_out.vector).c_str(), emu_out.eip);
        if (c.in.flags & DT_CASE_SIMD) {
          std::printf("  simd in:  %s", describe_simd(c.in.fx).c_str());
          if (c.mem)
            std::printf("  memory operand at window+%02x: %s\n", c.win_off,
                        hex_bytes(c.in.mem + c.win_off,
                                  std::min<uint32_t>(16, DT_WIN_SIZE - c.win_off)).c_str());
        }
        std::printf("  diff: %s\n", d.c_str());
      }
    }
  }
  if (failed) {
    std::printf("failing rows (pass/fail):\n");
    for (auto& [row, s] : stats)
      if (s.fail)
        std::printf("  %-44s %" PRIu64 "/%" PRIu64 "\n", row_name(t, row).c_str(), s.pass, s.fail);
  }
  std::printf("host outcomes:");
  for (auto& [v, n] : outcomes) std::printf(" %s %" PRIu64, vec_name(v).c_str(), n);
  std::printf("\n");
  std::printf("rows exercised: %zu of %zu eligible; generator retries: %" PRIu64 "\n",
              stats.size(), rows.size(), dropped);
  std::printf("%" PRIu64 " passed, %" PRIu64 " failed\n", passed, failed);
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace rz::difftest

int main(int argc, char** argv) {
  rz::difftest::Options o;
  if (!rz::difftest::parse(argc, argv, o)) {
    std::printf("0 passed, 1 failed\n");
    return 2;
  }
  try {
    return rz::difftest::run(o);
  } catch (const std::exception& e) {
    std::printf("error: %s\n0 passed, 1 failed\n", e.what());
    return 1;
  }
}
