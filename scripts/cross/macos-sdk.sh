#!/usr/bin/env bash
# Sourced by macos.sh. Writes a stub macOS SDK into target/macos-sdk/: just
# enough for ld64.lld to link a Node addon, since Apple's SDK cannot be
# fetched here. Linking needs only the text stubs (.tbd) of the libraries
# every Mac has in /usr/lib:
#   libSystem.tbd    from the ziglang package (libc, libm, pthread, ...)
#   libc.tbd libm.tbd  links to it, for `-lc` / `-lm`
#   libiconv.tbd     written here: Rust's std links iconv
# ring's C code needs TargetConditionals.h, which the ziglang package also
# ships (ZIG_MACOS_INCLUDE, passed to clang with -isystem).

ZIG_LIB="$(python3 -c 'import os, ziglang; print(os.path.dirname(ziglang.__file__))')/lib"
ZIG_MACOS_INCLUDE="$ZIG_LIB/libc/include/any-macos-any"
MACOS_SDK="$PWD/target/macos-sdk"

write_macos_sdk() {
  local lib="$MACOS_SDK/usr/lib"
  rm -rf "$MACOS_SDK"
  mkdir -p "$lib"
  cp "$ZIG_LIB/libc/darwin/libSystem.tbd" "$lib/libSystem.tbd"
  ln -s libSystem.tbd "$lib/libc.tbd"
  ln -s libSystem.tbd "$lib/libm.tbd"
  cat >"$lib/libiconv.tbd" <<'TBD'
--- !tapi-tbd
tbd-version:     4
targets:         [ x86_64-macos, arm64-macos ]
install-name:    '/usr/lib/libiconv.2.dylib'
current-version: 7
compatibility-version: 7
exports:
  - targets:         [ x86_64-macos, arm64-macos ]
    symbols:         [ _iconv, _iconv_close, _iconv_open, _libiconv, _libiconv_close, _libiconv_open ]
...
TBD
  printf '{"CanonicalName":"macosx11.0","DisplayName":"macOS 11.0","MinimalDisplayName":"11.0","Version":"11.0"}\n' \
    >"$MACOS_SDK/SDKSettings.json"
}

write_macos_sdk
