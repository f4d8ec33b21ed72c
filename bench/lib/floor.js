'use strict';

// Node's floor for a cold first key: what any implementation must at least
// do, with nothing around it. One `http.get` (the server closes every
// connection, so each is fresh), `JSON.parse` of the body, then
// `crypto.createPublicKey` of the one key asked for, exported as SPKI PEM.
// No cache, no checks of the other keys, no error handling beyond failing.
// It has the shape of a `jwksClient` factory so that the measuring workers
// load and call it as they do the two implementations.

const crypto = require('crypto');
const http = require('http');

function fetchJson(uri) {
  return new Promise((resolve, reject) => {
    http
      .get(uri, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

function jwksClient({ jwksUri }) {
  return {
    async getSigningKey(kid) {
      const { keys } = await fetchJson(jwksUri);
      const jwk = keys.find((k) => k.kid === kid);
      if (!jwk) throw new Error(`no key ${kid}`);
      const publicKey = crypto.createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      return { kid, alg: jwk.alg, getPublicKey: () => publicKey, publicKey };
    },
  };
}

module.exports = jwksClient;
