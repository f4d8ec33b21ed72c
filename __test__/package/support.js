'use strict';

// Shared steps of the packaging tests: pack the main and platform packages as
// `npm publish` would, install the tarballs into a fresh app with no Rust
// toolchain on PATH, and run the smoke script there.

const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { packMain, packPlatform, builtBinary } = require('../../scripts/pack');

const ROOT = path.resolve(__dirname, '..', '..');
const PLATFORMS = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl'];
const HOST_PLATFORM = `${process.platform}-${process.arch}-${process.report.getReport().header.glibcVersionRuntime ? 'gnu' : 'musl'}`;
// CI builds every binary and runtime first; there a missing one is a failure,
// elsewhere a skip.
const REQUIRE_ALL = process.env.JWKS_PACKAGE_TEST_ALL === '1';

const tempDirs = [];
process.on('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `jwks-rsa-native-${label}-`));
  tempDirs.push(dir);
  return dir;
}

// The environment a user without Rust has: PATH without any folder that holds
// cargo or rustc, no Rust variables, and none of the npm_* variables that
// `npm run` sets for this test (they would steer the nested npm).
function toolchainFreeEnv(extra = {}) {
  const hasRust = (dir) => ['cargo', 'rustc'].some((tool) => fs.existsSync(path.join(dir, tool)));
  const PATH = (process.env.PATH || '').split(path.delimiter).filter((dir) => dir && !hasRust(dir));
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|CARGO|RUSTUP|RUSTC|RUST_)/i.test(key)) env[key] = value;
  }
  return { ...env, PATH: PATH.join(path.delimiter), ...extra };
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000, ...options });
  if (result.error) throw result.error;
  return result;
}

function runOk(command, args, options) {
  const result = run(command, args, options);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

// The host binary: the cross-built one from `npm run build:all` when present
// (what gets published), else the one `npm run build` left in the checkout.
function hostBinary() {
  return builtBinary(HOST_PLATFORM) || path.join(ROOT, `jwks-rsa-native.${HOST_PLATFORM}.node`);
}

// A new app that installs the tarballs in one `npm install`, offline and with
// its own empty cache, so nothing comes from the registry or an earlier run.
// `flags` can name another platform (--cpu, --libc) for emulated runs.
// `overrides` maps a package name to a tarball: a dependency resolves to it as
// to the registry, so npm applies its os and cpu fields (a package named on
// the command line is refused on another CPU, even with --cpu).
function installApp(appDir, tarballs, flags = [], overrides = {}) {
  fs.mkdirSync(appDir, { recursive: true });
  const resolved = Object.fromEntries(Object.entries(overrides).map(([name, tarball]) => [name, `file:${tarball}`]));
  const manifest = { name: 'app', version: '1.0.0', private: true, overrides: resolved };
  fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(manifest));
  const cache = tempDir('npm-cache');
  return runOk('npm', ['install', '--offline', '--no-audit', '--no-fund', '--cache', cache, ...flags, ...tarballs], {
    cwd: appDir,
    env: toolchainFreeEnv(),
  });
}

// A JWKS of two fresh keys, and the PEM Node makes of each.
function writeJwks(appDir) {
  const make = (kid, type, options) => {
    const { publicKey } = crypto.generateKeyPairSync(type, options);
    return { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' };
  };
  const keys = [make('rsa-1', 'rsa', { modulusLength: 2048 }), make('ec-1', 'ec', { namedCurve: 'P-256' })];
  fs.writeFileSync(path.join(appDir, 'jwks.json'), JSON.stringify({ keys }));
  fs.copyFileSync(path.join(__dirname, 'smoke.mjs'), path.join(appDir, 'smoke.mjs'));
  return Object.fromEntries(
    keys.map((jwk) => [
      jwk.kid,
      crypto.createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).replace(/\n$/, ''),
    ]),
  );
}

// The smoke script's JSON line, from whatever node ran it.
function smokeReport(result) {
  if (result.status !== 0) throw new Error(`smoke exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

module.exports = {
  ROOT,
  PLATFORMS,
  HOST_PLATFORM,
  REQUIRE_ALL,
  tempDir,
  toolchainFreeEnv,
  run,
  runOk,
  packMain,
  builtBinary,
  hostBinary,
  packPlatform,
  installApp,
  writeJwks,
  smokeReport,
};
