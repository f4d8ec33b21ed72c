'use strict';

// What a built .node asks of the machine that loads it, read with binutils:
// its CPU, its C library and, for glibc, the newest symbol version it needs
// (so the oldest glibc that can load it).

const { execFileSync } = require('child_process');
const fs = require('fs');

const MACHINES = { 'Advanced Micro Devices X86-64': 'x64', AArch64: 'arm64', ARM: 'arm' };

function readelf(flag, file) {
  return execFileSync('readelf', ['--wide', flag, file], { encoding: 'utf8' });
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// musl's shared library is plain `libc.so`; glibc's is `libc.so.6`.
function libcOf(needed) {
  if (needed.includes('libc.so.6')) return 'gnu';
  if (needed.includes('libc.so') || needed.some((n) => n.startsWith('libc.musl-'))) return 'musl';
  return 'none';
}

// Symbols the library defines for others: global or weak, not undefined.
function exportedSymbols(file) {
  return readelf('--dyn-syms', file)
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && /^\d+:$/.test(f[0]) && ['GLOBAL', 'WEAK'].includes(f[4]) && f[6] !== 'UND')
    .map((f) => f[7].replace(/@.*/, ''))
    .sort();
}

function describeBinary(file) {
  const header = readelf('--file-header', file);
  const machine = /Machine:\s+(.+)/.exec(header)[1].trim();
  const type = /Type:\s+(\w+)/.exec(header)[1];
  const needed = [...readelf('--dynamic', file).matchAll(/\(NEEDED\)\s+Shared library: \[(.+?)\]/g)].map((m) => m[1]);
  const versionInfo = readelf('--version-info', file);
  const glibc = [...new Set([...versionInfo.matchAll(/GLIBC_(\d+(?:\.\d+)+)/g)].map((m) => m[1]))];
  return {
    file,
    bytes: fs.statSync(file).size,
    type,
    arch: MACHINES[machine] ?? machine,
    libc: libcOf(needed),
    needed,
    glibcFloor: glibc.sort(compareVersions).pop() ?? null,
    // Symbol versions needed from the libraries (GLIBC_2.17, FBSD_1.6, ...).
    versionsNeeded: [...new Set([...versionInfo.matchAll(/Name: (\S+)\s+Flags/g)].map((m) => m[1]))].sort(),
    summary: execFileSync('file', ['--brief', file], { encoding: 'utf8' }).trim(),
  };
}

module.exports = { describeBinary, exportedSymbols, compareVersions };
