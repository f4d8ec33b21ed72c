'use strict';

const classes = { ...require('./errors'), TypeError };

// Values thrown by JavaScript hooks, kept for the lookups that failed on
// them. Handles only grow: a stale one never returns another hook's error.
const hookErrors = new Map();
let nextHandle = 1;

function keepHookError(value) {
  keep(hookErrors, nextHandle, value, 256);
  return nextHandle++;
}

// Sets `key` in a map that keeps its latest `size` entries.
function keep(map, key, value, size) {
  map.set(key, value);
  if (map.size > size) map.delete(map.keys().next().value);
}

// The value a hook threw. A source standing in for the endpoint is read as
// jwks-rsa's getKeys() reads a failed request: `errorMsg` makes a JwksError,
// and flagging the error throws a TypeError (strict mode) for a primitive or
// a frozen object, as there.
function hookError(info) {
  if (!hookErrors.has(info.handle)) return new Error('A JavaScript hook failed and its error is no longer available');
  const value = hookErrors.get(info.handle);
  if (!info.endpointUnavailable) return value;
  if (value === null || value === undefined) return new TypeError(`Cannot destructure property 'errorMsg' of 'err' as it is ${value}.`);
  const err = value.errorMsg ? new classes.JwksError(value.errorMsg) : value;
  err.isEndpointUnavailable = true;
  return err;
}

// Node 24 and later end these certificate errors with a hint about
// `--use-system-ca` (even when it is on), and so does jwks-rsa through it.
const HINTED_CODES = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT']);
const HINTS = !process.versions.bun && !process.versions.deno && Number(process.versions.node.split('.')[0]) >= 24;
const SYSTEM_CA_HINT = HINTS ? '; if the root CA is installed locally, try running Node.js with --use-system-ca' : '';

// A transport failure, with Node's own property order.
function systemError(info) {
  const err = new Error(HINTED_CODES.has(info.code) ? info.message + SYSTEM_CA_HINT : info.message);
  for (const name of ['errno', 'code', 'syscall', 'hostname', 'address', 'port']) if (info[name] !== undefined) err[name] = info[name];
  return err;
}

// V8's own SyntaxError for the body, as JSON.parse raised it in jwks-rsa.
// Every lookup that waited on one fetch receives the same syntaxId: the
// body crosses over and is parsed once per fetch, not once per lookup.
const syntaxMessages = new Map();

function syntaxMessage(info) {
  if (syntaxMessages.has(info.syntaxId)) return syntaxMessages.get(info.syntaxId);
  const body = require('./loader/native').binding.syntaxErrorBody(info.syntaxId);
  let message = info.message;
  try {
    if (typeof body === 'string') JSON.parse(body);
  } catch (/** @type {any} */ err) {
    message = err.message;
  }
  keep(syntaxMessages, info.syntaxId, message, 16);
  return message;
}

function toError(info) {
  if (info.kind === 'HookError') return hookError(info);
  let err;
  if (info.kind === 'Error') err = systemError(info);
  else if (info.kind === 'SyntaxError') err = new SyntaxError(syntaxMessage(info));
  else err = new (classes[info.kind] || Error)(info.message);
  if (info.endpointUnavailable) err.isEndpointUnavailable = true;
  return err;
}

module.exports = { toError, keepHookError };
