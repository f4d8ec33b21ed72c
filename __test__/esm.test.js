'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');

// `import` from an app that depends on the package by name, on Node 20
// (this process) and Node 22.

const root = path.join(__dirname, '..');
const key = generate('ES256', 'esm');
let server;
let app;
before(async () => {
  server = await startJwksServer([key.jwk]);
  app = fs.mkdtempSync(path.join(os.tmpdir(), 'jwks-esm-'));
  fs.mkdirSync(path.join(app, 'node_modules'));
  fs.symlinkSync(root, path.join(app, 'node_modules', 'jwks-rsa-native'), 'dir');
  fs.writeFileSync(
    path.join(app, 'main.mjs'),
    `import jwksClient, { JwksClient, ArgumentError, JwksError, JwksRateLimitError, SigningKeyNotFoundError } from 'jwks-rsa-native';
const client = jwksClient({ jwksUri: process.argv[2] });
const key = await client.getSigningKey('esm');
const missing = await client.getSigningKey('nope').catch((e) => e);
console.log(JSON.stringify({
  version: process.version,
  kid: key.kid,
  isClient: client instanceof JwksClient,
  classes: [ArgumentError, JwksError, JwksRateLimitError, SigningKeyNotFoundError].map((c) => c.name),
  notFound: missing instanceof SigningKeyNotFoundError,
}));
`,
  );
});
after(async () => {
  await server.close();
  fs.rmSync(app, { recursive: true, force: true });
});

function runWith(node) {
  return new Promise((resolve, reject) => {
    execFile(node, [path.join(app, 'main.mjs'), server.url], { cwd: app }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout)),
    );
  });
}

const expected = {
  kid: 'esm',
  isClient: true,
  classes: ['ArgumentError', 'JwksError', 'JwksRateLimitError', 'SigningKeyNotFoundError'],
  notFound: true,
};

test('import works on this Node (20, or 22 when the suite runs there)', async () => {
  const { version, ...result } = await runWith(process.execPath);
  assert.equal(version, process.version);
  assert.deepEqual(result, expected);
});

test('import works on Node 22', async () => {
  const node22 = execFileSync(process.execPath, [path.join(root, 'scripts', 'node22.js')], { encoding: 'utf8' });
  const { version, ...result } = await runWith(node22);
  assert.match(version, /^v22\./);
  assert.deepEqual(result, expected);
});
