'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const jwt = require('jsonwebtoken');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { startProvider } = require('./helpers/oidc-provider');
const { signToken } = require('./helpers/tokens');
const { withClock } = require('./helpers/clock');
const { withFakeTimers } = require('./helpers/fake-timers');
const { nextMessage } = require('./helpers/refresh');

const compromised = generate('RS256', 'compromised');
const good = generate('ES256', 'good');
const next = generate('RS256', 'next');

const notFound = (kid) => ({ name: 'SigningKeyNotFoundError', message: `Unable to find a signing key that matches '${kid}'` });

// How an API verifies a token: the key for the token's kid, then jsonwebtoken.
async function verify(client, token) {
  const { header } = jwt.decode(token, { complete: true });
  const key = await client.getSigningKey(header.kid);
  return jwt.verify(token, key.getPublicKey());
}

test('incident: a key removed from the set and reload() refuses its tokens at once', async () => {
  const server = await startJwksServer([compromised.jwk, good.jwk]);
  const client = jwksClient({ jwksUri: server.url, rateLimit: true });
  const stolen = signToken(compromised);
  assert.equal((await verify(client, stolen)).sub, 'user-1');
  assert.equal((await verify(client, signToken(good))).sub, 'user-1');
  server.state.keys = [good.jwk];
  assert.equal((await verify(client, stolen)).sub, 'user-1', "without reload(), jwks-rsa's rule: served until its expiry");
  const keys = await client.reload();
  assert.deepEqual(
    keys.map((k) => k.kid),
    ['good'],
  );
  await assert.rejects(verify(client, stolen), notFound('compromised'));
  assert.equal((await verify(client, signToken(good))).sub, 'user-1');
  assert.equal(server.count, 3, 'the reload, then one fetch for the unknown kid');
  await server.close();
});

test('incident with cacheMaxAgeFallback: after reload(), an endpoint going down never serves the removed key stale', async () => {
  const server = await startJwksServer([compromised.jwk, good.jwk]);
  const staleServed = [];
  const onStaleCacheFallback = (_err, kid) => staleServed.push(kid);
  const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000, cacheMaxAgeFallback: 600000, onStaleCacheFallback });
  await withClock(async (advance) => {
    await client.getSigningKey('compromised');
    await client.getSigningKey('good');
    server.state.keys = [good.jwk];
    await client.reload();
    server.state.status = 503;
    advance(5000);
    await assert.rejects(client.getSigningKey('compromised'), { message: 'Service Unavailable', isEndpointUnavailable: true });
    assert.equal((await client.getSigningKey('good')).getPublicKey(), good.pem);
    assert.deepEqual(staleServed, ['good']);
  });
  await server.close();
});

test('backgroundRefresh drops a removed kid from the memo and the stale fallback', async () => {
  const server = await startJwksServer([compromised.jwk, good.jwk]);
  await withFakeTimers(async (clock) => {
    const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 60000, cacheMaxAgeFallback: 600000, backgroundRefresh: 10000 });
    await client.getSigningKey('compromised');
    server.state.keys = [good.jwk];
    const refreshed = nextMessage('jwks-rsa-native:refresh', (m) => m.client === client);
    clock.advance(clock.pending()[0]);
    assert.equal((await refreshed).ok, true);
    await assert.rejects(client.getSigningKey('compromised'), notFound('compromised'));
    server.state.status = 503;
    clock.advance(120000);
    await assert.rejects(client.getSigningKey('compromised'), { message: 'Service Unavailable' });
    client.close();
  });
  await server.close();
});

test('forget(kid): the next lookup of that kid asks the endpoint; other kids stay cached', async () => {
  const server = await startJwksServer([compromised.jwk, good.jwk]);
  const client = jwksClient({ jwksUri: server.url });
  const kept = await client.getSigningKey('good');
  await client.getSigningKey('compromised');
  client.forget('compromised');
  assert.deepEqual(
    client.cachedSigningKeys().map((k) => k.kid),
    ['good'],
    'the forgotten kid is not listed either',
  );
  assert.equal(await client.getSigningKey('good'), kept);
  assert.equal(server.count, 1);
  server.state.keys = [good.jwk];
  await assert.rejects(client.getSigningKey('compromised'), notFound('compromised'));
  assert.equal(server.count, 2);
  assert.equal((await client.getSigningKey('good')).getPublicKey(), good.pem);
  assert.equal(server.count, 2);
  await server.close();
});

test('forget() without a kid: the next lookup fetches although the set is fresh', async () => {
  const server = await startJwksServer([compromised.jwk, good.jwk]);
  const client = jwksClient({ jwksUri: server.url, unknownKidCooldown: 60000 });
  await client.getSigningKey('good');
  client.forget();
  assert.equal(client.cachedSigningKeys(), undefined);
  assert.equal(client.health().fresh, false);
  server.state.keys = [good.jwk, next.jwk];
  assert.equal((await client.getSigningKey('next')).getPublicKey(), next.pem, 'the cooldown is lifted too');
  assert.equal(server.count, 2);
  await client.getSigningKey('good');
  assert.equal(server.count, 2);
  await server.close();
});

test('forget() of a kid being fetched: the fetch under way cannot bring it back', async () => {
  const server = await startJwksServer([compromised.jwk, good.jwk]);
  const client = jwksClient({ jwksUri: server.url });
  // Each answer is the set as it was when its request came in, sent once released.
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  server.state.handler = (_req, res) => {
    const body = JSON.stringify({ keys: server.state.keys });
    held.then(() => res.end(body));
  };
  const early = client.getSigningKey('compromised');
  await server.requested(1);
  client.forget('compromised');
  server.state.keys = [good.jwk];
  const late = client.getSigningKey('compromised');
  await server.requested(2);
  release();
  assert.equal((await early).kid, 'compromised', 'asked before the forget');
  await assert.rejects(late, notFound('compromised'));
  await assert.rejects(client.getSigningKey('compromised'), notFound('compromised'));
  assert.equal(server.count, 3, 'the early answer was not kept');
  assert.deepEqual(
    client.cachedSigningKeys().map((k) => k.kid),
    ['good'],
  );
  await server.close();
});

test('cachedSigningKeys(): undefined before the first fetch, then the cached set with the objects lookups give', async () => {
  const server = await startJwksServer([compromised.jwk, good.jwk]);
  const client = jwksClient({ jwksUri: server.url });
  assert.equal(client.cachedSigningKeys(), undefined);
  const first = await client.getSigningKey('good');
  const keys = client.cachedSigningKeys();
  assert.deepEqual(
    keys.map((k) => [k.kid, k.getPublicKey()]),
    [
      ['compromised', compromised.pem],
      ['good', good.pem],
    ],
  );
  assert.equal(keys[1], first);
  assert.equal(await client.getSigningKey('compromised'), keys[0]);
  assert.deepEqual(client.cachedSigningKeys(), keys);
  assert.notEqual(client.cachedSigningKeys(), keys, 'a new array each time');
  // Synchronous verification once warm.
  const token = signToken(good);
  const key = client.cachedSigningKeys().find((k) => k.kid === 'good');
  assert.equal(jwt.verify(token, key.getPublicKey()).sub, 'user-1');
  assert.equal(server.count, 1);
  server.state.keys = [good.jwk, next.jwk];
  const reloaded = await client.reload();
  assert.deepEqual(
    client.cachedSigningKeys().map((k) => k.kid),
    reloaded.map((k) => k.kid),
  );
  assert.equal(client.cachedSigningKeys()[0], first, 'an unchanged key stays the same object');
  await server.close();
});

test('cachedSigningKeys() is undefined with cache: false; forget() is harmless there', async () => {
  const server = await startJwksServer([good.jwk]);
  const client = jwksClient({ jwksUri: server.url, cache: false });
  await client.getSigningKey('good');
  assert.equal(client.cachedSigningKeys(), undefined);
  client.forget('good');
  client.forget();
  await client.getSigningKey('good');
  assert.equal(server.count, 2);
  await server.close();
});

test('a discovered set supports forget() and cachedSigningKeys(); forget() also discovers again', async () => {
  const provider = await startProvider();
  const tenant = provider.tenant('t', [compromised.jwk, good.jwk]);
  const client = jwksClient({ issuer: tenant.issuer });
  assert.equal(client.cachedSigningKeys(), undefined);
  await client.getSigningKey('compromised');
  assert.deepEqual(
    client.cachedSigningKeys().map((k) => k.kid),
    ['compromised', 'good'],
  );
  provider.serve(tenant.keysPath, { keys: [good.jwk] });
  client.forget('compromised');
  await assert.rejects(client.getSigningKey('compromised'), notFound('compromised'));
  assert.equal(provider.count(tenant.keysPath), 2);
  const documents = provider.count(tenant.documentPath);
  client.forget();
  await client.getSigningKey('good');
  assert.equal(provider.count(tenant.documentPath), documents + 1);
  assert.equal(provider.count(tenant.keysPath), 3);
  await provider.close();
});

test('shareAcrossThreads: forget() acts on the shared set; another client keeps its memo until it refreshes', async () => {
  const server = await startJwksServer([compromised.jwk, good.jwk]);
  const options = { jwksUri: server.url, shareAcrossThreads: true };
  const one = jwksClient(options);
  const other = jwksClient(options);
  await one.getSigningKey('compromised');
  const held = await other.getSigningKey('compromised');
  server.state.keys = [good.jwk];
  one.forget('compromised');
  await assert.rejects(one.getSigningKey('compromised'), notFound('compromised'));
  assert.equal(await other.getSigningKey('compromised'), held, "the other client's memo is its own");
  await other.reload();
  await assert.rejects(other.getSigningKey('compromised'), notFound('compromised'));
  await server.close();
});
