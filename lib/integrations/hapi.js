'use strict';

const { keySource } = require('./key-source');
const { isSupportedAlgorithm, requireOptions, verificationKeyOf, withClient } = require('./provider');

// hapi's policy: every lookup failure, unknown kid included, is an error.
function passError(err, cb) {
  if (err) return cb(err, null, null);
  return undefined;
}

/**
 * A `key` function for hapi-auth-jwt2 in callback form:
 * `(decoded, cb)`, calling `cb(err, key, signingKey)`.
 */
function hapiJwt2Key(options) {
  requireOptions(options, 'hapiJwt2Key');
  const source = keySource(options);
  const onError = options.handleSigningKeyError || passError;
  const toSecret = verificationKeyOf(options);

  return withClient(function secretProvider(decoded, cb) {
    if (!decoded || !decoded.header) {
      return cb(new Error('Cannot find a signing certificate if there is no header'), null, null);
    }
    const alg = decoded.header.alg;
    if (!isSupportedAlgorithm(alg)) {
      return cb(new Error('Unsupported algorithm ' + alg + ' supplied.'), null, null);
    }
    // A callback that throws lands in the error handler, as with jwks-rsa.
    source
      .signingKey(decoded.header.kid, decoded.payload, alg)
      .then((key) => cb(null, toSecret(key), key))
      .catch((err) => onError(err, (newError) => cb(newError, null, null)));
    return undefined;
  }, source);
}

/**
 * The promise form hapi-auth-jwt2 8 and later expect: resolves `{ key }`,
 * rejects with the error (which may be `null` when a custom handler
 * withholds the key without an error).
 */
function hapiJwt2KeyAsync(options) {
  const secretProvider = hapiJwt2Key(options);
  return withClient(
    function (decoded) {
      return new Promise((resolve, reject) => {
        secretProvider(decoded, (err, key) => (!key || err ? reject(err) : resolve({ key })));
      });
    },
    { client: secretProvider.client, clients: secretProvider.clients },
  );
}

module.exports = { hapiJwt2Key, hapiJwt2KeyAsync };
