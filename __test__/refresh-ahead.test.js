'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const jwt = require('jsonwebtoken');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { withClock } = require('./helpers/clock');
const { settlesPromptly, nextMessage, collect } = require('./helpers/refresh');

const a = generate('RS256', 'a');
const b = generate('ES256', 'b');

const refreshOf = (client) => nextMessage('jwks-rsa-native:refresh', (m) => m.client === client);

test('a lookup within the window is answered from the cache and starts one background fetch', async () => {
  const server = await startJwksServer([a.jwk, b.jwk]);
  const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000, refreshAhead: 200 });
  await withClock(async (advance) => {
    const first = await client.getSigningKey('a');
    assert.equal(server.count, 1);

    advance(799);
    assert.equal(await client.getSigningKey('a'), first);
    assert.equal(server.count, 1, 'before the window: no fetch');

    advance(51);
    const release = server.hold();
    const refreshed = refreshOf(client);
    const inWindow = client.getSigningKey('a');
    assert.equal(await settlesPromptly(inWindow), true, 'answered while the endpoint is held');
    assert.equal(await inWindow, first);
    await server.requested(2);
    for (let i = 0; i < 50; i++) assert.equal(await client.getSigningKey('a'), first);
    assert.equal(await settlesPromptly(client.getSigningKey('b')), true, 'b: from the cached set');
    assert.equal(server.count, 2, 'one background fetch for all of them');
    release();
    const message = await refreshed;
    assert.equal(message.trigger, 'refreshAhead');
    assert.equal(message.ok, true);
    assert.equal(message.keys, 2);

    // Past the old expiry, within the new set's: the memo answers, no fetch.
    advance(500);
    const hold = server.hold();
    const late = client.getSigningKey('a');
    assert.equal(await settlesPromptly(late), true);
    assert.equal(await late, first, 'the same key object');
    hold();
    assert.equal(server.count, 2);
  });
  await server.close();
});

test('with steady traffic and a healthy endpoint no lookup waits for the network after the first', { timeout: 30000 }, async () => {
  const server = await startJwksServer([a.jwk]);
  const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000, refreshAhead: true });
  const token = jwt.sign({ sub: 'u' }, a.privateKey, { algorithm: 'RS256', keyid: 'a' });
  await withClock(async (advance) => {
    await client.getSigningKey('a');
    let waited = 0;
    for (let step = 0; step < 200; step++) {
      advance(50);
      const release = server.hold();
      // health() says from when a lookup refreshes the set.
      const due = Date.now() >= client.health().nextRefreshAt;
      const refreshed = refreshOf(client);
      const lookup = client.getSigningKey('a');
      if (!(await settlesPromptly(lookup))) waited++;
      release();
      const key = await lookup;
      assert.equal(jwt.verify(token, key.getPublicKey()).sub, 'u');
      if (due) await refreshed;
    }
    assert.equal(waited, 0, 'lookups that waited for a fetch');
    // 10 s of lookups over a set that lives 1 s and is refreshed 100 ms
    // before its end: the first fetch, then one every 900 ms.
    assert.equal(server.count, 1 + Math.floor(10000 / 900));
  });
  await server.close();
});

test('refreshAhead: true refreshes within the last 10% of cacheMaxAge', async () => {
  const server = await startJwksServer([a.jwk]);
  const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 10000, refreshAhead: true });
  await withClock(async (advance) => {
    await client.getSigningKey('a');
    advance(8999);
    await client.getSigningKey('a');
    assert.equal(server.count, 1);
    advance(2);
    const refreshed = refreshOf(client);
    await client.getSigningKey('a');
    await refreshed;
    assert.equal(server.count, 2);
  });
  await server.close();
});

test('a refresh the rate limiter refuses never fails a lookup and is not retried for that set', async () => {
  const server = await startJwksServer([a.jwk]);
  const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000, refreshAhead: 200, rateLimit: true, jwksRequestsPerMinute: 1 });
  await withClock(async (advance) => {
    const first = await client.getSigningKey('a');
    advance(900);
    const refreshes = collect('jwks-rsa-native:refresh');
    const refused = refreshOf(client);
    assert.equal(await client.getSigningKey('a'), first);
    const message = await refused;
    assert.equal(message.ok, false);
    assert.equal(message.error.name, 'JwksRateLimitError');
    assert.equal(message.error.message, 'Too many requests to the JWKS endpoint');
    for (let i = 0; i < 20; i++) assert.equal(await client.getSigningKey('a'), first);
    refreshes.stop();
    assert.equal(refreshes.filter((m) => m.client === client).length, 1);
    assert.equal(server.count, 1);
  });
  await server.close();
});

test('a failed refresh keeps the cached key in use until its expiry, then lookups fetch as usual', async () => {
  const server = await startJwksServer([a.jwk]);
  const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000, refreshAhead: 200 });
  await withClock(async (advance) => {
    const first = await client.getSigningKey('a');
    server.state.status = 503;
    advance(900);
    const failed = refreshOf(client);
    assert.equal(await client.getSigningKey('a'), first);
    const message = await failed;
    assert.equal(message.ok, false);
    assert.equal(message.error.message, 'Service Unavailable');
    for (let i = 0; i < 20; i++) assert.equal(await client.getSigningKey('a'), first);
    assert.equal(server.count, 2, 'one attempt for this set');
    advance(101);
    await assert.rejects(client.getSigningKey('a'), { name: 'JwksError', message: 'Service Unavailable' });
    assert.equal(server.count, 3);
  });
  await server.close();
});

test('without refreshAhead a lookup near expiry fetches nothing, as in jwks-rsa', async () => {
  const server = await startJwksServer([a.jwk]);
  const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000 });
  await withClock(async (advance) => {
    await client.getSigningKey('a');
    advance(999);
    await client.getSigningKey('a');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(server.count, 1);
  });
  await server.close();
});

test('refreshAhead and backgroundRefresh reject values that are not whole milliseconds in their range', () => {
  for (const [value, shown] of [
    ['soon', '"soon"'],
    [-5, '-5'],
    [Number.NaN, 'NaN'],
    [{}, '{}'],
  ]) {
    assert.throws(() => jwksClient({ jwksUri: 'http://127.0.0.1/jwks', refreshAhead: value }), {
      name: 'ArgumentError',
      message: `refreshAhead must be true or a whole number of milliseconds from 0 to 9007199254740991, got ${shown}`,
    });
    assert.throws(() => jwksClient({ jwksUri: 'http://127.0.0.1/jwks', backgroundRefresh: value }), {
      name: 'ArgumentError',
      message: `backgroundRefresh must be 0 or a whole number of milliseconds from 1000 to 2147483647, got ${shown}`,
    });
  }
  for (const off of [undefined, null, false, 0]) {
    assert.doesNotThrow(() => jwksClient({ jwksUri: 'http://127.0.0.1/jwks', refreshAhead: off, backgroundRefresh: off }));
  }
});

test('a set whose Cache-Control life is shorter than the window is refreshed at most every half life', { timeout: 20000 }, async () => {
  const server = await startJwksServer([a.jwk]);
  server.state.handler = (req, res) => {
    res.setHeader('cache-control', 'max-age=40');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [a.jwk] }));
  };
  const client = jwksClient({ jwksUri: server.url, respectCacheControl: true, minCacheAge: 1000, refreshAhead: true });
  await withClock(async (advance) => {
    await client.getSigningKey('a');
    for (let second = 1; second <= 100; second++) {
      advance(1000);
      const due = Date.now() >= client.health().nextRefreshAt;
      const refreshed = refreshOf(client);
      await client.getSigningKey('a');
      if (due) await refreshed;
    }
    // A 40 s life against a 60 s window: the first fetch, then a refresh at
    // 1 s and every 20 s (half the life) after it, not one per lookup.
    assert.equal(server.count, 1 + 5);
  });
  await server.close();
});
