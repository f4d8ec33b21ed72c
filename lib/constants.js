'use strict';

/** Largest JWKS response accepted by default: 1 MiB. */
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Deadline of a fetch when `timeout` is not a positive number: 30 s. */
const DEFAULT_TIMEOUT_MS = 30000;

/** Longest delay of a timer: Node runs a longer one after 1 ms (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2147483647;

/** Longest deadline: Node's timers clamp to this. */
const MAX_TIMEOUT_MS = MAX_TIMER_MS;

/** `minCacheAge` when not set: 30 s (the same as src/cache_control.rs). */
const DEFAULT_MIN_CACHE_AGE_MS = 30000;

/** Shortest period of `backgroundRefresh`: no option makes it hammer the endpoint. */
const MIN_BACKGROUND_MS = 1000;

/** `sharedCache.commandTimeout` when not set: 500 ms, or the fetch `timeout` if shorter. */
const DEFAULT_COMMAND_TIMEOUT_MS = 500;

/** The latest time a `Date` holds (8.64e15 ms after the epoch). */
const MAX_DATE_MS = 8.64e15;

/** The algorithms the framework helpers accept, as in jwks-rsa. */
const SUPPORTED_ALGORITHMS = Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

module.exports = {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MIN_CACHE_AGE_MS,
  DEFAULT_TIMEOUT_MS,
  MAX_DATE_MS,
  MAX_TIMEOUT_MS,
  MAX_TIMER_MS,
  MIN_BACKGROUND_MS,
  SUPPORTED_ALGORITHMS,
};
