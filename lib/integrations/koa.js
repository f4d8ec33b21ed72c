'use strict';

const { keySource } = require('./key-source');
const { isSupportedAlgorithm, requireJwksUri, verificationKeyOf, withClient } = require('./provider');

/**
 * A `secret` for koa-jwt: called with the token header, resolves the key or
 * rejects (koa-jwt then answers 401).
 */
function koaJwtSecret(options = {}) {
  requireJwksUri(options);
  const source = keySource(options);
  const toSecret = verificationKeyOf(options);

  // koa-jwt passes the decoded payload second (read only with `issuers`).
  return withClient(function secretProvider({ alg, kid } = /** @type {{ alg?: string, kid?: string }} */ ({}), payload) {
    return new Promise((resolve, reject) => {
      if (!isSupportedAlgorithm(alg)) {
        return reject(new Error('Missing / invalid token algorithm'));
      }
      source
        .signingKey(kid, payload, alg)
        .then((key) => {
          resolve(toSecret(key));
        })
        .catch((err) => {
          // Read on each failure, and the handler's resolution becomes the
          // rejection reason, as koa users of jwks-rsa rely on.
          if (options.handleSigningKeyError) {
            return options.handleSigningKeyError(err).then(reject);
          }
          return reject(err);
        });
    });
  }, source);
}

module.exports = { koaJwtSecret };
