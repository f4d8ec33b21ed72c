#!/usr/bin/env node
'use strict';

// Publishes every package of a release: the platform packages first, then
// the main package that names them as optional dependencies, so that no
// published version of the main package points at a missing one.
//
//   node scripts/release/publish.js [--tag v1.2.3] [--provenance] [--dry-run]
//
// Before anything is published it checks that the release is whole:
// - one npm/<platform>/ package per target of package.json `napi.targets`,
//   named as napi names it, with the os, cpu and libc of that target;
// - every package at the main package's version (and the tag's, if given);
// - every binary built (with --dry-run, a missing one is reported and its
//   package published without it, so a checkout can try the rest).
// A version already on the registry is skipped, so a release whose publish
// job failed half-way can be run again. Prereleases (1.2.3-rc.1) go to the
// `next` dist-tag. --dry-run runs `npm publish --dry-run` on each tarball,
// offline, and prints what would be published.

const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseTriple } = require('@napi-rs/cli');
const { packMain, packPlatform, builtBinary, WASM_PLATFORM } = require('../pack');

const ROOT = path.resolve(__dirname, '..', '..');

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// What npm's `os`, `cpu` and `libc` fields must say for a napi target. The
// WebAssembly package is the fallback of every platform: its fields are its
// own, and not checked here.
function expectedFields(triple) {
  const { platform, arch, abi, platformArchABI } = parseTriple(triple);
  if (platformArchABI === WASM_PLATFORM) return { platformArchABI, wasm: true };
  const fields = { platformArchABI, os: [platform], cpu: [arch] };
  if (platform === 'linux') fields.libc = [abi && abi.startsWith('musl') ? 'musl' : 'glibc'];
  return fields;
}

// Every problem that makes the release incomplete or inconsistent.
function releaseProblems(tag) {
  const main = readJson(path.join(ROOT, 'package.json'));
  const problems = [];
  if (tag !== undefined && tag !== `v${main.version}`) {
    problems.push(`the tag ${tag} is not v${main.version}, the version in package.json`);
  }
  const platforms = main.napi.targets.map((triple) => expectedFields(triple));
  for (const want of platforms) {
    const dir = path.join(ROOT, 'npm', want.platformArchABI);
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) {
      problems.push(`npm/${want.platformArchABI}/package.json is missing (npx napi create-npm-dirs)`);
      continue;
    }
    const manifest = readJson(file);
    const expectedName = `${main.name}-${want.platformArchABI}`;
    if (manifest.name !== expectedName) problems.push(`npm/${want.platformArchABI} is named ${manifest.name}, not ${expectedName}`);
    if (manifest.version !== main.version) {
      problems.push(`${manifest.name} is at ${manifest.version}, the main package at ${main.version} (npx napi version)`);
    }
    for (const field of want.wasm ? [] : ['os', 'cpu', 'libc']) {
      if (JSON.stringify(manifest[field]) !== JSON.stringify(want[field])) {
        problems.push(`${manifest.name}: ${field} is ${JSON.stringify(manifest[field])}, expected ${JSON.stringify(want[field])}`);
      }
    }
  }
  const known = new Set(platforms.map((p) => p.platformArchABI));
  for (const dir of fs.readdirSync(path.join(ROOT, 'npm'))) {
    if (!known.has(dir)) problems.push(`npm/${dir} matches no target in napi.targets`);
  }
  for (const [name, version] of Object.entries(main.optionalDependencies || {})) {
    if (name.startsWith(`${main.name}-`) && version.replace(/^[\^~]/, '') !== main.version) {
      problems.push(`optionalDependencies.${name} is ${version}, the main package is at ${main.version}`);
    }
  }
  return { main, platforms: [...known], problems };
}

// A platform package without its binary, for a dry run: its manifest, README
// and the LICENSE, as `packPlatform` would stage them.
function packManifestOnly(platform, destination) {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), `jwks-rsa-native-${platform}-`));
  try {
    for (const file of fs.readdirSync(path.join(ROOT, 'npm', platform))) {
      fs.copyFileSync(path.join(ROOT, 'npm', platform, file), path.join(stage, file));
    }
    fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(stage, 'LICENSE'));
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], {
      cwd: stage,
      encoding: 'utf8',
    });
    const [info] = JSON.parse(out);
    return { ...info, tarball: path.join(destination, info.filename) };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function alreadyPublished(name, version) {
  const result = spawnSync('npm', ['view', `${name}@${version}`, 'version'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === version;
}

// `npm publish <tarball>`; returns what npm reports for it.
function npmPublish(tarball, { dryRun, provenance, distTag }) {
  const args = ['publish', tarball, '--access', 'public', '--json'];
  if (distTag) args.push('--tag', distTag);
  if (provenance && !dryRun) args.push('--provenance');
  if (dryRun) args.push('--dry-run', '--offline');
  const result = spawnSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  return Object.values(JSON.parse(result.stdout))[0];
}

// Checks, packs and publishes; returns one entry per package, in the order published.
function publishAll({ tag, dryRun = false, provenance = false, log = console.log } = {}) {
  const { main, platforms, problems } = releaseProblems(tag);
  const missing = platforms.filter((platform) => !builtBinary(platform));
  if (missing.length && !dryRun) problems.push(`not built: ${missing.join(', ')}`);
  if (problems.length) throw new Error(`the release is not ready:\n- ${problems.join('\n- ')}`);

  const destination = path.join(ROOT, 'target', dryRun ? 'npm-publish-dry-run' : 'npm-publish');
  fs.rmSync(destination, { recursive: true, force: true });
  fs.mkdirSync(destination, { recursive: true });
  const distTag = main.version.includes('-') ? 'next' : undefined;
  const packed = platforms.map((platform) => {
    const binary = builtBinary(platform);
    return {
      platform,
      binary: Boolean(binary),
      ...(binary ? packPlatform(platform, binary, destination) : packManifestOnly(platform, destination)),
    };
  });
  packed.push({ platform: null, binary: true, ...packMain(destination) });

  const results = [];
  for (const pkg of packed) {
    if (!dryRun && alreadyPublished(pkg.name, pkg.version)) {
      log(`${pkg.name}@${pkg.version} is already published: skipped`);
      results.push({ ...pkg, skipped: true });
      continue;
    }
    const published = npmPublish(pkg.tarball, { dryRun, provenance, distTag });
    const note = pkg.binary ? '' : ' (manifest only: binary not built here)';
    log(`${dryRun ? 'would publish' : 'published'} ${published.id}: ${published.entryCount} files, ${published.size} B${note}`);
    results.push({ ...pkg, published });
  }
  return results;
}

module.exports = { publishAll, releaseProblems, expectedFields };

if (require.main === module) {
  const args = process.argv.slice(2);
  const tagAt = args.indexOf('--tag');
  try {
    publishAll({
      tag: tagAt >= 0 ? args[tagAt + 1] : undefined,
      dryRun: args.includes('--dry-run'),
      provenance: args.includes('--provenance'),
    });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
