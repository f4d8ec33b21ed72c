'use strict';

// Reads a 64-bit Mach-O dylib the way macOS's loader would, since no Mac runs
// here: CPU, file type, the libraries it loads, the minimum macOS, the
// exported symbols (from the export trie) and, when present, the ad-hoc code
// signature with each page's SHA-256 recomputed from the file.

const crypto = require('crypto');
const fs = require('fs');

const MH_MAGIC_64 = 0xfeedfacf;
const CPU = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const FILE_TYPE = { 1: 'OBJECT', 2: 'EXECUTE', 6: 'DYLIB', 8: 'BUNDLE' };
const PLATFORM = { 1: 'macos', 2: 'ios', 3: 'tvos', 4: 'watchos', 6: 'maccatalyst' };
const LC = {
  LOAD_DYLIB: 0xc,
  ID_DYLIB: 0xd,
  CODE_SIGNATURE: 0x1d,
  VERSION_MIN_MACOSX: 0x24,
  BUILD_VERSION: 0x32,
  LOAD_WEAK_DYLIB: 0x80000018,
  REEXPORT_DYLIB: 0x8000001f,
  DYLD_INFO_ONLY: 0x80000022,
  DYLD_EXPORTS_TRIE: 0x80000033,
};
const DYLIB_COMMANDS = [LC.LOAD_DYLIB, LC.LOAD_WEAK_DYLIB, LC.REEXPORT_DYLIB];
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CS_HASHTYPE_SHA256 = 2;
const CS_ADHOC = 0x2;

// Mach-O packs versions as xxxx.yy.zz in nibbles.
function version(v) {
  return `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

function cString(buf, start) {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end < 0 ? buf.length : end);
}

function uleb(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error('truncated ULEB128');
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, pos];
  }
}

// The export trie: each node may end a symbol (non-zero terminal size), then
// lists its edges (a name fragment and the child's offset).
function trieSymbols(trie) {
  const symbols = [];
  const walk = (offset, prefix, depth) => {
    if (depth > 1024 || offset >= trie.length) throw new Error('malformed export trie');
    let [terminalSize, pos] = uleb(trie, offset);
    if (terminalSize > 0) symbols.push(prefix);
    pos += terminalSize;
    const children = trie[pos++];
    for (let i = 0; i < children; i++) {
      const edge = cString(trie, pos);
      pos += Buffer.byteLength(edge) + 1;
      let child;
      [child, pos] = uleb(trie, pos);
      walk(child, prefix + edge, depth + 1);
    }
  };
  if (trie.length) walk(0, '', 0);
  return symbols.sort();
}

// The code directory's hashes against the file: one SHA-256 per page up to
// codeLimit, which must be where the signature starts.
function checkSignature(buf, dataoff, datasize) {
  const blob = buf.subarray(dataoff, dataoff + datasize);
  if (blob.readUInt32BE(0) !== CSMAGIC_EMBEDDED_SIGNATURE) throw new Error('no embedded signature superblob');
  const count = blob.readUInt32BE(8);
  for (let i = 0; i < count; i++) {
    const cdOffset = blob.readUInt32BE(12 + i * 8 + 4);
    const cd = blob.subarray(cdOffset);
    if (cd.readUInt32BE(0) !== CSMAGIC_CODEDIRECTORY) continue;
    const flags = cd.readUInt32BE(12);
    const hashOffset = cd.readUInt32BE(16);
    const nCodeSlots = cd.readUInt32BE(28);
    const codeLimit = cd.readUInt32BE(32);
    const hashSize = cd[36];
    const hashType = cd[37];
    const pageSize = 2 ** cd[39];
    if (hashType !== CS_HASHTYPE_SHA256 || hashSize !== 32) throw new Error(`hash type ${hashType}, not SHA-256`);
    let badPages = 0;
    for (let page = 0; page < nCodeSlots; page++) {
      const start = page * pageSize;
      const data = buf.subarray(start, Math.min(start + pageSize, codeLimit));
      const want = cd.subarray(hashOffset + page * hashSize, hashOffset + (page + 1) * hashSize);
      if (!crypto.createHash('sha256').update(data).digest().equals(want)) badPages++;
    }
    return {
      adhoc: (flags & CS_ADHOC) !== 0,
      identifier: cString(cd, cd.readUInt32BE(20)),
      codeLimit,
      pages: nCodeSlots,
      pagesCovered: nCodeSlots === Math.ceil(codeLimit / pageSize),
      badPages,
    };
  }
  throw new Error('no code directory in the signature');
}

function describeMachO(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 32 || buf.readUInt32LE(0) !== MH_MAGIC_64) throw new Error(`${file} is not a 64-bit Mach-O file`);
  const cputype = buf.readUInt32LE(4);
  const ncmds = buf.readUInt32LE(16);
  const result = {
    file,
    bytes: buf.length,
    arch: CPU[cputype] ?? `cpu 0x${cputype.toString(16)}`,
    type: FILE_TYPE[buf.readUInt32LE(12)] ?? String(buf.readUInt32LE(12)),
    installName: null,
    dylibs: [],
    platform: null,
    minOs: null,
    sdk: null,
    exports: [],
    signature: null,
  };
  let pos = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = buf.readUInt32LE(pos);
    const size = buf.readUInt32LE(pos + 4);
    if (size < 8 || pos + size > buf.length) throw new Error(`load command ${i} runs past the file`);
    if (DYLIB_COMMANDS.includes(cmd)) result.dylibs.push(cString(buf, pos + buf.readUInt32LE(pos + 8)));
    else if (cmd === LC.ID_DYLIB) result.installName = cString(buf, pos + buf.readUInt32LE(pos + 8));
    else if (cmd === LC.BUILD_VERSION) {
      const platform = buf.readUInt32LE(pos + 8);
      result.platform = PLATFORM[platform] ?? String(platform);
      result.minOs = version(buf.readUInt32LE(pos + 12));
      result.sdk = version(buf.readUInt32LE(pos + 16));
    } else if (cmd === LC.VERSION_MIN_MACOSX) {
      result.platform = 'macos';
      result.minOs = version(buf.readUInt32LE(pos + 8));
      result.sdk = version(buf.readUInt32LE(pos + 12));
    } else if (cmd === LC.DYLD_EXPORTS_TRIE) {
      const off = buf.readUInt32LE(pos + 8);
      result.exports = trieSymbols(buf.subarray(off, off + buf.readUInt32LE(pos + 12)));
    } else if (cmd === LC.DYLD_INFO_ONLY) {
      const off = buf.readUInt32LE(pos + 40);
      result.exports = trieSymbols(buf.subarray(off, off + buf.readUInt32LE(pos + 44)));
    } else if (cmd === LC.CODE_SIGNATURE) {
      const dataoff = buf.readUInt32LE(pos + 8);
      result.signature = { dataoff, ...checkSignature(buf, dataoff, buf.readUInt32LE(pos + 12)) };
    }
    pos += size;
  }
  return result;
}

module.exports = { describeMachO };
