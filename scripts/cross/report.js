'use strict';

// Prints size, CPU and what each platform binary in npm/*/ loads (and the
// host build, for comparison): ELF (Linux, FreeBSD) with its C library and
// glibc floor, Mach-O (macOS) with its minimum macOS, PE (Windows) with its
// DLL imports.

const fs = require('fs');
const path = require('path');
const { describeBinary } = require('./elf');
const { describeMachO } = require('./macho');
const { describePE } = require('./pe');

const root = path.join(__dirname, '..', '..');
const files = fs
  .readdirSync(path.join(root, 'npm'))
  .map((dir) => path.join('npm', dir, `jwks-rsa-native.${dir}.node`))
  .concat(fs.readdirSync(root).filter((f) => f.endsWith('.node')))
  .filter((f) => fs.existsSync(path.join(root, f)));

function describe(file) {
  const magic = fs.readFileSync(file).subarray(0, 4);
  if (magic.toString('latin1', 0, 2) === 'MZ') {
    const d = describePE(file);
    return { ...d, kind: 'PE', loads: d.imports.join(' ') };
  }
  if (magic.readUInt32LE(0) === 0xfeedfacf) {
    const d = describeMachO(file);
    const signed = d.signature ? `, signed (${d.signature.badPages} bad pages)` : '';
    return { ...d, kind: `macOS ${d.minOs}+${signed}`, loads: d.dylibs.join(' ') };
  }
  const d = describeBinary(file);
  const floor = d.glibcFloor ? `GLIBC_${d.glibcFloor}` : (d.versionsNeeded.at(-1) ?? '-');
  return { ...d, kind: `${d.libc} ${floor}`, loads: d.needed.join(' ') };
}

for (const file of files) {
  const d = describe(path.join(root, file));
  const size = `${(d.bytes / 1024 / 1024).toFixed(2)} MiB`;
  console.log(`${file.padEnd(58)} ${size.padStart(10)}  ${d.arch.padEnd(5)} ${d.kind}  loads ${d.loads}`);
}
