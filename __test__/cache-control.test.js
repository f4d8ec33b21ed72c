'use strict';

// `respectCacheControl: true`: the endpoint's Cache-Control max-age (or
// Expires against Date) sets how long the set is fresh, always within
// [minCacheAge, cacheMaxAge]; no-store/no-cache revalidate at minCacheAge.
// The lifetime reaches the memo in front of the native cache: a lookup
// past it asks again.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startRevalidatingServer, corpus } = require('./helpers/revalidating');
const { withClock } = require('./helpers/clock');

const a = generate('RS256', 'a');
const b = generate('ES384', 'b');
const MIN = 30_000;
const MAX = 600_000;

let server;
before(async () => {
  server = await startRevalidatingServer();
});
after(() => server.close());
beforeEach(() => server.reset([a.jwk, b.jwk]));

// How many requests the endpoint has seen after a lookup at each offset (ms
// from the first lookup), alternating kids so the set, not one memo entry,
// decides.
async function requestsAt(options, offsets) {
  const counts = [];
  server.state.requests.length = 0;
  await withClock(async (advance) => {
    const client = jwksClient({ jwksUri: server.url, respectCacheControl: true, ...options });
    let at = 0;
    for (const [i, offset] of offsets.entries()) {
      advance(offset - at);
      at = offset;
      await client.getSigningKey(i % 2 === 0 ? 'a' : 'b');
      counts.push(server.count);
    }
  });
  return counts;
}

// Fresh until `lifetime` ms after the fetch, fetched again just after.
async function assertLifetime(options, lifetime) {
  assert.deepEqual(await requestsAt(options, [0, 1, lifetime, lifetime + 1]), [1, 1, 1, 2]);
}

test('max-age within the bounds sets the lifetime, for every kid of the set', async () => {
  server.origin.headers = { 'Cache-Control': 'public, max-age=60' };
  await assertLifetime({}, 60_000);
});

test('a max-age of a year is clamped to cacheMaxAge', async () => {
  server.origin.headers = { 'Cache-Control': 'max-age=31536000' };
  await assertLifetime({}, MAX);
  await assertLifetime({ cacheMaxAge: 120_000 }, 120_000);
});

test('max-age=0 and max-age=1 are raised to minCacheAge', async () => {
  for (const value of ['max-age=0', 'max-age=1']) {
    server.origin.headers = { 'Cache-Control': value };
    await assertLifetime({}, MIN);
    await assertLifetime({ minCacheAge: 5000 }, 5000);
  }
});

test('negative or non-numeric max-age is ignored: cacheMaxAge applies', async () => {
  for (const value of ['max-age=-1', 'max-age=abc', 'max-age=1.5', 'max-age=']) {
    server.origin.headers = { 'Cache-Control': value };
    await assertLifetime({}, MAX);
  }
});

test('no-store and no-cache mean revalidate after minCacheAge, never "do not cache"', async () => {
  for (const value of ['no-store', 'no-cache', 'no-cache, max-age=3600']) {
    server.origin.headers = { 'Cache-Control': value };
    await assertLifetime({}, MIN);
  }
});

test('no-store with conditionalRequests revalidates with a 304 after minCacheAge', async () => {
  server.origin.headers = { 'Cache-Control': 'no-store', ETag: '"s1"' };
  await withClock(async (advance) => {
    const client = jwksClient({ jwksUri: server.url, respectCacheControl: true, conditionalRequests: true, minCacheAge: 10_000 });
    const first = await client.getSigningKey('a');
    advance(10_001);
    assert.equal(await client.getSigningKey('a'), first);
    assert.equal(server.state.requests[1].headers['if-none-match'], '"s1"');
    advance(10_001);
    assert.equal(await client.getSigningKey('b'), await client.getSigningKey('b'));
    assert.equal(server.origin.notModified, 2);
    assert.equal(client.stats().notModified, 2);
  });
});

test('Expires counts from the response Date', async () => {
  // Expires two minutes after Date, whatever the client's own clock says.
  server.origin.headers = { Date: 'Mon, 30 Nov 2026 08:00:00 GMT', Expires: 'Mon, 30 Nov 2026 08:02:00 GMT' };
  await assertLifetime({}, 120_000);
});

test('an Expires that is not a date is already expired: minCacheAge', async () => {
  server.origin.headers = { Expires: '0' };
  await assertLifetime({}, MIN);
});

test('max-age less Age is what remains', async () => {
  server.origin.headers = { 'Cache-Control': 'max-age=300', Age: '100' };
  await assertLifetime({}, 200_000);
});

test('minCacheAge follows the rule of the numeric options: absent is the default, out of range an ArgumentError', async () => {
  server.origin.headers = { 'Cache-Control': 'no-cache' };
  for (const minCacheAge of [undefined, null]) {
    await assertLifetime({ minCacheAge }, MIN);
  }
  await assertLifetime({ minCacheAge: 1500 }, 1500);
  await assertLifetime({ minCacheAge: MAX }, MAX);
  for (const [minCacheAge, shown] of [
    [-5, '-5'],
    [0.5, '0.5'],
    ['abc', '"abc"'],
    [NaN, 'NaN'],
    [1500.9, '1500.9'],
    [Infinity, 'Infinity'],
  ]) {
    assert.throws(() => jwksClient({ jwksUri: server.url, respectCacheControl: true, minCacheAge }), {
      name: 'ArgumentError',
      message: `minCacheAge must be a whole number of milliseconds from 0 to 9007199254740991, got ${shown}`,
    });
  }
});

test('over Node http (requestAgent), a real provider set lives for its max-age', async () => {
  server.state.body = corpus('google');
  const kids = JSON.parse(server.state.body).keys.map((k) => k.kid);
  server.origin.headers = { 'Cache-Control': 'public, max-age=19683, must-revalidate, no-transform' };
  await withClock(async (advance) => {
    const client = jwksClient({ jwksUri: server.url, respectCacheControl: true, cacheMaxAge: 36_000_000, requestAgent: new http.Agent() });
    for (const kid of kids) await client.getSigningKey(kid);
    advance(19_683_000);
    for (const kid of kids) await client.getSigningKey(kid);
    assert.equal(server.count, 1);
    advance(1);
    await client.getSigningKey(kids[0]);
    assert.equal(server.count, 2);
  });
});

test('without respectCacheControl a short max-age changes nothing: cacheMaxAge applies', async () => {
  server.origin.headers = { 'Cache-Control': 'max-age=5, no-store' };
  assert.deepEqual(await requestsAt({ respectCacheControl: false }, [0, 6000, MAX, MAX + 1]), [1, 1, 1, 2]);
});

test('when the refresh after a short max-age fails, a key loaded within cacheMaxAge is still answered', async () => {
  server.origin.headers = { 'Cache-Control': 'max-age=60' };
  await withClock(async (advance) => {
    const client = jwksClient({ jwksUri: server.url, respectCacheControl: true });
    const first = await client.getSigningKey('a');
    server.state.status = 503;
    advance(60_001);
    assert.equal(await client.getSigningKey('a'), first);
    assert.equal(server.count, 2, 'the refresh was tried');
    advance(MAX - 60_000);
    await assert.rejects(client.getSigningKey('a'), { name: 'JwksError', message: 'Service Unavailable' });
  });
});
