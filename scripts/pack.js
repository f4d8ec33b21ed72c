'use strict';

// Packs the tarballs to publish into target/npm-pack/: the main package and
// each platform package under npm/ that has its binary (`npm run build:all`).
// The main package is packed from a staged copy with the publish manifest:
// - `optionalDependencies` name every platform package. The checkout cannot
//   list them: until they are published, `npm ci` finds them in no lock file.
// - no `scripts`: the checkout's `prepare` (build on `npm install` there)
//   must not ship, or npm lists the package as having install scripts.
// Publish the platform tarballs first, then the main one: `npm publish <tgz>`.

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const BINARY_NAME = 'jwks-rsa-native';
// The WebAssembly fallback's package: a .wasm and napi's loader beside it.
const WASM_PLATFORM = 'wasm32-wasi';

function binaryFile(platform) {
  return `${BINARY_NAME}.${platform}.${platform === WASM_PLATFORM ? 'wasm' : 'node'}`;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function platforms() {
  return fs.readdirSync(path.join(ROOT, 'npm'));
}

// Every platform package, at the main package's version.
function optionalDependencies(version) {
  const deps = {};
  for (const platform of platforms()) {
    const manifest = readJson(path.join(ROOT, 'npm', platform, 'package.json'));
    if (manifest.version !== version) {
      throw new Error(`npm/${platform} is at ${manifest.version}, the main package at ${version}: run npx napi version`);
    }
    deps[manifest.name] = manifest.version;
  }
  return deps;
}

function npmPack(dir, destination, extra = []) {
  // --ignore-scripts: nothing is built here; the binaries already exist.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', ...extra, '--pack-destination', destination], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out);
  return { ...info, tarball: path.join(destination, info.filename) };
}

function stageDir(label) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${BINARY_NAME}-${label}-`));
}

function packStage(stage, destination) {
  try {
    return npmPack(stage, destination);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function copyInto(stage, from, file) {
  fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
  fs.copyFileSync(path.join(from, file), path.join(stage, file));
}

// `files` and .npmignore decide what ships: ask npm for that list, copy it,
// then pack the copy with the publish manifest.
function packMain(destination) {
  const { files } = npmPack(ROOT, destination, ['--dry-run']);
  const stage = stageDir('main');
  for (const { path: file } of files) copyInto(stage, ROOT, file);
  const manifest = readJson(path.join(ROOT, 'package.json'));
  delete manifest.scripts;
  delete manifest.devDependencies;
  manifest.optionalDependencies = optionalDependencies(manifest.version);
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return packStage(stage, destination);
}

function packPlatform(platform, binary, destination) {
  const dir = path.join(ROOT, 'npm', platform);
  const stage = stageDir(platform);
  for (const file of fs.readdirSync(dir)) if (!file.endsWith('.node')) copyInto(stage, dir, file);
  copyInto(stage, ROOT, 'LICENSE');
  fs.copyFileSync(binary, path.join(stage, binaryFile(platform)));
  return packStage(stage, destination);
}

function builtBinary(platform) {
  const file = path.join(ROOT, 'npm', platform, binaryFile(platform));
  return fs.existsSync(file) ? file : null;
}

if (require.main === module) {
  const destination = path.join(ROOT, 'target', 'npm-pack');
  fs.rmSync(destination, { recursive: true, force: true });
  fs.mkdirSync(destination, { recursive: true });
  const packed = platforms()
    .filter(builtBinary)
    .map((platform) => packPlatform(platform, builtBinary(platform), destination));
  packed.push(packMain(destination));
  for (const p of packed) {
    console.log(`${path.relative(ROOT, p.tarball)}  ${p.entryCount} files, ${p.size} B packed, ${p.unpackedSize} B unpacked`);
  }
}

module.exports = { packMain, packPlatform, builtBinary, platforms, WASM_PLATFORM };
