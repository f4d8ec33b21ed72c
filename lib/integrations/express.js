'use strict';

const { keySource } = require('./key-source');
const { isSupportedAlgorithm, requireOptions, verificationKeyOf, withClient, withholdMissingKey } = require('./provider');

const onCheckPhase = (value) => new Promise((resolve) => setImmediate(resolve, value));

/**
 * A `secret` for express-jwt: the 4-argument callback form of express-jwt 6
 * and the `(req, token) => Promise` form of express-jwt 7 and later, in one
 * function. Resolves `undefined` when no key applies (express-jwt then
 * rejects the token itself).
 */
function expressJwtSecret(options) {
  requireOptions(options, 'expressJwtSecret');
  const source = keySource(options);
  const onError = options.handleSigningKeyError || withholdMissingKey;
  const toSecret = verificationKeyOf(options);
  // A PEM is handed over on the check phase, as jwks-rsa's memoizer hands
  // out keys: with concurrent requests, the PEM parse jsonwebtoken then does
  // for each runs back to back instead of between HTTP parsing and routing,
  // which measured ~5% less CPU per request. A KeyObject needs no parse.
  const handOver = options.keyObject ? (secret) => secret : (secret) => secret.then(onCheckPhase);

  async function secretFor(token) {
    if (!token) return undefined;
    const header = token.header;
    if (!header || !isSupportedAlgorithm(header.alg)) return undefined;
    try {
      return toSecret(await source.signingKey(header.kid, token.payload, header.alg));
    } catch (err) {
      return new Promise((resolve, reject) => {
        onError(err, (newError) => (newError ? reject(newError) : resolve(undefined)));
      });
    }
  }

  // Four declared parameters: express-jwt 6 picks its calling convention
  // from the function's arity.
  return withClient(function secretProvider(req, header, payload, cb) {
    // biome-ignore lint/complexity/noArguments: rest parameters would change the declared arity
    if (arguments.length === 4) {
      secretFor({ header, payload })
        .then((key) => setImmediate(cb, null, key))
        .catch((err) => setImmediate(cb, err));
      return undefined;
    }
    return handOver(secretFor(header));
  }, source);
}

module.exports = { expressJwtSecret };
