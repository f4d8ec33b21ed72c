#!/usr/bin/env bash
# Builds the prebuilt binaries of the four Linux platform packages with zig as
# linker, each into its npm/<platform>/ folder, then reports their sizes and
# glibc floors. The gnu targets carry zig's `.2.17` suffix, so they link
# against glibc 2.17 and load on distributions back to RHEL/CentOS 7.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cross/toolchain.sh

PLATFORMS=(
  "linux-x64-gnu x86_64-unknown-linux-gnu.2.17"
  "linux-arm64-gnu aarch64-unknown-linux-gnu.2.17"
  "linux-x64-musl x86_64-unknown-linux-musl"
  "linux-arm64-musl aarch64-unknown-linux-musl"
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

# The WebAssembly fallback package, npm/wasm32-wasi/.
bash scripts/cross/wasm.sh

node scripts/cross/report.js
