'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const jwksClient = require('..');
const { JwksClient, SigningKeyNotFoundError, JwksError } = jwksClient;
const { keyRing, generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');

let server;
before(async () => {
  server = await startJwksServer(keyRing().map((k) => k.jwk));
});
after(() => server.close());

test('every key type comes back with the PEM Node itself exports', async () => {
  const client = jwksClient({ jwksUri: server.url });
  for (const k of keyRing()) {
    const key = await client.getSigningKey(k.kid);
    assert.equal(key.kid, k.kid);
    assert.equal(key.publicKey, k.pem, `${k.alg} PEM`);
    assert.equal(key.rsaPublicKey, k.pem);
    assert.equal(key.getPublicKey(), k.pem);
  }
});

test('a signing key has the own properties of jwks-rsa, kid and alg only when present', async () => {
  const client = new JwksClient({ jwksUri: server.url });
  const withAlg = await client.getSigningKey(keyRing()[0].kid);
  assert.deepEqual(Object.keys(withAlg), ['publicKey', 'rsaPublicKey', 'getPublicKey', 'kid', 'alg']);
  assert.equal(withAlg.alg, 'RS256');
  const ed448 = keyRing().find((k) => k.alg === 'Ed448');
  const noAlg = await client.getSigningKey(ed448.kid);
  assert.deepEqual(Object.keys(noAlg), ['publicKey', 'rsaPublicKey', 'getPublicKey', 'kid']);
});

test('getSigningKeys lists the signing keys in endpoint order', async () => {
  const keys = await jwksClient({ jwksUri: server.url }).getSigningKeys();
  assert.deepEqual(
    keys.map((k) => k.kid),
    keyRing().map((k) => k.kid),
  );
});

test('getKeys returns the raw keys array', async () => {
  const keys = await jwksClient({ jwksUri: server.url }).getKeys();
  assert.deepEqual(
    keys,
    keyRing().map((k) => k.jwk),
  );
});

test('the callback form passes (null, key) on a later tick and returns undefined', async () => {
  const client = jwksClient({ jwksUri: server.url });
  let sync = true;
  const key = await new Promise((resolve, reject) => {
    const ret = client.getSigningKey(keyRing()[2].kid, (err, k) => {
      assert.equal(sync, false);
      if (err) reject(err);
      else resolve(k);
    });
    assert.equal(ret, undefined);
    sync = false;
  });
  assert.equal(key.kid, keyRing()[2].kid);
});

test('getSigningKey works unbound, through util.promisify', async () => {
  const { getSigningKey } = jwksClient({ jwksUri: server.url });
  const key = await util.promisify(getSigningKey)(keyRing()[1].kid);
  assert.equal(key.kid, keyRing()[1].kid);
});

test('an unknown kid is a SigningKeyNotFoundError naming the kid', async () => {
  const client = jwksClient({ jwksUri: server.url });
  await assert.rejects(client.getSigningKey('nope'), (err) => {
    assert.ok(err instanceof SigningKeyNotFoundError);
    assert.equal(err.name, 'SigningKeyNotFoundError');
    assert.equal(err.message, "Unable to find a signing key that matches 'nope'");
    assert.deepEqual(Object.keys(err), ['name', 'message']);
    return true;
  });
});

test('a kid that is not a string never matches, even when its text does', async () => {
  const single = await startJwksServer([generate('ES256', '123').jwk]);
  try {
    const client = jwksClient({ jwksUri: single.url });
    await assert.rejects(client.getSigningKey(123), {
      name: 'SigningKeyNotFoundError',
      message: "Unable to find a signing key that matches '123'",
    });
    assert.equal((await client.getSigningKey('123')).kid, '123');
  } finally {
    await single.close();
  }
});

test('without a kid, the only key is returned and several keys are refused', async () => {
  const single = await startJwksServer([generate('ES256', undefined).jwk]);
  try {
    const key = await jwksClient({ jwksUri: single.url }).getSigningKey();
    assert.equal(key.kid, undefined);
    assert.ok(key.publicKey.startsWith('-----BEGIN PUBLIC KEY-----\n'));
  } finally {
    await single.close();
  }
  for (const kid of [undefined, null]) {
    await assert.rejects(jwksClient({ jwksUri: server.url }).getSigningKey(kid), {
      name: 'SigningKeyNotFoundError',
      message: 'No KID specified and JWKS endpoint returned more than 1 key',
    });
  }
});

test('a set without keys, or without signing keys, is a JwksError', async () => {
  const empty = await startJwksServer([]);
  try {
    const client = jwksClient({ jwksUri: empty.url });
    await assert.rejects(client.getSigningKey('a'), (err) => {
      assert.ok(err instanceof JwksError);
      assert.equal(err.message, 'The JWKS endpoint did not contain any keys');
      assert.equal(err.isEndpointUnavailable, undefined);
      return true;
    });
    empty.state.keys = [
      { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
      { ...keyRing()[0].jwk, use: 'enc' },
    ];
    await assert.rejects(client.getSigningKeys(), {
      name: 'JwksError',
      message: 'The JWKS endpoint did not contain any signing keys',
    });
  } finally {
    await empty.close();
  }
});

test('a symbol kid rejects rather than throwing synchronously', async () => {
  const client = jwksClient({ jwksUri: server.url });
  const pending = client.getSigningKey(Symbol('kid'));
  await assert.rejects(pending, TypeError);
});
