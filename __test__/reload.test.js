'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer, until } = require('./helpers/server');
const { withClock } = require('./helpers/clock');
const { settlesPromptly } = require('./helpers/refresh');

const a = generate('RS256', 'a');
const b = generate('ES256', 'b');
const c = generate('EdDSA', 'c');

test('reload() fetches while the set is fresh and resolves with the signing keys', async () => {
  const server = await startJwksServer([a.jwk, b.jwk]);
  const client = jwksClient({ jwksUri: server.url });
  const first = await client.getSigningKey('a');
  server.state.keys = [a.jwk, c.jwk];
  const hits = client.stats().cacheHits;
  const keys = await client.reload();
  assert.equal(server.count, 2);
  assert.equal(client.stats().cacheHits, hits, 'a reload is not a lookup');
  assert.deepEqual(
    keys.map((k) => [k.kid, k.getPublicKey()]),
    [
      ['a', a.pem],
      ['c', c.pem],
    ],
  );
  const release = server.hold();
  const rotated = client.getSigningKey('c');
  assert.equal(await settlesPromptly(rotated), true, 'the new kid is served from the reloaded set');
  assert.equal((await rotated).getPublicKey(), c.pem);
  assert.equal(await client.getSigningKey('a'), first, 'an unchanged key stays the same object');
  release();
  assert.equal(server.count, 2);
  await server.close();
});

test('warm() at start-up: the first lookup does not wait for the endpoint', async () => {
  const server = await startJwksServer([a.jwk, b.jwk]);
  const client = jwksClient({ jwksUri: server.url });
  const keys = await client.warm();
  assert.deepEqual(
    keys.map((k) => k.kid),
    ['a', 'b'],
  );
  const release = server.hold();
  const lookup = client.getSigningKey('b');
  assert.equal(await settlesPromptly(lookup), true);
  assert.equal((await lookup).getPublicKey(), b.pem);
  release();
  assert.equal(server.count, 1);
  await server.close();
});

test('reload() joins a fetch in flight instead of starting another', async () => {
  const server = await startJwksServer([a.jwk]);
  const client = jwksClient({ jwksUri: server.url });
  const release = server.hold();
  const lookup = client.getSigningKey('a');
  await server.requested(1);
  const reloaded = client.reload();
  const warmed = client.warm();
  // The native side counts a request that joins the fetch under way.
  await until(() => client.stats().coalesced === 1);
  assert.equal(await settlesPromptly(reloaded), false);
  release();
  assert.equal((await lookup).kid, 'a');
  assert.deepEqual(
    (await reloaded).map((k) => k.kid),
    ['a'],
  );
  assert.deepEqual(
    (await warmed).map((k) => k.kid),
    ['a'],
  );
  assert.equal(server.count, 1);
  assert.equal(client.stats().fetches, 1);
  await server.close();
});

test('reload() honours the rate limiter: refused, it rejects and the cached key stays in use', async () => {
  const server = await startJwksServer([a.jwk]);
  const client = jwksClient({ jwksUri: server.url, rateLimit: true, jwksRequestsPerMinute: 1 });
  const first = await client.getSigningKey('a');
  await assert.rejects(client.reload(), { name: 'JwksRateLimitError', message: 'Too many requests to the JWKS endpoint' });
  assert.equal(server.count, 1);
  assert.equal(await client.getSigningKey('a'), first);
  await server.close();
});

test('reload() rejects with the failure of the fetch; lookups keep the cached set', async () => {
  const server = await startJwksServer([a.jwk]);
  const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000 });
  await withClock(async (advance) => {
    const first = await client.getSigningKey('a');
    server.state.status = 500;
    await assert.rejects(client.reload(), { name: 'JwksError', message: 'Internal Server Error' });
    server.state.status = 200;
    server.state.body = 'not json';
    await assert.rejects(client.warm(), { name: 'SyntaxError' });
    advance(500);
    assert.equal(await client.getSigningKey('a'), first);
    assert.equal(server.count, 3);
  });
  await server.close();
});

test('reload() without a cache still fetches and resolves with the keys', async () => {
  const server = await startJwksServer([a.jwk, b.jwk]);
  const client = jwksClient({ jwksUri: server.url, cache: false });
  assert.deepEqual(
    (await client.reload()).map((k) => k.alg),
    ['RS256', 'ES256'],
  );
  await client.getSigningKey('a');
  assert.equal(server.count, 2);
  await server.close();
});
