#!/usr/bin/env bash
# Sourced by build-all.sh. `build_macos <platform> <rust target> <clang
# target>` builds a macOS addon with Debian's clang-14 and ld64.lld against
# the stub SDK of macos-sdk.sh. Unlike zig, ld64.lld honours rustc's exported
# symbols list (only _napi_register_module_v1 is exported, the rest is dead
# stripped) and ad-hoc signs arm64 output, which arm64 macOS requires.
# The minimum macOS is Node 20's own: 11.0 on arm64, 10.15 on x86_64.

source scripts/cross/apt.sh
ensure_apt clang-14 clang-14
# clang-14 -fuse-ld=lld finds ld64.lld beside itself, in LLVM 14's bin.
ensure_apt /usr/lib/llvm-14/bin/ld64.lld lld-14
ensure_apt llvm-ar-14 llvm-14
source scripts/cross/macos-sdk.sh

build_macos() { # platform rust-target clang-target
  local platform=$1 target=$2 clang_target=$3 env_target=${2//-/_}
  local linker="$MACOS_SDK/bin/cc-$target"
  mkdir -p "$MACOS_SDK/bin"
  printf '#!/bin/sh\nexec clang-14 --target=%s -fuse-ld=lld -isysroot %s "$@"\n' "$clang_target" "$MACOS_SDK" >"$linker"
  chmod +x "$linker"
  local deployment=${clang_target##*macos}
  env "CARGO_TARGET_${env_target^^}_LINKER=$linker" \
    "CC_$env_target=clang-14" "AR_$env_target=llvm-ar-14" \
    "CFLAGS_$env_target=--target=$clang_target -isysroot $MACOS_SDK -isystem $ZIG_MACOS_INCLUDE" \
    SDKROOT="$MACOS_SDK" MACOSX_DEPLOYMENT_TARGET="$deployment" \
    npx napi build --platform --release --target "$target" --output-dir target/cross --no-js
  cp "target/cross/jwks-rsa-native.$platform.node" "npm/$platform/"
}
