'use strict';

// `--backend wasm`: the whole run (orchestrator and workers) loads the
// WebAssembly build of jwks-rsa-native from npm/wasm32-wasi instead of the
// native binary. The loader reads NAPI_RS_FORCE_WASI at require() and
// NODE_PATH at start-up, so the run starts again in a process that has both.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = 'jwks-rsa-native-wasm32-wasi';

function wasmEnv() {
  const wasm = path.join(ROOT, 'npm', 'wasm32-wasi', 'jwks-rsa-native.wasm32-wasi.wasm');
  if (!fs.existsSync(wasm)) throw new Error(`${path.relative(ROOT, wasm)} is missing: build it with bash scripts/cross/wasm.sh`);
  const dir = path.join(ROOT, 'target', 'bench-wasm-path');
  fs.mkdirSync(dir, { recursive: true });
  const link = path.join(dir, PACKAGE);
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(ROOT, 'npm', 'wasm32-wasi'), link);
  return { NAPI_RS_FORCE_WASI: 'error', NODE_PATH: dir };
}

/** Re-runs this script with the WebAssembly backend unless it already has it; returns false then. */
function rerunWithWasm(argv) {
  if (process.env.NAPI_RS_FORCE_WASI === 'error') return false;
  const result = spawnSync(process.execPath, argv, { stdio: 'inherit', env: { ...process.env, ...wasmEnv() } });
  process.exit(result.status === null ? 1 : result.status);
}

module.exports = { rerunWithWasm };
