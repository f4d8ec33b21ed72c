'use strict';

const { ArgumentError, JwksError, JwksRateLimitError, SigningKeyNotFoundError } = require('./errors');

const classes = { ArgumentError, JwksError, JwksRateLimitError, SigningKeyNotFoundError, TypeError };

// Values thrown by JavaScript hooks, held until the lookups that failed
// because of them take them back. Handles only grow, so a stale handle can
// never return another hook's error.
const hookErrors = new Map();
let nextHandle = 1;
const HOOK_ERRORS_KEPT = 256;

function keepHookError(value) {
  const handle = nextHandle++;
  hookErrors.set(handle, value);
  if (hookErrors.size > HOOK_ERRORS_KEPT) hookErrors.delete(hookErrors.keys().next().value);
  return handle;
}

// The value a hook threw. A source standing in for the endpoint is read as
// jwks-rsa's getKeys() reads a failed request: `errorMsg` makes a JwksError
// and the error is flagged; flagging a primitive or a frozen object throws a
// TypeError (strict mode), exactly as it does there.
function hookError(info) {
  if (!hookErrors.has(info.handle)) {
    return new Error('A JavaScript hook failed and its error is no longer available');
  }
  const value = hookErrors.get(info.handle);
  if (!info.endpointUnavailable) return value;
  if (value === null || value === undefined) {
    return new TypeError(`Cannot destructure property 'errorMsg' of 'err' as it is ${value}.`);
  }
  const err = value.errorMsg ? new JwksError(value.errorMsg) : value;
  err.isEndpointUnavailable = true;
  return err;
}

// Node 24 and later end these certificate errors with a hint about
// `--use-system-ca` (even when it is on); jwks-rsa, going through Node's
// https, reports them that way, so the native client's errors read the same.
const SYSTEM_CA_HINT = '; if the root CA is installed locally, try running Node.js with --use-system-ca';
const HINTED_CODES = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

function nodeHintsSystemCa() {
  if (process.versions.bun || process.versions.deno) return false;
  return Number(process.versions.node.split('.')[0]) >= 24;
}

function transportMessage(info) {
  return HINTED_CODES.has(info.code) && nodeHintsSystemCa() ? info.message + SYSTEM_CA_HINT : info.message;
}

// A transport failure, with Node's own property order.
function systemError(info) {
  /** @type {NodeJS.ErrnoException & { hostname?: string, address?: string, port?: number }} */
  const err = new Error(transportMessage(info));
  if (info.errno !== undefined) err.errno = info.errno;
  err.code = info.code;
  if (info.syscall !== undefined) err.syscall = info.syscall;
  if (info.hostname !== undefined) err.hostname = info.hostname;
  if (info.address !== undefined) err.address = info.address;
  if (info.port !== undefined) err.port = info.port;
  return err;
}

// V8's own SyntaxError for the body, as JSON.parse raised it in jwks-rsa.
// Every lookup that waited on one fetch receives the same syntaxId: the
// body crosses over and is parsed once per fetch, not once per lookup.
const syntaxMessages = new Map();
const SYNTAX_MESSAGES_KEPT = 16;

function syntaxMessage(info) {
  const known = syntaxMessages.get(info.syntaxId);
  if (known !== undefined) return known;
  const body = require('./native').binding.syntaxErrorBody(info.syntaxId);
  let message = info.message;
  if (typeof body === 'string') {
    try {
      JSON.parse(body);
    } catch (/** @type {any} */ err) {
      message = err.message;
    }
  }
  syntaxMessages.set(info.syntaxId, message);
  if (syntaxMessages.size > SYNTAX_MESSAGES_KEPT) syntaxMessages.delete(syntaxMessages.keys().next().value);
  return message;
}

function syntaxError(info) {
  return new SyntaxError(syntaxMessage(info));
}

function toError(info) {
  if (info.kind === 'HookError') return hookError(info);
  let err;
  if (info.kind === 'Error') err = systemError(info);
  else if (info.kind === 'SyntaxError') err = syntaxError(info);
  else err = new (classes[info.kind] || Error)(info.message);
  if (info.endpointUnavailable) err.isEndpointUnavailable = true;
  return err;
}

module.exports = { toError, keepHookError };
