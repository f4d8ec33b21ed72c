'use strict';

const { generate } = require('../helpers/keys');

// An Ed448 key whose PEM is known without the runtime's crypto, which may
// lack Ed448 (Bun's BoringSSL does): the SPKI of RFC 8410 is a fixed header
// and the 57 bytes of `x`.

const SPKI_HEADER = Buffer.from('3043300506032b6571033a00', 'hex');
// The public key of RFC 8032's first Ed448 test vector.
const RFC8032_X = Buffer.from(
  '5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180',
  'hex',
).toString('base64url');

function spkiPem(x) {
  const der = Buffer.concat([SPKI_HEADER, Buffer.from(x, 'base64url')]).toString('base64');
  // No final newline: jwks-rsa 4.1.0's PEM form.
  return `-----BEGIN PUBLIC KEY-----\n${der.match(/.{1,64}/g).join('\n')}\n-----END PUBLIC KEY-----`;
}

/**
 * `{ kid, jwk, pem }`, plus `cryptoPem` (the runtime's own PEM of a freshly
 * generated key) or `reason` (why the runtime could not make one).
 */
function ed448Key(kid) {
  try {
    const key = generate('Ed448', kid);
    return { kid, jwk: key.jwk, pem: spkiPem(key.jwk.x), cryptoPem: key.pem };
  } catch (err) {
    const jwk = { kty: 'OKP', crv: 'Ed448', x: RFC8032_X, kid };
    return { kid, jwk, pem: spkiPem(jwk.x), reason: `this runtime's crypto has no Ed448 (${err.message})` };
  }
}

module.exports = { ed448Key, RFC8032_X };
