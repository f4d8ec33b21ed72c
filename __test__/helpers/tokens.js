'use strict';

const crypto = require('crypto');
const jwt = require('jsonwebtoken');

// Tokens as an identity provider (or an attacker) would mint them.

const CLAIMS = { sub: 'user-1', aud: 'api' };

const segment = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

// jsonwebtoken 9 has no EdDSA, so those are signed with node:crypto.
function signEdDSA(claims, privateKey, header) {
  const input = `${segment({ alg: 'EdDSA', typ: 'JWT', ...header })}.${segment(claims)}`;
  return `${input}.${crypto.sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}

/** A token signed by `key` (from keys.js), its kid in the header. */
function signToken(key, { claims = CLAIMS, header = {} } = {}) {
  const fullHeader = { kid: key.kid, ...header };
  if (key.alg === 'EdDSA') return signEdDSA(claims, key.privateKey, fullHeader);
  return jwt.sign(claims, key.privateKey, { algorithm: key.alg, header: fullHeader, expiresIn: '1h' });
}

// A compact token whose header is exactly `header` (no alg added).
function withRawHeader(token, header) {
  const [, payload, signature] = token.split('.');
  return `${header === '' ? '' : segment(header)}.${payload}.${signature}`;
}

/**
 * The tokens a verifier must refuse, built around `key` (served by the
 * endpoint) and `stranger` (a key of the same type it does not serve).
 */
function hostileTokens(key, stranger) {
  const valid = signToken(key);
  return {
    'an unknown kid': signToken(stranger),
    'a wrong signature': signToken({ ...stranger, kid: key.kid }),
    // The classic confusion: HMAC keyed with the public PEM the endpoint serves.
    'a symmetric alg': jwt.sign(CLAIMS, Buffer.from(key.pem), { algorithm: 'HS256', keyid: key.kid }),
    'a header without alg': withRawHeader(valid, { typ: 'JWT', kid: key.kid }),
    'no header': withRawHeader(valid, ''),
  };
}

module.exports = { CLAIMS, signToken, hostileTokens, withRawHeader };
