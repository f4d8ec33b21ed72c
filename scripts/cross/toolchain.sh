#!/usr/bin/env bash
# Sourced by build-all.sh. Installs, once, what zig cross builds need:
# the rustup targets, zig (from the `ziglang` PyPI package) and
# cargo-zigbuild, then puts a `zig` launcher on PATH. Versions are pinned so
# every machine links the same way. CROSS_RUST_TARGETS may name fewer targets
# (a CI job that builds one).

ZIGLANG_VERSION=0.15.2
CARGO_ZIGBUILD_VERSION=0.24.1
CROSS_RUST_TARGETS=${CROSS_RUST_TARGETS:-"x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl
  aarch64-unknown-linux-musl armv7-unknown-linux-gnueabihf x86_64-unknown-freebsd aarch64-apple-darwin x86_64-apple-darwin
  x86_64-pc-windows-gnu"}

ensure_rust_targets() {
  local installed missing=()
  installed="$(rustup target list --installed)"
  for t in $CROSS_RUST_TARGETS; do
    grep -qx "$t" <<<"$installed" || missing+=("$t")
  done
  if ((${#missing[@]})); then rustup target add "${missing[@]}"; fi
}

ensure_zig() {
  if [ "$(python3 -m ziglang version 2>/dev/null)" != "$ZIGLANG_VERSION" ]; then
    python3 -m pip install --quiet --disable-pip-version-check "ziglang==$ZIGLANG_VERSION"
  fi
  # napi's --cross-compile looks for `zig` on PATH; the PyPI package only
  # provides `python3 -m ziglang`.
  local bin="$PWD/target/zig-bin"
  mkdir -p "$bin"
  printf '#!/bin/sh\nexec python3 -m ziglang "$@"\n' >"$bin/zig"
  chmod +x "$bin/zig"
  export PATH="$bin:$PATH"
}

# The PyPI package holds the released binary: no minutes spent compiling it.
ensure_cargo_zigbuild() {
  if [ "$(cargo-zigbuild --version 2>/dev/null)" != "cargo-zigbuild $CARGO_ZIGBUILD_VERSION" ]; then
    python3 -m pip install --quiet --disable-pip-version-check "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION"
  fi
}

ensure_rust_targets
ensure_zig
ensure_cargo_zigbuild
