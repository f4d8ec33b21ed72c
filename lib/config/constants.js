'use strict';

const { binding } = require('../loader/native');

module.exports = {
  // The options' defaults and bounds are the core's, written once in
  // src/state/option_rule.rs; lib/config/options.js applies them.
  DEFAULT_CACHE_MAX_AGE_MS: binding.DEFAULT_CACHE_MAX_AGE_MS,
  DEFAULT_CACHE_MAX_ENTRIES: binding.DEFAULT_CACHE_MAX_ENTRIES,
  DEFAULT_COMMAND_TIMEOUT_MS: binding.DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_JWKS_REQUESTS_PER_MINUTE: binding.DEFAULT_JWKS_REQUESTS_PER_MINUTE,
  DEFAULT_MAX_RESPONSE_BYTES: binding.DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MIN_CACHE_AGE_MS: binding.DEFAULT_MIN_CACHE_AGE_MS,
  DEFAULT_RETRIES: binding.DEFAULT_RETRIES,
  DEFAULT_RETRY_MAX_DELAY_MS: binding.DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_RETRY_MIN_DELAY_MS: binding.DEFAULT_RETRY_MIN_DELAY_MS,
  DEFAULT_TIMEOUT_MS: binding.DEFAULT_TIMEOUT_MS,
  MAX_RETRIES: binding.MAX_RETRIES,
  MAX_TIMER_MS: binding.MAX_TIMER_MS,
  MIN_BACKGROUND_MS: binding.MIN_BACKGROUND_MS,
  /** The algorithms the framework helpers accept, as in jwks-rsa. */
  SUPPORTED_ALGORITHMS: Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']),
};
