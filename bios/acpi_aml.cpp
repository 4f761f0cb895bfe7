// bios/acpi_aml.cpp: AML and resource-descriptor encoding.  See acpi_aml.h.
#include "bios/acpi_aml.h"

#include <stdexcept>

namespace rz::aml {

namespace {

// Opcodes (ACPI 6.x section 20.3).
constexpr uint8_t kZeroOp = 0x00, kOneOp = 0x01, kNameOp = 0x08, kBytePrefix = 0x0A,
                  kWordPrefix = 0x0B, kDWordPrefix = 0x0C, kStringPrefix = 0x0D,
                  kQWordPrefix = 0x0E, kScopeOp = 0x10, kBufferOp = 0x11, kPackageOp = 0x12,
                  kMethodOp = 0x14, kDualNamePrefix = 0x2E, kMultiNamePrefix = 0x2F,
                  kExtOpPrefix = 0x5B, kRootChar = 0x5C, kParentPrefixChar = 0x5E,
                  kLocal0Op = 0x60, kArg0Op = 0x68, kStoreOp = 0x70, kAndOp = 0x7B,
                  kOrOp = 0x7D, kCreateDWordFieldOp = 0x8A, kIfOp = 0xA0, kElseOp = 0xA1,
                  kReturnOp = 0xA4;
constexpr uint8_t kOpRegionOp = 0x80, kFieldOp = 0x81, kDeviceOp = 0x82;  // after 0x5B

void put(Bytes& out, const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); }
void put16(Bytes& out, uint32_t v) {
  out.push_back(uint8_t(v));
  out.push_back(uint8_t(v >> 8));
}
void put32(Bytes& out, uint32_t v) {
  put16(out, v);
  put16(out, v >> 16);
}

// opcode(s) PkgLength body
Bytes with_length(std::initializer_list<uint8_t> ops, const Bytes& body) {
  Bytes out(ops);
  put(out, pkg_length(body.size()));
  put(out, body);
  return out;
}

Bytes name_seg(const std::string& s) {
  if (s.empty() || s.size() > 4) throw std::invalid_argument("AML name segment '" + s + "'");
  Bytes b(s.begin(), s.end());
  while (b.size() < 4) b.push_back('_');
  return b;
}

}  // namespace

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) put(out, p);
  return out;
}

Bytes cat(const std::vector<Bytes>& parts) {
  Bytes out;
  for (const Bytes& p : parts) put(out, p);
  return out;
}

namespace {
// The PkgLength encoding of a value (also used raw for field widths in bits): up to 63 in
// one byte; else bits 7:6 of the lead byte give the number of extra bytes, its low nibble
// holds bits 3:0 and each extra byte the next 8 bits.
Bytes encode_length(size_t v, unsigned extra) {
  if (extra == 0) return {uint8_t(v)};
  Bytes b{uint8_t(extra << 6 | (v & 0x0F))};
  for (unsigned k = 0; k < extra; ++k) b.push_back(uint8_t(v >> (4 + 8 * k)));
  return b;
}
size_t length_limit(unsigned extra) { return extra == 0 ? 0x3F : (size_t(1) << (4 + 8 * extra)) - 1; }
}  // namespace

Bytes pkg_length(size_t body_len) {
  // The encoded length counts its own bytes.
  for (unsigned extra = 0; extra <= 3; ++extra)
    if (body_len + 1 + extra <= length_limit(extra)) return encode_length(body_len + 1 + extra, extra);
  throw std::invalid_argument("AML package too long");
}

Bytes name_string(const std::string& path) {
  Bytes out;
  size_t i = 0;
  if (i < path.size() && path[i] == '\\') {
    out.push_back(kRootChar);
    ++i;
  }
  while (i < path.size() && path[i] == '^') {
    out.push_back(kParentPrefixChar);
    ++i;
  }
  std::vector<Bytes> segs;
  while (i < path.size()) {
    size_t dot = path.find('.', i);
    if (dot == std::string::npos) dot = path.size();
    segs.push_back(name_seg(path.substr(i, dot - i)));
    i = dot + 1;
  }
  if (segs.empty()) out.push_back(0x00);  // NullName
  else if (segs.size() == 2) out.push_back(kDualNamePrefix);
  else if (segs.size() > 2) {
    out.push_back(kMultiNamePrefix);
    out.push_back(uint8_t(segs.size()));
  }
  for (const Bytes& s : segs) put(out, s);
  return out;
}

Bytes integer(uint64_t v) {
  if (v == 0) return {kZeroOp};
  if (v == 1) return {kOneOp};
  Bytes out;
  if (v <= 0xFF) return {kBytePrefix, uint8_t(v)};
  if (v <= 0xFFFF) {
    out.push_back(kWordPrefix);
    put16(out, uint32_t(v));
  } else if (v <= 0xFFFFFFFFu) {
    out.push_back(kDWordPrefix);
    put32(out, uint32_t(v));
  } else {
    out.push_back(kQWordPrefix);
    put32(out, uint32_t(v));
    put32(out, uint32_t(v >> 32));
  }
  return out;
}

Bytes string(const std::string& s) {
  Bytes out{kStringPrefix};
  out.insert(out.end(), s.begin(), s.end());
  out.push_back(0);
  return out;
}

Bytes buffer(const Bytes& data) { return with_length({kBufferOp}, cat({integer(data.size()), data})); }

Bytes package(const std::vector<Bytes>& elements) {
  if (elements.size() > 255) throw std::invalid_argument("AML package with more than 255 elements");
  Bytes body{uint8_t(elements.size())};
  for (const Bytes& e : elements) put(body, e);
  return with_length({kPackageOp}, body);
}

uint32_t eisa_id(const char* id) {
  // Three letters in 5 bits each (A = 1), then four hex digits; stored big-endian.
  auto hex = [](char c) -> uint32_t { return uint32_t(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10); };
  uint32_t vendor = uint32_t((id[0] - '@') & 0x1F) << 10 | uint32_t((id[1] - '@') & 0x1F) << 5 |
                    uint32_t((id[2] - '@') & 0x1F);
  uint32_t product = hex(id[3]) << 12 | hex(id[4]) << 8 | hex(id[5]) << 4 | hex(id[6]);
  return (vendor >> 8) | (vendor & 0xFF) << 8 | (product >> 8) << 16 | (product & 0xFF) << 24;
}

Bytes name(const std::string& n, const Bytes& value) { return cat({{kNameOp}, name_string(n), value}); }

Bytes scope(const std::string& n, const Bytes& body) {
  return with_length({kScopeOp}, cat({name_string(n), body}));
}

Bytes device(const std::string& n, const Bytes& body) {
  return with_length({kExtOpPrefix, kDeviceOp}, cat({name_string(n), body}));
}

Bytes method(const std::string& n, unsigned args, bool serialized, const Bytes& body) {
  uint8_t flags = uint8_t((args & 7) | (serialized ? 0x08 : 0));
  return with_length({kMethodOp}, cat({name_string(n), {flags}, body}));
}

Bytes operation_region(const std::string& n, RegionSpace space, uint64_t offset, uint64_t len) {
  return cat({{kExtOpPrefix, kOpRegionOp}, name_string(n), {uint8_t(space)}, integer(offset),
              integer(len)});
}

Bytes field(const std::string& region, Access access, const std::vector<FieldUnit>& units) {
  // FieldFlags: access type in bits 3:0; NoLock (bit 4 = 0), Preserve (bits 6:5 = 0).
  Bytes body = cat({name_string(region), {uint8_t(access)}});
  for (const FieldUnit& u : units) {
    if (u.name.empty()) body.push_back(0x00);  // ReservedField
    else put(body, name_seg(u.name));
    unsigned extra = 0;
    while (u.bits > length_limit(extra)) ++extra;
    put(body, encode_length(u.bits, extra));  // the width in bits, in PkgLength form
  }
  return with_length({kExtOpPrefix, kFieldOp}, body);
}

Bytes create_dword_field(const Bytes& source, uint64_t byte_index, const std::string& n) {
  return cat({{kCreateDWordFieldOp}, source, integer(byte_index), name_string(n)});
}

Bytes if_(const Bytes& predicate, const Bytes& body) { return with_length({kIfOp}, cat({predicate, body})); }
Bytes else_(const Bytes& body) { return with_length({kElseOp}, body); }
Bytes return_(const Bytes& value) { return cat({{kReturnOp}, value}); }
Bytes store(const Bytes& value, const Bytes& target) { return cat({{kStoreOp}, value, target}); }
Bytes and_(const Bytes& a, const Bytes& b, const Bytes& target) {
  return cat({{kAndOp}, a, b, target.empty() ? Bytes{0x00} : target});
}
Bytes or_(const Bytes& a, const Bytes& b, const Bytes& target) {
  return cat({{kOrOp}, a, b, target.empty() ? Bytes{0x00} : target});
}
Bytes arg(unsigned n) { return {uint8_t(kArg0Op + (n & 7))}; }
Bytes local(unsigned n) { return {uint8_t(kLocal0Op + (n & 7))}; }

// ---------------------------------------------------------------- resource descriptors

Bytes resource_template(std::initializer_list<Bytes> descriptors) {
  Bytes out = cat(descriptors);
  out.push_back(0x79);  // End Tag, checksum 0 ("treat as correct")
  out.push_back(0x00);
  return out;
}

Bytes io16(uint16_t min, uint16_t max, uint8_t align, uint8_t len) {
  Bytes out{0x47, 0x01};
  put16(out, min);
  put16(out, max);
  out.push_back(align);
  out.push_back(len);
  return out;
}

Bytes irq_noflags(std::initializer_list<unsigned> irqs) {
  uint16_t mask = 0;
  for (unsigned i : irqs) mask = uint16_t(mask | 1u << i);
  Bytes out{0x22};
  put16(out, mask);
  return out;
}

Bytes dma8(std::initializer_list<unsigned> channels) {
  uint8_t mask = 0;
  for (unsigned c : channels) mask = uint8_t(mask | 1u << c);
  return {0x2A, mask, 0x00};
}

Bytes interrupt(bool level, bool active_low, bool shared, std::initializer_list<uint32_t> irqs) {
  // Extended Interrupt Descriptor: flags bit 0 consumer, 1 edge, 2 active low, 3 shared.
  Bytes out{0x89};
  put16(out, uint32_t(2 + 4 * irqs.size()));
  out.push_back(uint8_t(0x01 | (level ? 0 : 0x02) | (active_low ? 0x04 : 0) | (shared ? 0x08 : 0)));
  out.push_back(uint8_t(irqs.size()));
  for (uint32_t i : irqs) put32(out, i);
  return out;
}

namespace {
// Word Address Space Descriptor, producer, _MIF and _MAF set.
Bytes word_space(uint8_t type, uint8_t type_flags, uint16_t min, uint16_t max) {
  Bytes out{0x88, 0x0D, 0x00, type, 0x0C, type_flags};
  put16(out, 0);  // granularity
  put16(out, min);
  put16(out, max);
  put16(out, 0);  // translation offset
  put16(out, uint32_t(max - min + 1));
  return out;
}
}  // namespace

Bytes word_bus_number(uint16_t min, uint16_t max) { return word_space(2, 0x00, min, max); }
Bytes word_io(uint16_t min, uint16_t max) { return word_space(1, 0x03, min, max); }  // EntireRange

Bytes dword_memory(uint32_t min, uint32_t max, bool cacheable) {
  // DWord Address Space Descriptor, memory, read/write.
  Bytes out{0x87, 0x17, 0x00, 0x00, 0x0C, uint8_t(0x01 | (cacheable ? 0x02 : 0))};
  put32(out, 0);
  put32(out, min);
  put32(out, max);
  put32(out, 0);
  put32(out, max - min + 1);
  return out;
}

}  // namespace rz::aml
