'use strict';

// The WebAssembly fallback (npm/wasm32-wasi, scripts/cross/wasm.sh):
// - the whole node test suite with the fallback forced, on this Node and Node 22;
// - its tarball with the main one in a fresh app that has no native package;
// - a truncated or wrong-architecture native binary falls back to it, and
//   DEBUG=jwks says why.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const support = require('./support');
const { WASM_PLATFORM } = require('../../scripts/pack');

const NODE22 = path.join(support.ROOT, 'target', 'runtimes', 'node22-linux-x64', 'bin', 'node');
const WASM = support.builtBinary(WASM_PLATFORM);
const skipWasm = !WASM && !support.REQUIRE_ALL && 'not built (scripts/cross/wasm.sh)';
const NODES = [
  ['this Node', process.execPath],
  ['Node 22', NODE22],
];
const skipNode = (node) => skipWasm || (!fs.existsSync(node) && !support.REQUIRE_ALL && 'no Node 22 runtime (scripts/cross/runtimes.sh)');
// NODE_PATH makes the checkout's loader find the wasm package by name, as an
// installed app finds it in node_modules.
function checkoutResolvingWasm() {
  const dir = support.tempDir('wasm-path');
  fs.symlinkSync(path.join(support.ROOT, 'npm', WASM_PLATFORM), path.join(dir, `jwks-rsa-native-${WASM_PLATFORM}`));
  return dir;
}

// This process's environment without what node:test sets for the files it
// runs: with NODE_TEST_CONTEXT a nested `node --test` reports to a parent
// runner instead of running as the top-level one.
function suiteEnv() {
  const { NODE_TEST_CONTEXT, ...env } = process.env;
  return env;
}

for (const [label, node] of NODES) {
  // Each test gets 5 minutes: a lookup that never settles fails its test
  // by name instead of holding the whole run.
  test(`the whole node test suite passes on the WebAssembly backend under ${label}`, { skip: skipNode(node), timeout: 1_800_000 }, () => {
    assert.ok(WASM, `npm/${WASM_PLATFORM} has no .wasm`);
    const tests = fs.readdirSync(path.join(support.ROOT, '__test__')).filter((f) => f.endsWith('.test.js'));
    const result = support.run(node, ['--test', '--test-concurrency=1', '--test-timeout=300000', ...tests.map((f) => `__test__/${f}`)], {
      cwd: support.ROOT,
      env: { ...suiteEnv(), NAPI_RS_FORCE_WASI: 'error', NODE_PATH: checkoutResolvingWasm() },
      timeout: 1_800_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const summary = result.stdout.split('\n').filter((line) => /^# (tests|pass|fail|skipped|cancelled) /.test(line));
    const failures = result.stdout.split('\n').filter((line) => /^not ok /.test(line.trim()));
    assert.equal(result.status, 0, `${failures.join('\n')}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`);
    assert.match(summary.join('\n'), /# pass [1-9]\d*\n# fail 0/, result.stdout.slice(-4000));
    const counts = summary.map((line) => line.replace(/^# /, '')).join(', ');
    console.log(`wasm backend, ${label} (${support.run(node, ['--version']).stdout.trim()}): ${counts}`);
  });
}

// A lock whose contended path panics kills the WASI thread holding a lookup:
// parking_lot's wasm stub without its nightly feature does exactly that.
test('the WebAssembly build has no lock that panics when contended', { skip: skipWasm }, () => {
  assert.ok(WASM, `npm/${WASM_PLATFORM} has no .wasm`);
  assert.equal(fs.readFileSync(WASM).includes('Parking not supported on this platform'), false);
});

let tarballs;
function packAll() {
  if (tarballs) return tarballs;
  const out = support.tempDir('wasm-tarballs');
  const wasm = support.packPlatform(WASM_PLATFORM, WASM, out);
  console.log(
    `wasm tarball: ${wasm.entryCount} files, ${wasm.size} B packed, ${wasm.unpackedSize} B unpacked; .wasm ${fs.statSync(WASM).size} B`,
  );
  tarballs = {
    main: support.packMain(out).tarball,
    wasm: wasm.tarball,
    host: support.packPlatform(support.HOST_PLATFORM, support.hostBinary(), out).tarball,
  };
  return tarballs;
}

function smoke(node, appDir, env = {}) {
  return support.run(node, ['smoke.mjs'], { cwd: appDir, env: support.toolchainFreeEnv(env) });
}

let bareApp;
let bareExpected;
for (const [label, node] of NODES) {
  test(`main + wasm tarballs without a native package fetch keys under ${label}`, { skip: skipNode(node) }, () => {
    if (!bareApp) {
      const t = packAll();
      bareApp = path.join(support.tempDir('wasm-app'), 'app');
      // The package is for the wasm32 CPU: npm installs it only when asked.
      support.installApp(bareApp, [t.main], ['--cpu=wasm32'], { [`jwks-rsa-native-${WASM_PLATFORM}`]: t.wasm });
      bareExpected = support.writeJwks(bareApp);
      const installed = fs.readdirSync(path.join(bareApp, 'node_modules')).filter((d) => d.startsWith('jwks-rsa-native'));
      assert.deepEqual(installed.sort(), ['jwks-rsa-native', `jwks-rsa-native-${WASM_PLATFORM}`]);
    }
    const result = smoke(node, bareApp, { DEBUG: 'jwks' });
    const report = support.smokeReport(result);
    assert.equal(report.backend, 'wasm');
    assert.deepEqual(report.addons, []);
    assert.deepEqual(report.pems, bareExpected);
    assert.deepEqual(report.missing, { isClass: true, message: "Unable to find a signing key that matches 'no-such-kid'" });
    assert.match(
      result.stderr,
      new RegExp(
        `jwks Using the WebAssembly backend: no native binary for ${support.HOST_PLATFORM} loaded \\(.*Cannot find module 'jwks-rsa-native-${support.HOST_PLATFORM}'`,
      ),
    );
    console.log(`${label}: ${report.node} served ${Object.keys(report.pems).length} keys from the wasm package`);
  });
}

// An ELF header claiming another CPU (aarch64 instead of x86-64, or the reverse).
function wrongArchitecture(binary) {
  const bytes = fs.readFileSync(binary);
  const machine = bytes.readUInt16LE(18);
  bytes.writeUInt16LE(machine === 0xb7 ? 0x3e : 0xb7, 18);
  return bytes;
}

for (const [label, damage] of [
  ['a truncated', (binary) => fs.readFileSync(binary).subarray(0, 4096)],
  ['a wrong-architecture', wrongArchitecture],
]) {
  test(`${label} native binary falls back to WebAssembly, with the reason in DEBUG=jwks`, { skip: skipWasm }, () => {
    const t = packAll();
    const appDir = path.join(support.tempDir('wasm-damaged'), 'app');
    // Both a native and the WebAssembly package: npm installs one CPU's
    // packages at a time, unless --force.
    support.installApp(appDir, [t.main, t.host, t.wasm], ['--force']);
    const expected = support.writeJwks(appDir);
    const binary = path.join(appDir, `node_modules/jwks-rsa-native-${support.HOST_PLATFORM}/jwks-rsa-native.${support.HOST_PLATFORM}.node`);
    fs.writeFileSync(binary, damage(binary));
    const result = smoke(process.execPath, appDir, { DEBUG: 'jwks' });
    const report = support.smokeReport(result);
    assert.equal(report.backend, 'wasm');
    assert.deepEqual(report.pems, expected);
    const line = result.stderr.split('\n').find((l) => l.includes('Using the WebAssembly backend'));
    assert.ok(line, result.stderr);
    assert.match(line, new RegExp(`jwks-rsa-native-${support.HOST_PLATFORM}`));
    console.log(`${label} binary: ${line.replace(/^\S+ /, '')}`);
  });
}
