'use strict';

// What an install brings, counted in a fresh app as npm resolves the
// published packages: the main tarball is installed with npm's default
// settings, and its optional dependencies resolve to the packed platform
// tarballs (through `overrides`, as they would to the registry), so npm
// applies each package's os, cpu and libc fields itself.
// - By default: the main package and this machine's binary, nothing else.
// - With --cpu=wasm32: the main package and the WebAssembly build, which
//   serves keys with no native binary present.
// - jwks-rsa 4.1.0 installed the same way, for the comparison in the README.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const support = require('./support');
const { WASM_PLATFORM } = require('../../scripts/pack');

const WASM = support.builtBinary(WASM_PLATFORM);
const WASM_PACKAGE = `jwks-rsa-native-${WASM_PLATFORM}`;
const HOST_PACKAGE = `jwks-rsa-native-${support.HOST_PLATFORM}`;

let tarballs;
function pack() {
  if (tarballs) return tarballs;
  const out = support.tempDir('footprint-tarballs');
  const platforms = { [HOST_PACKAGE]: support.packPlatform(support.HOST_PLATFORM, support.hostBinary(), out).tarball };
  if (WASM) platforms[WASM_PACKAGE] = support.packPlatform(WASM_PLATFORM, WASM, out).tarball;
  tarballs = { main: support.packMain(out).tarball, platforms };
  return tarballs;
}

// `npm install <spec>` in a new app, with the registry and cache npm is
// configured with; `overrides` (name to tarball) stand in for the registry's
// platform packages.
function install(label, spec, { overrides = {}, flags = [] } = {}) {
  const appDir = path.join(support.tempDir(label), 'app');
  fs.mkdirSync(appDir, { recursive: true });
  const resolved = Object.fromEntries(Object.entries(overrides).map(([name, tarball]) => [name, `file:${tarball}`]));
  const manifest = { name: 'app', version: '1.0.0', private: true, overrides: resolved };
  fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(manifest, null, 2));
  support.runOk('npm', ['install', '--no-audit', '--no-fund', ...flags, spec], { cwd: appDir, env: support.toolchainFreeEnv() });
  return appDir;
}

// Every package under node_modules (nested ones too), the bytes of their
// files and the disk blocks those take; npm's own .package-lock.json is not
// part of any package.
function footprint(appDir) {
  const packages = [];
  let bytes = 0;
  let disk = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name !== '.package-lock.json') {
        const stat = fs.statSync(full);
        bytes += stat.size;
        disk += stat.blocks * 512;
      }
    }
  };
  const packagesIn = (modules) => {
    if (!fs.existsSync(modules)) return;
    for (const name of fs.readdirSync(modules)) {
      const names = name.startsWith('@') ? fs.readdirSync(path.join(modules, name)).map((sub) => `${name}/${sub}`) : [name];
      for (const each of names) {
        if (!fs.existsSync(path.join(modules, each, 'package.json'))) continue;
        packages.push(each);
        packagesIn(path.join(modules, each, 'node_modules'));
      }
    }
  };
  packagesIn(path.join(appDir, 'node_modules'));
  walk(path.join(appDir, 'node_modules'));
  return { packages: packages.sort(), bytes, disk };
}

function report(label, { packages, bytes, disk }) {
  const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`${label}: ${packages.length} packages, ${mb(bytes)} in files, ${mb(disk)} on disk: ${packages.join(', ')}`);
}

// The lock file npm wrote: every package it recorded, installed or not.
function locked(appDir) {
  const lock = JSON.parse(fs.readFileSync(path.join(appDir, 'package-lock.json'), 'utf8'));
  return Object.keys(lock.packages)
    .filter((key) => key !== '')
    .map((key) => key.replace(/^.*node_modules\//, ''))
    .sort();
}

test('the default install is the main package and this machine binary, with no JavaScript dependency', () => {
  const t = pack();
  const appDir = install('footprint-default', t.main, { overrides: t.platforms });
  const installed = footprint(appDir);
  report('jwks-rsa-native, default install', installed);
  assert.deepEqual(installed.packages, ['jwks-rsa-native', HOST_PACKAGE]);
  // Not even the lock file names a JavaScript package: the WebAssembly build
  // is listed (for machines that ask for it) and depends on nothing.
  assert.deepEqual(
    locked(appDir).filter((name) => !name.startsWith('jwks-rsa-native')),
    [],
  );
  if (WASM) assert.ok(locked(appDir).includes(WASM_PACKAGE), 'the lock file lists the WebAssembly package');
});

test('npm install --cpu=wasm32 installs the WebAssembly build, and it serves keys', {
  skip: !WASM && !support.REQUIRE_ALL && 'not built (scripts/cross/wasm.sh)',
}, () => {
  assert.ok(WASM, `npm/${WASM_PLATFORM} has no .wasm`);
  const t = pack();
  const appDir = install('footprint-wasm', t.main, { overrides: t.platforms, flags: ['--cpu=wasm32'] });
  const installed = footprint(appDir);
  report('jwks-rsa-native, npm install --cpu=wasm32', installed);
  assert.deepEqual(installed.packages, ['jwks-rsa-native', WASM_PACKAGE]);

  const expected = support.writeJwks(appDir);
  const smoke = support.smokeReport(support.run(process.execPath, ['smoke.mjs'], { cwd: appDir, env: support.toolchainFreeEnv() }));
  assert.equal(smoke.backend, 'wasm');
  assert.deepEqual(smoke.addons, []);
  assert.deepEqual(smoke.pems, expected);
});

test('jwks-rsa 4.1.0 installed the same way, for comparison', () => {
  const appDir = install('footprint-jwks-rsa', 'jwks-rsa@4.1.0');
  const installed = footprint(appDir);
  report('jwks-rsa 4.1.0', installed);
  assert.ok(installed.packages.includes('jwks-rsa'));
});
