'use strict';

const { ArgumentError } = require('../errors');
const { SUPPORTED_ALGORITHMS } = require('../config/constants');

// What every framework helper's key provider shares: the algorithm gate,
// the options checks, the default error policy, the choice of what a
// verifier is handed, and access to the client behind it.

/** Whether a token's `alg` is one the helpers look a key up for. */
function isSupportedAlgorithm(alg) {
  return SUPPORTED_ALGORITHMS.includes(alg);
}

function requireOptions(options, helperName) {
  if (options === null || options === undefined) {
    throw new ArgumentError(`An options object must be provided when initializing ${helperName}`);
  }
}

// `issuer` (discovery) and `issuers` stand in for `jwksUri`; with none of
// them, jwks-rsa's message.
function requireJwksUri(options) {
  if (!options.jwksUri && options.issuer == null && options.issuers === undefined) {
    throw new ArgumentError('No JWKS provided. Please provide a jwksUri');
  }
}

// An unknown kid yields "no key" so the framework answers 401 itself;
// anything else (endpoint down, rate limit) is an error worth surfacing.
function withholdMissingKey(err, cb) {
  if (err && err.name === 'SigningKeyNotFoundError') return cb(null);
  if (err) return cb(err);
  return undefined;
}

// The PEM string by default, as jwks-rsa hands out. With `keyObject: true`
// the parsed key is handed out instead, so jsonwebtoken need not parse the
// PEM again on every verification.
function verificationKeyOf(options) {
  if (options.keyObject) return (key) => key.getPublicKeyObject();
  return (key) => key.publicKey || key.rsaPublicKey;
}

// The client stays reachable (`provider.client.stats()`) without showing up
// in the provider's own enumerable keys; with `issuers`, the map of clients
// (`provider.clients`) instead.
function withClient(provider, source) {
  const [name, value] = source.clients ? ['clients', source.clients] : ['client', source.client];
  Object.defineProperty(provider, name, { value, configurable: true });
  return provider;
}

module.exports = {
  withClient,
  isSupportedAlgorithm,
  requireOptions,
  requireJwksUri,
  withholdMissingKey,
  verificationKeyOf,
};
