'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const expressJwt6 = require('express-jwt-v6');
const { expressjwt: expressJwt8 } = require('express-jwt');
const native = require('..');
const { ArgumentError } = native;
const { generate } = require('./helpers/keys');
const { CLAIMS, signToken } = require('./helpers/tokens');
const { callApi } = require('./helpers/http-client');
const { startProvider, corpusSet } = require('./helpers/oidc-provider');
const { startExpressApp, startKoaApp, startPassportApp, startHapiApp, startHapi16App } = require('./helpers/apps');

// `issuer` and `issuers: [...]` in every framework helper, with real apps,
// real tokens from two issuers of one loopback provider, and every request
// to the provider counted by path.

// hapi answers a lookup failure with a 500, the others refuse with a 401.
const FRAMEWORKS = {
  'express-jwt 8': { helper: 'expressJwtSecret', start: (secret) => startExpressApp({ expressjwt: expressJwt8 }, secret) },
  'express-jwt 6': { helper: 'expressJwtSecret', start: (secret) => startExpressApp({ expressjwt: expressJwt6 }, secret) },
  'koa-jwt': { helper: 'koaJwtSecret', start: startKoaApp },
  'passport-jwt': { helper: 'passportJwtSecret', start: startPassportApp },
  'hapi-auth-jwt2': { helper: 'hapiJwt2KeyAsync', start: startHapiApp, refused: 500 },
  'hapi-auth-jwt2 7 (hapi 16)': { helper: 'hapiJwt2Key', start: startHapi16App, refused: 500 },
};

const keyA = generate('RS256', 'key-a');
const keyB = generate('ES256', 'key-b');
const tokenOf = (key, iss) => signToken(key, { claims: { ...CLAIMS, ...(iss !== undefined && { iss }) } });

for (const [name, { helper, start, refused = 401 }] of Object.entries(FRAMEWORKS)) {
  describe(`${name}: ${helper}`, () => {
    let provider;
    let a;
    let b;
    before(async () => {
      provider = await startProvider();
      // Real published sets with each tenant's own signing key added.
      a = provider.tenant('a', [...corpusSet('auth0').keys, keyA.jwk]);
      b = provider.tenant('b', [...corpusSet('okta').keys, keyB.jwk]);
    });
    after(() => provider.close());

    async function withApp(options, fn) {
      const secret = native[helper](options);
      const app = await start(secret);
      try {
        await fn(secret, (token) => callApi(app.url, token));
      } finally {
        await app.close();
      }
    }

    test('issuer: the key comes from the discovered set', () =>
      withApp({ issuer: a.issuer }, async (secret, call) => {
        const before = provider.requests.length;
        const answer = await call(tokenOf(keyA, a.issuer));
        assert.equal(answer.status, 200);
        assert.equal(answer.body.sub, CLAIMS.sub);
        assert.deepEqual(
          provider.requests.slice(before).map((r) => r.path),
          [a.documentPath, a.keysPath],
        );
        assert.equal(secret.client.stats().discoveryFetches, 1);
      }));

    test('issuers: each token is verified with the keys of its own iss; unlisted issuers cause no request', () =>
      withApp({ issuers: [a.issuer, b.issuer] }, async (secret, call) => {
        const before = provider.requests.length;
        const requested = () => provider.requests.slice(before).map((r) => r.path);
        assert.equal(secret.clients.size, 0);
        assert.equal((await call(tokenOf(keyA, a.issuer))).status, 200);
        assert.equal((await call(tokenOf(keyB, b.issuer))).status, 200);
        assert.equal((await call(tokenOf(keyA, a.issuer))).status, 200);
        assert.deepEqual(requested(), [a.documentPath, a.keysPath, b.documentPath, b.keysPath]);
        assert.deepEqual([...secret.clients.keys()], [a.issuer, b.issuer]);

        // Not listed, or no iss at all: refused, and the provider is not asked.
        for (const token of [tokenOf(keyA, `${provider.origin}/c/`), tokenOf(keyA, 'https://evil.example/'), tokenOf(keyA)]) {
          assert.equal((await call(token)).status, refused);
        }
        assert.equal(requested().length, 4);
        assert.equal(secret.clients.size, 2);
      }));

    test("issuers: a token claiming another listed issuer cannot use the first issuer's key", () =>
      withApp({ issuers: [a.issuer, b.issuer] }, async (secret, call) => {
        assert.equal((await call(tokenOf(keyA, b.issuer))).status, refused);
        assert.equal(secret.clients.size, 1);
        assert.ok(secret.clients.has(b.issuer));
      }));

    test('issuers: an entry with its own jwksUri is used without discovery', () =>
      withApp({ issuers: [{ issuer: 'https://static.example/', jwksUri: b.jwksUri }, a.issuer] }, async (secret, call) => {
        const before = provider.requests.length;
        assert.equal((await call(tokenOf(keyB, 'https://static.example/'))).status, 200);
        assert.deepEqual(
          provider.requests.slice(before).map((r) => r.path),
          [b.keysPath],
        );
      }));
  });
}

test('issuers: the refusal of an unlisted or missing iss is a SigningKeyNotFoundError saying so', async () => {
  const secret = native.koaJwtSecret({ issuers: ['https://a.example/'] });
  await assert.rejects(secret({ alg: 'RS256', kid: 'k' }, { iss: 'https://b.example/' }), {
    name: 'SigningKeyNotFoundError',
    message: "The token issuer 'https://b.example/' is not one of the configured issuers",
  });
  await assert.rejects(secret({ alg: 'RS256', kid: 'k' }, { sub: 'x' }), {
    name: 'SigningKeyNotFoundError',
    message: 'The token has no iss claim to choose its issuer by',
  });
  await assert.rejects(secret({ alg: 'RS256', kid: 'k' }, { iss: 'x'.repeat(1000) }), {
    message: `The token issuer '${'x'.repeat(200)}...' is not one of the configured issuers`,
  });
  assert.equal(secret.clients.size, 0);
  // express-jwt 6's callback form and passport hand over "no key".
  const express = native.expressJwtSecret({ issuers: ['https://a.example/'] });
  const key = await new Promise((resolve) => express({}, { alg: 'RS256', kid: 'k' }, { iss: 'nope' }, (err, k) => resolve([err, k])));
  assert.deepEqual(key, [null, undefined]);
});

test('koa and passport accept issuer or issuers in place of jwksUri, and keep the message when none is given', () => {
  for (const helper of ['koaJwtSecret', 'passportJwtSecret']) {
    assert.equal(typeof native[helper]({ issuer: 'https://a.example/' }), 'function');
    assert.equal(typeof native[helper]({ issuers: ['https://a.example/'] }), 'function');
    assert.throws(() => native[helper]({}), { name: 'ArgumentError', message: 'No JWKS provided. Please provide a jwksUri' });
  }
});

test('issuers must be a non-empty list of issuer URLs or { issuer, jwksUri }, and replaces jwksUri and issuer', () => {
  const listMessage = 'issuers must be a non-empty array of issuer URLs or { issuer, jwksUri } objects, a function or a RegExp';
  for (const issuers of [
    [],
    'https://a.example/',
    [42],
    [null],
    [{ jwksUri: 'https://a.example/keys' }],
    [{ issuer: 'https://a.example/', jwksUri: 1 }],
  ]) {
    for (const helper of ['expressJwtSecret', 'koaJwtSecret', 'passportJwtSecret', 'hapiJwt2Key', 'hapiJwt2KeyAsync']) {
      assert.throws(
        () => native[helper]({ issuers }),
        (err) => err instanceof ArgumentError && err.message === listMessage,
      );
    }
  }
  assert.throws(() => native.expressJwtSecret({ issuers: ['not a url'] }), {
    name: 'ArgumentError',
    message: 'The issuer must be an http: or https: URL without query or fragment, got "not a url"',
  });
  for (const extra of [{ jwksUri: 'https://a.example/keys' }, { issuer: 'https://a.example/' }]) {
    assert.throws(() => native.hapiJwt2Key({ issuers: ['https://a.example/'], ...extra }), {
      name: 'ArgumentError',
      message: 'issuers replaces jwksUri and issuer: give one of them, not both',
    });
  }
});
