// frontend/options.h: command-line options and turning them into a configured Machine.
#pragma once

#include <cstdio>
#include <cstdint>
#include <string>
#include <vector>

#include "devices/ide_config.h"
#include "frontend/display_setup.h"
#include "frontend/keys.h"
#include "frontend/machine.h"

namespace rz {

#define RZ_DEFAULT_BIOS "/usr/share/seabios/bios-256k.bin"
inline constexpr const char* kDefaultBios = RZ_DEFAULT_BIOS;

struct Options {
  MachineConfig machine;
  std::string bios;
  bool default_bios = false;  // `bios` is kDefaultBios because none was given
  std::string kernel;
  std::string append;
  std::string initrd;
  std::string debugcon;   // "", "stdio", "file:PATH"
  std::string postcodes;  // "", "file:PATH[,port=N]"
  std::string serial = "none";  // COM1: "stdio", "mon:stdio", "pty", "file:PATH", "none"
  std::string monitor = "none";  // -monitor: "stdio", "pty", "none"
  std::string fda, fdb;   // floppy images for drives A: and B:
  bool exit_device = false;
  uint16_t exit_iobase = 0xF4, exit_iosize = 4;
  std::vector<IdeDriveSpec> drives;  // -hda..-hdd, -cdrom, -drive
  bool snapshot = false;             // writes to disk images stay in memory
  DisplayOptions display;  // -display, -name, -full-screen
  KeyScript keys;          // --keys and --type, in command-line order
  bool stats = false;
  std::string screendump;    // -screendump FILE.png: the picture when the run ends
  bool text_screen = false;  // --text-screen: print the text page when the run ends
  bool help = false;
};

bool parse_options(int argc, char** argv, Options& o, std::string& err);
void print_help(FILE* f);
// Load firmware/kernel and attach the requested devices; throws with a clear message.
void setup_machine(Machine& m, const Options& o);
// Flush output sinks at the end of the run.
void finish_machine(Machine& m, const Options& o);

}  // namespace rz
