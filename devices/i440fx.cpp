// devices/i440fx.cpp: the 82441FX host bridge: PAM shadowing and the SMRAM register.
// See i440fx.h.
#include "devices/i440fx.h"

namespace rz {

namespace {

constexpr uint32_t kLegacyBase = 0xC0000;  // PAM1 low nibble
constexpr uint32_t kPiece = 0x4000;        // 16 KiB per nibble of PAM1-PAM6
constexpr uint32_t kFSegment = 0xF0000;    // PAM0 high nibble: 64 KiB

}  // namespace

I440fx::I440fx(PhysMem& mem)
    : PciDevice(0x8086, 0x1237, 0x06, 0x00, 0x00, 0x02, "i440fx"), mem_(mem) {
  set_cfg16(pci::kCommand, 0x0006);  // memory and bus master: the host side always decodes
  set_cfg16(pci::kStatus, 0x0280);   // fast back-to-back capable, medium DEVSEL
  set_cfg16(pci::kSubsysVendor, 0x1AF4);
  set_cfg16(pci::kSubsysId, 0x1100);
  // A host bridge has no I/O space, no interrupt and no interrupt line register.
  set_writable(pci::kCommand, 2, 0x0146);  // memory, master, parity, SERR
  set_writable(pci::kIntLine, 1, 0);
  set_writable(pci::kCacheLine, 1, 0);

  // Reset values of the device-specific registers (data sheet, table 3-1).
  set_cfg8(0x53, 0x80);  // DBC
  set_cfg8(0x57, 0x01);  // DRAMC
  set_cfg8(0x58, 0x10);  // DRAMT
  for (uint8_t r = 0x60; r <= 0x67; ++r) set_cfg8(r, 0x02);  // DRB0-7
  set_cfg8(0x70, 0x20);  // MTT
  set_cfg8(0x71, 0x10);  // CLT
  set_cfg8(kSmram, kSmramCBaseSeg);

  set_writable(0x50, 4, 0xFFFFFFFF);  // PMCCFG, DETURBO, DBC
  set_writable(0x54, 4, 0xFFFFFFFF);  // AXC, DRAMR, DRAMC
  set_writable(0x58, 1, 0xFF);        // DRAMT
  set_writable(kPam0, 1, 0x70);  // PAM0 bits 3:0 are reserved
  for (uint8_t r = kPam0 + 1; r <= kPam0 + 6; ++r) set_writable(r, 1, 0x77);
  set_writable(0x60, 4, 0xFFFFFFFF);  // DRB0-7
  set_writable(0x64, 4, 0xFFFFFFFF);
  set_writable(0x68, 1, 0xFF);  // FDHC
  set_writable(0x70, 2, 0xFFFF);  // MTT, CLT
  set_writable(0x90, 2, 0xFFFF);  // ERRCMD, ERRSTS
  set_writable(0x93, 1, 0xFF);    // TRC
  apply_pam();
}

unsigned I440fx::pam_attr(uint32_t addr) const {
  if (addr >= kFSegment && addr < 0x100000) return (cfg8(kPam0) >> 4) & 3;
  if (addr < kLegacyBase || addr >= kFSegment) return 3;  // not in the PAM area: plain DRAM
  unsigned piece = (addr - kLegacyBase) / kPiece;  // 0-11
  uint8_t reg = cfg8(uint8_t(kPam0 + 1 + piece / 2));
  return (piece & 1 ? reg >> 4 : reg) & 3;
}

void I440fx::apply_pam() {
  for (uint32_t a = kLegacyBase; a < kFSegment; a += kPiece) {
    unsigned at = pam_attr(a);
    mem_.set_shadow(a, kPiece, at & 1, at & 2);
  }
  unsigned f = pam_attr(kFSegment);
  mem_.set_shadow(kFSegment, 0x10000, f & 1, f & 2);
}

void I440fx::write_smram(uint8_t v) {
  uint8_t old = cfg8(kSmram);
  uint8_t n;
  if (old & kSmramDLck) {
    // Locked: only D_CLS may change.
    n = uint8_t((old & ~kSmramDCls) | (v & kSmramDCls));
  } else {
    n = uint8_t(v & (kSmramDOpen | kSmramDCls | kSmramDLck | kSmramGSmrame));
    if (n & kSmramDLck) n &= uint8_t(~kSmramDOpen);
  }
  set_cfg8(kSmram, uint8_t(n | kSmramCBaseSeg));
}

void I440fx::config_write(uint8_t off, unsigned size, uint32_t value) {
  PciDevice::config_write(off, size, value);
  bool pam = false;
  for (unsigned k = 0; k < size; ++k) {
    uint8_t o = uint8_t(off + k);
    if (o == kSmram) write_smram(uint8_t(value >> (8 * k)));
    if (o >= kPam0 && o <= kPam0 + 6) pam = true;
  }
  if (pam) apply_pam();
}

void I440fx::reset() {
  PciDevice::reset();  // PAM back to 00 (ROM/ISA), SMRAM back to 02h, D_LCK released
  apply_pam();
}

void I440fx::serialize(Serializer& s) {
  PciDevice::serialize(s);
  if (s.loading()) apply_pam();
}

}  // namespace rz
