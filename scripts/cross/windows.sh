#!/usr/bin/env bash
# Sourced by build-all.sh. `build_windows <platform>` builds the x86_64
# Windows addon with Debian's mingw-w64 (target x86_64-pc-windows-gnu): the
# MSVC target needs Microsoft's CRT, which cannot be fetched here.
# napi's build script insists on a libnode.dll to link on windows-gnu, even
# though `dyn-symbols` resolves every Node-API function at load time: an
# empty stub DLL satisfies it, and the addon imports nothing from it.
# Official Windows Node.js is an MSVC build, and its loader asks for the
# `win32-x64-msvc` package: the DLL is published under that name.

source scripts/cross/apt.sh
# The win32 thread model: no libwinpthread to ship or import.
MINGW_CC=x86_64-w64-mingw32-gcc-win32
ensure_apt "$MINGW_CC" gcc-mingw-w64-x86-64-win32

build_windows() { # platform
  local platform=$1 stub="$PWD/target/windows-libnode"
  mkdir -p "$stub"
  echo 'void libnode_stub(void) {}' | "$MINGW_CC" -shared -x c - -o "$stub/libnode.dll"
  CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER="$MINGW_CC" CC_x86_64_pc_windows_gnu="$MINGW_CC" LIBNODE_PATH="$stub" \
    npx napi build --platform --release --target x86_64-pc-windows-gnu --output-dir target/cross --no-js
  cp target/cross/jwks-rsa-native.win32-x64-gnu.node "npm/$platform/jwks-rsa-native.$platform.node"
}
