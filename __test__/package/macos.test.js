'use strict';

// Each macOS binary from `npm run build:all`, read as macOS's loader would
// read it (no Mac runs here): a dylib of the right CPU exporting only the
// Node-API entry point, loading only libraries every Mac has in /usr/lib, a
// minimum macOS no higher than Node 20's own, and on arm64 an ad-hoc
// signature whose page hashes match the file (arm64 macOS kills unsigned
// code).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { compareVersions } = require('../../scripts/cross/elf');
const { describeMachO } = require('../../scripts/cross/macho');
const support = require('./support');

const MAX_BYTES = 4 * 1024 * 1024;
const MACOS = [
  { platform: 'darwin-arm64', arch: 'arm64', minOs: '11.0.0', signed: true },
  { platform: 'darwin-x64', arch: 'x64', minOs: '10.15.0', signed: false },
];

for (const { platform, arch, minOs, signed } of MACOS) {
  const binary = support.builtBinary(platform);
  const skip = !binary && !support.REQUIRE_ALL && 'not built (npm run build:all)';

  test(`${platform}: Mach-O dylib for ${arch}, exporting only _napi_register_module_v1`, { skip }, () => {
    assert.ok(binary, `npm/${platform} has no binary`);
    const d = describeMachO(binary);
    assert.equal(d.type, 'DYLIB');
    assert.equal(d.arch, arch);
    assert.deepEqual(d.exports, ['_napi_register_module_v1']);
    assert.ok(d.bytes < MAX_BYTES, `${d.bytes} bytes`);
    console.log(`${path.basename(binary)}: ${d.bytes} B, macOS ${d.minOs}+, loads ${d.dylibs.join(' ')}`);
  });

  test(`${platform}: loads only /usr/lib libraries and needs macOS ${minOs} at most`, { skip }, () => {
    const d = describeMachO(binary);
    assert.ok(d.dylibs.includes('/usr/lib/libSystem.B.dylib'), d.dylibs.join(' '));
    assert.deepEqual(
      d.dylibs.filter((lib) => !lib.startsWith('/usr/lib/')),
      [],
    );
    assert.equal(d.platform, 'macos', 'no LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX for macOS');
    assert.ok(compareVersions(d.minOs, minOs) <= 0, `needs macOS ${d.minOs}`);
  });

  if (signed) {
    test(`${platform}: ad-hoc signed, every page hash matches the file`, { skip }, () => {
      const { signature, bytes } = describeMachO(binary);
      assert.ok(signature, 'no LC_CODE_SIGNATURE');
      assert.equal(signature.adhoc, true);
      assert.equal(signature.codeLimit, signature.dataoff, 'the signature covers the file up to itself');
      assert.equal(signature.pagesCovered, true);
      assert.equal(signature.badPages, 0);
      console.log(`${platform}: ad-hoc signature "${signature.identifier}", ${signature.pages} pages of ${bytes} B verified`);
    });

    test(`${platform}: one changed byte breaks the signature check`, { skip }, () => {
      const copy = path.join(support.tempDir('macho'), path.basename(binary));
      const bytes = fs.readFileSync(binary);
      const { signature } = describeMachO(binary);
      const at = Math.floor(signature.codeLimit / 2);
      bytes[at] ^= 0xff;
      fs.writeFileSync(copy, bytes);
      assert.equal(describeMachO(copy).signature.badPages, 1);
    });
  }
}
