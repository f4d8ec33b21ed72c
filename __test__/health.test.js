'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const jwksClient = require('..');
const { JwksError } = jwksClient;
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { withClock } = require('./helpers/clock');

const a = generate('RS256', 'a');
const b = generate('ES384', 'b');

test('health() before the first fetch', () => {
  const client = jwksClient({ jwksUri: 'http://127.0.0.1:9/jwks' });
  assert.deepEqual(client.health(), { fresh: false, lastFetchAt: null, lastError: null, nextRefreshAt: null, keys: 0 });
});

test('health() follows the cached set: fresh until cacheMaxAge, next refresh at its expiry or window', async () => {
  const server = await startJwksServer([a.jwk, b.jwk]);
  await withClock(async (advance) => {
    const start = Date.now();
    const plain = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000 });
    const ahead = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000, refreshAhead: 250 });
    await plain.getSigningKey('a');
    await ahead.getSigningKey('b');
    assert.deepEqual(plain.health(), { fresh: true, lastFetchAt: start, lastError: null, nextRefreshAt: start + 1000, keys: 2 });
    assert.equal(ahead.health().nextRefreshAt, start + 750);
    advance(1000);
    assert.equal(plain.health().fresh, true, 'the last fresh millisecond');
    advance(1);
    assert.equal(plain.health().fresh, false);
    assert.equal(plain.health().lastFetchAt, start);
  });
  await server.close();
});

test('health().lastError holds the last failure until a fetch succeeds', async () => {
  const server = await startJwksServer([a.jwk]);
  const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000 });
  await withClock(async (advance) => {
    const fetchedAt = Date.now();
    await client.getSigningKey('a');
    server.state.status = 503;
    advance(2000);
    await assert.rejects(client.getSigningKey('a'));
    const failed = client.health();
    assert.ok(failed.lastError instanceof JwksError);
    assert.equal(failed.lastError.message, 'Service Unavailable');
    assert.equal(failed.lastError.isEndpointUnavailable, true);
    assert.equal(failed.lastFetchAt, fetchedAt, 'still the last good fetch');
    assert.equal(failed.fresh, false);
    assert.equal(failed.keys, 1);

    server.state.status = 200;
    server.state.body = '{"keys":';
    await assert.rejects(client.reload(), { name: 'SyntaxError' });
    assert.equal(client.health().lastError.name, 'SyntaxError');

    server.state.body = undefined;
    server.state.keys = [a.jwk, b.jwk];
    await client.reload();
    assert.deepEqual(client.health(), {
      fresh: true,
      lastFetchAt: Date.now(),
      lastError: null,
      nextRefreshAt: Date.now() + 1000,
      keys: 2,
    });
  });
  await server.close();
});

test('health() without a cache: never fresh, the last good fetch still reported', async () => {
  const server = await startJwksServer([a.jwk]);
  const client = jwksClient({ jwksUri: server.url, cache: false });
  await withClock(async () => {
    await client.getSigningKey('a');
    assert.deepEqual(client.health(), { fresh: false, lastFetchAt: Date.now(), lastError: null, nextRefreshAt: null, keys: 1 });
  });
  await server.close();
});
