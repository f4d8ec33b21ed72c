'use strict';

// The FreeBSD binary from `npm run build:all`, read with readelf (no FreeBSD
// runs here): an x86-64 shared object exporting only the Node-API entry
// point and needing only FreeBSD's base libraries, with FreeBSD's symbol
// versions (its ELF header says SYSV, which FreeBSD's loader accepts).

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { describeBinary, exportedSymbols } = require('../../scripts/cross/elf');
const support = require('./support');

const PLATFORM = 'freebsd-x64';
const BASE_LIBRARIES = ['libc.so.7', 'libm.so.5', 'libthr.so.3', 'libgcc_s.so.1'];
const MAX_BYTES = 4 * 1024 * 1024;

const binary = support.builtBinary(PLATFORM);
const skip = !binary && !support.REQUIRE_ALL && 'not built (npm run build:all)';

test(`${PLATFORM}: an x86-64 FreeBSD shared object exporting only napi_register_module_v1`, { skip }, () => {
  assert.ok(binary, `npm/${PLATFORM} has no binary`);
  const d = describeBinary(binary);
  assert.equal(d.type, 'DYN');
  assert.equal(d.arch, 'x64');
  assert.match(d.summary, /^ELF 64-bit LSB shared object, x86-64, .*, stripped$/);
  assert.deepEqual(exportedSymbols(binary), ['napi_register_module_v1']);
  assert.ok(d.needed.includes('libc.so.7'), d.needed.join(' '));
  assert.deepEqual(
    d.needed.filter((lib) => !BASE_LIBRARIES.includes(lib)),
    [],
  );
  assert.ok(d.versionsNeeded.length > 0, 'no symbol versions');
  assert.deepEqual(
    d.versionsNeeded.filter((v) => !v.startsWith('FBSD_')),
    [],
  );
  assert.ok(d.bytes < MAX_BYTES, `${d.bytes} bytes`);
  console.log(`${path.basename(binary)}: ${d.bytes} B, NEEDED ${d.needed.join(' ')}, versions ${d.versionsNeeded.join(' ')}`);
});
