'use strict';

// Prints size, CPU, C library and glibc floor of each platform binary in
// npm/*/ (and of the host build, for comparison).

const fs = require('fs');
const path = require('path');
const { describeBinary } = require('./elf');

const root = path.join(__dirname, '..', '..');
const files = fs
  .readdirSync(path.join(root, 'npm'))
  .map((dir) => path.join('npm', dir, `jwks-rsa-native.${dir}.node`))
  .concat(fs.readdirSync(root).filter((f) => f.endsWith('.node')))
  .filter((f) => fs.existsSync(path.join(root, f)));

for (const file of files) {
  const d = describeBinary(path.join(root, file));
  const floor = d.glibcFloor ? `GLIBC_${d.glibcFloor}` : '-';
  const size = `${(d.bytes / 1024 / 1024).toFixed(2)} MiB`;
  console.log(`${file.padEnd(58)} ${size.padStart(10)}  ${d.arch.padEnd(5)} ${d.libc.padEnd(4)} ${floor.padEnd(11)} NEEDED ${d.needed.join(' ')}`);
}
