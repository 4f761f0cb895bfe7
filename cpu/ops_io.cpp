// cpu/ops_io.cpp: IN and OUT (E4-E7 with an immediate port, EC-EF with the port in DX).
//
// IOPL-sensitive (cpu/io_perm.h).  The permission check comes first, so a refused access
// reaches no device.  OUT ends the block: a port write can change the memory map (A20),
// unmask an interrupt or ask the machine to stop, and the run loop looks at all of those
// only between blocks.
#include "cpu/io_perm.h"
#include "cpu/table.h"

namespace rz {

namespace {

template <typename T>
inline void in_to_acc(Cpu& c, uint16_t port) {
  check_io_permission(c, port, sizeof(T));
  set_reg<T>(c, 0, T(port_in(c, port, sizeof(T))));
}

template <typename T>
inline void out_from_acc(Cpu& c, uint16_t port) {
  check_io_permission(c, port, sizeof(T));
  port_out(c, port, sizeof(T), get_reg<T>(c, 0));
}

template <typename T>
void in_Ib(Cpu& c, const Insn& i) { in_to_acc<T>(c, uint16_t(i.imm & 0xFF)); }
template <typename T>
void in_DX(Cpu& c, const Insn&) { in_to_acc<T>(c, uint16_t(c.r[EDX])); }
template <typename T>
void out_Ib(Cpu& c, const Insn& i) { out_from_acc<T>(c, uint16_t(i.imm & 0xFF)); }
template <typename T>
void out_DX(Cpu& c, const Insn&) { out_from_acc<T>(c, uint16_t(c.r[EDX])); }

}  // namespace

void register_ops_io(OpTable& t) {
  constexpr InsnClass io = InsnClass::IoplSensitive;
  t.add({.opcode = 0xE4, .mnemonic = "IN", .form = "AL,Ib", .cls = io, .hs = RZ_HS_BN(in_Ib)});
  t.add({.opcode = 0xE5, .mnemonic = "IN", .form = "eAX,Ib", .cls = io, .hs = RZ_HS_VN(in_Ib)});
  t.add({.opcode = 0xE6, .mnemonic = "OUT", .form = "Ib,AL", .cls = io, .attrs = kEndsBlock, .hs = RZ_HS_BN(out_Ib)});
  t.add({.opcode = 0xE7, .mnemonic = "OUT", .form = "Ib,eAX", .cls = io, .attrs = kEndsBlock, .hs = RZ_HS_VN(out_Ib)});
  t.add({.opcode = 0xEC, .mnemonic = "IN", .form = "AL,DX", .cls = io, .hs = RZ_HS_BN(in_DX)});
  t.add({.opcode = 0xED, .mnemonic = "IN", .form = "eAX,DX", .cls = io, .hs = RZ_HS_VN(in_DX)});
  t.add({.opcode = 0xEE, .mnemonic = "OUT", .form = "DX,AL", .cls = io, .attrs = kEndsBlock, .hs = RZ_HS_BN(out_DX)});
  t.add({.opcode = 0xEF, .mnemonic = "OUT", .form = "DX,eAX", .cls = io, .attrs = kEndsBlock, .hs = RZ_HS_VN(out_DX)});
}

}  // namespace rz
