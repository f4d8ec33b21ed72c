'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { withClock } = require('./helpers/clock');

const a = generate('ES256', 'a');
const b = generate('ES256', 'b');

test('cacheMaxAgeFallback serves the last good key while the endpoint is down', async () => {
  const server = await startJwksServer([a.jwk, b.jwk]);
  const stale = [];
  const client = jwksClient({
    jwksUri: server.url,
    cacheMaxAge: 1000,
    cacheMaxAgeFallback: 5000,
    onStaleCacheFallback: (err, kid, key) => stale.push({ err, kid, key }),
  });
  await withClock(async (advance) => {
    const fresh = await client.getSigningKey('a');
    server.state.status = 503;
    advance(1500);
    const served = await client.getSigningKey('a');
    assert.equal(served, fresh, 'the same key object');
    assert.equal(stale.length, 1);
    assert.equal(stale[0].kid, 'a');
    assert.equal(stale[0].key, fresh);
    assert.equal(stale[0].err.name, 'JwksError');
    assert.equal(stale[0].err.message, 'Service Unavailable');
    assert.equal(stale[0].err.isEndpointUnavailable, true);

    const requests = server.count;
    await client.getSigningKey('a');
    assert.equal(server.count, requests, 'a stale serve is cached for cacheMaxAge');

    await assert.rejects(client.getSigningKey('b'), { message: 'Service Unavailable' }, 'b was never fetched');
    advance(5000);
    await assert.rejects(client.getSigningKey('a'), { message: 'Service Unavailable', isEndpointUnavailable: true });
    assert.equal(stale.length, 1);
  });
  await server.close();
});

test('no stale key for a missing kid, a rate-limit refusal, or without the option', async () => {
  const server = await startJwksServer([a.jwk]);
  await withClock(async (advance) => {
    const limited = jwksClient({
      jwksUri: server.url,
      cacheMaxAge: 1000,
      cacheMaxAgeFallback: 5000,
      rateLimit: true,
      jwksRequestsPerMinute: 1,
    });
    await limited.getSigningKey('a');
    server.state.status = 500;
    advance(1500);
    await assert.rejects(limited.getSigningKey('a'), { name: 'JwksRateLimitError' });

    server.state.status = 200;
    const plain = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000 });
    await plain.getSigningKey('a');
    server.state.status = 500;
    advance(1500);
    await assert.rejects(plain.getSigningKey('a'), { name: 'JwksError', message: 'Internal Server Error' });

    server.state.status = 200;
    const rotated = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000, cacheMaxAgeFallback: 5000 });
    await rotated.getSigningKey('a');
    server.state.keys = [b.jwk];
    advance(1500);
    await assert.rejects(rotated.getSigningKey('a'), { name: 'SigningKeyNotFoundError' });
  });
  await server.close();
});

test('an onStaleCacheFallback that throws fails the lookup with its error', async () => {
  const server = await startJwksServer([a.jwk]);
  const failure = new Error('metrics down');
  const client = jwksClient({
    jwksUri: server.url,
    cacheMaxAge: 1000,
    cacheMaxAgeFallback: 5000,
    onStaleCacheFallback: () => {
      throw failure;
    },
  });
  await withClock(async (advance) => {
    await client.getSigningKey('a');
    await server.close();
    advance(1500);
    await assert.rejects(client.getSigningKey('a'), (err) => err === failure);
  });
});
