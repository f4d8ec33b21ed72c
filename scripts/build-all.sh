#!/usr/bin/env bash
# Builds the prebuilt binaries of the platform packages, each into its
# npm/<platform>/ folder, then reports their sizes, CPUs and what they load.
# Linux and FreeBSD link with zig; macOS with clang-14 and ld64.lld against a
# stub SDK (scripts/cross/macos.sh); Windows with mingw-w64
# (scripts/cross/windows.sh). The gnu targets carry zig's `.2.17` suffix, so
# they link against glibc 2.17 and load on distributions back to RHEL/CentOS 7.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cross/toolchain.sh

PLATFORMS=(
  "linux-x64-gnu x86_64-unknown-linux-gnu.2.17"
  "linux-arm64-gnu aarch64-unknown-linux-gnu.2.17"
  "linux-x64-musl x86_64-unknown-linux-musl"
  "linux-arm64-musl aarch64-unknown-linux-musl"
  "linux-arm-gnueabihf armv7-unknown-linux-gnueabihf.2.17"
  "freebsd-x64 x86_64-unknown-freebsd"
)

for entry in "${PLATFORMS[@]}"; do
  read -r platform target <<<"$entry"
  start=$SECONDS
  # --no-js: binding.js is the host build's (`npm run build`); the loader is
  # the same for every platform. Type definitions land in target/cross too.
  npx napi build --platform --release --cross-compile --target "$target" \
    --output-dir target/cross --no-js
  cp "target/cross/jwks-rsa-native.$platform.node" "npm/$platform/"
  echo "built $platform ($target) in $((SECONDS - start)) s"
done

source scripts/cross/macos.sh
source scripts/cross/windows.sh
timed() { # platform command...
  local start=$SECONDS
  "${@:2}"
  echo "built $1 in $((SECONDS - start)) s"
}
timed darwin-arm64 build_macos darwin-arm64 aarch64-apple-darwin arm64-apple-macos11.0
timed darwin-x64 build_macos darwin-x64 x86_64-apple-darwin x86_64-apple-macos10.15
timed win32-x64-msvc build_windows win32-x64-msvc

# The WebAssembly fallback package, npm/wasm32-wasi/.
bash scripts/cross/wasm.sh

node scripts/cross/report.js
