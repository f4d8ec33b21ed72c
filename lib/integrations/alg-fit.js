'use strict';

const { madeBy } = require('../client/key-set-client');
const { SigningKeyNotFoundError } = require('../errors');

// `selectByAlg`: the key handed to the verifier is one that fits the token's
// `alg`. jwks-rsa picks by kid alone, so a set listing an RSA and an EC key
// under one kid gives an ES256 token the RSA key, and a PS256 token gets
// the key of an `alg: "RS256"` JWK; jose and aws-jwt-verify refuse both.
// The rule is the core's (src/keys/alg_fit.rs): the key's type and curve
// verify the alg, and a JWK that declares an `alg` declares this one.
// The client's key (memoized by kid) is checked here; only when it does not
// fit is the core asked for the key of the kid that does.

// Type, and curve for EC, of what each algorithm verifies (Node's names).
const FAMILY_OF_ALG = {
  RS256: 'rsa',
  RS384: 'rsa',
  RS512: 'rsa',
  PS256: 'rsa',
  PS384: 'rsa',
  PS512: 'rsa',
  ES256: 'ec:prime256v1',
  ES384: 'ec:secp384r1',
  ES512: 'ec:secp521r1',
};

// Read once per key object: asymmetricKeyDetails builds a new object each time.
const familyOfKey = new WeakMap();

function familyOf(key) {
  let family = familyOfKey.get(key);
  if (family === undefined) {
    const object = key.getPublicKeyObject();
    family = object.asymmetricKeyType === 'ec' ? `ec:${object.asymmetricKeyDetails?.namedCurve}` : object.asymmetricKeyType;
    familyOfKey.set(key, family);
  }
  return family;
}

/** Whether a signing key fits a token signed with `alg`. */
function fits(key, alg) {
  if (key.alg !== undefined && key.alg !== alg) return false;
  const family = familyOf(key);
  return alg === 'EdDSA' ? family === 'ed25519' || family === 'ed448' : FAMILY_OF_ALG[alg] === family;
}

// The other keys of a kid handed out so far, per key the client answered
// and alg: reused until the core's expiry of the answer, as the client's
// memo reuses keys, so that a token for the kid's other key costs no call
// into the core, and its KeyObject is parsed once.
const others = new WeakMap();

/** `key` when it fits `alg`, else (a promise of) the key of `kid` that does, or a SigningKeyNotFoundError. */
function keyForAlg(key, kid, alg) {
  if (fits(key, alg)) return key;
  let byAlg = others.get(key);
  const held = byAlg?.get(alg);
  if (held !== undefined && held.expires >= Date.now()) return held.key;
  const set = madeBy.get(key);
  if (set === undefined) return Promise.reject(new SigningKeyNotFoundError(`Unable to find a signing key that matches '${kid}'`));
  return set.keyForAlg(kid, alg).then((answer) => {
    const same = held !== undefined && held.key.publicKey === answer.key.publicKey;
    const other = same ? held.key : answer.key;
    if (byAlg === undefined) {
      byAlg = new Map();
      others.set(key, byAlg);
    }
    byAlg.set(alg, { key: other, expires: answer.expires });
    return other;
  });
}

module.exports = { keyForAlg, fits };
