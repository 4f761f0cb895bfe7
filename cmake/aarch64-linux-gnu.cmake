# cmake/aarch64-linux-gnu.cmake: cross-build ringzero for 64-bit Arm Linux on a Debian 12
# x86-64 machine (scripts/build-aarch64.sh sets it up and uses it).
#
# The compiler is clang with --target: Debian's GCC cross compiler (g++-aarch64-linux-gnu)
# conflicts with gcc-multilib, which the x86 build needs for its 32-bit test helpers.  The
# target's headers and libraries are Debian's arm64 packages installed through multiarch
# (dpkg --add-architecture arm64; libc6-dev:arm64, libstdc++-12-dev:arm64, libzydis-dev:arm64
# ...), so they live in /usr/include/aarch64-linux-gnu and /usr/lib/aarch64-linux-gnu.
# Tests run under qemu-user (CMAKE_CROSSCOMPILING_EMULATOR); the arm64 dynamic loader and
# libraries are in their multiarch places, so qemu-aarch64 needs no -L.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET aarch64-linux-gnu)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_CXX_COMPILER_TARGET aarch64-linux-gnu)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-fuse-ld=lld")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-fuse-ld=lld")

# Packages: only the target's multiarch directories, programs from the build machine.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_IGNORE_PATH /usr/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/cmake
    /lib/x86_64-linux-gnu)
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

find_program(RZ_QEMU_AARCH64 qemu-aarch64)
if(RZ_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${RZ_QEMU_AARCH64})
endif()

# Guest-side helper programs (the i386 freestanding test kernel) need the build machine's
# compiler with -m32, not the target's.
set(RZ_GUEST_CC gcc CACHE STRING "C compiler for i386 guest test programs")
