'use strict';

const { KeyObject } = require('crypto');

// Comparable pictures of what a helper hands back, so jwks-rsa's answer and
// ours can be deep-compared: PEMs without their final newline (jwks-rsa's
// lacks it), errors by name and message, signing keys by kid and PEM.

function picture(value) {
  if (value instanceof KeyObject) return { keyObject: value.export({ type: 'spki', format: 'pem' }).trimEnd() };
  if (value instanceof Error) return { error: value.name, message: value.message };
  if (typeof value === 'string') return value.trimEnd();
  if (value && typeof value.getPublicKey === 'function') return { kid: value.kid, pem: value.getPublicKey().trimEnd() };
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, picture(v)]));
  }
  return value;
}

/** The arguments of the first call of a callback passed last to `run`. */
function callbackArgs(run) {
  return new Promise((resolve) => {
    run((...args) => resolve(args.map(picture)));
  });
}

/** `{ resolved }` or `{ rejected }` of a promise (or a sync throw). */
async function settled(run) {
  try {
    return { resolved: picture(await run()) };
  } catch (err) {
    return { rejected: picture(err) };
  }
}

module.exports = { picture, callbackArgs, settled };
