'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const native = require('..');
const { frameworkSuite, servedKeys } = require('./helpers/framework-suite');
const { startFastifyApp } = require('./helpers/apps');
const { startJwksServer } = require('./helpers/server');
const { callApi } = require('./helpers/http-client');
const { signToken } = require('./helpers/tokens');

// fastifyJwtSecret under fastify 5 with @fastify/jwt 10, which verifies
// with fast-jwt (EdDSA included). jwks-rsa has no fastify helper, so the
// app runs alone. A token that gets no key is a 401, not the 500
// @fastify/jwt gives any error of its secret function; an unreachable
// endpoint stays a 500.

const NO_KEY = 'Missing / invalid token algorithm';
const INVALID = { status: 401, message: 'Authorization token is invalid: The token signature is invalid.' };

frameworkSuite(
  'fastifyJwtSecret: fastify 5 + @fastify/jwt 10',
  (lib, options) => startFastifyApp(lib.fastifyJwtSecret(options)),
  {
    'an unknown kid': { status: 401, message: "Unable to find a signing key that matches 'stranger'" },
    'a wrong signature': INVALID,
    'a symmetric alg': { status: 401, message: NO_KEY },
    'a header without alg': { status: 401, message: NO_KEY },
    'no header': { status: 401, message: /^Authorization token is invalid/ },
    'an endpoint that is down': { status: 500, message: /^connect ECONNREFUSED 127\.0\.0\.1:\d+$/ },
  },
  { upstream: false, verifiable: ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] },
);

test('fastify: the refusal of an unknown kid is the SigningKeyNotFoundError, with statusCode 401', async () => {
  const endpoint = await startJwksServer(servedKeys.map((k) => k.jwk));
  try {
    const secret = native.fastifyJwtSecret({ jwksUri: endpoint.url });
    const token = { header: { alg: 'RS256', kid: 'nope' }, payload: {} };
    await assert.rejects(secret({}, token), (err) => {
      assert.ok(err instanceof native.SigningKeyNotFoundError);
      assert.equal(err.statusCode, 401);
      assert.equal(err.message, "Unable to find a signing key that matches 'nope'");
      return true;
    });
    assert.equal(await secret({}, { header: { alg: 'RS256', kid: servedKeys[0].kid }, payload: {} }), servedKeys[0].pem);
  } finally {
    await endpoint.close();
  }
});

test('fastify: without decode: { complete: true } the helper says so, with a 500', async () => {
  const endpoint = await startJwksServer(servedKeys.map((k) => k.jwk));
  const app = await startFastifyApp(native.fastifyJwtSecret({ jwksUri: endpoint.url }), { complete: false });
  try {
    const answer = await callApi(app.url, signToken(servedKeys[0]));
    assert.equal(answer.status, 500);
    assert.equal(answer.body.message, 'fastifyJwtSecret needs the token header: register @fastify/jwt with decode: { complete: true }');
    assert.equal(endpoint.count, 0);
  } finally {
    await app.close();
    await endpoint.close();
  }
});

test('fastifyJwtSecret requires options and a key source, with the ArgumentErrors of the other helpers', () => {
  assert.throws(() => native.fastifyJwtSecret(), {
    name: 'ArgumentError',
    message: 'An options object must be provided when initializing fastifyJwtSecret',
  });
  assert.throws(() => native.fastifyJwtSecret({}), { name: 'ArgumentError', message: 'No JWKS provided. Please provide a jwksUri' });
  assert.equal(typeof native.fastifyJwtSecret({ issuer: 'https://a.example/' }).client.getSigningKey, 'function');
  assert.ok(native.fastifyJwtSecret({ issuers: ['https://a.example/'] }).clients instanceof Map);
});
