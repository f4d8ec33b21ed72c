'use strict';

const express4 = require('express');
const express5 = require('express-v5');
const expressJwt6 = require('express-jwt-v6');
const { expressjwt: expressJwt7 } = require('express-jwt-v7');
const { expressjwt: expressJwt8 } = require('express-jwt');
const { frameworkSuite } = require('./helpers/framework-suite');
const { startExpressApp } = require('./helpers/apps');

// expressJwtSecret under express 4 and 5, with express-jwt 6 (callback
// form, chosen by arity) and 7 and 8 (promise form). An unknown kid, a
// symmetric alg and a header without alg all yield "no key", which
// express-jwt turns into a 401; an unreachable endpoint is passed on as
// the error itself.

const NO_KEY = { status: 401, message: 'secret or public key must be provided' };

const expectedFor = (jwtMajor) => ({
  // express-jwt 6 verifies with jsonwebtoken 8, 7 and 8 with jsonwebtoken 9.
  EdDSA: { status: 401, message: jwtMajor === 6 ? /^"EdDSA" is not a valid algorithm/ : 'Unknown key type "ed25519".' },
  'an unknown kid': NO_KEY,
  'a wrong signature': { status: 401, message: 'invalid signature' },
  'a symmetric alg': NO_KEY,
  'a header without alg': NO_KEY,
  'no header': { status: 401, message: 'invalid token' },
  'an endpoint that is down': { status: 500, message: /^connect ECONNREFUSED 127\.0\.0\.1:\d+$/ },
});

const expressVersions = { 'express 4': express4, 'express 5': express5 };
const expressJwtVersions = { 6: expressJwt6, 7: expressJwt7, 8: expressJwt8 };

for (const [expressName, express] of Object.entries(expressVersions)) {
  for (const [major, expressjwt] of Object.entries(expressJwtVersions)) {
    frameworkSuite(
      `expressJwtSecret: ${expressName} + express-jwt ${major}`,
      (lib, options) => startExpressApp({ express, expressjwt }, lib.expressJwtSecret(options)),
      expectedFor(Number(major)),
    );
  }
}
