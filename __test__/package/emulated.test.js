'use strict';

// Each foreign platform package, installed from its tarball with the main one
// and loaded by a Node.js of that platform (scripts/cross/runtimes.sh):
// arm64 under qemu-user, musl in a chroot holding only musl and that Node.
// Every run goes through the package's own loader, libc detection included.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const support = require('./support');

const RUNTIMES = path.join(support.ROOT, 'target', 'runtimes');
const FOREIGN = ['linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl'];

let mainTarball;
test.before(() => {
  mainTarball = support.packMain(support.tempDir('tarballs')).tarball;
});

function readRuntime(platform) {
  const file = path.join(RUNTIMES, platform, 'runtime.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

// How to run `node <script>` inside the runtime root; `app` is where the app
// sits in the root, `hostApp` where it is on this machine.
function command(root, runtime, app) {
  if (runtime.runner === 'chroot') return ['chroot', [root, runtime.node, `${app}/smoke.mjs`]];
  return [runtime.runner, ['-L', root, path.join(root, runtime.node), path.join(root, app, 'smoke.mjs')]];
}

for (const platform of FOREIGN) {
  const [, cpu, libc] = platform.split('-');
  const runtime = readRuntime(platform);
  const binary = support.builtBinary(platform);
  const skip = (!runtime || !binary) && !support.REQUIRE_ALL && `needs npm run build:all and scripts/cross/runtimes.sh`;

  test(`${platform}: the tarballs install and the package loads and fetches keys there`, { skip }, () => {
    assert.ok(runtime && binary, `missing ${runtime ? 'binary' : 'runtime'} for ${platform}`);
    const root = path.join(RUNTIMES, platform);
    const hostApp = path.join(root, 'app');
    fs.rmSync(hostApp, { recursive: true, force: true });
    const tarball = support.packPlatform(platform, binary, support.tempDir('tarballs')).tarball;
    support.installApp(hostApp, [mainTarball, tarball], ['--force', '--os=linux', `--cpu=${cpu}`, `--libc=${libc}`]);
    const expectedPems = support.writeJwks(hostApp);

    const [cmd, args] = command(root, runtime, '/app');
    const result = support.run(cmd, args, { cwd: hostApp, env: support.toolchainFreeEnv(runtime.env) });
    const report = support.smokeReport(result);

    assert.equal(report.arch, cpu);
    assert.equal(report.glibc === null, libc === 'musl');
    assert.equal(report.sameExports, true);
    assert.deepEqual(report.pems, expectedPems);
    assert.equal(report.missing.isClass, true);
    assert.equal(report.addons.length, 1);
    assert.ok(
      report.addons[0].endsWith(`/app/node_modules/jwks-rsa-native-${platform}/jwks-rsa-native.${platform}.node`),
      report.addons[0],
    );
    console.log(`${platform}: Node ${report.node} (${report.glibc ? `glibc ${report.glibc}` : 'musl'}) loaded ${report.addons[0]}`);
  });
}
