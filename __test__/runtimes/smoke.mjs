// The package on Bun and Deno: loading both ways, lookups of every key type
// against a loopback JWKS, the errors users branch on, and express with
// express-jwt. Plain asserts and a tiny runner rather than node:test, so the
// same file runs unchanged wherever Node's `assert`, `http` and `crypto` do.
// Its last line reads "N passed, N failed" (", N skipped" when some are);
// it exits non-zero on a failure.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
const jwksClient = require('../../index.js');
const esm = await import('../../index.mjs');
const { generate } = require('../helpers/keys.js');
const { startJwksServer, closedPort } = require('../helpers/server.js');
const { signToken } = require('../helpers/tokens.js');
const { callApi, listen } = require('../helpers/http-client.js');
const { ed448Key } = require('./ed448.js');
const { optionChecks } = require('./option-checks.js');
const { lifecycleChecks } = require('./lifecycle-checks.js');

const runtime = globalThis.Bun
  ? `Bun ${globalThis.Bun.version}`
  : globalThis.Deno
    ? `Deno ${globalThis.Deno.version.deno}`
    : `Node.js ${process.version}`;

const counts = { passed: 0, failed: 0, skipped: 0 };
const checks = [];
const check = (name, fn, skip) => checks.push({ name, fn, skip });

// A check that never settles (a gate never opened, an event never published)
// fails after this long instead of stalling the suite. The timer functions
// are taken now, before any check fakes a clock.
const CHECK_DEADLINE_MS = 60_000;
const { setTimeout: startTimer, clearTimeout: stopTimer } = globalThis;
function withinDeadline(run) {
  let timer;
  const expired = new Promise((resolve, reject) => {
    timer = startTimer(() => reject(new Error(`did not settle within ${CHECK_DEADLINE_MS} ms`)), CHECK_DEADLINE_MS);
  });
  return Promise.race([run(), expired]).finally(() => stopTimer(timer));
}

const keys = ['RS256', 'ES256', 'EdDSA'].map((alg) => generate(alg, `smoke-${alg}`));
const ed448 = ed448Key('smoke-Ed448');
const server = await startJwksServer([...keys.map((k) => k.jwk), ed448.jwk]);

check('require and import give one module with the same exports', () => {
  assert.equal(typeof jwksClient, 'function');
  assert.equal(esm.default, jwksClient);
  for (const name of ['JwksClient', 'ArgumentError', 'JwksError', 'JwksRateLimitError', 'SigningKeyNotFoundError']) {
    assert.equal(esm[name], jwksClient[name], name);
  }
  assert.ok(jwksClient({ jwksUri: server.url }) instanceof esm.JwksClient);
});

for (const key of keys) {
  check(`a ${key.alg} key is served as the PEM of its JWK`, async () => {
    const found = await jwksClient({ jwksUri: server.url }).getSigningKey(key.kid);
    assert.deepEqual({ kid: found.kid, alg: found.alg }, { kid: key.kid, alg: key.alg });
    assert.equal(found.getPublicKey(), key.pem);
    assert.equal(found.publicKey, key.pem);
    assert.equal(found.getPublicKeyObject().export({ type: 'spki', format: 'pem' }).replace(/\n$/, ''), key.pem);
  });
}

check('an Ed448 key is served as the SPKI PEM of its JWK', async () => {
  const found = await jwksClient({ jwksUri: server.url }).getSigningKey(ed448.kid);
  assert.equal(found.getPublicKey(), ed448.pem);
});

check(
  "that Ed448 PEM is the one this runtime's crypto exports, and loads there",
  async () => {
    assert.equal(ed448.cryptoPem, ed448.pem);
    const found = await jwksClient({ jwksUri: server.url }).getSigningKey(ed448.kid);
    assert.equal(found.getPublicKeyObject().asymmetricKeyType, 'ed448');
  },
  ed448.reason,
);

check('an unknown kid is a SigningKeyNotFoundError', async () => {
  const err = await jwksClient({ jwksUri: server.url })
    .getSigningKey('nope')
    .catch((e) => e);
  assert.ok(err instanceof jwksClient.SigningKeyNotFoundError);
  assert.equal(err.name, 'SigningKeyNotFoundError');
  assert.equal(err.message, "Unable to find a signing key that matches 'nope'");
});

check('lookups beyond jwksRequestsPerMinute are a JwksRateLimitError', async () => {
  const client = jwksClient({ jwksUri: server.url, cache: false, rateLimit: true, jwksRequestsPerMinute: 1 });
  await client.getSigningKey(keys[0].kid);
  const err = await client.getSigningKey(keys[0].kid).catch((e) => e);
  assert.ok(err instanceof jwksClient.JwksRateLimitError);
  assert.equal(err.name, 'JwksRateLimitError');
  assert.equal(err.message, 'Too many requests to the JWKS endpoint');
});

check("an endpoint's HTTP error is a JwksError with its status text", async () => {
  const failing = await startJwksServer([]);
  failing.state.status = 503;
  failing.state.statusMessage = 'Down for maintenance';
  try {
    const err = await jwksClient({ jwksUri: failing.url })
      .getSigningKey('any')
      .catch((e) => e);
    assert.ok(err instanceof jwksClient.JwksError);
    assert.equal(err.name, 'JwksError');
    assert.equal(err.message, 'Down for maintenance');
  } finally {
    await failing.close();
  }
});

check("a refused connection is Node's ECONNREFUSED error", async () => {
  const port = await closedPort();
  const err = await jwksClient({ jwksUri: `http://127.0.0.1:${port}/jwks` })
    .getSigningKey('any')
    .catch((e) => e);
  assert.equal(err.code, 'ECONNREFUSED');
  assert.equal(err.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
});

check('express with express-jwt verifies tokens through expressJwtSecret', async () => {
  const express = require('express');
  const { expressjwt } = require('express-jwt');
  const app = express();
  const secret = esm.expressJwtSecret({ jwksUri: server.url });
  app.get('/api', expressjwt({ secret, algorithms: ['RS256', 'ES256'] }), (req, res) => res.json(req.auth));
  app.use((err, req, res, next) => res.status(err.status || 500).json({ message: err.message }));
  const api = await listen(app);
  try {
    const [rsa, ec] = keys;
    assert.equal((await callApi(api.url, signToken(rsa))).body.sub, 'user-1');
    assert.equal((await callApi(api.url, signToken(ec))).body.sub, 'user-1');
    const stranger = generate('RS256', 'stranger');
    assert.deepEqual(await callApi(api.url, signToken(stranger)), {
      status: 401,
      body: { message: 'secret or public key must be provided' },
    });
  } finally {
    await api.close();
  }
});

for (const [name, fn, skip] of optionChecks()) check(name, fn, skip);
for (const [name, fn] of lifecycleChecks()) check(name, fn);

// Last: it takes a permission away for the rest of the process.
check(
  'without --allow-ffi, require says which flag is missing',
  async () => {
    await globalThis.Deno.permissions.revoke({ name: 'ffi' });
    // A fresh load: the loader, the generated binding and the addon itself.
    const loaded = Object.keys(require.cache).filter((f) => /(lib\/loader\/native|binding)\.js$|\.node$/.test(f));
    for (const file of loaded) delete require.cache[file];
    assert.throws(
      () => require('../../lib/loader/native.js'),
      (err) => {
        assert.equal(err.code, 'ERR_JWKS_RSA_NATIVE_BINDING');
        assert.match(err.message, /Requires ffi access to "[^"]+\.node", run again with the --allow-ffi flag/);
        return true;
      },
    );
  },
  !globalThis.Deno && 'only Deno has permissions',
);

console.log(`# ${runtime}`);
for (const { name, fn, skip } of checks) {
  if (skip) {
    counts.skipped++;
    console.log(`skip ${name}: ${skip}`);
    continue;
  }
  try {
    await withinDeadline(fn);
    counts.passed++;
    console.log(`ok   ${name}`);
  } catch (err) {
    counts.failed++;
    console.log(`FAIL ${name}\n${err && err.stack}`);
  }
}
await server.close();
console.log(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
// Exits explicitly: an idle keep-alive socket must not hold a runtime open.
process.exit(counts.failed ? 1 : 0);
