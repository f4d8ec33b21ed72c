'use strict';

// The Windows package: its DLL read as a PE file (exports only the Node-API
// entry point, imports only Windows system DLLs), then installed from its
// tarball with the main one and loaded by official Windows Node.js under
// Wine (scripts/cross/wine.sh), fetching keys from a JWKS on 127.0.0.1.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { describePE } = require('../../scripts/cross/pe');
const support = require('./support');

const PLATFORM = 'win32-x64-msvc';
const RUNTIME = path.join(support.ROOT, 'target', 'runtimes', 'win32-x64');
const MAX_BYTES = 6 * 1024 * 1024;
// What the DLL may import: Windows itself. No MinGW runtime (libgcc_s,
// libwinpthread) and no libnode: Node-API is resolved from the host process.
const SYSTEM_DLLS = [
  'advapi32.dll',
  'api-ms-win-core-synch-l1-2-0.dll',
  'bcrypt.dll',
  'bcryptprimitives.dll',
  'crypt32.dll',
  'kernel32.dll',
  'msvcrt.dll',
  'ntdll.dll',
  'secur32.dll',
  'userenv.dll',
  'ws2_32.dll',
];

const binary = support.builtBinary(PLATFORM);
const runtime = fs.existsSync(path.join(RUNTIME, 'runtime.json'))
  ? JSON.parse(fs.readFileSync(path.join(RUNTIME, 'runtime.json'), 'utf8'))
  : null;
const skipBuild = !binary && !support.REQUIRE_ALL && 'not built (npm run build:all)';
const skipRun = (!binary || !runtime) && !support.REQUIRE_ALL && 'needs npm run build:all and scripts/cross/runtimes.sh';

test(`${PLATFORM}: an x64 DLL exporting only napi_register_module_v1, importing only system DLLs`, { skip: skipBuild }, () => {
  assert.ok(binary, `npm/${PLATFORM} has no binary`);
  const d = describePE(binary);
  assert.equal(d.arch, 'x64');
  assert.equal(d.dll, true);
  assert.deepEqual(d.exports, ['napi_register_module_v1']);
  const imports = [...d.imports, ...d.delayImports];
  assert.deepEqual(
    imports.filter((dll) => !SYSTEM_DLLS.includes(dll)),
    [],
  );
  assert.ok(d.bytes < MAX_BYTES, `${d.bytes} bytes`);
  console.log(`${path.basename(binary)}: ${d.bytes} B, imports ${imports.join(' ')}`);
});

// Node under Wine: the report comes through a file, and stdout/stderr go to
// files too (wineserver outlives node and would hold a pipe open).
function runUnderWine(node, appDir) {
  const out = path.join(appDir, 'report.json');
  const log = path.join(appDir, 'wine.log');
  fs.rmSync(out, { force: true });
  const result = support.run('sh', ['-c', 'exec wine "$0" smoke.mjs >"$1" 2>&1', node, log], {
    cwd: appDir,
    env: support.toolchainFreeEnv({ ...runtime.env, JWKS_SMOKE_OUT: 'report.json' }),
  });
  if (result.status !== 0 || !fs.existsSync(out)) {
    throw new Error(`wine node exited ${result.status}\n${fs.readFileSync(log, 'utf8')}`);
  }
  return JSON.parse(fs.readFileSync(out, 'utf8'));
}

test.after(() => {
  if (runtime) support.run('wineserver', ['-k'], { env: { ...process.env, ...runtime.env } });
});

for (const version of runtime ? runtime.nodes : ['22']) {
  test(`${PLATFORM}: Windows Node ${version} under Wine installs the tarballs, loads the DLL and fetches keys`, { skip: skipRun }, () => {
    assert.ok(runtime && binary, `missing ${runtime ? 'binary' : 'runtime'} for ${PLATFORM}`);
    const out = support.tempDir('tarballs');
    const tarballs = [support.packMain(out).tarball, support.packPlatform(PLATFORM, binary, out).tarball];
    const appDir = path.join(support.tempDir('win-app'), 'app');
    support.installApp(appDir, tarballs, ['--force', '--os=win32', '--cpu=x64']);
    const expectedPems = support.writeJwks(appDir);

    const report = runUnderWine(path.join(RUNTIME, `node${version}`, 'node.exe'), appDir);

    assert.equal(report.node, `v${version}`);
    assert.equal(report.platform, 'win32');
    assert.equal(report.arch, 'x64');
    assert.equal(report.sameExports, true);
    assert.deepEqual(report.pems, expectedPems);
    assert.deepEqual(report.missing, { isClass: true, message: "Unable to find a signing key that matches 'no-such-kid'" });
    assert.equal(report.addons.length, 1);
    assert.ok(report.addons[0].endsWith(`\\node_modules\\jwks-rsa-native-${PLATFORM}\\jwks-rsa-native.${PLATFORM}.node`), report.addons[0]);
    console.log(`${PLATFORM}: Windows Node ${report.node} under Wine loaded ${report.addons[0]}`);
  });
}
