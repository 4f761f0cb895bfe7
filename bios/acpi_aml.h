// bios/acpi_aml.h: a small builder for ACPI Machine Language (ACPI 6.x chapter 20, "ACPI
// Machine Language Specification") and for resource descriptors (chapter 6.4), enough to
// write the DSDT of a PIIX PC as C++ calls instead of a blob of bytes.  Each function
// returns the encoded bytes of one term; containers (Scope, Device, Method, If, Package,
// Buffer) take their contents and add the package length.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace rz::aml {

using Bytes = std::vector<uint8_t>;

// Concatenate terms.
Bytes cat(std::initializer_list<Bytes> parts);
Bytes cat(const std::vector<Bytes>& parts);

// PkgLength (20.2.4): the encoded length covers itself and `body_len` bytes.
Bytes pkg_length(size_t body_len);
// A NameString (20.2.2) from ASL spelling: "\\_SB.PCI0", "^LNKA", "_S5" (segments are
// padded with '_' to four characters).
Bytes name_string(const std::string& path);

// Data objects.
Bytes integer(uint64_t v);              // ZeroOp, OneOp or the smallest prefix that holds v
Bytes string(const std::string& s);     // StringPrefix ... NUL
Bytes buffer(const Bytes& data);        // BufferOp with a constant size
Bytes package(const std::vector<Bytes>& elements);
uint32_t eisa_id(const char* id);       // EisaId("PNP0A03") as the integer ASL makes of it

// Named objects and namespace modifiers.
Bytes name(const std::string& n, const Bytes& value);
Bytes scope(const std::string& n, const Bytes& body);
Bytes device(const std::string& n, const Bytes& body);
Bytes method(const std::string& n, unsigned args, bool serialized, const Bytes& body);
enum class RegionSpace : uint8_t { SystemMemory = 0, SystemIo = 1, PciConfig = 2 };
Bytes operation_region(const std::string& n, RegionSpace space, uint64_t offset, uint64_t len);
struct FieldUnit {
  std::string name;  // empty: a reserved gap
  unsigned bits;
};
enum class Access : uint8_t { Any = 0, Byte = 1, Word = 2, DWord = 3 };
Bytes field(const std::string& region, Access access, const std::vector<FieldUnit>& units);
Bytes create_dword_field(const Bytes& source, uint64_t byte_index, const std::string& n);

// Statements and expressions.  `target` empty: no result is stored.
Bytes if_(const Bytes& predicate, const Bytes& body);
Bytes else_(const Bytes& body);
Bytes return_(const Bytes& value);
Bytes store(const Bytes& value, const Bytes& target);
Bytes and_(const Bytes& a, const Bytes& b, const Bytes& target = {});
Bytes or_(const Bytes& a, const Bytes& b, const Bytes& target = {});
Bytes arg(unsigned n);    // Arg0-Arg6
Bytes local(unsigned n);  // Local0-Local7
// A reference to a named object (a NameString used as a term).
inline Bytes ref(const std::string& path) { return name_string(path); }

// Resource descriptors (6.4), for ResourceTemplate() = buffer(resource_template({...})).
Bytes resource_template(std::initializer_list<Bytes> descriptors);  // adds the End Tag
Bytes io16(uint16_t min, uint16_t max, uint8_t align, uint8_t len);  // IO(Decode16, ...)
Bytes irq_noflags(std::initializer_list<unsigned> irqs);            // IRQNoFlags() {...}
Bytes dma8(std::initializer_list<unsigned> channels);               // DMA(Compatibility, NotBusMaster, Transfer8)
// Interrupt(ResourceConsumer, Level/Edge, ActiveHigh/Low, Shared/Exclusive) {...}
Bytes interrupt(bool level, bool active_low, bool shared, std::initializer_list<uint32_t> irqs);
// WordBusNumber / WordIO / DWordMemory producers with fixed minimum and maximum.
Bytes word_bus_number(uint16_t min, uint16_t max);
Bytes word_io(uint16_t min, uint16_t max);
Bytes dword_memory(uint32_t min, uint32_t max, bool cacheable);

}  // namespace rz::aml
