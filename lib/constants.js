'use strict';

/** Largest JWKS response accepted by default: 1 MiB. */
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Deadline of a fetch when `timeout` is not a positive number: 30 s. */
const DEFAULT_TIMEOUT_MS = 30000;

/** Longest deadline: Node's timers clamp to this (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMEOUT_MS = 2147483647;

/** The algorithms the framework helpers accept, as in jwks-rsa. */
const SUPPORTED_ALGORITHMS = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);

module.exports = { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, SUPPORTED_ALGORITHMS };
