'use strict';

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');

const remote = generate('RS256', 'remote');
const local = generate('EdDSA', 'local');

let server;
before(async () => {
  server = await startJwksServer([remote.jwk]);
});
after(() => server.close());
beforeEach(() => {
  server.state.requests.length = 0;
});

test('a fetcher replaces HTTP: called with jwksUri, its keys are served', async () => {
  const calls = [];
  const client = jwksClient({
    jwksUri: 'https://issuer.example/jwks',
    async fetcher(uri) {
      calls.push({ uri, self: this });
      return { keys: [local.jwk] };
    },
  });
  assert.equal((await client.getSigningKey('local')).publicKey, local.pem);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].uri, 'https://issuer.example/jwks');
  assert.equal(calls[0].self.uri, 'https://issuer.example/jwks');
});

test('getKeys returns the very keys array the fetcher resolved with', async () => {
  const res = { keys: [local.jwk] };
  const client = jwksClient({ fetcher: async () => res });
  assert.equal(await client.getKeys(), res.keys);
});

test('a fetcher that never settles is cut off by timeout', async () => {
  const client = jwksClient({ timeout: 200, fetcher: () => new Promise(() => {}) });
  const started = Date.now();
  await assert.rejects(client.getSigningKey('local'), {
    name: 'JwksError',
    message: 'The JWKS fetch did not complete within the timeout of 200 ms',
    isEndpointUnavailable: true,
  });
  assert.ok(Date.now() - started < 2000);
});

test('a fetcher rejection is passed on as jwks-rsa passes it on', async () => {
  const thrown = new RangeError('boom');
  await assert.rejects(jwksClient({ fetcher: async () => Promise.reject(thrown) }).getSigningKey('x'), (err) => {
    assert.equal(err, thrown);
    assert.equal(err.isEndpointUnavailable, true);
    return true;
  });
  await assert.rejects(jwksClient({ fetcher: async () => Promise.reject({ errorMsg: 'Upstream said no' }) }).getKeys(), {
    name: 'JwksError',
    message: 'Upstream said no',
    isEndpointUnavailable: true,
  });
  await assert.rejects(jwksClient({ fetcher: () => Promise.reject('text') }).getSigningKey('x'), TypeError);
});

test('getKeysInterceptor answers before the endpoint, and only its matching keys', async () => {
  let calls = 0;
  const client = jwksClient({
    jwksUri: server.url,
    getKeysInterceptor: async () => {
      calls++;
      return [local.jwk];
    },
  });
  assert.equal((await client.getSigningKey('local')).publicKey, local.pem);
  assert.equal(server.count, 0);
  assert.equal((await client.getSigningKey('remote')).publicKey, remote.pem);
  assert.equal(server.count, 1);
  await client.getSigningKey('local');
  assert.equal(calls, 2, 'cached keys do not consult the interceptor');
});

test('an empty interceptor result falls back to jwksUri; without kid its first key wins', async () => {
  const empty = jwksClient({ jwksUri: server.url, getKeysInterceptor: async () => [] });
  assert.equal((await empty.getSigningKey('remote')).kid, 'remote');
  const first = jwksClient({ jwksUri: server.url, getKeysInterceptor: async () => [local.jwk, remote.jwk] });
  assert.equal((await first.getSigningKey()).kid, 'local');
});

test('an interceptor failure rejects the lookup unchanged', async () => {
  const failure = new Error('cache store down');
  const client = jwksClient({ jwksUri: server.url, getKeysInterceptor: async () => Promise.reject(failure) });
  await assert.rejects(client.getSigningKey('remote'), (err) => {
    assert.equal(err, failure);
    assert.equal(err.isEndpointUnavailable, undefined);
    return true;
  });
  assert.equal(server.count, 0);
});

test('the interceptor sits behind the rate limiter, as in jwks-rsa', async () => {
  const client = jwksClient({
    jwksUri: server.url,
    rateLimit: true,
    jwksRequestsPerMinute: 1,
    getKeysInterceptor: async () => [local.jwk],
  });
  await client.getSigningKey('local');
  await assert.rejects(client.getSigningKey('remote'), { name: 'JwksRateLimitError' });
});
