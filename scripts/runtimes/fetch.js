#!/usr/bin/env node
'use strict';

// Fetches the pinned runtimes (scripts/runtimes/list.js) that are not in
// target/runtimes/matrix/ yet, with `npm pack` from the npm registry (so npm checks
// each tarball's integrity), and keeps only their binary. Other versions of
// the same runtimes are removed. Usage: fetch.js [name...]

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { CACHE, RUNTIMES, dirOf, binaryOf } = require('./list');

function unpack(runtime) {
  const downloads = path.join(CACHE, 'downloads');
  fs.mkdirSync(downloads, { recursive: true });
  const spec = `${runtime.package}@${runtime.version}`;
  const tarball = path.join(
    downloads,
    execFileSync('npm', ['pack', '--silent', '--pack-destination', downloads, spec], { encoding: 'utf8' }).trim(),
  );
  // Unpacked beside its final place, then renamed: an interrupted fetch
  // never leaves a directory that looks complete.
  const partial = `${dirOf(runtime)}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial);
  // Paths relative to the downloads folder: GNU tar on Windows reads `C:` as a remote host.
  execFileSync(
    'tar',
    ['-xzf', path.basename(tarball), '-C', path.relative(downloads, partial), '--strip-components=1', `package/${runtime.bin}`],
    {
      cwd: downloads,
    },
  );
  fs.rmSync(tarball);
  fs.renameSync(partial, dirOf(runtime));
}

function removeOtherVersions(runtime) {
  if (!fs.existsSync(CACHE)) return;
  for (const entry of fs.readdirSync(CACHE)) {
    const other = path.join(CACHE, entry);
    if (entry.startsWith(`${runtime.name}-`) && other !== dirOf(runtime)) fs.rmSync(other, { recursive: true, force: true });
  }
}

function fetchRuntimes(names) {
  const unknown = names.filter((name) => !RUNTIMES.some((r) => r.name === name));
  if (unknown.length) throw new Error(`unknown runtime ${unknown.join(', ')}; known: ${RUNTIMES.map((r) => r.name).join(', ')}`);
  const wanted = names.length ? RUNTIMES.filter((r) => names.includes(r.name)) : RUNTIMES;
  const unavailable = wanted.filter((r) => !r.package);
  if (unavailable.length) {
    const host = `${process.platform}-${process.arch}`;
    throw new Error(unavailable.map((r) => `${r.label} is pinned for ${r.hosts.join(', ')}, not ${host}`).join('; '));
  }
  for (const runtime of wanted) {
    removeOtherVersions(runtime);
    if (fs.existsSync(binaryOf(runtime))) continue;
    const started = Date.now();
    unpack(runtime);
    console.log(`fetched ${runtime.label} (${runtime.package}) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  return wanted;
}

module.exports = { fetchRuntimes };

if (require.main === module) {
  try {
    fetchRuntimes(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
