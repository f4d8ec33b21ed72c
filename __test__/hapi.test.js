'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { frameworkSuite, startPair, servedKeys } = require('./helpers/framework-suite');
const { startHapiApp, startHapi16App } = require('./helpers/apps');
const { startJwksServer } = require('./helpers/server');
const { signToken } = require('./helpers/tokens');

// hapiJwt2KeyAsync under @hapi/hapi with hapi-auth-jwt2 11 (which awaits
// its `key` function), and hapiJwt2Key under hapi 16 with hapi-auth-jwt2 7
// (the last to call `key` with a callback). Every lookup failure, an
// unknown kid included, is an error, which hapi answers with a 500.

const failure = (message) => ({ status: 500, message });

frameworkSuite('hapiJwt2KeyAsync: @hapi/hapi + hapi-auth-jwt2', (lib, options) => startHapiApp(lib.hapiJwt2KeyAsync(options)), {
  EdDSA: { status: 401, message: 'Invalid token' },
  'an unknown kid': failure("Unable to find a signing key that matches 'stranger'"),
  'a wrong signature': { status: 401, message: 'Invalid token' },
  'a symmetric alg': failure('Unsupported algorithm HS256 supplied.'),
  'a header without alg': failure('Unsupported algorithm undefined supplied.'),
  'no header': { status: 401, message: 'Invalid token format' },
  'an endpoint that is down': failure(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/),
});

frameworkSuite('hapiJwt2Key: hapi 16 + hapi-auth-jwt2 7', (lib, options) => startHapi16App(lib.hapiJwt2Key(options)), {
  EdDSA: { status: 401, message: 'Invalid token' },
  'an unknown kid': failure("Unable to find a signing key that matches 'stranger'"),
  'a wrong signature': { status: 401, message: 'Invalid token' },
  'a symmetric alg': failure('Unsupported algorithm HS256 supplied.'),
  'a header without alg': failure('Unsupported algorithm undefined supplied.'),
  // hapi-auth-jwt2 7 hands a token it cannot decode to `key` as null.
  'no header': failure('Cannot find a signing certificate if there is no header'),
  'an endpoint that is down': failure(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/),
});

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
