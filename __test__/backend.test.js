'use strict';

// `require('jwks-rsa-native').backend` says which build serves the process,
// without changing the module's shape (Object.keys is jwks-rsa's).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const path = require('node:path');
const jwksClient = require('..');

const FORCED = ['true', 'error'].includes(process.env.NAPI_RS_FORCE_WASI);

test('backend is native, or wasm when NAPI_RS_FORCE_WASI forces the fallback', () => {
  assert.equal(jwksClient.backend, FORCED ? 'wasm' : 'native');
  const descriptor = Object.getOwnPropertyDescriptor(jwksClient, 'backend');
  assert.deepEqual({ ...descriptor, value: undefined }, { value: undefined, writable: false, enumerable: false, configurable: false });
  assert.equal(Object.keys(jwksClient).includes('backend'), false);
});

test('DEBUG=jwks names the WebAssembly backend and why, and says nothing of the native one', async () => {
  const stderr = await new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', `require(${JSON.stringify(path.join(__dirname, '..'))})`],
      { env: { ...process.env, DEBUG: 'jwks', DEBUG_COLORS: '' } },
      (err, _out, errOut) => (err ? reject(err) : resolve(errOut)),
    );
  });
  const lines = stderr.split('\n').filter((line) => line.includes(' jwks '));
  if (FORCED)
    assert.match(lines.join('\n'), new RegExp(`jwks Using the WebAssembly backend: NAPI_RS_FORCE_WASI=${process.env.NAPI_RS_FORCE_WASI}$`));
  else assert.deepEqual(lines, []);
});
