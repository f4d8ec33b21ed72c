'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startProvider } = require('./helpers/oidc-provider');
const { withClock } = require('./helpers/clock');
const { FAILED_DISCOVERY_MEMORY_MS } = require('../lib/client/issuer-client');

// What an issuer's traffic is bounded by: its one rate limiter and one
// unknown-kid cooldown, whatever `jwks_uri` its document names, and the
// memory of a failed discovery.

const key = generate('RS256', 'real');

// Two nodes behind one balancer, each naming itself in the discovery
// document it serves: the document alternates between two jwks_uri.
async function startBalancedIssuer() {
  const requests = { document: 0, keys: 0 };
  let turn = 0;
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      requests.document++;
      const node = turn++ % 2;
      res.end(JSON.stringify({ issuer: origin, jwks_uri: `${origin}/jwks?node=${node}` }));
    } else {
      requests.keys++;
      res.end(JSON.stringify({ keys: [key.jwk] }));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

// Looks up `n` forged kids one after the other; returns the error names seen.
async function forgedLookups(client, n) {
  const names = new Set();
  for (let i = 0; i < n; i++) {
    await client.getSigningKey(`forged-${i}`).then(
      () => assert.fail('a forged kid was answered'),
      (err) => names.add(err.name),
    );
  }
  return names;
}

test('an issuer naming a new jwks_uri on each discovery stays within its one rate limit', async () => {
  const issuer = await startBalancedIssuer();
  try {
    const options = { rateLimit: true, jwksRequestsPerMinute: 10 };
    const client = jwksClient({ issuer: issuer.origin, ...options });
    assert.equal((await client.getSigningKey('real')).getPublicKey(), key.pem);
    const names = await forgedLookups(client, 100);
    // Every request an unknown kid causes, set or document, is charged to the
    // one limit; only the first discovery, which jwksUri does not need, is not.
    const total = issuer.requests.document + issuer.requests.keys;
    assert.ok(total <= 1 + 10, `${total} requests (${JSON.stringify(issuer.requests)}), where jwksUri makes at most 10`);
    assert.deepEqual([...names].sort(), ['JwksRateLimitError', 'SigningKeyNotFoundError']);

    // The same lookups on the set's own URL, for comparison.
    const direct = await startBalancedIssuer();
    try {
      const plain = jwksClient({ jwksUri: `${direct.origin}/jwks`, ...options });
      await plain.getSigningKey('real');
      await forgedLookups(plain, 100);
      assert.ok(total <= 1 + direct.requests.keys, `issuer: ${total}, jwksUri: ${direct.requests.keys}`);
    } finally {
      await direct.close();
    }
  } finally {
    await issuer.close();
  }
});

test('unknownKidCooldown covers every jwks_uri an issuer names', async () => {
  const issuer = await startBalancedIssuer();
  try {
    const client = jwksClient({ issuer: issuer.origin, unknownKidCooldown: 60000 });
    await client.getSigningKey('real');
    const names = await forgedLookups(client, 50);
    assert.deepEqual([...names], ['SigningKeyNotFoundError']);
    // The document, the set, and the document once more for the first
    // unknown kid: the set it names is in the issuer's cooldown.
    assert.deepEqual(issuer.requests, { document: 2, keys: 1 });
  } finally {
    await issuer.close();
  }
});

test('a failed discovery with no set to fall back on is remembered, then tried again', () =>
  withClock(async (advance) => {
    const provider = await startProvider();
    try {
      const tenant = provider.tenant('t', [key.jwk]);
      provider.serve(tenant.documentPath, 'down', 503);
      const client = jwksClient({ issuer: tenant.issuer });
      const errors = [];
      for (let i = 0; i < 300; i++) await client.getSigningKey('real').catch((err) => errors.push(err));
      assert.equal(errors.length, 300);
      const message = `The OpenID Connect discovery document at ${provider.origin}${tenant.documentPath} could not be fetched: Service Unavailable`;
      for (const err of errors) assert.equal(err.message, message);
      await assert.rejects(client.getSigningKeys(), { name: 'JwksError', message });
      assert.equal(provider.count(tenant.documentPath), 1);

      provider.serve(tenant.documentPath, { issuer: tenant.issuer, jwks_uri: tenant.jwksUri });
      advance(FAILED_DISCOVERY_MEMORY_MS - 1);
      await assert.rejects(client.getSigningKey('real'), { message });
      advance(1);
      assert.equal((await client.getSigningKey('real')).getPublicKey(), key.pem);
      assert.equal(provider.count(tenant.documentPath), 2);
    } finally {
      await provider.close();
    }
  }));

test('with rateLimit, a document fetch asked for by an unknown kid is charged to the issuer limit', async () => {
  const provider = await startProvider();
  try {
    const tenant = provider.tenant('t', [key.jwk]);
    const client = jwksClient({ issuer: tenant.issuer, rateLimit: true, jwksRequestsPerMinute: 2 });
    // The first discovery is not charged: the set fetch takes one request of two.
    assert.equal((await client.getSigningKey('real')).getPublicKey(), key.pem);
    // The unknown kid's set fetch takes the other; the document fetch it
    // would ask for next is refused, so the lookup rejects as with jwksUri.
    await assert.rejects(client.getSigningKey('forged'), { name: 'SigningKeyNotFoundError' });
    assert.equal(provider.count(tenant.keysPath), 2);
    assert.equal(provider.count(tenant.documentPath), 1);
    await assert.rejects(client.getSigningKey('forged-2'), { name: 'JwksRateLimitError' });
    assert.equal(provider.requests.length, 3);
    // The known key is still served from the cache.
    assert.equal((await client.getSigningKey('real')).getPublicKey(), key.pem);
  } finally {
    await provider.close();
  }
});

test('with issuer, an invalid sharedCache is refused at construction, as with jwksUri', () => {
  const sharedCache = { store: { get: async () => null, set: async () => {} }, commandTimeout: 0 };
  assert.throws(() => jwksClient({ issuer: 'https://tenant.example/', sharedCache }), {
    name: 'ArgumentError',
    message: /^Invalid sharedCache option: `commandTimeout` must be/,
  });
  assert.doesNotThrow(() => jwksClient({ issuer: 'https://tenant.example/', sharedCache: { ...sharedCache, commandTimeout: 100 } }));
});
