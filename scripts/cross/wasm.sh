#!/usr/bin/env bash
# Builds the WebAssembly fallback, wasm32-wasip1-threads, into the platform
# package npm/wasm32-wasi/: the .wasm and napi's generated loader
# (jwks-rsa-native.wasi.cjs, wasi-worker.mjs), with the JavaScript runtime they
# load bundled beside them (runtime.cjs, scripts/cross/wasm-runtime.js), so the
# package has no dependencies. The build leaves out the
# native transport (`--no-default-features`): WASI has no sockets, so every
# fetch goes through Node's http. tokio_unstable lets napi run its tokio
# runtime on WASI threads.
set -euo pipefail
cd "$(dirname "$0")/../.."

TARGET=wasm32-wasip1-threads
if ! rustup target list --installed | grep -qx "$TARGET"; then
  rustup target add "$TARGET"
fi

start=$SECONDS
# The code this build compiles (the core without `native-http`), linted on the host.
cargo clippy --no-default-features --lib -- -D warnings
RUSTFLAGS="${RUSTFLAGS:-} --cfg tokio_unstable" npx napi build --platform --release \
  --target "$TARGET" --no-default-features --output-dir target/wasm32-wasi --no-js \
  --dts binding.d.ts
for file in jwks-rsa-native.wasm32-wasi.wasm jwks-rsa-native.wasi.cjs wasi-worker.mjs; do
  cp "target/wasm32-wasi/$file" npm/wasm32-wasi/
done
node scripts/cross/wasm-runtime.js
echo "built wasm32-wasi ($TARGET) in $((SECONDS - start)) s: $(stat -c %s npm/wasm32-wasi/jwks-rsa-native.wasm32-wasi.wasm) B"
