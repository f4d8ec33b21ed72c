'use strict';

// The published tarballs, installed the way a user installs them: a fresh
// app, no Rust toolchain, the main package and this machine's platform
// package; then `require`, `import` and a key fetched from a loopback JWKS.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { parseTriple } = require('@napi-rs/cli');
const { WASM_PLATFORM } = require('../../scripts/pack');
const support = require('./support');
const pkg = require('../../package.json');

const NODE22 = path.join(support.ROOT, 'target', 'runtimes', 'node22-linux-x64', 'bin', 'node');
const PUBLISHED = ['LICENSE', 'README.md', 'binding.d.ts', 'binding.js', 'index.d.ts', 'index.js', 'index.mjs', 'package.json'];

let packed;
let hostTarball;
let appDir;
let installOutput;
let expectedPems;

test.before(() => {
  const out = support.tempDir('tarballs');
  packed = support.packMain(out);
  hostTarball = support.packPlatform(support.HOST_PLATFORM, support.hostBinary(), out).tarball;
  appDir = path.join(support.tempDir('app'), 'app');
  const { stdout, stderr } = support.installApp(appDir, [packed.tarball, hostTarball]);
  installOutput = stdout + stderr;
  expectedPems = support.writeJwks(appDir);
});

test('the main tarball holds the JavaScript, types, README and LICENSE only', () => {
  const files = packed.files.map((f) => f.path);
  const outsideLib = files.filter((f) => !f.startsWith('lib/')).sort();
  assert.deepEqual(outsideLib, PUBLISHED);
  assert.ok(files.includes('lib/client/jwks-client.js') && files.includes('lib/loader/native.js'));
  assert.deepEqual(
    files.filter((f) => !f.endsWith('.js') && !f.endsWith('.ts') && !PUBLISHED.includes(f)),
    [],
  );
  console.log(`main tarball: ${packed.entryCount} files, ${packed.size} B packed, ${packed.unpackedSize} B unpacked`);
});

test('the published manifest has no scripts, so installing runs nothing that needs cargo', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(appDir, 'node_modules/jwks-rsa-native/package.json'), 'utf8'));
  assert.equal(manifest.scripts, undefined);
  assert.doesNotMatch(installOutput, /install-scripts|prepare/);
  assert.equal(fs.existsSync(path.join(appDir, 'node_modules/jwks-rsa-native/binding.gyp')), false);
  const probe = support.run('sh', ['-c', 'command -v cargo || command -v rustc'], { env: support.toolchainFreeEnv() });
  assert.notEqual(probe.status, 0, `a Rust tool is still on PATH: ${probe.stdout}`);
});

test('the addon comes from the platform package, not from a file in the main package', () => {
  const pkgDir = path.join(appDir, 'node_modules/jwks-rsa-native');
  assert.deepEqual(
    fs.readdirSync(pkgDir).filter((f) => f.endsWith('.node')),
    [],
  );
  const platformDir = path.join(appDir, `node_modules/jwks-rsa-native-${support.HOST_PLATFORM}`);
  assert.ok(fs.existsSync(path.join(platformDir, `jwks-rsa-native.${support.HOST_PLATFORM}.node`)));
});

for (const [label, node] of [
  ['this Node', process.execPath],
  ['Node 22', NODE22],
]) {
  test(`require and import work and fetch keys under ${label}`, {
    skip: !fs.existsSync(node) && !support.REQUIRE_ALL && 'no Node 22 runtime (scripts/cross/runtimes.sh)',
  }, () => {
    const report = support.smokeReport(support.run(node, ['smoke.mjs'], { cwd: appDir, env: support.toolchainFreeEnv() }));
    assert.equal(report.sameExports, true);
    assert.deepEqual(report.pems, expectedPems);
    assert.deepEqual(report.missing, { isClass: true, message: "Unable to find a signing key that matches 'no-such-kid'" });
    assert.deepEqual(report.addons, [
      path.join(appDir, `node_modules/jwks-rsa-native-${support.HOST_PLATFORM}/jwks-rsa-native.${support.HOST_PLATFORM}.node`),
    ]);
    console.log(`${label}: ${report.node} loaded ${path.basename(report.addons[0])}`);
  });
}

test('types resolve through `exports` for require and import', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(appDir, 'node_modules/jwks-rsa-native/package.json'), 'utf8'));
  const entry = manifest.exports['.'];
  assert.equal(Object.keys(entry)[0], 'types', 'TypeScript reads the first matching condition');
  const dts = fs.readFileSync(path.join(appDir, 'node_modules/jwks-rsa-native', entry.types), 'utf8');
  assert.match(dts, /export = JwksRsa;/);
  assert.equal(manifest.types, entry.types.replace(/^\.\//, ''));
});

test('without a platform package, require names the platform and how to build from source', () => {
  const bare = path.join(support.tempDir('bare-app'), 'app');
  support.installApp(bare, [packed.tarball]);
  const failed = support.run(process.execPath, ['-e', "require('jwks-rsa-native')"], {
    cwd: bare,
    env: support.toolchainFreeEnv(),
  });
  assert.notEqual(failed.status, 0);
  assert.match(failed.stderr, new RegExp(`no native binary could be loaded for ${support.HOST_PLATFORM} \\(Node\\.js v`));
  assert.match(failed.stderr, /reinstall on this machine without --omit=optional/);
  assert.match(failed.stderr, /install there with `npm install --os=linux --cpu=x64 --libc=(glibc|musl)`/);
  assert.match(failed.stderr, /`npm install --cpu=wasm32` adds the WebAssembly build, which npm installs only when asked/);
  assert.match(failed.stderr, /Building from source/);
  assert.match(failed.stderr, new RegExp(`Cannot find module 'jwks-rsa-native-${support.HOST_PLATFORM}'`));

  // The documented way out: point the loader at a binary built from source.
  const expected = support.writeJwks(bare);
  const report = support.smokeReport(
    support.run(process.execPath, ['smoke.mjs'], {
      cwd: bare,
      env: support.toolchainFreeEnv({ NAPI_RS_NATIVE_LIBRARY_PATH: support.hostBinary() }),
    }),
  );
  assert.deepEqual(report.pems, expected);

  // Or drop the built file next to the package's loader.
  fs.copyFileSync(support.hostBinary(), path.join(bare, `node_modules/jwks-rsa-native/jwks-rsa-native.${support.HOST_PLATFORM}.node`));
  const copied = support.smokeReport(support.run(process.execPath, ['smoke.mjs'], { cwd: bare, env: support.toolchainFreeEnv() }));
  assert.deepEqual(copied.pems, expected);
});

function requireOnRiscv() {
  const pretend = "Object.defineProperty(process, 'arch', { value: 'riscv64' });";
  return support.run(process.execPath, ['-e', `${pretend} require('jwks-rsa-native')`], {
    cwd: appDir,
    env: support.toolchainFreeEnv(),
  });
}

// The platform package names napi gives the targets (the WebAssembly build
// is the fallback of every platform, not one of them).
const PREBUILT = pkg.napi.targets.map((target) => parseTriple(target).platformArchABI).filter((p) => p !== WASM_PLATFORM);

test('on a platform without a prebuilt package, require lists the ones that exist', () => {
  const failed = requireOnRiscv();
  assert.notEqual(failed.status, 0);
  assert.match(
    failed.stderr,
    new RegExp(
      `no native binary could be loaded for linux-riscv64-(gnu|musl) \\(Node\\.js v[^)]+\\)\\. Where no binary fits, \`npm install --cpu=wasm32\` adds the WebAssembly build, [^.]+\\. Prebuilt binaries exist for ${PREBUILT.join(', ')}\\. To build one from source`,
    ),
  );
});

test('the list of prebuilt platforms names the Windows and 32-bit ARM packages as npm knows them', () => {
  assert.match(requireOnRiscv().stderr, /darwin-x64, win32-x64-msvc, win32-arm64-msvc, /);
  assert.match(requireOnRiscv().stderr, /, linux-arm-gnueabihf, /);
});
