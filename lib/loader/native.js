'use strict';

// Loads the native addon through the generated `binding.js`, which picks the
// prebuilt binary of this machine's platform package. When none loads, the
// generated message blames an npm bug; say instead which platform was looked
// for and what to do, and keep the loader's own errors as the cause.

const fs = require('fs');
const path = require('path');
const pkg = require('../../package.json');
const { elfShortfall } = require('./elf');
const { createLogger } = require('../observe/debug');

const PLATFORM_PREFIX = `${pkg.name}-`;

function libc() {
  if (process.platform !== 'linux') return null;
  try {
    const header = process.report && /** @type {{ header?: { glibcVersionRuntime?: string } }} */ (process.report.getReport()).header;
    return header && header.glibcVersionRuntime ? 'gnu' : 'musl';
  } catch {
    // Deno refuses the report without --allow-sys; the load errors that
    // follow still say what failed (there, often a missing --allow-ffi).
    return null;
  }
}

// Official Windows Node.js is an MSVC build: its packages end in `-msvc`.
function abi() {
  return process.platform === 'win32' ? 'msvc' : libc();
}

function platformKey() {
  return [process.platform, process.arch, abi()].filter(Boolean).join('-');
}

// The platforms with a prebuilt package, from the napi build targets:
// `aarch64-unknown-linux-musl` is published as `<name>-linux-arm64-musl`,
// `x86_64-pc-windows-msvc` as `<name>-win32-x64-msvc`. The WebAssembly build
// is the fallback of every platform, not one of them.
const ARCHES = { x86_64: 'x64', aarch64: 'arm64', armv7: 'arm' };
const OSES = { windows: 'win32' };
function prebuiltPlatforms() {
  return pkg.napi.targets
    .filter((target) => !target.startsWith('wasm32-'))
    .map((target) => {
      const [arch, , os, targetAbi] = target.split('-');
      return [OSES[os] || os, ARCHES[arch] || arch, targetAbi].filter(Boolean).join('-');
    });
}

// The loader's error chains one error per candidate it tried (local file,
// platform package, ...) through `cause`; their first lines say what failed.
function attempts(err) {
  const lines = [];
  for (let e = err.cause || err; e; e = e.cause) lines.unshift(String(e.message || e).split('\n')[0]);
  return [...new Set(lines)].join('; ');
}

const WASM_PACKAGE = `${PLATFORM_PREFIX}wasm32-wasi`;

// The WebAssembly package declares `cpu: ["wasm32"]`, so npm installs it only
// when asked: whether it is here tells a failed fallback from a missing one.
function wasmInstalled() {
  try {
    require.resolve(WASM_PACKAGE);
    return true;
  } catch {
    return false;
  }
}

// npm's flags naming this machine, for a node_modules installed on another
// (a host's, shared with a container): npm installs the binary they name.
function npmPlatformFlags() {
  const flags = [`--os=${process.platform}`, `--cpu=${process.arch}`];
  const c = libc();
  if (c) flags.push(`--libc=${c === 'gnu' ? 'glibc' : 'musl'}`);
  return flags.join(' ');
}

// The first sentence says what to run and why; the rest, what was tried.
function loadError(cause) {
  const platform = platformKey();
  const prebuilt = prebuiltPlatforms();
  const wasm = wasmInstalled()
    ? `The WebAssembly build (${WASM_PACKAGE}) did not load either.`
    : 'Where no binary fits, `npm install --cpu=wasm32` adds the WebAssembly build, which npm installs only ' +
      'when asked (its package is for the wasm32 CPU).';
  const advice = prebuilt.includes(platform)
    ? `Its package ${PLATFORM_PREFIX}${platform} is an optional dependency, installed only on the machine npm runs on: ` +
      'reinstall on this machine without --omit=optional, or, for a node_modules installed on another machine ' +
      `(a host sharing it with a container), install there with \`npm install ${npmPlatformFlags()}\`. ${wasm}`
    : `${wasm} Prebuilt binaries exist for ${prebuilt.join(', ')}.`;
  /** @type {NodeJS.ErrnoException} */
  const error = new Error(
    `${pkg.name}: no native binary could be loaded for ${platform} (Node.js ${process.version}). ${advice} ` +
      'To build one from source (Rust toolchain needed), see "Building from source" in the README ' +
      `(${pkg.homepage}); then set NAPI_RS_NATIVE_LIBRARY_PATH to the built .node file. ` +
      `Load errors: ${attempts(cause)}`,
  );
  error.code = 'ERR_JWKS_RSA_NATIVE_BINDING';
  error.cause = cause;
  return error;
}

// Which backend loaded, and why: the native binary unless it is missing,
// unloadable (truncated, wrong CPU or libc) or NAPI_RS_FORCE_WASI asks for
// the WebAssembly build. The loader keeps its per-candidate errors to itself,
// so on a fallback the native candidates are asked once more for theirs.
function fallbackReason() {
  const forced = process.env.NAPI_RS_FORCE_WASI;
  if (forced === 'true' || forced === 'error') return `NAPI_RS_FORCE_WASI=${forced}`;
  const candidates = [`../${pkg.napi.binaryName}.${platformKey()}.node`, `${PLATFORM_PREFIX}${platformKey()}`];
  const errors = [];
  for (const candidate of candidates) {
    try {
      require(candidate);
      return `the native binary ${candidate} did not load`;
    } catch (/** @type {any} */ err) {
      errors.push(String(err.message || err).split('\n')[0]);
    }
  }
  return `no native binary for ${platformKey()} loaded (${errors.join('; ')})`;
}

// The native binaries the loader may try on this OS and CPU (either libc).
function nativeCandidates() {
  const base = `${process.platform}-${process.arch}`;
  const files = [];
  if (process.env.NAPI_RS_NATIVE_LIBRARY_PATH) files.push(process.env.NAPI_RS_NATIVE_LIBRARY_PATH);
  const root = path.join(__dirname, '..', '..');
  for (const file of fs.readdirSync(root)) {
    if (file.startsWith(`${pkg.napi.binaryName}.${base}`) && file.endsWith('.node')) files.push(path.join(root, file));
  }
  for (const suffix of ['', '-gnu', '-musl']) {
    try {
      files.push(require.resolve(`${PLATFORM_PREFIX}${base}${suffix}`));
    } catch {
      // Not installed: nothing to check.
    }
  }
  return files;
}

// A truncated binary would crash the process inside dlopen rather than fail
// to load, so the loader is kept away from it: WebAssembly only, this once.
function truncatedNative() {
  if (process.env.NAPI_RS_FORCE_WASI) return null;
  for (const file of nativeCandidates()) {
    const shortfall = elfShortfall(file);
    if (shortfall) return `the native binary ${file} is truncated (${shortfall})`;
  }
  return null;
}

// The WebAssembly loader starts Workers for its threads: see wasm-threads.js.
function requireBinding(truncated) {
  const { loadWatchingWorkers } = require('./wasm-threads');
  const load = () => require('../../binding.js');
  if (!truncated) return loadWatchingWorkers(load);
  process.env.NAPI_RS_FORCE_WASI = 'error';
  try {
    return loadWatchingWorkers(load);
  } finally {
    delete process.env.NAPI_RS_FORCE_WASI;
  }
}

// The generated loader's settings: with any of them, it decides alone.
const LOADER_SETTINGS = ['NAPI_RS_NATIVE_LIBRARY_PATH', 'NAPI_RS_FORCE_WASI', 'NAPI_RS_WASI_FLAVOR', 'NAPI_RS_ENFORCE_VERSION_CHECK'];

// The file the generated loader would load first on Linux, when it exists:
// the build in the package root, else the platform package. The libc is
// told as the generated loader tells it first, from /usr/bin/ldd.
function firstLinuxNative() {
  if (process.platform !== 'linux' || LOADER_SETTINGS.some((name) => process.env[name])) return null;
  let musl;
  try {
    musl = fs.readFileSync('/usr/bin/ldd', 'latin1').includes('musl');
  } catch {
    return null;
  }
  const platform = `linux-${process.arch}-${musl ? 'musl' : 'gnu'}`;
  const local = path.join(__dirname, '..', '..', `${pkg.napi.binaryName}.${platform}.node`);
  if (fs.existsSync(local)) return local;
  try {
    return require.resolve(`${PLATFORM_PREFIX}${platform}`);
  } catch {
    return null;
  }
}

// The usual case, without the generated loader: its musl checks, its
// WebAssembly fallback and the Worker watch around it cost more than the
// load itself. The ELF check stays in front: a truncated binary would crash
// the process in dlopen. On any doubt or failure, the generated loader runs
// as before and says what failed.
function directNative() {
  const file = firstLinuxNative();
  if (!file || elfShortfall(file)) return null;
  try {
    const native = require(file);
    // What the generated loader stamps on the binding it loaded.
    Object.defineProperty(native, '__napiBindingTarget', { configurable: true, enumerable: true, value: 'native', writable: true });
    return native;
  } catch {
    return null;
  }
}

let binding = directNative();
/** @type {string | null} */
let truncated = null;
if (!binding) {
  truncated = truncatedNative();
  try {
    binding = requireBinding(truncated);
  } catch (err) {
    throw loadError(err);
  }
}

const backend = binding.__napiBindingTarget === 'wasm32-wasi' ? 'wasm' : 'native';
const reason = backend === 'wasm' ? truncated || fallbackReason() : 'the native binary loaded';
if (backend === 'wasm') require('./wasm-threads').guardWasmBinding(binding);

// jwks-rsa prints nothing at load time: with the native binary neither do we.
const log = createLogger('jwks');
if (backend === 'wasm' && log.enabled) log(`Using the WebAssembly backend: ${reason}`);

module.exports = { binding, backend, reason };
