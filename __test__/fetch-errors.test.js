'use strict';

// A 200 whose body yields no usable key set is a failed fetch: counted in
// stats().fetchErrors, published on jwks-rsa-native:fetch with `ok: false`
// and on jwks-rsa-native:error, while the lookup rejects as jwks-rsa's does.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const jwksRsa = require('jwks-rsa');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { collect } = require('./helpers/refresh');

const key = generate('RS256', 'k1');

let server;
before(async () => {
  server = await startJwksServer([key.jwk]);
});
after(() => server.close());
beforeEach(() => {
  server.state.body = undefined;
  server.state.keys = [key.jwk];
});

const mine = (messages, client) => messages.filter((m) => m.client === client).map(({ client: _, ...m }) => m);
const described = (err) => ({ name: err.name, message: err.message });

// Runs `lookups()` while the fetch and error channels are collected.
async function watching(lookups) {
  const fetches = collect('jwks-rsa-native:fetch');
  const errors = collect('jwks-rsa-native:error');
  try {
    return { result: await lookups(), fetches, errors };
  } finally {
    fetches.stop();
    errors.stop();
  }
}

async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected the lookup to reject');
}

const bodies = [
  ['an HTML login page', '<html>login</html>'],
  ['a set without keys', '{"keys":[]}'],
  ['a body that is not a key set', '{"issuer":"https://example.test"}'],
  ['an empty body', ''],
  ['a set with no signing key', JSON.stringify({ keys: [{ ...key.jwk, use: 'enc' }] })],
];

for (const [name, body] of bodies) {
  test(`a 200 with ${name} is a failed fetch`, async () => {
    server.state.body = body;
    const expected = await rejection(jwksRsa({ jwksUri: server.url }).getSigningKey('k1'));
    const client = jwksClient({ jwksUri: server.url });
    const { result: rejected, fetches, errors } = await watching(() => rejection(client.getSigningKey('k1')));
    // The lookup's error is jwks-rsa's.
    assert.deepEqual(described(rejected), described(expected));
    assert.equal(client.stats().fetchErrors, 1);
    assert.deepEqual(described(client.health().lastError), described(expected));
    const [fetch, ...moreFetches] = mine(fetches, client);
    assert.deepEqual(moreFetches, []);
    assert.deepEqual(
      { ...fetch, error: described(fetch.error) },
      {
        jwksUri: server.url,
        fetches: 1,
        ok: false,
        keys: 0,
        error: described(expected),
      },
    );
    const [error, ...moreErrors] = mine(errors, client);
    assert.deepEqual(moreErrors, []);
    assert.deepEqual({ ...error, error: described(error.error) }, { jwksUri: server.url, error: described(expected) });
  });
}

test('the same bad body again is another failed fetch, and a good one after it succeeds', async () => {
  server.state.body = '<html>login</html>';
  const client = jwksClient({ jwksUri: server.url });
  const { fetches, errors } = await watching(async () => {
    await rejection(client.getSigningKey('k1'));
    await rejection(client.getSigningKey('k1'));
    server.state.body = undefined;
    assert.equal((await client.getSigningKey('k1')).getPublicKey(), key.pem);
  });
  assert.equal(client.stats().fetches, 3);
  assert.equal(client.stats().fetchErrors, 2);
  assert.deepEqual(
    mine(fetches, client).map((m) => [m.fetches, m.ok]),
    [
      [1, false],
      [2, false],
      [3, true],
    ],
  );
  assert.equal(mine(errors, client).length, 2);
  assert.equal(client.health().lastError, null);
});

test('a good set without the kid asked for is a successful fetch and a failed lookup', async () => {
  const other = generate('RS256', 'other');
  server.state.keys = [other.jwk];
  const expected = await rejection(jwksRsa({ jwksUri: server.url }).getSigningKey('k1'));
  const client = jwksClient({ jwksUri: server.url });
  const { result: rejected, fetches, errors } = await watching(() => rejection(client.getSigningKey('k1')));
  assert.deepEqual(described(rejected), described(expected));
  assert.deepEqual(
    mine(fetches, client).map((m) => [m.ok, m.keys, m.error]),
    [[true, 1, null]],
  );
  assert.deepEqual(mine(errors, client), []);
  assert.equal(client.stats().fetchErrors, 0);
});
