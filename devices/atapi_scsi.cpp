// devices/atapi_scsi.cpp: the SCSI/MMC-3 commands of the ATAPI CD-ROM (see atapi.h):
// each builds its reply (trimmed to the command's allocation length) or fails with a
// sense key, additional sense code and qualifier, as SPC-2 and MMC-3 specify them.
#include <algorithm>
#include <cstring>

#include "devices/atapi.h"

namespace rz {

namespace {

uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
void put16(std::vector<uint8_t>& v, size_t at, uint16_t x) {
  v[at] = uint8_t(x >> 8), v[at + 1] = uint8_t(x);
}
void put32(std::vector<uint8_t>& v, size_t at, uint32_t x) {
  put16(v, at, uint16_t(x >> 16)), put16(v, at + 2, uint16_t(x));
}
void put_ascii(std::vector<uint8_t>& v, size_t at, size_t len, const std::string& s) {
  for (size_t k = 0; k < len; ++k) v[at + k] = k < s.size() ? uint8_t(s[k]) : ' ';
}
void trim(std::vector<uint8_t>& v, size_t alloc) {
  if (v.size() > alloc) v.resize(alloc);
}

constexpr uint16_t kMaxSpeed = 5632;  // kB/s: 32x CD

}  // namespace

bool AtapiCdrom::fail_scsi(uint8_t key, uint8_t asc, uint8_t ascq) {
  sense_ = {key, asc, ascq};
  return false;
}

bool AtapiCdrom::need_media() {
  if (has_media()) return true;
  return fail_scsi(scsi::kNotReady, 0x3A, tray_open_ ? 0x02 : 0x01);  // MEDIUM NOT PRESENT
}

bool AtapiCdrom::run_scsi(const uint8_t* cdb, Result& out) {
  out = Result{};
  uint8_t op = cdb[0];
  // A pending UNIT ATTENTION is reported, once, by any command but these four.
  if (ua_pending_ && op != 0x12 && op != 0x03 && op != 0x46 && op != 0x4A) {
    ua_pending_ = false;
    return fail_scsi(ua_.key, ua_.asc, ua_.ascq);
  }
  bool ok;
  switch (op) {
    case 0x00: ok = need_media(); break;  // TEST UNIT READY
    case 0x03: return scsi_request_sense(cdb, out);
    case 0x12: ok = scsi_inquiry(cdb, out); break;
    case 0x1B: ok = scsi_start_stop(cdb); break;
    case 0x1E: prevent_ = cdb[4] & 0x01, ok = true; break;  // PREVENT ALLOW MEDIUM REMOVAL
    case 0x25: ok = need_media() && scsi_read_capacity(out); break;
    case 0x28: ok = scsi_read(be32(cdb + 2), be16(cdb + 7), out); break;   // READ(10)
    case 0xA8: ok = scsi_read(be32(cdb + 2), be32(cdb + 6), out); break;   // READ(12)
    case 0x43: ok = scsi_read_toc(cdb, out); break;
    case 0x46: ok = scsi_get_configuration(cdb, out); break;
    case 0x4A: ok = scsi_get_event_status(cdb, out); break;
    case 0x51: ok = scsi_read_disc_info(cdb, out); break;
    case 0x5A: ok = scsi_mode_sense(cdb, out); break;
    case 0xBB:  // SET CD SPEED
      read_speed_ = be16(cdb + 2), write_speed_ = be16(cdb + 4), ok = true;
      break;
    case 0xBD: ok = scsi_mechanism_status(cdb, out); break;
    default: return fail_scsi(scsi::kIllegalRequest, 0x20, 0x00);  // INVALID COMMAND OPERATION CODE
  }
  if (ok) sense_ = {};
  return ok;
}

bool AtapiCdrom::scsi_request_sense(const uint8_t* cdb, Result& out) {
  ScsiSense s = sense_;
  if (s.key == scsi::kNoSense && ua_pending_) {
    s = ua_;
    ua_pending_ = false;
  }
  std::vector<uint8_t> r(18);
  r[0] = 0x70;  // current error, fixed format
  r[2] = s.key;
  r[7] = 10;    // additional sense length
  r[12] = s.asc;
  r[13] = s.ascq;
  trim(r, cdb[4]);
  out.reply = std::move(r);
  sense_ = {};
  return true;
}

bool AtapiCdrom::scsi_inquiry(const uint8_t* cdb, Result& out) {
  if ((cdb[1] & 0x01) || cdb[2]) return fail_scsi(scsi::kIllegalRequest, 0x24, 0x00);  // no VPD pages
  std::vector<uint8_t> r(36);
  r[0] = 0x05;   // CD/DVD device
  r[1] = 0x80;   // removable
  r[2] = 0x00;   // ATAPI devices claim no ANSI version
  r[3] = 0x21;   // ATAPI transport version 2, response data format 1
  r[4] = 31;     // additional length
  put_ascii(r, 8, 8, cfg_.vendor);
  put_ascii(r, 16, 16, cfg_.product);
  put_ascii(r, 32, 4, cfg_.firmware);
  trim(r, be16(cdb + 3));
  out.reply = std::move(r);
  return true;
}

bool AtapiCdrom::scsi_read_capacity(Result& out) {
  std::vector<uint8_t> r(8);
  put32(r, 0, blocks() - 1);  // last logical block
  put32(r, 4, kBlock);
  out.reply = std::move(r);
  return true;
}

bool AtapiCdrom::scsi_read(uint32_t lba, uint32_t count, Result& out) {
  if (!need_media()) return false;
  if (uint64_t(lba) + count > blocks()) return fail_scsi(scsi::kIllegalRequest, 0x21, 0x00);
  out.is_read = count != 0;
  out.read_lba = lba;
  out.read_blocks = count;
  return true;
}

bool AtapiCdrom::scsi_read_toc(const uint8_t* cdb, Result& out) {
  if (!need_media()) return false;
  bool msf = cdb[1] & 0x02;
  uint8_t format = cdb[2] & 0x0F;
  if (format == 0) format = cdb[9] >> 6;  // SFF-8020 drivers put the format here
  uint8_t track = cdb[6];
  auto put_addr = [&](std::vector<uint8_t>& v, size_t at, uint32_t lba) {
    if (msf) {
      uint8_t m[3];
      cd_lba_to_msf(lba, m);
      v[at] = 0, v[at + 1] = m[0], v[at + 2] = m[1], v[at + 3] = m[2];
    } else {
      put32(v, at, lba);
    }
  };
  std::vector<uint8_t> r;
  switch (format) {
    case 0: {  // TOC: track 1 (data) and the lead-out
      if (track > 1 && track != 0xAA) return fail_scsi(scsi::kIllegalRequest, 0x24, 0x00);
      r.assign(4, 0);
      auto add = [&](uint8_t tno, uint32_t lba) {
        size_t at = r.size();
        r.resize(at + 8);
        r[at + 1] = 0x14;  // ADR 1 (current position), control 4 (data track)
        r[at + 2] = tno;
        put_addr(r, at + 4, lba);
      };
      if (track <= 1) add(1, 0);
      add(0xAA, blocks());
      put16(r, 0, uint16_t(r.size() - 2));
      r[2] = 1, r[3] = 1;  // first and last track
      break;
    }
    case 1: {  // session information: one complete session starting at track 1
      r.assign(12, 0);
      put16(r, 0, 10);
      r[2] = 1, r[3] = 1;
      r[5] = 0x14;
      r[6] = 1;
      put_addr(r, 8, 0);
      break;
    }
    case 2: {  // raw TOC: points A0 (first track), A1 (last), A2 (lead-out), 1
      r.assign(4, 0);
      auto add = [&](uint8_t point, uint8_t pm, uint8_t ps, uint8_t pf) {
        size_t at = r.size();
        r.resize(at + 11);
        r[at] = 1;        // session
        r[at + 1] = 0x14;
        r[at + 3] = point;
        r[at + 8] = pm, r[at + 9] = ps, r[at + 10] = pf;
      };
      uint8_t lo[3], t1[3];
      cd_lba_to_msf(blocks(), lo);
      cd_lba_to_msf(0, t1);
      add(0xA0, 1, 0x00, 0);  // first track 1, disc type CD-DA/CD-ROM
      add(0xA1, 1, 0, 0);     // last track 1
      add(0xA2, lo[0], lo[1], lo[2]);
      add(0x01, t1[0], t1[1], t1[2]);
      put16(r, 0, uint16_t(r.size() - 2));
      r[2] = 1, r[3] = 1;  // first and last session
      break;
    }
    default: return fail_scsi(scsi::kIllegalRequest, 0x24, 0x00);
  }
  trim(r, be16(cdb + 7));
  out.reply = std::move(r);
  return true;
}

bool AtapiCdrom::scsi_mode_sense(const uint8_t* cdb, Result& out) {
  uint8_t pc = cdb[2] >> 6, page = cdb[2] & 0x3F;
  if (pc == 3) return fail_scsi(scsi::kIllegalRequest, 0x39, 0x00);  // SAVING PARAMETERS NOT SUPPORTED
  bool changeable = pc == 1;
  std::vector<uint8_t> r(8);  // mode parameter header(10), no block descriptors
  r[2] = has_media() ? 0x01 : tray_open_ ? 0x71 : 0x70;  // 120 mm data disc / door closed / open
  auto add = [&](std::initializer_list<uint8_t> bytes) {
    size_t at = r.size();
    r.insert(r.end(), bytes.begin(), bytes.end());
    if (changeable) std::fill(r.begin() + long(at) + 2, r.end(), 0);
  };
  bool any = false;
  if (page == 0x01 || page == 0x3F) {  // read error recovery
    add({0x01, 0x0A, 0x00, 0x05, 0, 0, 0, 0, 0x00, 0, 0, 0});
    any = true;
  }
  if (page == 0x0D || page == 0x3F) {  // CD device parameters
    add({0x0D, 0x06, 0x00, 0x00, 0x00, 60, 0x00, 75});
    any = true;
  }
  if (page == 0x2A || page == 0x3F) {  // CD/DVD capabilities and mechanical status
    uint16_t cur = std::min<uint16_t>(read_speed_, kMaxSpeed);
    add({0x2A, 0x14,
         0x0F,                                        // reads CD-R, CD-RW, method 2, DVD-ROM
         0x00,                                        // writes nothing
         0x70,                                        // mode 2 form 1 and 2, multi-session
         0x00,
         uint8_t(0x29 | (prevent_ ? 0x02 : 0x00)),    // tray, eject, lock (and its state)
         0x00,
         uint8_t(kMaxSpeed >> 8), uint8_t(kMaxSpeed),  // maximum read speed (kB/s)
         0x01, 0x00,                                  // 256 volume levels
         0x02, 0x00,                                  // 512 KiB buffer
         uint8_t(cur >> 8), uint8_t(cur),             // current read speed
         0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
    any = true;
  }
  if (!any) return fail_scsi(scsi::kIllegalRequest, 0x24, 0x00);
  put16(r, 0, uint16_t(r.size() - 2));
  trim(r, be16(cdb + 7));
  out.reply = std::move(r);
  return true;
}

bool AtapiCdrom::scsi_get_configuration(const uint8_t* cdb, Result& out) {
  uint8_t rt = cdb[1] & 0x03;
  if (rt == 3) return fail_scsi(scsi::kIllegalRequest, 0x24, 0x00);
  uint16_t start = be16(cdb + 2);
  bool media = has_media(), dvd = media && is_dvd(), cd = media && !dvd;
  uint16_t profile = dvd ? 0x0010 : cd ? 0x0008 : 0x0000;
  std::vector<uint8_t> r(8);
  put16(r, 6, profile);
  auto feature = [&](uint16_t code, bool persistent, bool current, std::initializer_list<uint8_t> data) {
    if (rt == 2 ? code != start : code < start) return;
    if (rt == 1 && !current) return;
    size_t at = r.size();
    r.resize(at + 4);
    put16(r, at, code);
    r[at + 2] = uint8_t((persistent ? 0x02 : 0) | (current ? 0x01 : 0));
    r[at + 3] = uint8_t(data.size());
    r.insert(r.end(), data.begin(), data.end());
  };
  feature(0x0000, true, true, {0x00, 0x10, uint8_t(dvd), 0, 0x00, 0x08, uint8_t(cd), 0});  // profiles
  feature(0x0001, true, true, {0, 0, 0, 2});                  // core: ATAPI
  feature(0x0002, true, true, {0x00, 0, 0, 0});               // morphing: polled events
  feature(0x0003, true, true, {0x29, 0, 0, 0});               // removable medium: tray, eject, lock
  feature(0x0010, false, media,                               // random readable
          {0, 0, uint8_t(kBlock >> 8), 0, 0, uint8_t(dvd ? 16 : 1), 0, 0});
  feature(0x001E, false, cd, {0, 0, 0, 0});                   // CD read
  feature(0x001F, false, dvd, {});                            // DVD read
  feature(0x0100, true, true, {});                            // power management
  put32(r, 0, uint32_t(r.size() - 4));
  trim(r, be16(cdb + 7));
  out.reply = std::move(r);
  return true;
}

bool AtapiCdrom::scsi_get_event_status(const uint8_t* cdb, Result& out) {
  if (!(cdb[1] & 0x01)) return fail_scsi(scsi::kIllegalRequest, 0x24, 0x00);  // polled only
  std::vector<uint8_t> r;
  if (cdb[4] & 0x10) {  // media class
    r.assign(8, 0);
    put16(r, 0, 6);
    r[2] = 0x04;   // media event class
    r[3] = 0x10;   // supported: media
    r[4] = media_event_;
    r[5] = uint8_t((has_media() ? 0x02 : 0) | (tray_open_ ? 0x01 : 0));
    media_event_ = 0;
  } else {
    r.assign(4, 0);
    put16(r, 0, 2);
    r[2] = 0x80;   // no event available in the requested classes
    r[3] = 0x10;
  }
  trim(r, be16(cdb + 7));
  out.reply = std::move(r);
  return true;
}

bool AtapiCdrom::scsi_start_stop(const uint8_t* cdb) {
  bool start = cdb[4] & 0x01, loej = cdb[4] & 0x02;
  if (!loej) return true;  // spin up / down: nothing to do
  if (start) {             // load: close the tray
    if (tray_open_) {
      tray_open_ = false;
      if (media_) {
        ua_pending_ = true;
        ua_ = {scsi::kUnitAttention, 0x28, 0x00};
        media_event_ = 2;
      }
    }
    return true;
  }
  if (prevent_) return fail_scsi(scsi::kIllegalRequest, 0x53, 0x02);  // MEDIUM REMOVAL PREVENTED
  if (!tray_open_) media_event_ = 3;
  tray_open_ = true;  // the disc stays in the tray: loading it again brings it back
  return true;
}

bool AtapiCdrom::scsi_read_disc_info(const uint8_t* cdb, Result& out) {
  if (!need_media()) return false;
  if (cdb[1] & 0x07) return fail_scsi(scsi::kIllegalRequest, 0x24, 0x00);
  std::vector<uint8_t> r(34);
  put16(r, 0, 32);
  r[2] = 0x0E;  // last session complete, disc complete, not erasable
  r[3] = 1;     // first track
  r[4] = 1;     // sessions
  r[5] = 1;     // first track in last session
  r[6] = 1;     // last track in last session
  r[8] = 0x00;  // CD-DA or CD-ROM disc
  put32(r, 16, 0xFFFFFFFF);  // no next session (lead-in start)
  put32(r, 20, 0xFFFFFFFF);  // last possible lead-out start
  trim(r, be16(cdb + 7));
  out.reply = std::move(r);
  return true;
}

bool AtapiCdrom::scsi_mechanism_status(const uint8_t* cdb, Result& out) {
  std::vector<uint8_t> r(8);
  r[1] = tray_open_ ? 0x10 : 0x00;  // door open; mechanism idle
  trim(r, be16(cdb + 8));
  out.reply = std::move(r);
  return true;
}

}  // namespace rz
