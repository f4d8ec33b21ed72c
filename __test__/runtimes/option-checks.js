'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const assert = require('node:assert/strict');
const jwksClient = require('../../index.js');
const { generate } = require('../helpers/keys');
const { CLAIMS, signToken } = require('../helpers/tokens');
const { callApi, listen } = require('../helpers/http-client');
const { startProvider, corpusSet } = require('../helpers/oidc-provider');
const { startRevalidatingServer } = require('../helpers/revalidating');
const { withServer } = require('../helpers/server');

// The opt-in options of the smoke suite (smoke.mjs): OpenID Connect
// discovery (`issuer`, `issuers`), conditional requests, keys given only as
// x5c, and secp256k1. Certificates and the secp256k1 key come from
// tests/fixtures/x5c, made by openssl: the runtime under test needs neither
// the openssl command nor a crypto that can generate every key type.

const CERTIFICATES = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tests', 'fixtures', 'x5c', 'certificates.json'), 'utf8'));

/** Why this runtime's crypto cannot load a secp256k1 key, or undefined when it can. */
function noSecp256k1() {
  try {
    crypto.createPublicKey(CERTIFICATES.secp256k1.pem);
    return undefined;
  } catch (err) {
    return `this runtime's crypto has no secp256k1 (${err.message})`;
  }
}

/** `[name, fn, skip]` for each check, in the order they run. */
function optionChecks() {
  const keyA = generate('RS256', 'tenant-a');
  const keyB = generate('ES256', 'tenant-b');
  const k1 = { ...CERTIFICATES.secp256k1.jwk, kid: 'k1', alg: 'ES256K' };
  const noK1 = noSecp256k1();
  return [
    [
      'issuer finds the key set by OpenID Connect discovery',
      async () => {
        const provider = await startProvider();
        try {
          const tenant = provider.tenant('a', [...corpusSet('auth0').keys, keyA.jwk]);
          const client = jwksClient({ issuer: tenant.issuer });
          assert.equal((await client.getSigningKey(keyA.kid)).getPublicKey(), keyA.pem);
          assert.equal((await client.getSigningKey(keyA.kid)).getPublicKey(), keyA.pem);
          assert.deepEqual(
            provider.requests.map((r) => r.path),
            [tenant.documentPath, tenant.keysPath],
          );
          assert.equal(client.stats().discoveryFetches, 1);
        } finally {
          await provider.close();
        }
      },
    ],
    [
      "express-jwt with issuers verifies each token with its own issuer's keys and refuses others",
      async () => {
        const express = require('express');
        const { expressjwt } = require('express-jwt');
        const provider = await startProvider();
        const a = provider.tenant('a', [keyA.jwk]);
        const b = provider.tenant('b', [keyB.jwk]);
        const app = express();
        const secret = jwksClient.expressJwtSecret({ issuers: [a.issuer, b.issuer] });
        app.get('/api', expressjwt({ secret, algorithms: ['RS256', 'ES256'] }), (req, res) => res.json(req.auth));
        app.use((err, req, res, next) => res.status(err.status || 500).json({ message: err.message }));
        const api = await listen(app);
        const tokenOf = (key, iss) => signToken(key, { claims: { ...CLAIMS, iss } });
        try {
          assert.equal((await callApi(api.url, tokenOf(keyA, a.issuer))).body.sub, CLAIMS.sub);
          assert.equal((await callApi(api.url, tokenOf(keyB, b.issuer))).body.sub, CLAIMS.sub);
          // An unlisted issuer is refused without a request to anyone.
          assert.equal((await callApi(api.url, tokenOf(keyA, 'https://evil.example/'))).status, 401);
          assert.deepEqual(
            provider.requests.map((r) => r.path),
            [a.documentPath, a.keysPath, b.documentPath, b.keysPath],
          );
          assert.equal((await callApi(api.url, tokenOf(keyA, b.issuer))).status, 401);
        } finally {
          await api.close();
          await provider.close();
        }
      },
    ],
    [
      'conditionalRequests revalidates with If-None-Match, and a 304 keeps the key',
      async () => {
        const server = await startRevalidatingServer([keyA.jwk], { ETag: '"v1"' });
        try {
          const client = jwksClient({ jwksUri: server.url, conditionalRequests: true, cache: false });
          assert.equal((await client.getSigningKey(keyA.kid)).getPublicKey(), keyA.pem);
          assert.equal((await client.getSigningKey(keyA.kid)).getPublicKey(), keyA.pem);
          assert.deepEqual(
            server.state.requests.map((r) => r.headers['if-none-match']),
            [undefined, '"v1"'],
          );
          assert.equal(server.origin.notModified, 1);
          assert.equal(client.stats().notModified, 1);
        } finally {
          await server.close();
        }
      },
    ],
    [
      'x5cOnlyKeys serves keys given only as an x5c certificate',
      () => {
        const names = ['rsa-2048', 'p-256', 'ed25519'];
        const keys = names.map((name) => ({ kid: name, x5c: [CERTIFICATES[name].x5c], kty: CERTIFICATES[name].jwk.kty }));
        return withServer(keys, async (server) => {
          const client = jwksClient({ jwksUri: server.url, x5cOnlyKeys: true });
          for (const name of names) assert.equal((await client.getSigningKey(name)).getPublicKey(), CERTIFICATES[name].pem, name);
          // Without the option they are skipped, as jwks-rsa 4.1.0 skips them.
          const err = await jwksClient({ jwksUri: server.url })
            .getSigningKey(names[0])
            .catch((e) => e);
          assert.ok(err instanceof jwksClient.JwksError);
          assert.equal(err.message, 'The JWKS endpoint did not contain any signing keys');
        });
      },
    ],
    [
      'secp256k1 serves an ES256K key as the SPKI PEM of its JWK',
      () =>
        withServer([k1], async (server) => {
          const found = await jwksClient({ jwksUri: server.url, secp256k1: true }).getSigningKey('k1');
          assert.deepEqual({ kid: found.kid, alg: found.alg }, { kid: 'k1', alg: 'ES256K' });
          assert.equal(found.getPublicKey(), CERTIFICATES.secp256k1.pem);
        }),
    ],
    [
      "that secp256k1 PEM loads in this runtime's crypto",
      () =>
        withServer([k1], async (server) => {
          const found = await jwksClient({ jwksUri: server.url, secp256k1: true }).getSigningKey('k1');
          assert.equal(found.getPublicKeyObject().asymmetricKeyDetails.namedCurve, 'secp256k1');
        }),
      noK1,
    ],
  ];
}

module.exports = { optionChecks };
