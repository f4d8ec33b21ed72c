'use strict';

const { frameworkSuite } = require('./helpers/framework-suite');
const { startPassportApp } = require('./helpers/apps');

// passportJwtSecret under express with passport and passport-jwt 4: "no
// key" (unknown kid, symmetric alg, no alg) reaches jsonwebtoken as a null
// key, and a lookup error fails the strategy; both are 401s.

const NO_KEY = { status: 401, message: 'secret or public key must be provided' };

frameworkSuite(
  'passportJwtSecret: express + passport + passport-jwt 4',
  (lib, options) => startPassportApp(lib.passportJwtSecret(options)),
  {
    EdDSA: { status: 401, message: 'Unknown key type "ed25519".' },
    'an unknown kid': NO_KEY,
    'a wrong signature': { status: 401, message: 'invalid signature' },
    'a symmetric alg': NO_KEY,
    'a header without alg': NO_KEY,
    'no header': { status: 401, message: 'invalid token' },
    'an endpoint that is down': { status: 401, message: /^connect ECONNREFUSED 127\.0\.0\.1:\d+$/ },
  },
);
