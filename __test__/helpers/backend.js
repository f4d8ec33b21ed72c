'use strict';

// What a process using the WebAssembly backend adds to stderr and nothing
// else does: Node 20's one-time warning that `node:wasi` is experimental, and
// (once per thread that starts WASI), the DEBUG=jwks line saying that the fallback loaded and why (both in the
// README). Tests comparing stderr take them out.

const WASI_WARNING =
  /^\(node:\d+\) ExperimentalWarning: WASI is an experimental feature.*\n(\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n)?/gm;
const BACKEND_LINE = /^.*jwks Using the WebAssembly backend: .*\n/m;

function withoutBackendNotes(stderr) {
  return stderr.replace(WASI_WARNING, '').replace(BACKEND_LINE, '');
}

module.exports = { withoutBackendNotes };
