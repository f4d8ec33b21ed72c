'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { expressjwt: expressJwt8 } = require('express-jwt');
const native = require('..');
const { generate } = require('./helpers/keys');
const { signToken } = require('./helpers/tokens');
const { callApi } = require('./helpers/http-client');
const { startJwksServer } = require('./helpers/server');
const { startPair } = require('./helpers/framework-suite');
const { startProvider } = require('./helpers/oidc-provider');
const { startExpressApp, startKoaApp, startPassportApp, startHapiApp, startFastifyApp } = require('./helpers/apps');

// `selectByAlg`: among the keys of a token's kid, the one whose type, curve
// and declared alg fit the token's alg. The set lists an RSA key declaring
// RS256 and an EC P-256 key under one kid, as a provider rotating key
// types may: jwks-rsa hands an ES256 token the RSA key (refused by the
// verifier) and a PS256 token, signed with the RSA key, that key though it
// declares RS256 (accepted). Off by default, as in jwks-rsa; on by default
// in fastifyJwtSecret.

const rsa = generate('RS256', 'shared');
const ec = generate('ES256', 'shared');
// The RSA private key signing PS256: the JWK still declares RS256.
const pssWithRs256Key = { ...rsa, alg: 'PS256' };
const es384 = generate('ES384', 'only-es384');

const FRAMEWORKS = {
  'express-jwt 8': { helper: 'expressJwtSecret', start: (secret) => startExpressApp({ expressjwt: expressJwt8 }, secret) },
  'koa-jwt': { helper: 'koaJwtSecret', start: startKoaApp },
  'passport-jwt': { helper: 'passportJwtSecret', start: startPassportApp },
  'hapi-auth-jwt2': { helper: 'hapiJwt2KeyAsync', start: startHapiApp, refused: 500 },
  'fastify + @fastify/jwt': { helper: 'fastifyJwtSecret', start: startFastifyApp },
};

let endpoint;
before(async () => {
  endpoint = await startJwksServer([rsa.jwk, ec.jwk, es384.jwk]);
});
after(() => endpoint.close());

for (const [name, { helper, start, refused = 401 }] of Object.entries(FRAMEWORKS)) {
  describe(`${name}: ${helper} with selectByAlg`, () => {
    async function withApp(options, fn) {
      const secret = native[helper]({ jwksUri: endpoint.url, ...options });
      const app = await start(secret);
      try {
        await fn((token) => callApi(app.url, token), secret);
      } finally {
        await app.close();
      }
    }

    test('each token gets the key of its kid that fits its alg, and the warm path fetches nothing more', () =>
      withApp({ selectByAlg: true }, async (call, secret) => {
        const fetches = endpoint.count;
        for (let round = 0; round < 3; round++) {
          assert.equal((await call(signToken(ec))).status, 200, 'ES256: the EC key, listed second');
          assert.equal((await call(signToken(rsa))).status, 200, 'RS256: the RSA key');
        }
        assert.equal(endpoint.count - fetches, 1);
        // The client API keeps jwks-rsa's choice by kid: the first key.
        assert.equal((await secret.client.getSigningKey('shared')).getPublicKey(), rsa.pem);
      }));

    test('a key declaring another alg, or of another curve, is refused', () =>
      withApp({ selectByAlg: true }, async (call) => {
        assert.equal((await call(signToken(pssWithRs256Key))).status, refused, 'PS256 with an RS256 key');
        const es256UnderEs384Kid = generate('ES256', 'only-es384');
        assert.equal((await call(signToken(es256UnderEs384Kid))).status, refused, 'ES256 with a P-384 key');
        assert.equal((await call(signToken(es384))).status, 200);
      }));

    test('keyObject: true hands over the fitting key too', () =>
      withApp({ selectByAlg: true, keyObject: true }, async (call) => {
        assert.equal((await call(signToken(ec))).status, 200);
        assert.equal((await call(signToken(rsa))).status, 200);
      }));
  });
}

test('without selectByAlg the four jwks-rsa helpers answer as jwks-rsa does: the first key of the kid', async () => {
  for (const [helper, start] of [
    ['expressJwtSecret', (secret) => startExpressApp({ expressjwt: expressJwt8 }, secret)],
    ['koaJwtSecret', startKoaApp],
    ['passportJwtSecret', startPassportApp],
    ['hapiJwt2KeyAsync', startHapiApp],
  ]) {
    const pair = await startPair((lib, options) => start(lib[helper](options)), { jwksUri: endpoint.url });
    try {
      assert.notEqual((await pair.call(signToken(ec))).status, 200, `${helper}: ES256 gets the RSA key`);
      assert.equal((await pair.call(signToken(pssWithRs256Key))).status, 200, `${helper}: PS256 passes with the RS256 key`);
    } finally {
      await pair.close();
    }
  }
});

test('fastifyJwtSecret with selectByAlg: false hands over the first key of the kid', async () => {
  const secret = native.fastifyJwtSecret({ jwksUri: endpoint.url, selectByAlg: false });
  assert.equal(await secret({}, { header: { alg: 'ES256', kid: 'shared' }, payload: {} }), rsa.pem);
  const fitted = native.fastifyJwtSecret({ jwksUri: endpoint.url });
  assert.equal(await fitted({}, { header: { alg: 'ES256', kid: 'shared' }, payload: {} }), ec.pem);
});

test('a refusal for the alg is the kid not-found error of each helper', async () => {
  const options = { jwksUri: endpoint.url, selectByAlg: true };
  const message = "Unable to find a signing key that matches 'shared'";
  await assert.rejects(native.koaJwtSecret(options)({ alg: 'PS256', kid: 'shared' }), { name: 'SigningKeyNotFoundError', message });
  await assert.rejects(native.hapiJwt2KeyAsync(options)({ header: { alg: 'ES384', kid: 'shared' } }), { message });
  // express and passport: "no key", so the framework answers 401.
  assert.equal(await native.expressJwtSecret(options)({}, { header: { alg: 'PS256', kid: 'shared' }, payload: {} }), undefined);
  // No kid: the set's only key must fit as well.
  const single = await startJwksServer([ec.jwk]);
  try {
    const koa = native.koaJwtSecret({ jwksUri: single.url, selectByAlg: true });
    assert.equal(await koa({ alg: 'ES256' }), ec.pem);
    await assert.rejects(koa({ alg: 'RS256' }), { message: "Unable to find a signing key that matches 'undefined'" });
  } finally {
    await single.close();
  }
});

test('selectByAlg with issuers: the fitting key comes from the discovered set of the token issuer', async () => {
  const provider = await startProvider();
  try {
    const tenant = provider.tenant('t', [rsa.jwk, ec.jwk]);
    const secret = native.expressJwtSecret({ issuers: [tenant.issuer], selectByAlg: true });
    const app = await startExpressApp({ expressjwt: expressJwt8 }, secret);
    try {
      const claims = { sub: 'user-1', aud: 'api', iss: tenant.issuer };
      assert.equal((await callApi(app.url, signToken(ec, { claims }))).status, 200);
      assert.equal((await callApi(app.url, signToken(rsa, { claims }))).status, 200);
      assert.equal((await callApi(app.url, signToken(pssWithRs256Key, { claims }))).status, 401);
      assert.equal(provider.count(tenant.keysPath), 1);
    } finally {
      await app.close();
    }
  } finally {
    await provider.close();
  }
});
