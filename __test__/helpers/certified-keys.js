'use strict';

const crypto = require('crypto');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { publicJwk } = require('./keys');

// Key pairs from node:crypto with a self-signed certificate made by the
// openssl command line, published the way some identity providers do: a
// JWK whose only key material is its `x5c` certificate.

const SPECS = {
  RS256: ['rsa', { modulusLength: 2048 }, 'RSA'],
  PS256: ['rsa', { modulusLength: 2048 }, 'RSA'],
  ES256: ['ec', { namedCurve: 'P-256' }, 'EC'],
  ES512: ['ec', { namedCurve: 'P-521' }, 'EC'],
  EdDSA: ['ed25519', {}, 'OKP'],
  ES256K: ['ec', { namedCurve: 'secp256k1' }, 'EC'],
};

let dir;
function certify(privateKey, name) {
  dir = dir || fs.mkdtempSync(path.join(os.tmpdir(), 'jwks-x5c-'));
  const keyFile = path.join(dir, `${name}.key`);
  fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const certFile = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-new', '-key', keyFile, '-subj', `/CN=${name}`, '-days', '2', '-out', certFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new crypto.X509Certificate(fs.readFileSync(certFile));
}

/**
 * A key of `alg` with its certificate: `jwk` carries only kty, kid, alg and
 * x5c; `full` the public members as well; `pem` is Node's SPKI PEM of the
 * certificate's key without its final newline.
 */
function certifiedKey(alg, kid) {
  const [type, options, kty] = SPECS[alg];
  const { publicKey, privateKey } = crypto.generateKeyPairSync(type, options);
  const certificate = certify(privateKey, kid);
  const x5c = [certificate.raw.toString('base64')];
  const members = publicJwk(publicKey);
  return {
    alg,
    kid,
    privateKey,
    jwk: { kty, kid, alg, x5c },
    full: { ...members, kid, alg, x5c },
    pem: certificate.publicKey.export({ type: 'spki', format: 'pem' }).replace(/\n$/, ''),
  };
}

module.exports = { certifiedKey };
