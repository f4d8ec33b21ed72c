'use strict';

// The 32-bit ARM (Raspberry Pi OS 32-bit) binary from `npm run build:all`,
// read with readelf: an ARMv7 hard-float shared object exporting only the
// Node-API entry point, needing only glibc's libraries and no symbol newer
// than GLIBC_2.17. CI runs the node suite on it under QEMU.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { execFileSync } = require('child_process');
const { describeBinary, exportedSymbols, compareVersions } = require('../../scripts/cross/elf');
const support = require('./support');

const PLATFORM = 'linux-arm-gnueabihf';
const GLIBC_LIBRARIES = ['libc.so.6', 'libm.so.6', 'libpthread.so.0', 'libdl.so.2', 'ld-linux-armhf.so.3', 'libgcc_s.so.1'];
const MAX_BYTES = 4 * 1024 * 1024;

const binary = support.builtBinary(PLATFORM);
const skip = !binary && !support.REQUIRE_ALL && 'not built (npm run build:all)';

test(`${PLATFORM}: an ARMv7 hard-float shared object exporting only napi_register_module_v1, glibc 2.17`, { skip }, () => {
  assert.ok(binary, `npm/${PLATFORM} has no binary`);
  const d = describeBinary(binary);
  assert.equal(d.type, 'DYN');
  assert.match(d.summary, /^ELF 32-bit LSB shared object, ARM, EABI5 .*, stripped$/);
  const header = execFileSync('readelf', ['--file-header', binary], { encoding: 'utf8' });
  assert.match(header, /Flags:.*hard-float ABI/);
  const attributes = execFileSync('readelf', ['--arch-specific', binary], { encoding: 'utf8' });
  assert.match(attributes, /Tag_CPU_arch: v7\b/);
  assert.deepEqual(exportedSymbols(binary), ['napi_register_module_v1']);
  assert.deepEqual(
    d.needed.filter((lib) => !GLIBC_LIBRARIES.includes(lib)),
    [],
  );
  assert.ok(compareVersions(d.glibcFloor, '2.17') <= 0, `needs GLIBC_${d.glibcFloor}`);
  assert.ok(d.bytes < MAX_BYTES, `${d.bytes} bytes`);
  console.log(`${path.basename(binary)}: ${d.bytes} B, GLIBC_${d.glibcFloor}, NEEDED ${d.needed.join(' ')}`);
});
