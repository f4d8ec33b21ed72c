'use strict';

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer, until } = require('./helpers/server');
const { withClock } = require('./helpers/clock');
const { withFakeTimers } = require('./helpers/fake-timers');

let server;
const hundred = Array.from({ length: 100 }, (_, i) => generate('ES256', `k${i}`).jwk);
before(async () => {
  server = await startJwksServer(hundred);
});
after(() => server.close());
beforeEach(() => {
  server.state.requests.length = 0;
  server.state.keys = hundred;
  server.state.status = 200;
});

test('a cached key is answered without a request, as the same object', async () => {
  const client = jwksClient({ jwksUri: server.url });
  const first = await client.getSigningKey('k1');
  const second = await client.getSigningKey('k1');
  assert.equal(second, first);
  assert.equal(server.count, 1);
});

test('every kid of a fetched set is answered from the cache', async () => {
  const client = jwksClient({ jwksUri: server.url });
  for (let i = 0; i < 100; i++) await client.getSigningKey(`k${i}`);
  assert.equal(server.count, 1);
});

test('a thousand concurrent lookups over a hundred kids cost one request', async () => {
  const release = server.hold();
  const client = jwksClient({ jwksUri: server.url, rateLimit: true });
  const pending = Promise.all(Array.from({ length: 1000 }, (_, i) => client.getSigningKey(`k${i % 100}`)));
  // Answered only once all hundred native lookups wait on the one fetch.
  await until(() => client.stats().coalesced >= 99);
  release();
  const keys = await pending;
  assert.equal(server.count, 1);
  for (const [i, key] of keys.entries()) assert.equal(key.kid, `k${i % 100}`);
});

test('concurrent lookups for unknown kids share one request and all settle', async () => {
  const release = server.hold();
  const client = jwksClient({ jwksUri: server.url });
  const pending = Promise.allSettled(Array.from({ length: 500 }, (_, i) => client.getSigningKey(`forged-${i}`)));
  await until(() => client.stats().coalesced >= 499);
  release();
  const results = await pending;
  assert.equal(server.count, 1);
  assert.ok(results.every((r) => r.status === 'rejected' && r.reason.name === 'SigningKeyNotFoundError'));
});

test('keys expire after cacheMaxAge on the JavaScript clock', async () => {
  await withClock(async (advance) => {
    const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 60_000 });
    await client.getSigningKey('k1');
    advance(60_000);
    await client.getSigningKey('k1');
    assert.equal(server.count, 1);
    advance(1);
    await client.getSigningKey('k1');
    assert.equal(server.count, 2);
  });
});

test('a kid missing from the cached set triggers a fetch, so rotations are picked up', async () => {
  const client = jwksClient({ jwksUri: server.url });
  await client.getSigningKey('k1');
  const rotated = generate('EdDSA', 'rotated');
  server.state.keys = [...hundred, rotated.jwk];
  const key = await client.getSigningKey('rotated');
  assert.equal(key.publicKey, rotated.pem);
  assert.equal(server.count, 2);
});

test('a rotated-out key stays usable until its own expiry, as in jwks-rsa', async () => {
  const client = jwksClient({ jwksUri: server.url });
  await client.getSigningKey('k1');
  server.state.keys = [generate('ES256', 'new').jwk];
  await client.getSigningKey('new');
  const old = await client.getSigningKey('k1');
  assert.equal(old.kid, 'k1');
  assert.equal(server.count, 2);
});

test('with cache: false every lookup fetches', async () => {
  const client = jwksClient({ jwksUri: server.url, cache: false });
  await client.getSigningKey('k1');
  await client.getSigningKey('k1');
  assert.equal(server.count, 2);
});

test('getSigningKeys and getKeys always ask the endpoint', async () => {
  const client = jwksClient({ jwksUri: server.url });
  await client.getSigningKeys();
  await client.getKeys();
  assert.equal(server.count, 2);
});

test('rate limiting refuses misses beyond jwksRequestsPerMinute', async () => {
  const client = jwksClient({ jwksUri: server.url, cache: false, rateLimit: true, jwksRequestsPerMinute: 2 });
  await client.getSigningKey('k1');
  await client.getSigningKey('k1');
  await assert.rejects(client.getSigningKey('k1'), (err) => {
    assert.equal(err.name, 'JwksRateLimitError');
    assert.equal(err.message, 'Too many requests to the JWKS endpoint');
    assert.deepEqual(Object.keys(err), ['name', 'message']);
    return true;
  });
  assert.equal(server.count, 2);
});

test('cached lookups never touch the rate limiter', async () => {
  const client = jwksClient({ jwksUri: server.url, rateLimit: true, jwksRequestsPerMinute: 1 });
  await client.getSigningKey('k1');
  for (let i = 0; i < 100; i++) await client.getSigningKey(`k${i}`);
  await assert.rejects(client.getSigningKey('forged'), { name: 'JwksRateLimitError' });
  assert.equal(server.count, 1);
});

test('the rate limit refills with time on the clocks fake timers move', async () => {
  await withFakeTimers(async (clock) => {
    const client = jwksClient({ jwksUri: server.url, rateLimit: true, jwksRequestsPerMinute: 1 });
    await assert.rejects(client.getSigningKey('forged-1'), { name: 'SigningKeyNotFoundError' });
    await assert.rejects(client.getSigningKey('forged-2'), { name: 'JwksRateLimitError' });
    clock.advance(60_000);
    await assert.rejects(client.getSigningKey('forged-3'), { name: 'SigningKeyNotFoundError' });
    assert.equal(server.count, 2);
  });
});

test('a fake clock that moves only Date refills the bucket but never ends the minute, as in jwks-rsa', async () => {
  await withFakeTimers(
    async (clock) => {
      const client = jwksClient({ jwksUri: server.url, rateLimit: true, jwksRequestsPerMinute: 1 });
      await assert.rejects(client.getSigningKey('forged-1'), { name: 'SigningKeyNotFoundError' });
      clock.advance(600_000);
      await assert.rejects(client.getSigningKey('forged-2'), { name: 'JwksRateLimitError' });
      assert.equal(server.count, 1);
    },
    { monotonic: false },
  );
});

test('unknownKidCooldown refuses unknown kids without fetching, and never real ones', async () => {
  const client = jwksClient({ jwksUri: server.url, unknownKidCooldown: 60_000 });
  await client.getSigningKey('k1');
  for (let i = 0; i < 50; i++) {
    await assert.rejects(client.getSigningKey(`forged-${i}`), { name: 'SigningKeyNotFoundError' });
    await client.getSigningKey(`k${i}`);
  }
  assert.equal(server.count, 1);
});

test('stats count fetches, shared requests and native cache hits', async () => {
  const release = server.hold();
  const client = jwksClient({ jwksUri: server.url });
  const pending = Promise.all([client.getSigningKey('k1'), client.getSigningKey('k2')]);
  await until(() => client.stats().coalesced >= 1);
  release();
  await pending;
  const stats = client.stats();
  assert.equal(stats.fetches, 1);
  assert.equal(stats.coalesced, 1);
  assert.equal(stats.keys, 100);
});
