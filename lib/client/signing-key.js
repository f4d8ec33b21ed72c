'use strict';

// A signing key with exactly the own properties jwks-rsa gives it, in the
// same order: `publicKey` and `rsaPublicKey` getters, `getPublicKey()`, then
// `kid` and `alg` only when the JWK has them. `getPublicKeyObject()` is
// extra and non-enumerable, so code comparing keys sees no difference.
function makeSigningKey({ pem, kid, alg }) {
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
  if (kid !== undefined && kid !== null) key.kid = kid;
  if (alg !== undefined && alg !== null) key.alg = alg;
  let keyObject;
  const value = function getPublicKeyObject() {
    // `crypto` loads on first use, to keep require() cheap.
    keyObject = keyObject || require('crypto').createPublicKey(pem);
    return keyObject;
  };
  Object.defineProperty(key, 'getPublicKeyObject', { value, writable: true, configurable: true });
  return key;
}

module.exports = { makeSigningKey };
