'use strict';

const { numericOption } = require('./options');

// `refreshAhead` and `backgroundRefresh`, read once when a client is built.
// Both are off unless set, and need the cache, which they keep fresh. A
// value out of range is an ArgumentError (lib/config/options.js) even where the
// option is then ignored (no cache).

/** `refreshAhead: true`: this share of cacheMaxAge before expiry. */
const DEFAULT_AHEAD_SHARE = 0.1;
/** The window never reaches past half the set's life: a wider one would fetch on every lookup. */
const MAX_AHEAD_SHARE = 0.5;

/**
 * `{ ahead, every }` in ms (0: off) from a client's options and the cache
 * settings read for it (`config.cache`, `config.cacheMaxAge`). Refreshing
 * ahead needs a set that expires: cacheMaxAge 0 leaves nothing to refresh
 * ahead of.
 */
function refreshSettings(options, config) {
  const ahead = numericOption('refreshAhead', options.refreshAhead);
  const every = numericOption('backgroundRefresh', options.backgroundRefresh) || 0;
  if (!config.cache) return { ahead: 0, every: 0 };
  const maxAge = config.cacheMaxAge;
  if (!ahead || !maxAge) return { ahead: 0, every };
  const ms = ahead === true ? Math.ceil(maxAge * DEFAULT_AHEAD_SHARE) : ahead;
  return { ahead: Math.max(1, Math.min(ms, Math.floor(maxAge * MAX_AHEAD_SHARE))), every };
}

module.exports = { refreshSettings };
