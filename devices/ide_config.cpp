// devices/ide_config.cpp: drive and boot-order specifications, and building the PC's
// IDE function from them (see ide_config.h).
#include "devices/ide_config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "devices/block_file.h"

namespace rz {

namespace {

[[noreturn]] void bad(const std::string& opt, const std::string& why) {
  throw std::runtime_error(opt + ": " + why);
}

// Split "a=b,c=d" into pairs; ",," stands for a comma inside a value.
std::vector<std::pair<std::string, std::string>> split_props(const std::string& v, const char* opt) {
  std::vector<std::string> parts(1);
  for (size_t k = 0; k < v.size(); ++k) {
    if (v[k] == ',' && k + 1 < v.size() && v[k + 1] == ',') {
      parts.back() += ',';
      ++k;
    } else if (v[k] == ',') {
      parts.emplace_back();
    } else {
      parts.back() += v[k];
    }
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& p : parts) {
    size_t eq = p.find('=');
    if (p.empty() || eq == std::string::npos || eq == 0)
      bad(opt, "expected KEY=VALUE, got '" + p + "'");
    out.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  return out;
}

bool parse_bool(const std::string& v, bool& out) {
  if (v == "on" || v == "true" || v == "yes") return out = true, true;
  if (v == "off" || v == "false" || v == "no") return out = false, true;
  return false;
}

bool parse_small(const std::string& v, unsigned max, unsigned& out) {
  if (v.empty() || v.size() > 3 || !std::all_of(v.begin(), v.end(), ::isdigit)) return false;
  out = unsigned(std::atoi(v.c_str()));
  return out <= max;
}

}  // namespace

IdeDriveSpec parse_drive_spec(const std::string& value) {
  const char* opt = "-drive";
  IdeDriveSpec d;
  d.option = opt;
  int bus = -1, unit = -1;
  for (auto& [k, v] : split_props(value, opt)) {
    if (k == "file") {
      if (v.empty()) bad(opt, "file= needs a file name");
      d.file = v;
    } else if (k == "if") {
      if (v != "ide") bad(opt, "only if=ide is supported, got if=" + v);
    } else if (k == "index") {
      unsigned n;
      if (!parse_small(v, 3, n)) bad(opt, "index must be 0-3, got '" + v + "'");
      d.index = int(n);
    } else if (k == "bus" || k == "unit") {
      unsigned n;
      if (!parse_small(v, 1, n)) bad(opt, k + " must be 0 or 1, got '" + v + "'");
      (k == "bus" ? bus : unit) = int(n);
    } else if (k == "media") {
      if (v == "cdrom") d.cdrom = true;
      else if (v == "disk") d.cdrom = false;
      else bad(opt, "media must be disk or cdrom, got '" + v + "'");
    } else if (k == "format") {
      if (v != "raw") bad(opt, "only format=raw is supported, got format=" + v);
    } else if (k == "bootindex") {
      unsigned n;
      if (!parse_small(v, 999, n)) bad(opt, "bootindex must be 0-999, got '" + v + "'");
      d.bootindex = int(n);
    } else if (k == "readonly") {
      if (!parse_bool(v, d.read_only)) bad(opt, "readonly must be on or off, got '" + v + "'");
    } else {
      bad(opt, "unknown property '" + k + "'");
    }
  }
  if (d.file.empty()) bad(opt, "file= is required");
  if (bus >= 0 || unit >= 0) {
    int idx = std::max(bus, 0) * 2 + std::max(unit, 0);
    if (d.index >= 0 && d.index != idx) bad(opt, "index= disagrees with bus=/unit=");
    d.index = idx;
  }
  if (d.cdrom) d.read_only = true;
  return d;
}

std::vector<uint8_t> parse_boot_spec(const std::string& value, unsigned* menu_ms) {
  const char* opt = "-boot";
  std::string order;
  bool menu_given = false;
  bool bare = value.find('=') == std::string::npos;
  if (bare) {
    order = value;
  } else {
    for (auto& [k, v] : split_props(value, opt)) {
      if (k == "order") {
        order = v;
      } else if (k == "menu") {
        bool b;
        if (!parse_bool(v, b)) bad(opt, "menu must be on or off, got '" + v + "'");
        menu_given = true;
        // SeaBIOS's own default wait (etc/boot-menu-wait), as QEMU gives it.
        if (menu_ms) *menu_ms = b ? 2500 : 0;
      } else {
        bad(opt, "unknown property '" + k + "' (supported: order=, menu=)");
      }
    }
  }
  if (order.empty() && menu_given) return {};  // -boot menu=on: the default order
  if (order.empty()) bad(opt, "empty boot order '" + value + "'");
  if (order.size() > 3) bad(opt, "at most three boot devices, got '" + order + "'");
  std::vector<uint8_t> codes;
  for (char c : order) {
    uint8_t code;
    switch (c) {
      case 'a': code = 1; break;
      case 'c': code = 2; break;
      case 'd': code = 3; break;
      case 'n': code = 4; break;
      default: bad(opt, std::string("unknown boot device '") + c + "' in '" + order + "' (a, c, d or n)");
    }
    if (std::find(codes.begin(), codes.end(), code) != codes.end())
      bad(opt, std::string("boot device '") + c + "' appears twice in '" + order + "'");
    codes.push_back(code);
  }
  return codes;
}

std::string ide_boot_path(unsigned index) {
  return "/pci@i0cf8/ide@1,1/drive@" + std::to_string(index >> 1) + "/disk@" +
         std::to_string(index & 1);
}

std::vector<std::string> ide_boot_order(const std::vector<IdeDriveSpec>& drives) {
  std::vector<const IdeDriveSpec*> v;
  for (const IdeDriveSpec& d : drives)
    if (d.bootindex >= 0) v.push_back(&d);
  std::stable_sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->bootindex < b->bootindex; });
  std::vector<std::string> lines;
  for (size_t k = 0; k < v.size(); ++k) {
    if (k > 0 && v[k]->bootindex == v[k - 1]->bootindex)
      bad("-drive", "bootindex " + std::to_string(v[k]->bootindex) + " is used twice");
    lines.push_back(ide_boot_path(unsigned(v[k]->index)));
  }
  return lines;
}

void assign_drive_indexes(std::vector<IdeDriveSpec>& drives) {
  std::string owner[4];
  for (IdeDriveSpec& d : drives) {
    if (d.index < 0) continue;
    if (!owner[d.index].empty())
      bad(d.option, "IDE index " + std::to_string(d.index) + " is already used by " + owner[d.index]);
    owner[d.index] = d.option;
  }
  for (IdeDriveSpec& d : drives) {
    if (d.index >= 0) continue;
    int free = -1;
    for (int k = 0; k < 4 && free < 0; ++k)
      if (owner[k].empty()) free = k;
    if (free < 0) bad(d.option, "no free IDE index for " + d.file + " (four drives at most)");
    d.index = free;
    owner[free] = d.option;
  }
}

PcIde::PcIde(PhysMem& mem, Scheduler& sched, PortBus& ports, IrqSink* irq14, IrqSink* irq15,
             PciBus* pci, std::vector<IdeDriveSpec> drives, bool snapshot, bool firmware_less) {
  assign_drive_indexes(drives);
  std::vector<BlockDevice*> dev(4, nullptr);
  for (const IdeDriveSpec& d : drives) {
    BlockFileOptions o;
    o.read_only = d.read_only || d.cdrom;
    o.snapshot = snapshot && !o.read_only;
    o.unit = d.cdrom ? AtapiCdrom::kBlock : 512;
    try {
      images_.push_back(std::make_unique<FileBlockDevice>(d.file, o));
    } catch (const std::runtime_error& e) {
      bad(d.option, e.what());
    }
    dev[size_t(d.index)] = images_.back().get();
  }
  piix_ = std::make_unique<PiixIde>(mem, sched);
  for (const IdeDriveSpec& d : drives) {
    IdeChannel& ch = piix_->channel(unsigned(d.index) >> 1);
    unsigned unit = unsigned(d.index) & 1;
    if (d.cdrom) ch.attach<AtapiCdrom>(unit, dev[size_t(d.index)]);
    else ch.attach<AtaDisk>(unit, *dev[size_t(d.index)]);
  }
  piix_->map_legacy_ports(ports);
  piix_->connect_irqs(irq14, irq15);
  if (pci) pci->plug(piix_.get(), PiixIde::kSlot, PiixIde::kFunction);
  if (!pci || firmware_less) piix_->firmware_setup();
}

PcIde::~PcIde() = default;

AtapiCdrom* PcIde::cdrom(unsigned index) {
  IdeDrive* d = drive(index & 3);
  return d && d->is_packet_device() ? static_cast<AtapiCdrom*>(d) : nullptr;
}

}  // namespace rz
