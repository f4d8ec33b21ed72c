'use strict';

const { keySource } = require('./key-source');
const { isSupportedAlgorithm, requireJwksUri, requireOptions, withClient } = require('./provider');

// @fastify/jwt answers any error of its `secret` function with a 500, and
// fastify's error handler answers with an error's `statusCode`. A token that
// gets no key (an unknown kid, an issuer not accepted, a key that does not
// fit its algorithm, an algorithm no key is looked up for) is refused with
// a 401; any other failure (endpoint down, rate limit) stays a 500.
function refused(err) {
  err.statusCode = 401;
  return err;
}

/**
 * A `secret` for @fastify/jwt registered with `decode: { complete: true }`:
 * `(request, token) => Promise<string>`, the PEM of the token's key.
 * fast-jwt, which @fastify/jwt verifies with, takes no KeyObject and caches
 * its parse of each PEM itself, so `keyObject` does not apply. There being
 * no jwks-rsa counterpart to stay compatible with, `selectByAlg` is on
 * unless set to `false`.
 */
function fastifyJwtSecret(options) {
  requireOptions(options, 'fastifyJwtSecret');
  requireJwksUri(options);
  const source = keySource({ selectByAlg: true, ...options });

  return withClient(async function secretProvider(request, token) {
    const header = token && token.header;
    if (!header) {
      throw new Error('fastifyJwtSecret needs the token header: register @fastify/jwt with decode: { complete: true }');
    }
    if (!isSupportedAlgorithm(header.alg)) throw refused(new Error('Missing / invalid token algorithm'));
    try {
      const key = await source.signingKey(header.kid, token.payload, header.alg);
      return key.publicKey;
    } catch (/** @type {any} */ err) {
      throw err && err.name === 'SigningKeyNotFoundError' ? refused(err) : err;
    }
  }, source);
}

module.exports = { fastifyJwtSecret };
