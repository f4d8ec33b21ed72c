'use strict';

// `conditionalRequests: true`: the set's ETag / Last-Modified go back as
// If-None-Match / If-Modified-Since, and a 304 makes the same set (the same
// key objects) fresh again, on the native transport and on Node's http.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const jwt = require('jsonwebtoken');
const upstream = require('jwks-rsa');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startRevalidatingServer, corpus } = require('./helpers/revalidating');
const { withClock } = require('./helpers/clock');
const { withFakeTimers } = require('./helpers/fake-timers');

const a = generate('RS256', 'a');
const b = generate('ES256', 'b');
const c = generate('EdDSA', 'c');
const LAST_MODIFIED = 'Mon, 30 Nov 2026 07:00:00 GMT';
const AGE = 600_000;

let server;
before(async () => {
  server = await startRevalidatingServer();
});
after(() => server.close());
beforeEach(() => server.reset([a.jwk, b.jwk], { ETag: '"v1"', 'Last-Modified': LAST_MODIFIED }));

// The same scenarios over both transports: native, and Node's http (taken
// whenever a requestAgent is given).
const transports = {
  native: () => ({}),
  'node http': () => ({ requestAgent: new http.Agent() }),
};

const sent = (i) => {
  const { headers } = server.state.requests[i];
  return { ifNoneMatch: headers['if-none-match'], ifModifiedSince: headers['if-modified-since'] };
};
const nothingSent = { ifNoneMatch: undefined, ifModifiedSince: undefined };

for (const [transport, extra] of Object.entries(transports)) {
  test(`${transport}: a 304 hands out the very same keys, fresh again for cacheMaxAge`, async () => {
    await withClock(async (advance) => {
      const client = jwksClient({ jwksUri: server.url, conditionalRequests: true, ...extra() });
      const first = await client.getSigningKey('a');
      assert.deepEqual(sent(0), nothingSent);
      advance(AGE + 1);
      const again = await client.getSigningKey('a');
      assert.equal(again, first);
      assert.deepEqual(sent(1), { ifNoneMatch: '"v1"', ifModifiedSince: LAST_MODIFIED });
      assert.equal(server.origin.notModified, 1);
      advance(AGE - 1);
      await client.getSigningKey('a');
      await client.getSigningKey('b');
      assert.equal(server.count, 2, 'the revalidated set is fresh for cacheMaxAge from the 304');
      const stats = client.stats();
      assert.equal(stats.fetches, 2);
      assert.equal(stats.notModified, 1);
      const token = jwt.sign({ sub: 'u' }, a.privateKey, { algorithm: 'RS256', keyid: 'a' });
      assert.equal(jwt.verify(token, again.getPublicKey()).sub, 'u');
    });
  });

  test(`${transport}: a changed set is fetched in full, and its new ETag is sent next`, async () => {
    await withClock(async (advance) => {
      const client = jwksClient({ jwksUri: server.url, conditionalRequests: true, ...extra() });
      const first = await client.getSigningKey('a');
      server.state.keys = [a.jwk, c.jwk];
      server.origin.headers = { ETag: '"v2"' };
      advance(AGE + 1);
      assert.equal((await client.getSigningKey('c')).getPublicKey(), c.pem);
      assert.equal(sent(1).ifNoneMatch, '"v1"');
      assert.equal(server.origin.notModified, 0);
      assert.equal(await client.getSigningKey('a'), first, 'an unchanged key keeps its object');
      advance(AGE + 1);
      await client.getSigningKey('c');
      assert.deepEqual(sent(2), { ifNoneMatch: '"v2"', ifModifiedSince: undefined });
      assert.equal(client.stats().notModified, 1);
    });
  });

  test(`${transport}: Last-Modified alone revalidates too`, async () => {
    server.origin.headers = { 'Last-Modified': LAST_MODIFIED };
    await withClock(async (advance) => {
      const client = jwksClient({ jwksUri: server.url, conditionalRequests: true, ...extra() });
      const first = await client.getSigningKey('b');
      advance(AGE + 1);
      assert.equal(await client.getSigningKey('b'), first);
      assert.deepEqual(sent(1), { ifNoneMatch: undefined, ifModifiedSince: LAST_MODIFIED });
      assert.equal(server.origin.notModified, 1);
    });
  });

  test(`${transport}: getSigningKeys and getKeys after a 304 return the set`, async () => {
    const client = jwksClient({ jwksUri: server.url, conditionalRequests: true, ...extra() });
    const keys = await client.getSigningKeys();
    const revalidated = await client.getSigningKeys();
    assert.equal(server.origin.notModified, 1);
    assert.deepEqual(
      revalidated.map((k) => k.getPublicKey()),
      keys.map((k) => k.getPublicKey()),
    );
    assert.deepEqual(await client.getKeys(), [a.jwk, b.jwk]);
    assert.equal(server.origin.notModified, 2);
    assert.equal(sent(2).ifNoneMatch, '"v1"');
  });

  test(`${transport}: a 304 to a request without a validator fails as jwks-rsa fails it`, async () => {
    server.origin.always304 = true;
    const outcome = async (client) =>
      client.getSigningKey('a').then(
        () => 'no error',
        (err) => ({ name: err.name, message: err.message }),
      );
    const ours = await outcome(jwksClient({ jwksUri: server.url, conditionalRequests: true, ...extra() }));
    assert.deepEqual(ours, { name: 'JwksError', message: 'Not Modified' });
    assert.deepEqual(ours, await outcome(upstream({ jwksUri: server.url })));
    assert.deepEqual(sent(0), nothingSent);
  });

  test(`${transport}: hostile ETags are not echoed; the next fetch is a full one`, async () => {
    const atLimit = `"${'x'.repeat(1022)}"`;
    const cases = [
      [`"${'x'.repeat(2048)}"`, undefined],
      [`"${'x'.repeat(1023)}"`, undefined],
      ['"tab\there"', undefined],
      ['"caf\u00e9"', undefined],
      [atLimit, atLimit],
    ];
    for (const [etag, echoed] of cases) {
      server.state.requests.length = 0;
      server.origin.headers = { ETag: etag };
      await withClock(async (advance) => {
        const client = jwksClient({ jwksUri: server.url, conditionalRequests: true, ...extra() });
        await client.getSigningKey('a');
        advance(AGE + 1);
        await client.getSigningKey('a');
        assert.equal(sent(1).ifNoneMatch, echoed, etag.slice(0, 20));
        assert.equal(client.stats().notModified, echoed === undefined ? 0 : 1);
      });
    }
  });

  test(`${transport}: an If-None-Match in requestHeaders is sent as given, once`, async () => {
    await withClock(async (advance) => {
      const options = { jwksUri: server.url, conditionalRequests: true, requestHeaders: { 'if-none-match': '"mine"' } };
      const client = jwksClient({ ...options, ...extra() });
      await client.getSigningKey('a');
      advance(AGE + 1);
      await client.getSigningKey('a');
      const raw = server.state.requests[1].rawHeaders;
      const values = raw.filter((_, i) => i % 2 === 1 && raw[i - 1].toLowerCase() === 'if-none-match');
      assert.deepEqual(values, ['"mine"']);
      assert.equal(sent(1).ifModifiedSince, LAST_MODIFIED);
      // The origin weighs If-None-Match first: "mine" is not its ETag.
      assert.equal(server.origin.notModified, 0);
    });
  });
}

test('a real provider set (Microsoft Entra, 7 keys without alg) is revalidated kid by kid without new objects', async () => {
  const entra = corpus('microsoft-entra-common');
  const kids = JSON.parse(entra).keys.map((k) => k.kid);
  server.state.body = entra;
  server.origin.headers = { ETag: '"0x8DC1A2B3C4D5E6F"' };
  await withClock(async (advance) => {
    const client = jwksClient({ jwksUri: server.url, conditionalRequests: true, cacheMaxEntries: 10 });
    const first = await Promise.all(kids.map((kid) => client.getSigningKey(kid)));
    advance(AGE + 1);
    const again = await Promise.all(kids.map((kid) => client.getSigningKey(kid)));
    for (const [i, key] of again.entries()) assert.equal(key, first[i], kids[i]);
    assert.equal(server.count, 2);
    assert.equal(server.origin.notModified, 1);
  });
});

test('the fetcher option is left alone: it is called each time, with no validators', async () => {
  let calls = 0;
  const fetcher = async () => {
    calls++;
    return { keys: [a.jwk] };
  };
  await withClock(async (advance) => {
    const client = jwksClient({ jwksUri: server.url, fetcher, conditionalRequests: true, respectCacheControl: true });
    await client.getSigningKey('a');
    advance(AGE + 1);
    await client.getSigningKey('a');
    assert.equal(calls, 2);
    assert.equal(client.stats().notModified, 0);
    assert.equal(server.count, 0);
  });
});

// Without the option, an endpoint's validators change nothing: the requests
// are those jwks-rsa sends, header for header.
test('without conditionalRequests the requests are those of jwks-rsa', async () => {
  const seen = {};
  for (const [name, lib] of Object.entries({ upstream, native: jwksClient })) {
    server.state.requests.length = 0;
    await withFakeTimers(async (clock) => {
      const client = lib({ jwksUri: server.url });
      await client.getSigningKey('a');
      clock.advance(AGE + 1);
      await client.getSigningKey('a');
    });
    seen[name] = server.state.requests.map((r) => r.headers);
  }
  assert.equal(seen.native.length, 2);
  assert.deepEqual(seen.native, seen.upstream);
  assert.equal(seen.native[1]['if-none-match'], undefined);
  assert.equal(server.origin.notModified, 0);
});
