'use strict';

const { keySource } = require('./key-source');
const { decodeCompactJwt } = require('./compact-jwt');
const { isSupportedAlgorithm, requireJwksUri, requireOptions, verificationKeyOf, withClient, withholdMissingKey } = require('./provider');

/**
 * A `secretOrKeyProvider` for passport-jwt: `(req, rawJwtToken, cb)`,
 * calling `cb(null, key)`, `cb(null, null)` when no key applies (an
 * unreadable token, an algorithm outside the list, an unknown kid), or
 * `cb(err, null)`.
 */
function passportJwtSecret(options) {
  requireOptions(options, 'passportJwtSecret');
  requireJwksUri(options);
  const source = keySource(options);
  const onError = options.handleSigningKeyError || withholdMissingKey;
  const toSecret = verificationKeyOf(options);

  return withClient(function secretProvider(req, rawJwtToken, cb) {
    const decoded = decodeCompactJwt(rawJwtToken);
    if (!decoded || !isSupportedAlgorithm(decoded.header.alg)) {
      return cb(null, null);
    }
    // A callback that throws lands in the error handler, as with jwks-rsa.
    source
      .signingKey(decoded.header.kid, decoded.payload, decoded.header.alg)
      .then((key) => {
        cb(null, toSecret(key));
      })
      .catch((err) => {
        onError(err, (newError) => cb(newError, null));
      });
    return undefined;
  }, source);
}

module.exports = { passportJwtSecret };
