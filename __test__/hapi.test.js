'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { frameworkSuite, startPair, servedKeys } = require('./helpers/framework-suite');
const { startHapiApp } = require('./helpers/apps');
const { startJwksServer } = require('./helpers/server');
const { signToken } = require('./helpers/tokens');

// hapiJwt2KeyAsync under @hapi/hapi with hapi-auth-jwt2 11 (which awaits
// its `key` function). Every lookup failure, an unknown kid included, is a
// rejection, which hapi answers with a 500.

const failure = (message) => ({ status: 500, message });

frameworkSuite(
  'hapiJwt2KeyAsync: @hapi/hapi + hapi-auth-jwt2',
  (lib, options) => startHapiApp(lib.hapiJwt2KeyAsync(options)),
  {
    EdDSA: { status: 401, message: 'Invalid token' },
    'an unknown kid': failure("Unable to find a signing key that matches 'stranger'"),
    'a wrong signature': { status: 401, message: 'Invalid token' },
    'a symmetric alg': failure('Unsupported algorithm HS256 supplied.'),
    'a header without alg': failure('Unsupported algorithm undefined supplied.'),
    'no header': { status: 401, message: 'Invalid token format' },
    'an endpoint that is down': failure(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/),
  },
);

test('hapi: a strategy that decodes no header gets the same 500 as with jwks-rsa', async () => {
  const endpoint = await startJwksServer(servedKeys.map((k) => k.jwk));
  const pair = await startPair((lib, options) => startHapiApp(lib.hapiJwt2KeyAsync(options), { complete: false }), {
    jwksUri: endpoint.url,
  });
  try {
    const answer = await pair.call(signToken(servedKeys[0]));
    assert.equal(answer.status, 500);
    assert.equal(answer.body.cause, 'Cannot find a signing certificate if there is no header');
  } finally {
    await pair.close();
    await endpoint.close();
  }
});
