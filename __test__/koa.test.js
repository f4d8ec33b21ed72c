'use strict';

const { frameworkSuite } = require('./helpers/framework-suite');
const { startKoaApp } = require('./helpers/apps');

// koaJwtSecret under koa with koa-jwt 4 (debug on, so the 401 says why):
// every refusal is a 401, and the helper's own rejections show through.

frameworkSuite('koaJwtSecret: koa + koa-jwt 4', (lib, options) => startKoaApp(lib.koaJwtSecret(options)), {
  EdDSA: { status: 401, message: 'Unknown key type "ed25519".' },
  'an unknown kid': { status: 401, message: "Unable to find a signing key that matches 'stranger'" },
  'a wrong signature': { status: 401, message: 'invalid signature' },
  'a symmetric alg': { status: 401, message: 'Missing / invalid token algorithm' },
  'a header without alg': { status: 401, message: 'Missing / invalid token algorithm' },
  // koa-jwt refuses a token it cannot decode before asking for a key.
  'no header': { status: 401, message: 'Invalid token' },
  'an endpoint that is down': { status: 401, message: /^connect ECONNREFUSED 127\.0\.0\.1:\d+$/ },
});
