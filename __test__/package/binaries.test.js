'use strict';

// Each platform binary from `npm run build:all`, read with readelf and file:
// the right CPU and C library, a shared object, stripped, and for glibc no
// symbol newer than GLIBC_2.17.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { describeBinary, compareVersions } = require('../../scripts/cross/elf');
const support = require('./support');

const GLIBC_FLOOR = '2.17';
const MAX_BYTES = 4 * 1024 * 1024;
const FILE_ARCH = { x64: 'x86-64', arm64: 'ARM aarch64' };

for (const platform of support.PLATFORMS) {
  const [, arch, libc] = platform.split('-');
  const binary = support.builtBinary(platform);
  const skip = !binary && !support.REQUIRE_ALL && 'not built (npm run build:all)';

  test(`${platform}: ${arch} ${libc} shared object, stripped, under 4 MiB`, { skip }, () => {
    assert.ok(binary, `npm/${platform} has no binary`);
    const d = describeBinary(binary);
    assert.equal(d.type, 'DYN');
    assert.equal(d.arch, arch);
    assert.equal(d.libc, libc);
    assert.match(d.summary, new RegExp(`^ELF 64-bit LSB shared object, ${FILE_ARCH[arch]},.*, stripped$`));
    assert.ok(d.bytes < MAX_BYTES, `${d.bytes} bytes`);
    console.log(
      `${path.basename(binary)}: ${d.bytes} B, ${d.glibcFloor ? `GLIBC_${d.glibcFloor}` : 'no glibc'}, NEEDED ${d.needed.join(' ')}`,
    );
  });

  test(`${platform}: ${libc === 'gnu' ? `needs no glibc newer than ${GLIBC_FLOOR}` : 'links musl and no glibc'}`, { skip }, () => {
    const d = describeBinary(binary);
    if (libc === 'gnu') {
      assert.ok(compareVersions(d.glibcFloor, GLIBC_FLOOR) <= 0, `needs GLIBC_${d.glibcFloor}`);
    } else {
      assert.equal(d.glibcFloor, null);
      assert.deepEqual(d.needed, ['libc.so']);
    }
  });
}
