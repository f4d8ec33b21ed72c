'use strict';

const fs = require('fs');

// A truncated ELF shared object crashes the process in dlopen (SIGBUS when
// the loader touches pages past the end of the file) instead of failing to
// load. `elfShortfall` reads the headers and says whether the file holds
// every byte they point at, so such a binary is skipped, never loaded.

const PT_LOAD = 1;

// Field readers for the file's class (32/64-bit) and byte order.
function fields(ident) {
  const little = ident[5] === 1;
  const wide = ident[4] === 2;
  const u16 = (buf, at) => (little ? buf.readUInt16LE(at) : buf.readUInt16BE(at));
  const u32 = (buf, at) => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const u64 = (buf, at) => Number(little ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at));
  return { wide, u16, u32, word: wide ? u64 : u32 };
}

function readAt(fd, offset, length) {
  const buf = Buffer.alloc(length);
  return fs.readSync(fd, buf, 0, length, offset) === length ? buf : null;
}

// One past the last byte the headers refer to (program and section header
// tables, loadable segments); null when the file is not ELF.
function elfExtent(fd) {
  const header = readAt(fd, 0, 64);
  if (!header || header.readUInt32BE(0) !== 0x7f454c46) return null;
  const f = fields(header);
  const phoff = f.word(header, f.wide ? 0x20 : 0x1c);
  const shoff = f.word(header, f.wide ? 0x28 : 0x20);
  const [phentsize, phnum, shentsize, shnum] = (f.wide ? [0x36, 0x38, 0x3a, 0x3c] : [0x2a, 0x2c, 0x2e, 0x30]).map((at) =>
    f.u16(header, at),
  );
  let end = Math.max(phoff + phentsize * phnum, shnum ? shoff + shentsize * shnum : 0);
  const table = readAt(fd, phoff, phentsize * phnum);
  if (!table) return end;
  for (let at = 0; at + phentsize <= table.length; at += phentsize) {
    if (f.u32(table, at) !== PT_LOAD) continue;
    const offset = f.word(table, at + (f.wide ? 0x08 : 0x04));
    const size = f.word(table, at + (f.wide ? 0x20 : 0x10));
    end = Math.max(end, offset + size);
  }
  return end;
}

/** How the file falls short of its ELF headers ("n of m bytes"), or null if it does not. */
function elfShortfall(file) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
    const end = elfExtent(fd);
    // The last byte the headers point at is there: the file is whole. Asked
    // first because the loader checks a whole binary on every load, and the
    // first fstatSync() of a process costs far more than a one-byte read.
    if (end === null || end === 0 || readAt(fd, end - 1, 1)) return null;
    const { size } = fs.fstatSync(fd);
    return end > size ? `${size} of ${end} bytes` : null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

module.exports = { elfShortfall };
