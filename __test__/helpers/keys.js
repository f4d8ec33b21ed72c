'use strict';

const crypto = require('crypto');

// Real key pairs from node:crypto, exported as JWKs, with the PEM Node
// itself produces for each public key.

const SPECS = {
  RS256: ['rsa', { modulusLength: 2048 }],
  // PS256 signs with an ordinary RSA key; only the padding differs.
  PS256: ['rsa', { modulusLength: 2048 }],
  ES256: ['ec', { namedCurve: 'P-256' }],
  ES384: ['ec', { namedCurve: 'P-384' }],
  ES512: ['ec', { namedCurve: 'P-521' }],
  EdDSA: ['ed25519', {}],
  Ed448: ['ed448', {}],
};

// Exports through a fresh KeyObject: exporting the generated key itself can
// deadlock Node 20 when a GC destroys its key-generation job meanwhile.
function publicJwk(publicKey) {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ format: 'jwk' });
}

function generate(alg, kid, extra = {}) {
  const [type, options] = SPECS[alg];
  const { publicKey, privateKey } = crypto.generateKeyPairSync(type, options);
  const jwk = { ...publicJwk(publicKey), kid, ...extra };
  if (alg !== 'Ed448' && extra.alg === undefined) jwk.alg = alg;
  return { alg, kid, jwk, privateKey, pem: pemOf(jwk) };
}

// Node's export without its final newline: jwks-rsa 4.1.0's PEM, byte for byte.
function pemOf(jwk) {
  return crypto.createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).replace(/\n$/, '');
}

// One key of each supported type, generated once per test process.
let cached;
function keyRing() {
  if (!cached) {
    cached = Object.keys(SPECS).map((alg, i) => generate(alg, `kid-${alg}-${i}`));
  }
  return cached;
}

module.exports = { generate, keyRing, pemOf, publicJwk };
