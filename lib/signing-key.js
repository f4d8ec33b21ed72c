'use strict';

// A signing key with exactly the own properties jwks-rsa gives it, in the
// same order: `publicKey` and `rsaPublicKey` getters, `getPublicKey()`, then
// `kid` and `alg` only when the JWK has them. `getPublicKeyObject()` is
// extra and non-enumerable, so code comparing keys sees no difference.

function publicKeyObjectOf(pem) {
  let keyObject;
  return function getPublicKeyObject() {
    // `crypto` is loaded on first use, to keep require() cheap.
    if (keyObject === undefined) keyObject = require('crypto').createPublicKey(pem);
    return keyObject;
  };
}

function makeSigningKey(data) {
  const pem = data.pem;
  const key = {
    get publicKey() {
      return pem;
    },
    get rsaPublicKey() {
      return pem;
    },
    getPublicKey() {
      return pem;
    },
  };
  if (data.kid !== undefined && data.kid !== null) key.kid = data.kid;
  if (data.alg !== undefined && data.alg !== null) key.alg = data.alg;
  Object.defineProperty(key, 'getPublicKeyObject', {
    value: publicKeyObjectOf(pem),
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return key;
}

module.exports = { makeSigningKey };
