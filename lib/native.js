'use strict';

// Loads the native addon through the generated `binding.js`, which picks the
// prebuilt binary of this machine's platform package. When none loads, the
// generated message blames an npm bug; say instead which platform was looked
// for and what to do, and keep the loader's own errors as the cause.

const pkg = require('../package.json');

const PLATFORM_PREFIX = `${pkg.name}-`;

function libc() {
  if (process.platform !== 'linux') return null;
  try {
    const header = process.report && process.report.getReport().header;
    return header && header.glibcVersionRuntime ? 'gnu' : 'musl';
  } catch {
    // Deno refuses the report without --allow-sys; the load errors that
    // follow still say what failed (there, often a missing --allow-ffi).
    return null;
  }
}

function platformKey() {
  return [process.platform, process.arch, libc()].filter(Boolean).join('-');
}

// The platforms with a prebuilt package, from the napi build targets:
// `aarch64-unknown-linux-musl` is published as `<name>-linux-arm64-musl`.
const ARCHES = { x86_64: 'x64', aarch64: 'arm64' };
function prebuiltPlatforms() {
  return pkg.napi.targets.map((target) => {
    const [arch, , os, abi] = target.split('-');
    return [os, ARCHES[arch] || arch, abi].filter(Boolean).join('-');
  });
}

// The loader's error chains one error per candidate it tried (local file,
// platform package, ...) through `cause`; their first lines say what failed.
function attempts(err) {
  const lines = [];
  for (let e = err.cause || err; e; e = e.cause) lines.unshift(String(e.message || e).split('\n')[0]);
  return [...new Set(lines)].join('; ');
}

function loadError(cause) {
  const platform = platformKey();
  const prebuilt = prebuiltPlatforms();
  const advice = prebuilt.includes(platform)
    ? `Its package ${PLATFORM_PREFIX}${platform} is an optional dependency: reinstall on this machine ` +
      'without --omit=optional (node_modules copied from another OS, CPU or libc does not match).'
    : `Prebuilt binaries exist for ${prebuilt.join(', ')}.`;
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

try {
  module.exports = require('../binding.js');
} catch (err) {
  throw loadError(err);
}
