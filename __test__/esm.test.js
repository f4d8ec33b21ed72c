'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { RUNTIMES, cached } = require('../scripts/runtimes/list');

// `import` from an app that depends on the package by name, on this Node
// and on each Node.js that `npm run test:runtimes` keeps in its cache (never
// downloaded here).

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

test(`import works on this Node (${process.version})`, async () => {
  const { version, ...result } = await runWith(process.execPath);
  assert.equal(version, process.version);
  assert.deepEqual(result, expected);
});

for (const runtime of RUNTIMES.filter((r) => r.suite === 'node')) {
  const node = cached(runtime.name);
  const skip = !node && `${runtime.label} is not in target/runtimes/matrix (npm run test:runtimes fetches it)`;
  test(`import works on ${runtime.label}`, { skip }, async () => {
    const { version, ...result } = await runWith(node);
    assert.equal(version, `v${runtime.version}`);
    assert.deepEqual(result, expected);
  });
}
