#!/usr/bin/env bash
# Builds the addon for one napi target into its platform package,
# npm/<platform>/, the way the CI and release workflows build it on that
# platform's own runner (`npm ci` first: the napi CLI does the build).
#   scripts/release/build-target.sh <rust target>
# - glibc Linux (x64, arm64, armv7): zig, linking against glibc 2.17 as
#   build-all.sh does, so one binary loads back to RHEL/CentOS 7.
# - musl Linux: natively, inside an Alpine container.
# - macOS, Windows, FreeBSD: the platform's own toolchain (Apple's clang and
#   ld, Microsoft's MSVC, FreeBSD's clang).
# - Android: the runner's NDK (ANDROID_NDK_LATEST_HOME, read by napi build).
# - wasm32-wasip1-threads: scripts/cross/wasm.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

target=${1:?usage: build-target.sh <rust target>}
platform=$(node -p "require('@napi-rs/cli').parseTriple(process.argv[1]).platformArchABI" "$target")

if [ "$target" = wasm32-wasip1-threads ]; then
  exec bash scripts/cross/wasm.sh
fi

add_target() {
  if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
  fi
}

napi_build() { # napi-target extra-flags...
  npx napi build --platform --release --target "$@" --output-dir target/cross --no-js
}

start=$SECONDS
case "$target" in
  *-linux-gnu | *-linux-gnueabihf)
    export CROSS_RUST_TARGETS=$target
    source scripts/cross/toolchain.sh
    napi_build "$target.2.17" --cross-compile
    ;;
  *-apple-darwin)
    add_target
    # Node 20's own minimum macOS: 11.0 on arm64, 10.15 on x86_64.
    if [ "$target" = aarch64-apple-darwin ]; then export MACOSX_DEPLOYMENT_TARGET=11.0; else export MACOSX_DEPLOYMENT_TARGET=10.15; fi
    napi_build "$target"
    ;;
  aarch64-pc-windows-msvc)
    add_target
    # ring's assembly for arm64 Windows needs clang: Visual Studio ships one.
    if ! command -v clang >/dev/null 2>&1; then
      for dir in "/c/Program Files/Microsoft Visual Studio/2022/"*/VC/Tools/Llvm/ARM64/bin; do
        [ -x "$dir/clang.exe" ] && export PATH="$dir:$PATH" && break
      done
    fi
    napi_build "$target"
    ;;
  *)
    add_target
    napi_build "$target"
    ;;
esac

cp "target/cross/jwks-rsa-native.$platform.node" "npm/$platform/"
bytes=$(node -p "require('fs').statSync(process.argv[1]).size" "npm/$platform/jwks-rsa-native.$platform.node")
echo "built $platform ($target) in $((SECONDS - start)) s: $bytes B"
