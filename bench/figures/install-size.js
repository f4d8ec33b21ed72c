'use strict';

// Installed size. This package: the files `npm pack` would publish plus
// the platform binary its per-platform package ships. jwks-rsa 4.1.0:
// installed with its production dependencies into a temp directory (from
// the npm cache when possible), every package and file counted.

const { execFile } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { promisify } = require('util');
const { ROOT } = require('../lib/impls');
const rows = require('../lib/rows');
const format = require('../lib/format');

const run$ = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const MAX_BYTES = 4e6;

/** Bytes of files and number of packages under a node_modules tree. */
function walk(dir, totals = { bytes: 0, packages: 0 }) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, totals);
    else if (entry.isFile()) {
      totals.bytes += fs.statSync(full).size;
      if (entry.name === 'package.json' && path.basename(path.dirname(path.dirname(full))).match(/^(node_modules|@.*)$/)) {
        totals.packages += 1;
      }
    }
  }
  return totals;
}

async function jwksRsaTree() {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'jwks-rsa-size-'));
  try {
    const flags = ['--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--no-save', '--omit=dev'];
    await run$(NPM, ['install', 'jwks-rsa@4.1.0', '--prefix', prefix, ...flags]);
    fs.rmSync(path.join(prefix, 'node_modules', '.package-lock.json'), { force: true });
    return walk(path.join(prefix, 'node_modules'));
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
}

async function ourPackage() {
  const { stdout } = await run$(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
  const [pack] = JSON.parse(stdout);
  const shipsBinary = pack.files.some((f) => f.path.endsWith('.node'));
  const binaries = fs.readdirSync(ROOT).filter((f) => f.endsWith('.node'));
  if (binaries.length !== 1) throw new Error(`expected one .node binary in ${ROOT}, found ${binaries.length}`);
  const binary = fs.statSync(path.join(ROOT, binaries[0])).size;
  return {
    bytes: pack.unpackedSize + (shipsBinary ? 0 : binary),
    // The package and, unless it ships the binary itself, its platform package.
    packages: shipsBinary ? 1 : 2,
    detail: `${format.bytes(pack.unpackedSize)} in ${pack.entryCount} files + ${format.bytes(binary)} ${binaries[0]}`,
  };
}

async function run() {
  const [base, ours] = await Promise.all([jwksRsaTree(), ourPackage()]);
  const fmt = (t) => `${t.packages} pkgs, ${format.bytes(t.bytes)}`;
  return [
    rows.custom({
      figure: 'installed size (package + its binary)',
      base: fmt(base),
      ours: fmt(ours),
      ratio: format.ratio(ours.bytes / base.bytes),
      bar: `<= ${format.bytes(MAX_BYTES)}`,
      pass: ours.bytes <= MAX_BYTES,
      note: ours.detail,
    }),
  ];
}

module.exports = { run };
