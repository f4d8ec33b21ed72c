'use strict';

// Reads the header of a compact JWS the way jwks-rsa's passport helper does
// through jose (decodeJwt, then decodeProtectedHeader): exactly three
// segments, a non-empty payload, each segment strict base64url of UTF-8
// JSON that is an object. Where jose would throw, the answer is `null`.

const utf8 = new TextDecoder('utf-8', { fatal: true });

// jose uses Uint8Array.fromBase64 where the runtime has it, else atob on
// the base64 alphabet; each accepts padding and whitespace the same way.
function base64urlBytes(segment) {
  if (typeof Uint8Array.fromBase64 === 'function') {
    return Uint8Array.fromBase64(segment, { alphabet: 'base64url' });
  }
  if (segment.includes('+') || segment.includes('/')) throw new TypeError('Invalid base64url');
  return Buffer.from(atob(segment.replace(/-/g, '+').replace(/_/g, '/')), 'latin1');
}

function jsonObjectOf(segment) {
  const value = JSON.parse(utf8.decode(base64urlBytes(segment)));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('Not an object');
  return value;
}

/** `{ header, payload }` of a compact JWS, or `null` if it cannot be read. */
function decodeCompactJwt(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return null;
  try {
    return { payload: jsonObjectOf(parts[1]), header: jsonObjectOf(parts[0]) };
  } catch {
    return null;
  }
}

module.exports = { decodeCompactJwt };
