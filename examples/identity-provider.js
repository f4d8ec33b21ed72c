'use strict';

// A throwaway identity provider for the examples and the demo: a JWKS
// endpoint on 127.0.0.1 publishing RSA, EC and Ed25519 keys, and a minter
// of tokens signed with them. Never use it for anything real.

const crypto = require('crypto');
const http = require('http');
const jwt = require('jsonwebtoken');

const KEY_TYPES = {
  RS256: ['rsa', { modulusLength: 2048 }],
  ES256: ['ec', { namedCurve: 'P-256' }],
  EdDSA: ['ed25519', {}],
};

// Exported through a fresh KeyObject: exporting a just-generated EC key
// itself can deadlock Node 20 if a GC destroys its generation job meanwhile.
function publicJwk(publicKey) {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ format: 'jwk' });
}

/** A fresh key pair: `{ kid, alg, privateKey, jwk }`. */
function createSigningKey(alg, kid) {
  const [type, options] = KEY_TYPES[alg];
  const { publicKey, privateKey } = crypto.generateKeyPairSync(type, options);
  return { kid, alg, privateKey, jwk: { ...publicJwk(publicKey), kid, alg, use: 'sig' } };
}

const segment = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token for `claims` signed by `key`, valid for an hour. */
function signWith(key, claims = {}) {
  const now = Math.floor(Date.now() / 1000);
  const body = { iat: now, exp: now + 3600, ...claims };
  if (key.alg !== 'EdDSA') return jwt.sign(body, key.privateKey, { algorithm: key.alg, keyid: key.kid });
  // jsonwebtoken cannot sign EdDSA; node:crypto can.
  const input = `${segment({ alg: 'EdDSA', typ: 'JWT', kid: key.kid })}.${segment(body)}`;
  return `${input}.${crypto.sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`;
}

/** Starts the provider: its `jwksUri`, `keys`, request count and controls. */
async function startIdentityProvider({ port = 0 } = {}) {
  const keys = [createSigningKey('RS256', 'rsa-1'), createSigningKey('ES256', 'ec-1'), createSigningKey('EdDSA', 'ed-1')];
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    jwksUri: `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`,
    keys,
    get requests() {
      return requests;
    },
    /** A token signed with the published key `kid`. */
    mint: (kid, claims) =>
      signWith(
        keys.find((k) => k.kid === kid),
        claims,
      ),
    /** Publishes a new key next to the old ones, as a rotation begins. */
    rotate(alg, kid) {
      const key = createSigningKey(alg, kid);
      keys.push(key);
      return key;
    },
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { createSigningKey, signWith, startIdentityProvider };
